package graph_test

import (
	"encoding/json"

	"entgo.io/ent/dialect"
	"slices"
	"testing"

	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
)

// The admin UI shows menus and buttons from me.permissions: each role gets
// the operations DESIGN.md gives it and none of the others.
func TestMe_PermissionsNameWhatTheRoleMayCall(t *testing.T) {
	a := newAPI(t, dialect.SQLite)
	cases := []struct {
		role   authz.Role
		has    []string
		hasNot []string
	}{
		{authz.Owner, []string{"Query.couriers", "Mutation.fireCourier", "Mutation.createPartner", "Mutation.createUser"}, nil},
		{authz.Manager, []string{"Mutation.activateCourier", "Mutation.blockCourier", "Mutation.fireCourier"}, []string{"Mutation.createPartner", "Mutation.createUser"}},
		{authz.Onboarding, []string{"Mutation.onboardCourier", "Mutation.submitForActivation", "Mutation.verifyCourierDocument", "Mutation.importCouriers"}, []string{"Mutation.activateCourier", "Mutation.blockCourier", "Mutation.fireCourier"}},
		{authz.Warehouse, []string{"Mutation.issueEquipment", "Query.couriers"}, []string{"Mutation.onboardCourier", "Query.courierDocuments"}},
		{authz.Security, []string{"Mutation.blockCourier", "Query.auditEvents"}, []string{"Mutation.fireCourier", "Mutation.unblockCourier", "Mutation.onboardCourier"}},
	}
	for _, c := range cases {
		t.Run(string(c.role), func(t *testing.T) {
			u := authtest.User(t, a.auth, c.role, authz.Scope{})
			var signed struct{ Login struct{ AccessToken string } }
			a.ok(`mutation($l: String!, $p: String!) { login(login: $l, password: $p) { accessToken } }`,
				map[string]any{"l": u.Login, "p": authtest.Password}, &signed)
			token := signed.Login.AccessToken
			r := a.postAs(token, `{ me { role permissions } }`, nil)
			if len(r.Errors) > 0 {
				t.Fatalf("me: %s", r.Body)
			}
			var out struct {
				Me struct{ Permissions []string }
			}
			if err := json.Unmarshal(r.Data, &out); err != nil {
				t.Fatal(err)
			}
			got := out.Me.Permissions
			if !slices.IsSorted(got) {
				t.Errorf("permissions not sorted: %v", got)
			}
			for _, op := range c.has {
				if !slices.Contains(got, op) {
					t.Errorf("%s: permissions lack %s", c.role, op)
				}
			}
			for _, op := range c.hasNot {
				if slices.Contains(got, op) {
					t.Errorf("%s: permissions list %s", c.role, op)
				}
			}
			if !slices.Contains(got, "Mutation.login") {
				t.Errorf("%s: public login missing from permissions", c.role)
			}
		})
	}
}
