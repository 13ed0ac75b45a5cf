package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// LoginThrottle counts recent sign-in failures for one login or one client
// address. It lives in the database, not in memory, so every instance behind
// the load balancer sees the same counts.
type LoginThrottle struct{ ent.Schema }

// Mixin of the LoginThrottle.
func (LoginThrottle) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, AccessMixin{}} }

// Fields of the LoginThrottle.
func (LoginThrottle) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").NotEmpty().MaxRuneLen(200).Unique().
			Comment(`"login:<login>" or "ip:<address>"`),
		field.Int("failures").Default(0).NonNegative(),
		field.Time("last_failure_at").Optional().Nillable(),
		field.Time("locked_until").Optional().Nillable(),
	}
}

// Annotations of the LoginThrottle: not part of the API.
func (LoginThrottle) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
