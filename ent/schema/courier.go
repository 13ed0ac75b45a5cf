package schema

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	gen "github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/couriersvc/searchkey"
	"github.com/mycourier/mycourier/internal/pii"
)

// Courier is a person delivering orders, employed through a logistics partner.
// Couriers change only through explicit operations (onboard, activate, block,
// fire…), so no generic create/update mutation is generated.
type Courier struct{ ent.Schema }

// Mixin of the Courier.
func (Courier) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, ArchiveMixin{}, AccessMixin{}} }

// Fields of the Courier.
func (Courier) Fields() []ent.Field {
	return []ent.Field{
		field.String("last_name").NotEmpty().MaxRuneLen(100).
			Annotations(entgql.OrderField("LAST_NAME")),
		field.String("first_name").NotEmpty().MaxRuneLen(100).
			Annotations(entgql.OrderField("FIRST_NAME")),
		field.String("middle_name").Optional().MaxRuneLen(100),
		field.String("phone").NotEmpty().MaxRuneLen(13).
			Comment("E.164, +998 and 9 digits"),
		field.Bool("phone_duplicate").Default(false).
			Comment("set by the migration that made phones unique on couriers sharing a live phone with an older courier; cleared when the phone changes").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.String("pinfl").NotEmpty().MaxRuneLen(14).MinRuneLen(14).Unique().
			Comment("personal identification number, 14 digits"),
		field.Time("birth_date").
			SchemaType(map[string]string{"postgres": "date"}).
			Annotations(entgql.OrderField("BIRTH_DATE"), entgql.Type("Date")),
		field.Enum("gender").Values("male", "female").Optional().Nillable().
			Comment("derived from the first PINFL digit"),
		field.Enum("transport_type").Values("foot", "bicycle", "scooter", "moto", "car").
			Annotations(entgql.OrderField("TRANSPORT_TYPE")),
		field.String("vehicle_plate").Optional().MaxRuneLen(16),
		field.Enum("document_status").Values("missing", "pending", "verified", "rejected", "expired").
			Default("missing").
			Annotations(entgql.OrderField("DOCUMENT_STATUS")),
		field.Enum("status").Values("new", "active", "blocked", "fired").
			Default("new").
			Annotations(entgql.OrderField("STATUS")),
		field.Time("status_changed_at").Optional().Nillable(),
		field.Time("hired_at").Optional().Nillable().
			Comment("first activation of the current employment").
			Annotations(entgql.OrderField("HIRED_AT")),
		field.Time("fired_at").Optional().Nillable(),
		field.Bool("do_not_rehire").Default(false).
			Comment("security flag: rehire refused"),
		field.Int("partner_id").Optional().Nillable(),
		field.Int("branch_id").Optional().Nillable(),
		field.String("search_key").Default("").MaxRuneLen(1000).
			Comment("folded names and phone digits for search; kept current by a hook").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the Courier.
func (Courier) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("partner", Partner.Type).Ref("couriers").Field("partner_id").Unique(),
		edge.From("branch", Branch.Type).Ref("couriers").Field("branch_id").Unique(),
		edge.To("documents", CourierDocument.Type),
		edge.To("status_history", CourierStatusChange.Type).
			Annotations(entgql.RelayConnection()),
		edge.To("items", Item.Type).Comment("serial items the courier holds now").Annotations(noAction),
		edge.To("movements", Movement.Type).Annotations(noAction, entgql.RelayConnection()),
	}
}

// Interceptors of the Courier: personal data masked for roles that do not need it.
func (Courier) Interceptors() []ent.Interceptor { return []ent.Interceptor{pii.Interceptor()} }

// Indexes of the Courier: each list filter the UI offers, with the sort it uses.
func (Courier) Indexes() []ent.Index {
	return []ent.Index{
		// id last: entgql orders by (field, id), so the index serves the
		// whole ORDER BY and a page needs no sort.
		index.Fields("partner_id", "status", "created_at", "id"),
		index.Fields("branch_id", "status", "created_at", "id"),
		index.Fields("status", "created_at", "id"),
		index.Fields("last_name", "first_name"),
		// A phone belongs to one courier who is not fired; the database
		// enforces it, so two requests racing cannot both register it.
		index.Fields("phone").Unique().StorageKey("courier_phone_live").
			Annotations(entsql.IndexWhere(PhoneLiveWhere)),
		index.Fields("created_at"),
		// Substring search (LIKE '%…%') on PostgreSQL: a trigram GIN index
		// (pg_trgm, created by a hand-written migration). SQLite scans.
		index.Fields("search_key").Annotations(
			entsql.IndexTypes(map[string]string{dialect.Postgres: "GIN"}),
			entsql.OpClass("gin_trgm_ops"),
		),
	}
}

// PhoneLiveWhere is the set of couriers among whom a phone is unique: fired
// couriers free their number, and rows flagged by the migration keep the
// number they shared until someone corrects it.
const PhoneLiveWhere = "status <> 'fired' AND NOT phone_duplicate"

// Hooks of the Courier: the search key follows the names and the phone;
// the analytics summaries follow status, partner, branch and transport.
func (Courier) Hooks() []ent.Hook { return []ent.Hook{searchKeyHook, summary.CourierHook} }

// searchKeyHook recomputes search_key whenever a name part or the phone is
// set, from the new values and, for a single-row update, the old ones.
func searchKeyHook(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		parts := []string{"last_name", "first_name", "middle_name", "phone"}
		touched := false
		for _, f := range parts {
			if _, ok := m.Field(f); ok || m.FieldCleared(f) {
				touched = true
			}
		}
		if !touched || m.Op().Is(ent.OpDelete|ent.OpDeleteOne) {
			return next.Mutate(ctx, m)
		}
		if m.Op().Is(ent.OpUpdate) {
			return bulkSearchKeys(ctx, m, next)
		}
		vals := make([]string, len(parts))
		for i, f := range parts {
			switch v, ok := m.Field(f); {
			case m.FieldCleared(f):
			case ok:
				vals[i], _ = v.(string)
			case m.Op().Is(ent.OpUpdateOne):
				old, err := m.OldField(ctx, f)
				if err != nil {
					return nil, fmt.Errorf("courier: search key: %w", err)
				}
				vals[i], _ = old.(string)
			}
		}
		if err := m.SetField("search_key", searchkey.Key(vals[0], vals[1], vals[2], vals[3])); err != nil {
			return nil, err
		}
		return next.Mutate(ctx, m)
	})
}

// Annotations of the Courier.
func (Courier) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}

// bulkSearchKeys runs a many-row update of names or phones, then recomputes
// the key of each row it changed (as the system: the rows were already
// checked by the viewer's policy, and the key needs the unmasked phone).
func bulkSearchKeys(ctx context.Context, m ent.Mutation, next ent.Mutator) (ent.Value, error) {
	cm, ok := m.(*gen.CourierMutation)
	if !ok {
		return nil, fmt.Errorf("courier: search key: unexpected mutation %T", m)
	}
	ids, err := cm.IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("courier: search key: %w", err)
	}
	v, err := next.Mutate(ctx, m)
	if err != nil {
		return nil, err
	}
	sys := authz.SystemContext(ctx, "searchkey")
	client := cm.Client()
	for _, id := range ids {
		c, err := client.Courier.Get(sys, id)
		if err != nil {
			return nil, fmt.Errorf("courier: search key: %w", err)
		}
		if err := client.Courier.UpdateOneID(id).
			SetSearchKey(searchkey.Key(c.LastName, c.FirstName, c.MiddleName, c.Phone)).Exec(sys); err != nil {
			return nil, fmt.Errorf("courier: search key: %w", err)
		}
	}
	return v, nil
}
