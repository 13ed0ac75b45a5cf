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

// CourierDebt is what a courier owes for equipment lost (or not returned):
// recorded at unit cost by a write-off, settled later.
type CourierDebt struct{ ent.Schema }

// Mixin of the CourierDebt.
func (CourierDebt) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, StockAccessMixin{}} }

// Fields of the CourierDebt.
func (CourierDebt) Fields() []ent.Field {
	return []ent.Field{
		field.Int("courier_id").Immutable(),
		field.Int("equipment_type_id").Immutable(),
		field.Int("item_id").Optional().Nillable().Immutable(),
		field.Int("quantity").Positive().Immutable(),
		field.Int64("amount").NonNegative().Immutable().Comment("in UZS").
			Annotations(entgql.OrderField("AMOUNT")),
		field.String("reason").NotEmpty().MaxRuneLen(100).Immutable(),
		field.String("document_number").NotEmpty().MaxRuneLen(50).Immutable(),
		field.Enum("status").Values("open", "settled").Default("open").
			Annotations(entgql.OrderField("STATUS")),
		field.Time("settled_at").Optional().Nillable(),
		field.Int("actor_id").Optional().Nillable().Immutable(),
	}
}

// Edges of the CourierDebt.
func (CourierDebt) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("courier", Courier.Type).Field("courier_id").Unique().Required().Immutable().Annotations(noAction),
		edge.To("equipment_type", EquipmentType.Type).Field("equipment_type_id").Unique().Required().Immutable().Annotations(noAction),
		edge.To("item", Item.Type).Field("item_id").Unique().Immutable().Annotations(noAction),
		edge.To("actor", User.Type).Field("actor_id").Unique().Immutable().Annotations(noAction),
	}
}

// Indexes of the CourierDebt.
func (CourierDebt) Indexes() []ent.Index {
	return []ent.Index{index.Fields("courier_id", "status")}
}

// Annotations of the CourierDebt.
func (CourierDebt) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(), entgql.RelayConnection(),
		entsql.Checks(map[string]string{"courier_debt_amount_non_negative": "amount >= 0"}),
	}
}
