package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
)

// CourierStatusChange is one lifecycle transition of a courier: append-only history.
type CourierStatusChange struct{ ent.Schema }

// Mixin of the CourierStatusChange.
func (CourierStatusChange) Mixin() []ent.Mixin { return []ent.Mixin{CreatedMixin{}, AccessMixin{}} }

// Fields of the CourierStatusChange.
func (CourierStatusChange) Fields() []ent.Field {
	statuses := []string{"new", "active", "blocked", "fired"}
	return []ent.Field{
		field.Int("courier_id").Immutable(),
		field.Enum("from_status").Values(statuses...).Optional().Nillable().Immutable().
			Comment("empty for the first registration"),
		field.Enum("to_status").Values(statuses...).Immutable(),
		field.String("reason").Optional().MaxRuneLen(100).Immutable(),
		field.String("comment").Optional().MaxRuneLen(1000).Immutable(),
		field.Int("actor_id").Optional().Nillable().Immutable(),
	}
}

// Edges of the CourierStatusChange.
func (CourierStatusChange) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("courier", Courier.Type).Ref("status_history").Field("courier_id").Unique().Required().Immutable(),
		edge.To("actor", User.Type).Field("actor_id").Unique().Immutable().Annotations(noAction),
	}
}

// Indexes of the CourierStatusChange.
func (CourierStatusChange) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("courier_id", "created_at"),
		index.Fields("to_status", "created_at"),
	}
}

// Hooks of the CourierStatusChange: each change is counted in the analytics
// summaries in its own transaction.
func (CourierStatusChange) Hooks() []ent.Hook { return []ent.Hook{summary.StatusChangeHook} }

// Annotations of the CourierStatusChange.
func (CourierStatusChange) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
