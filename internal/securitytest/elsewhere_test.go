package securitytest_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// Weakness "a PINFL held in another partner": a manager scoped to one
// partner onboarding a PINFL (or phone) that a courier of another partner
// holds got CONFLICT, and could probe other partners' staff with it. The
// conflict now says only "already registered, ask the owner" and names
// nothing of the holder (no id, name, status, partner), and the attempt is
// audited for the owner and the security service.
func TestValueHeldInAnotherPartnerRevealsNothingAndIsAudited(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		owner := e.token(authz.Owner, authz.Scope{})
		theirs, ours := e.geo(), e.geo()
		holderID, pin := e.onboardIn(owner, fmt.Sprint(theirs.partner), fmt.Sprint(theirs.branch))
		var holder struct{ Phone string }
		_ = json.Unmarshal(e.mustGQL(owner, fmt.Sprintf(`{ node(id: %q) { ... on Courier { phone } } }`, holderID)).Data["node"], &holder)
		manager := e.token(authz.Manager, authz.Scope{Partners: []int{ours.partner}})

		onboard := func(tok, pin, phone string) gqlResp {
			return e.gql(tok, fmt.Sprintf(`mutation { onboardCourier(input: {lastName: "Юсупов", firstName: "Бобур", phone: %q, pinfl: %q, transportType: FOOT, partnerID: "%d"}) { id } }`,
				phone, pin, ours.partner))
		}
		revealsNothing := func(what string, r gqlResp, key string) {
			t.Helper()
			if r.code() != "CONFLICT" || r.Errors[0].Extensions["key"] != key {
				t.Errorf("%s: want CONFLICT %s, got %s", what, key, r.Raw)
				return
			}
			if !strings.Contains(r.Errors[0].Message, "ask the owner") {
				t.Errorf("%s: message %q does not say whom to ask", what, r.Errors[0].Message)
			}
			for _, ext := range []string{"holderId", "holderLabel", "holderStatus", "entity"} {
				if v, ok := r.Errors[0].Extensions[ext]; ok {
					t.Errorf("%s: reveals %s = %v", what, ext, v)
				}
			}
			for _, secret := range []string{holderID, "Каримов", "Азиз", fmt.Sprint("Партнёр ", theirs.partner), "NEW", "new"} {
				if strings.Contains(string(r.Raw), `"`+secret+`"`) || strings.Contains(r.Errors[0].Message, secret) {
					t.Errorf("%s: reveals %q: %s", what, secret, r.Raw)
				}
			}
		}
		revealsNothing("a PINFL held in another partner", onboard(manager, pin, "+998935550011"), "courier.pinflTakenElsewhere")
		revealsNothing("a phone held in another partner", onboard(manager, validPIN(t), holder.Phone), "courier.phoneTakenElsewhere")

		// The owner, who sees the holder, is still told who it is.
		if r := onboard(owner, pin, "+998935550012"); r.code() != "CONFLICT" || r.Errors[0].Extensions["holderId"] != holderID {
			t.Errorf("the owner onboarding a taken PINFL: %s", r.Raw)
		}

		// Each attempt left one event the owner and security read, naming
		// who tried which value and whose it is; a manager reads none.
		const q = `{ auditEvents(where: {operationHasSuffix: "TakenElsewhere"}) { edges { node { operation actorRole entityType entityID changes } } } }`
		for _, tok := range []string{owner, e.token(authz.Security, authz.Scope{})} {
			var got struct {
				Edges []struct {
					Node struct {
						Operation, ActorRole, EntityType string
						EntityID                         int
						Changes                          map[string]any
					}
				}
			}
			_ = json.Unmarshal(e.mustGQL(tok, q).Data["auditEvents"], &got)
			ops := map[string]map[string]any{}
			for _, ed := range got.Edges {
				n := ed.Node
				if n.ActorRole != "manager" || n.EntityType != "Courier" || fmt.Sprint(n.EntityID) != holderID {
					t.Errorf("audit event %+v: want a manager's attempt on Courier %s", n, holderID)
				}
				ops[n.Operation] = n.Changes
			}
			if len(got.Edges) != 2 || ops["courier.pinflTakenElsewhere"]["pinfl"] != pin || ops["courier.phoneTakenElsewhere"]["phone"] != holder.Phone {
				t.Errorf("audit trail of the attempts: %+v", got.Edges)
			}
		}
		if r := e.gql(manager, q); r.code() != "FORBIDDEN" {
			t.Errorf("a manager reading the audit trail: %s", r.Raw)
		}
	})
}

// The import was a second way to probe: a row with another partner's PINFL
// came back "unchanged" (so it exists) and was not audited. It is now the
// same refusal as onboarding's, audited, on both databases; the owner, who
// sees the holder, still gets "unchanged".
func TestImportDoesNotProbeOtherPartnersCouriers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		owner := e.token(authz.Owner, authz.Scope{})
		theirs, ours := e.geo(), e.geo()
		_, pin := e.onboardIn(owner, fmt.Sprint(theirs.partner), fmt.Sprint(theirs.branch))
		manager := e.token(authz.Manager, authz.Scope{Partners: []int{ours.partner}})
		ourName := e.db.Client.Partner.GetX(authtest.Sys(), ours.partner).Name
		csv := fmt.Sprintf("last_name,first_name,phone,pinfl,transport_type,partner\nЮсупов,Бобур,+998935550031,%s,foot,%s\n", pin, ourName)
		const q = `mutation($file: Upload!) { importCouriers(file: $file, dryRun: true) { unchanged failed errors { key } } }`
		type report struct {
			Unchanged, Failed int
			Errors            []struct{ Key string }
		}
		run := func(tok string) report {
			t.Helper()
			r := e.upload(tok, q, "couriers.csv", []byte(csv), nil)
			if len(r.Errors) > 0 {
				t.Fatalf("import: %s", r.Raw)
			}
			var rep report
			_ = json.Unmarshal(r.Data["importCouriers"], &rep)
			return rep
		}
		if rep := run(manager); rep.Unchanged != 0 || rep.Failed != 1 || len(rep.Errors) != 1 || rep.Errors[0].Key != "courier.pinflTakenElsewhere" {
			t.Errorf("manager importing another partner's PINFL: %+v, want one row refused with courier.pinflTakenElsewhere", rep)
		}
		if rep := run(owner); rep.Unchanged != 1 || rep.Failed != 0 {
			t.Errorf("owner importing a registered PINFL: %+v, want it unchanged", rep)
		}
		var got struct {
			Edges []struct {
				Node struct{ Changes map[string]any }
			}
		}
		_ = json.Unmarshal(e.mustGQL(owner, `{ auditEvents(where: {operation: "courier.pinflTakenElsewhere"}) { edges { node { changes } } } }`).Data["auditEvents"], &got)
		found := false
		for _, ed := range got.Edges {
			found = found || ed.Node.Changes["attempted"] == "importCouriers"
		}
		if !found {
			t.Errorf("the import attempt was not audited: %+v", got)
		}
	})
}
