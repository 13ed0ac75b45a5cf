package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

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
		field.String("last_name").NotEmpty().MaxLen(100).
			Annotations(entgql.OrderField("LAST_NAME")),
		field.String("first_name").NotEmpty().MaxLen(100).
			Annotations(entgql.OrderField("FIRST_NAME")),
		field.String("middle_name").Optional().MaxLen(100),
		field.String("phone").NotEmpty().MaxLen(13).
			Comment("E.164, +998 and 9 digits"),
		field.String("pinfl").NotEmpty().MaxLen(14).MinLen(14).Unique().
			Comment("personal identification number, 14 digits"),
		field.Time("birth_date").
			SchemaType(map[string]string{"postgres": "date"}).
			Annotations(entgql.OrderField("BIRTH_DATE")),
		field.Enum("gender").Values("male", "female").Optional().Nillable().
			Comment("derived from the first PINFL digit"),
		field.Enum("transport_type").Values("foot", "bicycle", "scooter", "moto", "car").
			Annotations(entgql.OrderField("TRANSPORT_TYPE")),
		field.String("vehicle_plate").Optional().MaxLen(16),
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
		index.Fields("phone"),
		index.Fields("created_at"),
	}
}

// Annotations of the Courier.
func (Courier) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
	}
}
