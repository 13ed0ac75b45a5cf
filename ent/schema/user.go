package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// User is a person (or integration) that signs in to mycourier. The scope
// edges limit what a manager, onboarding or warehouse user sees.
type User struct{ ent.Schema }

// Mixin of the User.
func (User) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, ArchiveMixin{}, AccessMixin{}} }

// Fields of the User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("login").NotEmpty().MaxRuneLen(64).Unique().
			Comment("stored lower-case: logins are case-insensitive").
			Annotations(entgql.OrderField("LOGIN")),
		field.String("full_name").NotEmpty().MaxRuneLen(150).
			Annotations(entgql.OrderField("FULL_NAME")),
		field.Enum("role").Values("owner", "manager", "onboarding", "warehouse", "security", "integrator").
			Annotations(entgql.OrderField("ROLE")),
		field.String("password_hash").Optional().Sensitive().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("active").Default(true),
		field.Int64("telegram_user_id").Optional().Nillable().Unique(),
		field.Time("last_sign_in_at").Optional().Nillable(),
		field.Time("password_changed_at").Optional().Nillable(),
	}
}

// Edges of the User: row-level scope assignments.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("partners", Partner.Type),
		edge.To("regions", Region.Type),
		edge.To("warehouses", Warehouse.Type),
		edge.To("sessions", Session.Type).Annotations(noAction, entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the User.
func (User) Indexes() []ent.Index {
	return []ent.Index{index.Fields("role")}
}

// Annotations of the User.
func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
