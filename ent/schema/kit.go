package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Kit is a named set of equipment issued together to couriers of one
// transport type (foot: bag + jacket; moto: bag + jacket + helmet).
type Kit struct{ ent.Schema }

// Mixin of the Kit.
func (Kit) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, ArchiveMixin{}, StockAccessMixin{}} }

// Fields of the Kit.
func (Kit) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(100).Unique().
			Annotations(entgql.OrderField("NAME")),
		field.Enum("transport_type").Values("foot", "bicycle", "scooter", "moto", "car").
			Annotations(entgql.OrderField("TRANSPORT_TYPE")),
		field.String("description").Optional().MaxRuneLen(500),
	}
}

// Edges of the Kit.
func (Kit) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("lines", KitItem.Type).Annotations(noAction),
	}
}

// Indexes of the Kit.
func (Kit) Indexes() []ent.Index {
	return []ent.Index{index.Fields("transport_type")}
}

// Annotations of the Kit.
func (Kit) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
