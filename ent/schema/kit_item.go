package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// KitItem is one line of a kit: an equipment type (the default size) and
// how many. At issue time any type of the same variant group may replace it.
type KitItem struct{ ent.Schema }

// Mixin of the KitItem.
func (KitItem) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, StockAccessMixin{}} }

// Fields of the KitItem.
func (KitItem) Fields() []ent.Field {
	return []ent.Field{
		field.Int("kit_id"),
		field.Int("equipment_type_id"),
		field.Int("quantity").Positive().Default(1),
	}
}

// Edges of the KitItem.
func (KitItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("kit", Kit.Type).Ref("lines").Field("kit_id").Unique().Required(),
		edge.To("equipment_type", EquipmentType.Type).Field("equipment_type_id").Unique().Required().Annotations(noAction),
	}
}

// Indexes of the KitItem.
func (KitItem) Indexes() []ent.Index {
	return []ent.Index{index.Fields("kit_id", "equipment_type_id").Unique()}
}

// Annotations of the KitItem.
func (KitItem) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput)}
}
