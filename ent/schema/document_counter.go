package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// DocumentCounter hands out sequential document numbers per prefix and year
// (ISS-2026-000123). The stock service bumps it with one upsert statement;
// it is bookkeeping, not part of the API, and not audited.
type DocumentCounter struct{ ent.Schema }

// Fields of the DocumentCounter.
func (DocumentCounter) Fields() []ent.Field {
	return []ent.Field{
		field.String("prefix").NotEmpty().MaxRuneLen(10),
		field.Int("year"),
		field.Int64("last").Default(0),
	}
}

// Indexes of the DocumentCounter.
func (DocumentCounter) Indexes() []ent.Index {
	return []ent.Index{index.Fields("prefix", "year").Unique()}
}

// Annotations of the DocumentCounter.
func (DocumentCounter) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
