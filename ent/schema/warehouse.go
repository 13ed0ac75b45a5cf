package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Warehouse is a stock location of a branch.
type Warehouse struct{ ent.Schema }

// Mixin of the Warehouse.
func (Warehouse) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, ArchiveMixin{}, AccessMixin{}} }

// Fields of the Warehouse.
func (Warehouse) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(100).
			Annotations(entgql.OrderField("NAME")),
		field.String("code").NotEmpty().MaxRuneLen(16).Unique().
			Annotations(entgql.OrderField("CODE")),
		field.String("address").Optional().MaxRuneLen(300),
		field.Int("branch_id"),
	}
}

// Edges of the Warehouse.
func (Warehouse) Edges() []ent.Edge {
	skip := entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
	return []ent.Edge{
		edge.From("branch", Branch.Type).Ref("warehouses").Field("branch_id").Unique().Required(),
		edge.To("balances", StockBalance.Type).Annotations(entgql.RelayConnection(), skip),
		edge.To("items", Item.Type).Annotations(noAction, entgql.RelayConnection(), skip),
		edge.To("movements", Movement.Type).Annotations(entgql.RelayConnection(), skip),
		edge.From("users", User.Type).Ref("warehouses").Annotations(entgql.Skip(entgql.SkipAll)),
		edge.From("api_tokens", ApiToken.Type).Ref("warehouses").Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations of the Warehouse.
func (Warehouse) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
