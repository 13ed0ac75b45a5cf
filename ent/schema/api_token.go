package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ApiToken lets an integrator call the API without a password. The secret is
// shown once at creation; only its SHA-256 is kept.
type ApiToken struct{ ent.Schema }

// Mixin of the ApiToken.
func (ApiToken) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, AccessMixin{}} }

// Fields of the ApiToken.
func (ApiToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(100).
			Annotations(entgql.OrderField("NAME")),
		field.String("prefix").NotEmpty().MaxRuneLen(16).Immutable().
			Comment("first characters of the token, to recognise it in lists and logs"),
		field.String("token_hash").NotEmpty().Unique().Sensitive().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("role").Values("owner", "manager", "onboarding", "warehouse", "security", "integrator").
			Default("integrator"),
		field.Bool("pii_access").Default(false).
			Comment("may see full PINFL and phone"),
		field.Time("expires_at").
			Annotations(entgql.OrderField("EXPIRES_AT")),
		field.Time("last_used_at").Optional().Nillable(),
		field.Time("revoked_at").Optional().Nillable(),
		field.Int("created_by_id").Optional().Nillable().Immutable(),
	}
}

// Edges of the ApiToken.
func (ApiToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("created_by", User.Type).Field("created_by_id").Unique().Immutable().Annotations(noAction),
		edge.To("partners", Partner.Type),
		edge.To("regions", Region.Type),
		edge.To("warehouses", Warehouse.Type),
	}
}

// Indexes of the ApiToken.
func (ApiToken) Indexes() []ent.Index {
	return []ent.Index{index.Fields("prefix")}
}

// Annotations of the ApiToken.
func (ApiToken) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
