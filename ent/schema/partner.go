package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Partner is a logistics partner (subcontractor fleet) couriers work through.
type Partner struct{ ent.Schema }

// Mixin of the Partner.
func (Partner) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, ArchiveMixin{}, AccessMixin{}} }

// Fields of the Partner.
func (Partner) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(100).Unique().
			Annotations(entgql.OrderField("NAME")),
		field.String("legal_name").Optional().MaxRuneLen(200),
		field.String("inn").Optional().Nillable().Unique().MaxRuneLen(9).
			Comment("taxpayer number (ИНН), 9 digits"),
		field.String("contact_name").Optional().MaxRuneLen(150),
		field.String("contact_phone").Optional().MaxRuneLen(13),
	}
}

// Edges of the Partner.
func (Partner) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("couriers", Courier.Type).
			Annotations(noAction, entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.From("users", User.Type).Ref("partners").Annotations(entgql.Skip(entgql.SkipAll)),
		edge.From("api_tokens", ApiToken.Type).Ref("partners").Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Annotations of the Partner.
func (Partner) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
