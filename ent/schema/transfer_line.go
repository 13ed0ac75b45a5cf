package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// TransferLine is one equipment type (or one serial item) of a transfer:
// how many were sent, how many arrived, and what happened to the difference.
type TransferLine struct{ ent.Schema }

// Mixin of the TransferLine.
func (TransferLine) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, StockAccessMixin{}} }

// Fields of the TransferLine.
func (TransferLine) Fields() []ent.Field {
	return []ent.Field{
		field.Int("transfer_id").Immutable(),
		field.Int("equipment_type_id").Immutable(),
		field.Int("item_id").Optional().Nillable().Immutable(),
		field.Int("quantity_sent").Positive().Immutable(),
		field.Int("quantity_received").Optional().Nillable().NonNegative(),
		field.Enum("shortage_resolution").Values("written_off", "returned").Optional().Nillable().
			Comment("what was done with sent minus received"),
		field.String("note").Optional().MaxRuneLen(500),
	}
}

// Edges of the TransferLine.
func (TransferLine) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("transfer", Transfer.Type).Ref("lines").Field("transfer_id").Unique().Required().Immutable(),
		edge.To("equipment_type", EquipmentType.Type).Field("equipment_type_id").Unique().Required().Immutable().Annotations(noAction),
		edge.To("item", Item.Type).Field("item_id").Unique().Immutable().Annotations(noAction),
	}
}

// Indexes of the TransferLine.
func (TransferLine) Indexes() []ent.Index {
	return []ent.Index{index.Fields("transfer_id"), index.Fields("item_id")}
}

// Annotations of the TransferLine.
func (TransferLine) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}
