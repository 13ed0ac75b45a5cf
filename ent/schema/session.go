package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Session is one refresh token of a signed-in user. Refresh tokens rotate on
// every use; all tokens descended from one sign-in share a family, and
// presenting a token that was already used revokes the whole family.
type Session struct{ ent.Schema }

// Mixin of the Session.
func (Session) Mixin() []ent.Mixin { return []ent.Mixin{CreatedMixin{}, AccessMixin{}} }

// Fields of the Session.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable(),
		field.String("family_id").NotEmpty().MaxRuneLen(64).Immutable(),
		field.String("token_hash").NotEmpty().Unique().Sensitive().Immutable(),
		field.Time("expires_at").Immutable(),
		field.Time("used_at").Optional().Nillable().
			Comment("set when the token was exchanged for a new one"),
		field.Time("revoked_at").Optional().Nillable(),
		field.String("client_ip").Optional().MaxRuneLen(64),
		field.String("user_agent").Optional().MaxRuneLen(300),
	}
}

// Edges of the Session.
func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("sessions").Field("user_id").Unique().Required().Immutable(),
	}
}

// Indexes of the Session.
func (Session) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("family_id"),
		index.Fields("user_id", "revoked_at"),
	}
}

// Annotations of the Session: not part of the API.
func (Session) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
