package graph_test

import (
	"encoding/json"
	"testing"
	"time"

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

// Birth date and gender are masked with the PINFL, as a set: a warehouse
// user sees the birth year only and no gender (with the last four PINFL
// digits they would narrow the PINFL to 100 candidates), may not filter or
// order by them, and the owner sees them in full.
func TestMaskedRolesSeeBirthYearOnlyAndNoGender(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		warehouse := a.userToken(authz.Warehouse, authz.Scope{})
		var out struct{ OnboardCourier struct{ ID string } }
		a.ok(`mutation($in: OnboardCourierInput!) { onboardCourier(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"lastName": "Каримова", "firstName": "Азиза", "transportType": "FOOT", "phone": "+998901112233",
			"pinfl": pinfl(time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC), false, 7),
		}}, &out)
		const q = `query($id: ID!) { node(id: $id) { ... on Courier { birthDate gender pinfl } } }`
		read := func(bearer string) map[string]any {
			t.Helper()
			r := a.postAs(bearer, q, map[string]any{"id": out.OnboardCourier.ID})
			if len(r.Errors) > 0 {
				t.Fatalf("read: %s", r.Body)
			}
			var got struct{ Node map[string]any }
			if err := json.Unmarshal(r.Data, &got); err != nil {
				t.Fatal(err)
			}
			return got.Node
		}
		if got := read(warehouse); got["birthDate"] != "1990-01-01" || got["gender"] != nil {
			t.Errorf("warehouse sees birthDate %v, gender %v; want 1990-01-01 and null", got["birthDate"], got["gender"])
		}
		if got := read(a.owner); got["birthDate"] != "1990-05-17" || got["gender"] != "FEMALE" {
			t.Errorf("owner sees birthDate %v, gender %v; want 1990-05-17 and FEMALE", got["birthDate"], got["gender"])
		}
		for _, q := range []string{
			`{ couriers(where: {birthDate: "1990-05-17"}) { totalCount } }`,
			`{ couriers(where: {gender: FEMALE}) { totalCount } }`,
			`{ couriers(orderBy: {field: BIRTH_DATE}) { totalCount } }`,
		} {
			oneError(t, a.postAs(warehouse, q, nil), "FORBIDDEN")
		}
	})
}
