package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// CourierDocument is a document of a courier (passport, licence…) with its
// verification state and, optionally, a scanned file in storage.
type CourierDocument struct{ ent.Schema }

// Mixin of the CourierDocument.
func (CourierDocument) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, ArchiveMixin{}, AccessMixin{}}
}

// Fields of the CourierDocument.
func (CourierDocument) Fields() []ent.Field {
	return []ent.Field{
		field.Int("courier_id"),
		field.Enum("kind").Values("passport", "id_card", "driver_license", "medical_certificate", "contract", "photo").
			Annotations(entgql.OrderField("KIND")),
		field.String("number").Optional().MaxRuneLen(50),
		field.Time("issued_at").Optional().Nillable().SchemaType(map[string]string{"postgres": "date"}).
			Annotations(entgql.Type("Date")),
		field.Time("expires_at").Optional().Nillable().SchemaType(map[string]string{"postgres": "date"}).
			Annotations(entgql.OrderField("EXPIRES_AT"), entgql.Type("Date")),
		field.Enum("verification").Values("pending", "verified", "rejected").Default("pending"),
		field.String("rejection_reason").Optional().MaxRuneLen(500),
		field.Int("verified_by_id").Optional().Nillable(),
		field.Time("verified_at").Optional().Nillable(),
		field.String("storage_key").Optional().MaxRuneLen(300).
			Comment("where the file lives in document storage").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("file_name").Optional().MaxRuneLen(255),
		field.String("content_type").Optional().MaxRuneLen(100),
		field.Int64("file_size").Optional().NonNegative(),
	}
}

// Edges of the CourierDocument.
func (CourierDocument) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("courier", Courier.Type).Ref("documents").Field("courier_id").Unique().Required(),
		edge.To("verified_by", User.Type).Field("verified_by_id").Unique().Annotations(noAction),
	}
}

// Indexes of the CourierDocument.
func (CourierDocument) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("courier_id", "kind"),
		index.Fields("expires_at"),
	}
}

// Annotations of the CourierDocument.
func (CourierDocument) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
