package pii

import (
	"slices"
	"strings"
	"unicode"

	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
)

// MaskedFields are the courier fields, by their GraphQL names, that a viewer
// without personal-data access sees masked (see mask). Keep the two in step:
// what is masked may not be filtered, ordered or searched by either, or it
// could be recovered digit by digit. Birth date and gender are masked with
// the PINFL as a set: digits 1–7 of a PINFL are the sex and the birth date,
// so with the last four digits shown they would narrow it to 100 candidates.
var MaskedFields = []string{"pinfl", "phone", "birthDate", "gender"}

// MayUse is the one decision "may this viewer filter, order or search by this
// courier field": always for viewers who see personal data in full, never
// for the others when the field is masked.
func MayUse(v *authz.Viewer, field string) bool {
	return (v != nil && v.PII) || !slices.Contains(MaskedFields, field)
}

// whereSuffixes are the predicate suffixes entgql appends to a field's name
// in a WhereInput (pinflHasPrefix, phoneIn…).
var whereSuffixes = []string{"", "NEQ", "In", "NotIn", "GT", "GTE", "LT", "LTE", "Contains", "HasPrefix",
	"HasSuffix", "EqualFold", "ContainsFold", "IsNil", "NotNil"}

// fieldOfKey returns the masked field a WhereInput key filters by, or "".
func fieldOfKey(key string) string {
	for _, f := range MaskedFields {
		if rest, ok := strings.CutPrefix(key, f); ok && slices.Contains(whereSuffixes, rest) {
			return f
		}
	}
	return ""
}

// fieldOfOrder returns the field an order value names (PINFL, BIRTH_DATE →
// pinfl, birthDate).
func fieldOfOrder(s string) string {
	var b strings.Builder
	up := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '_':
			up = true
		case up:
			b.WriteRune(unicode.ToUpper(r))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FieldUsed returns the first field that a filter or order argument, decoded
// as GraphQL or JSON gives it (maps, lists, scalars), uses and v may not use
// (see MayUse), at any depth (hasCouriersWith, and, or, not); "" when none.
// An order value is a map whose "field" names the column.
func FieldUsed(v *authz.Viewer, value any) string {
	if v != nil && v.PII {
		return ""
	}
	switch x := value.(type) {
	case map[string]any:
		for k, inner := range x {
			if f := fieldOfKey(k); f != "" && inner != nil && !MayUse(v, f) {
				return f
			}
			if k == "field" {
				if s, ok := inner.(string); ok && !MayUse(v, fieldOfOrder(s)) {
					return fieldOfOrder(s)
				}
			}
			if f := FieldUsed(v, inner); f != "" {
				return f
			}
		}
	case []any:
		for _, inner := range x {
			if f := FieldUsed(v, inner); f != "" {
				return f
			}
		}
	}
	return ""
}

// ErrMaskedField is the refusal of a filter or order on a masked field.
func ErrMaskedField(field string) *apperr.Error {
	return apperr.New(apperr.CodeForbidden, "pii.filter",
		"filtering or ordering by "+field+" needs access to personal data").
		WithRu("Фильтр и сортировка по ПИНФЛ или телефону доступны только с доступом к персональным данным").
		WithDetail("field", field)
}
