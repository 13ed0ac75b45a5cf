package authz_test

import (
	"slices"
	"testing"

	"github.com/mycourier/mycourier/internal/authz"
)

// The rules a customer's security service asks about first, written by hand
// from the design's role table (../shared/DESIGN.md, "Roles") — not read
// from the matrix under test. Widening or narrowing any of them in
// roles.go must fail here, whatever the generated docs say.
func TestSensitiveRulesAsTheDesignStatesThem(t *testing.T) {
	o, m, on, w, s, i := authz.Owner, authz.Manager, authz.Onboarding, authz.Warehouse, authz.Security, authz.Integrator
	who := map[string][]authz.Role{
		// Lifecycle: managers decide; security may only block; onboarding
		// only submits for activation.
		"Mutation.activateCourier":     {o, m},
		"Mutation.blockCourier":        {o, m, s},
		"Mutation.unblockCourier":      {o, m},
		"Mutation.fireCourier":         {o, m},
		"Mutation.rehireCourier":       {o, m},
		"Mutation.submitForActivation": {o, m, on},
		// Accounts and credentials: the owner alone.
		"Mutation.createUser":        {o},
		"Mutation.updateUser":        {o},
		"Mutation.resetUserPassword": {o},
		"Mutation.createApiToken":    {o},
		"Mutation.revokeApiToken":    {o},
		// Who reads accounts, tokens and the audit trail.
		"Query.users":       {o, s},
		"Query.apiTokens":   {o},
		"Query.auditEvents": {o, s},
		// Stock moves: those who run warehouses.
		"Mutation.writeOffEquipment": {o, m, w},
		"Mutation.issueEquipment":    {o, m, w},
	}
	for op, want := range who {
		for _, r := range []authz.Role{o, m, on, w, s, i} {
			if got := authz.Allowed(op, r); got != slices.Contains(want, r) {
				t.Errorf("%s for %s: allowed %v, the design says %v", op, r, got, !got)
			}
		}
	}
	// Full PINFL and phone: everyone who works with couriers' identities,
	// not the warehouse and not an integrator unless its token says so.
	pii := []authz.Role{o, m, on, s}
	for _, r := range []authz.Role{o, m, on, w, s, i} {
		if got := slices.Contains(authz.PIIRoles, r); got != slices.Contains(pii, r) {
			t.Errorf("%s sees full PINFL: %v, the design says %v", r, got, !got)
		}
	}
}
