package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
)

// Movement is one row of the append-only stock ledger: a signed change of
// one equipment type's quantity in one warehouse. Rows are never updated or
// deleted; a correction is a new row.
type Movement struct{ ent.Schema }

// Mixin of the Movement.
func (Movement) Mixin() []ent.Mixin { return []ent.Mixin{CreatedMixin{}, AccessMixin{}} }

// Fields of the Movement.
func (Movement) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").
			Values("receipt", "issue", "return", "write_off", "transfer_out", "transfer_in", "adjustment").
			Immutable().
			Annotations(entgql.OrderField("KIND")),
		field.Int("warehouse_id").Immutable(),
		field.Int("equipment_type_id").Immutable(),
		field.Int("quantity").Immutable().
			Comment("signed change of the warehouse's on-hand stock"),
		field.Int("item_id").Optional().Nillable().Immutable(),
		field.Int("courier_id").Optional().Nillable().Immutable(),
		field.Int("counterpart_warehouse_id").Optional().Nillable().Immutable().
			Comment("the other side of a transfer"),
		field.String("operation_id").NotEmpty().MaxRuneLen(40).Immutable().
			Comment("groups the rows written by one operation"),
		field.String("document_number").NotEmpty().MaxRuneLen(50).Immutable(),
		field.String("reason").Optional().MaxRuneLen(100).Immutable(),
		field.String("comment").Optional().MaxRuneLen(1000).Immutable(),
		field.Enum("condition").Values("new", "used", "damaged").Optional().Nillable().Immutable(),
		field.Int64("unit_cost").NonNegative().Default(0).Immutable(),
		field.Int("actor_id").Optional().Nillable().Immutable(),
	}
}

// Edges of the Movement.
func (Movement) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("warehouse", Warehouse.Type).Ref("movements").Field("warehouse_id").Unique().Required().Immutable(),
		edge.From("equipment_type", EquipmentType.Type).Ref("movements").Field("equipment_type_id").Unique().Required().Immutable(),
		edge.From("item", Item.Type).Ref("movements").Field("item_id").Unique().Immutable(),
		edge.From("courier", Courier.Type).Ref("movements").Field("courier_id").Unique().Immutable(),
		edge.To("counterpart_warehouse", Warehouse.Type).Field("counterpart_warehouse_id").Unique().Immutable().Annotations(noAction),
		edge.To("actor", User.Type).Field("actor_id").Unique().Immutable().Annotations(noAction),
	}
}

// Indexes of the Movement: the ledger filters (period, warehouse, type, courier, kind).
func (Movement) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("warehouse_id", "equipment_type_id", "created_at"),
		index.Fields("equipment_type_id", "created_at"),
		index.Fields("courier_id", "created_at"),
		index.Fields("item_id"),
		index.Fields("kind", "created_at"),
		index.Fields("operation_id"),
		index.Fields("document_number"),
		index.Fields("created_at"),
	}
}

// Hooks of the Movement: each ledger row is counted in the analytics
// summaries in its own transaction.
func (Movement) Hooks() []ent.Hook { return []ent.Hook{summary.MovementHook} }

// Annotations of the Movement.
func (Movement) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entsql.Checks(map[string]string{"movement_quantity_non_zero": "quantity <> 0"}),
	}
}
