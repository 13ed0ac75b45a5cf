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

// CourierHolding is how many units of one equipment type a courier holds
// now (serial units included; their Items name them). It equals the issues
// minus the returns of the ledger and never goes negative, so a courier
// cannot return more than was issued even under concurrent requests.
type CourierHolding struct{ ent.Schema }

// Mixin of the CourierHolding.
func (CourierHolding) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, StockAccessMixin{}} }

// Fields of the CourierHolding.
func (CourierHolding) Fields() []ent.Field {
	return []ent.Field{
		field.Int("courier_id").Immutable(),
		field.Int("equipment_type_id").Immutable(),
		field.Int("quantity").NonNegative().Default(0),
	}
}

// Edges of the CourierHolding.
func (CourierHolding) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("courier", Courier.Type).Field("courier_id").Unique().Required().Immutable().Annotations(noAction),
		edge.To("equipment_type", EquipmentType.Type).Field("equipment_type_id").Unique().Required().Immutable().Annotations(noAction),
	}
}

// Indexes of the CourierHolding.
func (CourierHolding) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("courier_id", "equipment_type_id").Unique(),
		index.Fields("equipment_type_id"),
	}
}

// Annotations of the CourierHolding.
func (CourierHolding) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.Skip(entgql.SkipWhereInput),
		entsql.Checks(map[string]string{"courier_holding_quantity_non_negative": "quantity >= 0"}),
	}
}
