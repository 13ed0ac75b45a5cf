package pii_test

import (
	"slices"
	"testing"

	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/pii"
)

func TestFieldUsedFindsMaskedFieldsAtAnyDepth(t *testing.T) {
	masked := &authz.Viewer{Role: authz.Warehouse}
	full := &authz.Viewer{Role: authz.Owner, PII: true}
	cases := []struct {
		name  string
		value any
		want  string
	}{
		{"prefix", map[string]any{"pinflHasPrefix": "1234"}, "pinfl"},
		{"equality", map[string]any{"phone": "+998901234567"}, "phone"},
		{"range", map[string]any{"pinflGTE": "1"}, "pinfl"},
		{"in", map[string]any{"phoneIn": []any{"+998"}}, "phone"},
		{"fold", map[string]any{"phoneContainsFold": "12"}, "phone"},
		{"nested", map[string]any{"hasCouriersWith": []any{map[string]any{"not": map[string]any{"pinfl": "x"}}}}, "pinfl"},
		{"order", []any{map[string]any{"field": "PINFL", "direction": "ASC"}}, "pinfl"},
		{"null is no filter", map[string]any{"pinfl": nil}, ""},
		{"other field", map[string]any{"contactPhone": "x", "lastName": "y", "pinflish": "z"}, ""},
		{"order other", map[string]any{"field": "LAST_NAME"}, ""},
	}
	for _, c := range cases {
		if got := pii.FieldUsed(masked, c.value); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
		if got := pii.FieldUsed(full, c.value); got != "" {
			t.Errorf("%s for a full viewer: got %q", c.name, got)
		}
	}
	if pii.MayUse(nil, "pinfl") || !pii.MayUse(nil, "lastName") {
		t.Error("an anonymous viewer may use only unmasked fields")
	}
}

// Audit diffs hold personal data in full: only roles that see it may read
// the audit log, so no masked viewer is shown a diff.
func TestAuditReadersSeePersonalData(t *testing.T) {
	for _, r := range authz.Entities["AuditEvent"].Read {
		if !slices.Contains(authz.PIIRoles, r) {
			t.Errorf("role %s reads audit events but sees personal data masked", r)
		}
	}
}

// Import dry-run rows and conflict errors echo PINFLs and phones in full:
// only roles that see personal data may call the operations that echo them.
func TestEchoingOperationsNeedPersonalData(t *testing.T) {
	for _, op := range []string{"Mutation.importCouriers", "Mutation.onboardCourier", "Mutation.updateCourier", "Query.courierDossier"} {
		for _, r := range authz.Operations[op] {
			if !slices.Contains(authz.PIIRoles, r) {
				t.Errorf("%s is open to %s, who sees personal data masked", op, r)
			}
		}
	}
}
