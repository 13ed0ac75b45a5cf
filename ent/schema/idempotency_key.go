package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// IdempotencyKey remembers a stock or status operation by the key its caller
// sent, so a retried request returns the first result and changes nothing.
// Services read and write these as the system (authz.SystemContext).
type IdempotencyKey struct{ ent.Schema }

// Mixin of the IdempotencyKey.
func (IdempotencyKey) Mixin() []ent.Mixin { return []ent.Mixin{CreatedMixin{}, AccessMixin{}} }

// Fields of the IdempotencyKey.
func (IdempotencyKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").NotEmpty().MaxRuneLen(100).Immutable(),
		field.String("operation").NotEmpty().MaxRuneLen(100).Immutable(),
		field.String("actor").NotEmpty().MaxRuneLen(64).Immutable().
			Comment(`"user:<id>" or "api_token:<id>": keys are per caller`),
		field.String("request_hash").MaxRuneLen(64).Immutable().
			Comment("SHA-256 of the request: the same key with other input is refused"),
		field.JSON("result", map[string]any{}).Optional().
			Comment("what the first call returned (ids), to answer a retry"),
	}
}

// Indexes of the IdempotencyKey.
func (IdempotencyKey) Indexes() []ent.Index {
	return []ent.Index{index.Fields("actor", "operation", "key").Unique()}
}

// Annotations of the IdempotencyKey: not part of the API.
func (IdempotencyKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
