package securitytest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/courierstatuschange"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/seed"
)

// The edges to users leaked what node(id:) hides: any role that reads a
// courier's status history read the actor's login, role, Telegram id, last
// sign-in and permissions. Who acted (id, full name) stays visible; the
// account does not, for every role that may not list users; the owner and
// security see it all, and everyone reads their own user through `me`.
func TestUserEdgesShowWhoActedButNotTheAccount(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		if _, err := seed.Demo(context.Background(), e.db.Client, apptest.Docs(t)); err != nil {
			t.Fatal(err)
		}
		actor := authtest.User(t, e.auth, authz.Owner, authz.Scope{})
		var courierID, partnerID int
		e.fixture(func(ctx context.Context, c *ent.Client) error {
			cr, err := c.Courier.Query().Where(courier.PartnerIDNotNil()).First(ctx)
			if err != nil {
				return err
			}
			courierID, partnerID = cr.ID, *cr.PartnerID
			return c.CourierStatusChange.Create().SetCourierID(cr.ID).
				SetToStatus(courierstatuschange.ToStatus(cr.Status)).SetActorID(actor.ID).Exec(ctx)
		})
		q := fmt.Sprintf(`{ node(id: "%d") { ... on Courier { statusHistory(first: 50) { edges { node { actor { %%s } } } } } } }`, courierID)
		full := map[authz.Role]bool{authz.Owner: true, authz.Security: true}
		for _, role := range []authz.Role{authz.Owner, authz.Manager, authz.Onboarding, authz.Security, authz.Integrator} {
			tok := e.token(role, authz.Scope{Partners: []int{partnerID}})
			name := e.gql(tok, fmt.Sprintf(q, "id fullName"))
			if len(name.Errors) > 0 || !strings.Contains(string(name.Raw), actor.FullName) {
				t.Errorf("%s cannot see who acted: %s", role, name.Raw)
			}
			for _, field := range []string{"login", "role", "telegramUserID", "lastSignInAt", "permissions", "partners { id }"} {
				r := e.gql(tok, fmt.Sprintf(q, "id fullName "+field))
				leaked := actorField(r, strings.Fields(field)[0]) != ""
				switch {
				case full[role] && (len(r.Errors) > 0 || !leaked && field != "telegramUserID" && field != "lastSignInAt"):
					t.Errorf("%s must read the actor's %s: %s", role, field, r.Raw)
				case !full[role] && (leaked || r.code() != "FORBIDDEN"):
					t.Errorf("%s reads the actor's %s: %s", role, field, r.Raw)
				}
			}
		}
		// Everyone signed in reads their own account through me.
		for _, role := range []authz.Role{authz.Manager, authz.Onboarding, authz.Warehouse} {
			u := authtest.User(t, e.auth, role, authz.Scope{Partners: []int{partnerID}})
			tok, err := e.auth.Login(context.Background(), u.Login, authtest.Password)
			if err != nil {
				t.Fatal(err)
			}
			r := e.gql(tok.AccessToken, `{ me { login role permissions partners { id } } }`)
			if len(r.Errors) > 0 || !strings.Contains(string(r.Raw), u.Login) {
				t.Errorf("%s cannot read its own user: %s", role, r.Raw)
			}
		}
	})
}

// actorField returns the first non-null value of field among the actors in
// r, as JSON text, or "".
func actorField(r gqlResp, field string) string {
	var data struct {
		Node struct {
			StatusHistory struct {
				Edges []struct {
					Node struct {
						Actor map[string]json.RawMessage `json:"actor"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"statusHistory"`
		} `json:"node"`
	}
	b, _ := json.Marshal(r.Data)
	_ = json.Unmarshal(b, &data)
	for _, e := range data.Node.StatusHistory.Edges {
		if v, ok := e.Node.Actor[field]; ok && string(v) != "null" {
			return string(v)
		}
	}
	return ""
}
