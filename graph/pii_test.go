package graph_test

import (
	"testing"

	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// A role that sees PINFL and phone masked cannot learn them by filtering on
// them either, directly or through an edge; a role with access can.
func TestMaskedRolesCannotFilterByPersonalData(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		warehouse := a.userToken(authz.Warehouse, authz.Scope{})
		for name, q := range map[string]string{
			"pinfl prefix":        `{ couriers(where: {pinflHasPrefix: "3"}) { totalCount } }`,
			"phone in a list":     `{ couriers(where: {or: [{lastName: "x"}, {phone: "+998901112233"}]}) { totalCount } }`,
			"phone through edge":  `{ partners(where: {hasCouriersWith: {phoneContains: "1122"}}) { totalCount } }`,
			"pinfl via variables": `query($w: CourierWhereInput) { couriers(where: $w) { totalCount } }`,
		} {
			vars := map[string]any{"w": map[string]any{"pinfl": "31507850170028"}}
			oneError(t, a.postAs(warehouse, q, vars), "FORBIDDEN")
			_ = name
		}
		// Filtering on other fields stays open to the same role, and the
		// owner may filter on anything.
		if r := a.postAs(warehouse, `{ couriers(where: {lastNameContains: "ов"}) { totalCount } }`, nil); len(r.Errors) > 0 {
			t.Errorf("warehouse filtering by name: %v", r.Errors)
		}
		if r := a.post(`{ couriers(where: {pinflHasPrefix: "3"}) { totalCount } }`, nil); len(r.Errors) > 0 {
			t.Errorf("owner filtering by PINFL: %v", r.Errors)
		}
	})
}
