package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// WebhookEndpoint is an integrator's URL that receives events, registered
// by the owner. Its signing secret is shown once at creation; afterwards
// only a hint of it.
type WebhookEndpoint struct{ ent.Schema }

// Mixin of the WebhookEndpoint.
func (WebhookEndpoint) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, AccessMixin{}} }

// Fields of the WebhookEndpoint.
func (WebhookEndpoint) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").NotEmpty().MaxRuneLen(2000),
		field.String("description").Optional().MaxRuneLen(200),
		field.Bool("enabled").Default(true).
			Comment("a disabled endpoint gets no new events; queued ones stay queued"),
		field.String("signing_secret").NotEmpty().Sensitive().
			Annotations(entgql.Skip(entgql.SkipAll)).
			Comment("HMAC-SHA256 key; signing needs the key itself, so it cannot be hashed"),
		field.String("secret_hint").NotEmpty().MaxRuneLen(32).
			Comment("the secret's first and last characters, to recognise it"),
		field.Int("created_by_id").Optional().Nillable().Immutable(),
	}
}

// Edges of the WebhookEndpoint.
func (WebhookEndpoint) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("created_by", User.Type).Field("created_by_id").Unique().Immutable().Annotations(noAction),
		edge.To("deliveries", WebhookDelivery.Type).Annotations(noAction, entgql.RelayConnection()),
	}
}

// Annotations of the WebhookEndpoint.
func (WebhookEndpoint) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}

// WebhookEvent is one row of the outbox: a domain change written in the
// same transaction as the change itself, so it commits or rolls back with it.
type WebhookEvent struct{ ent.Schema }

// Mixin of the WebhookEvent.
func (WebhookEvent) Mixin() []ent.Mixin { return []ent.Mixin{CreatedMixin{}, AccessMixin{}} }

// Fields of the WebhookEvent.
func (WebhookEvent) Fields() []ent.Field {
	return []ent.Field{
		field.String("type").NotEmpty().MaxRuneLen(50).Immutable().
			Comment(`"courier.activated", "stock.movement", …`),
		field.String("ordering_key").NotEmpty().MaxRuneLen(50).Immutable().
			Comment(`"courier:<id>" (or "warehouse:<id>"): events of one key are delivered in order`),
		field.JSON("payload", map[string]any{}).Immutable().
			Annotations(entgql.Type("Map")),
	}
}

// Edges of the WebhookEvent.
func (WebhookEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", WebhookDelivery.Type).Annotations(noAction),
	}
}

// WebhookDelivery is one event on its way to one endpoint.
type WebhookDelivery struct{ ent.Schema }

// Mixin of the WebhookDelivery.
func (WebhookDelivery) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, AccessMixin{}} }

// Fields of the WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Int("endpoint_id").Immutable(),
		field.Int("event_id").Immutable(),
		field.String("ordering_key").NotEmpty().MaxRuneLen(50).Immutable(),
		field.Enum("status").Values("pending", "delivered", "failed").Default("pending").
			Annotations(entgql.OrderField("STATUS")),
		field.Int("attempts").NonNegative().Default(0),
		field.Time("next_attempt_at"),
		field.Time("lease_until").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)).
			Comment("a dispatcher instance holds the delivery until then"),
		field.Time("delivered_at").Optional().Nillable(),
	}
}

// Edges of the WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("endpoint", WebhookEndpoint.Type).Ref("deliveries").Field("endpoint_id").Unique().Required().Immutable(),
		edge.From("event", WebhookEvent.Type).Ref("deliveries").Field("event_id").Unique().Required().Immutable(),
		edge.To("attempt_log", WebhookAttempt.Type).Annotations(noAction),
	}
}

// Indexes of the WebhookDelivery: the dispatcher's queue and the ordering check.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status", "next_attempt_at"),
		index.Fields("endpoint_id", "ordering_key", "status"),
		index.Fields("event_id"),
	}
}

// Annotations of the WebhookDelivery.
func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}

// WebhookAttempt records one try to deliver: append-only.
type WebhookAttempt struct{ ent.Schema }

// Mixin of the WebhookAttempt.
func (WebhookAttempt) Mixin() []ent.Mixin { return []ent.Mixin{CreatedMixin{}, AccessMixin{}} }

// Fields of the WebhookAttempt.
func (WebhookAttempt) Fields() []ent.Field {
	return []ent.Field{
		field.Int("delivery_id").Immutable(),
		field.Int("status_code").Optional().Nillable().Immutable().
			Comment("the receiver's HTTP status; empty when no answer came"),
		field.String("error").Optional().MaxRuneLen(500).Immutable(),
		field.Int("duration_ms").NonNegative().Immutable(),
	}
}

// Edges of the WebhookAttempt.
func (WebhookAttempt) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("delivery", WebhookDelivery.Type).Ref("attempt_log").Field("delivery_id").Unique().Required().Immutable(),
	}
}
