// Package schema holds the ent schemas: the single source of truth for the
// mycourier data model, its GraphQL surface and its migrations.
package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/uniqueguard"
	"github.com/mycourier/mycourier/internal/webhook/outbox"
)

// TimeMixin adds created_at and updated_at to an entity.
type TimeMixin struct{ mixin.Schema }

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Default(time.Now).
			Immutable().
			Annotations(entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("updated_at").
			Default(time.Now).
			UpdateDefault(time.Now).
			Annotations(entgql.OrderField("UPDATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// CreatedMixin adds only created_at, for append-only records (ledger, history, audit).
type CreatedMixin struct{ mixin.Schema }

// Fields of the CreatedMixin.
func (CreatedMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Default(time.Now).
			Immutable().
			Annotations(entgql.OrderField("CREATED_AT")),
	}
}

// ArchiveMixin marks records that have history: they are archived, never deleted.
type ArchiveMixin struct{ mixin.Schema }

// Fields of the ArchiveMixin.
func (ArchiveMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("archived_at").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput)),
	}
}

// Indexes of the ArchiveMixin.
func (ArchiveMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("archived_at")}
}

// noAction keeps a referenced row from being deleted while anything points
// at it: records with history are archived, and a delete must never null out
// a courier's partner or a ledger row's actor behind anyone's back.
var noAction = entsql.OnDelete(entsql.NoAction)

// AccessMixin gives an entity mycourier's privacy policy (who may read and
// write it, within which scope) and its hooks: duplicate values reported as
// conflicts naming the holder, and an audit event per change.
type AccessMixin struct{ mixin.Schema }

// Policy of the AccessMixin.
func (AccessMixin) Policy() ent.Policy { return authz.Policy() }

// Hooks of the AccessMixin.
func (AccessMixin) Hooks() []ent.Hook {
	return []ent.Hook{uniqueguard.Hook(), audit.Hook(), outbox.Hook()}
}
