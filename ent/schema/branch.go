package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Branch is an office of the company in a region; couriers and warehouses belong to it.
type Branch struct{ ent.Schema }

// Mixin of the Branch.
func (Branch) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, ArchiveMixin{}, AccessMixin{}} }

// Fields of the Branch.
func (Branch) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(100).
			Annotations(entgql.OrderField("NAME")),
		field.String("code").NotEmpty().MaxRuneLen(16).Unique().
			Annotations(entgql.OrderField("CODE")),
		field.String("address").Optional().MaxRuneLen(300),
		field.Int("region_id"),
	}
}

// Edges of the Branch.
func (Branch) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("region", Region.Type).Ref("branches").Field("region_id").Unique().Required(),
		edge.To("warehouses", Warehouse.Type).
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("couriers", Courier.Type).
			Annotations(noAction, entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Annotations of the Branch.
func (Branch) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
