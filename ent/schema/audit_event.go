package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AuditEvent records one change (or a sensitive read): who did what to which
// record, with the changed fields. Append-only; written in the same
// transaction as the change it records.
type AuditEvent struct{ ent.Schema }

// Mixin of the AuditEvent.
func (AuditEvent) Mixin() []ent.Mixin { return []ent.Mixin{CreatedMixin{}, AccessMixin{}} }

// Fields of the AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("actor_kind").Values("user", "api_token", "system").Immutable(),
		field.Int("actor_id").Optional().Nillable().Immutable().
			Comment("user or API token id; kept as a plain value so the trail outlives its subject"),
		field.String("actor_name").MaxRuneLen(150).Immutable(),
		field.String("actor_role").Optional().MaxRuneLen(20).Immutable(),
		field.String("operation").NotEmpty().MaxRuneLen(100).Immutable().
			Annotations(entgql.OrderField("OPERATION")),
		field.String("entity_type").NotEmpty().MaxRuneLen(50).Immutable(),
		field.Int("entity_id").Optional().Nillable().Immutable(),
		field.JSON("changes", map[string]any{}).Optional().Immutable().
			Comment("field → {old, new}; secrets are never recorded").
			Annotations(entgql.Type("Map"), entgql.Skip(entgql.SkipWhereInput)),
		field.String("request_id").Optional().MaxRuneLen(64).Immutable(),
		field.String("client_ip").Optional().MaxRuneLen(64).Immutable(),
	}
}

// Indexes of the AuditEvent: by subject, by actor, by operation, by period.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("entity_type", "entity_id", "created_at"),
		index.Fields("actor_kind", "actor_id", "created_at"),
		index.Fields("operation", "created_at"),
		index.Fields("created_at"),
	}
}

// Annotations of the AuditEvent.
func (AuditEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
