package schema

import (
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/uniqueguard"
)

// StatusReason is one entry of the list of reasons a courier may be blocked
// or fired for: reference data the owner manages. Blocking and firing take
// the code of an active (not archived) reason of the matching kind.
type StatusReason struct{ ent.Schema }

// reasonCode is the form of a reason code: lower-case letters, digits, _.
var reasonCode = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Mixin of the StatusReason.
func (StatusReason) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, ArchiveMixin{}} }

// Fields of the StatusReason.
func (StatusReason) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("block", "fire").
			Annotations(entgql.OrderField("KIND")),
		field.String("code").NotEmpty().MaxRuneLen(50).Match(reasonCode).
			Comment("stable code stored in status history, e.g. no_show").
			Annotations(entgql.OrderField("CODE")),
		field.String("title_ru").NotEmpty().MaxRuneLen(200),
		field.String("title_en").Optional().MaxRuneLen(200),
		field.Bool("comment_required").Default(true).
			Comment("a transition with this reason must carry a comment"),
		field.Int("sort_order").Default(0).
			Annotations(entgql.OrderField("SORT_ORDER")),
	}
}

// Indexes of the StatusReason.
func (StatusReason) Indexes() []ent.Index {
	return []ent.Index{index.Fields("kind", "code").Unique()}
}

// Policy of the StatusReason: the policy of every entity (authz.Policy);
// reasons are not scoped (authz.Scoped), so the matrix alone decides.
func (StatusReason) Policy() ent.Policy { return authz.Policy() }

// Hooks of the StatusReason: duplicate codes named, every change audited.
func (StatusReason) Hooks() []ent.Hook {
	return []ent.Hook{uniqueguard.Hook(), audit.Hook()}
}

// Annotations of the StatusReason.
func (StatusReason) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
