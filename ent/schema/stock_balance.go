package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// StockBalance is the on-hand quantity of one equipment type in one warehouse.
// It always equals the sum of its ledger movements and never goes negative.
type StockBalance struct{ ent.Schema }

// Mixin of the StockBalance.
func (StockBalance) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, AccessMixin{}} }

// Fields of the StockBalance.
func (StockBalance) Fields() []ent.Field {
	return []ent.Field{
		field.Int("warehouse_id"),
		field.Int("equipment_type_id"),
		field.Int("quantity").Default(0).NonNegative().
			Annotations(entgql.OrderField("QUANTITY")),
		field.Int("quarantined").Default(0).NonNegative().
			Comment("part of quantity returned damaged: on hand, not issuable until written off"),
		field.Int("min_level").Default(0).NonNegative().
			Comment("below this the balance is flagged as low stock"),
	}
}

// Edges of the StockBalance.
func (StockBalance) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("warehouse", Warehouse.Type).Ref("balances").Field("warehouse_id").Unique().Required(),
		edge.From("equipment_type", EquipmentType.Type).Ref("balances").Field("equipment_type_id").Unique().Required(),
	}
}

// Indexes of the StockBalance.
func (StockBalance) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("warehouse_id", "equipment_type_id").Unique(),
		index.Fields("equipment_type_id"),
	}
}

// Annotations of the StockBalance: the database refuses a negative balance
// even if a bug in code tried to write one.
func (StockBalance) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entsql.Checks(map[string]string{
			"stock_balance_quantity_non_negative":  "quantity >= 0",
			"stock_balance_min_level_non_negative": "min_level >= 0",
			"stock_balance_quarantined_in_range":   "quarantined >= 0 AND quarantined <= quantity",
		}),
	}
}
