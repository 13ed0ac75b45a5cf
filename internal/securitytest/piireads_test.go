package securitytest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// Weakness "security's bulk reads": opening one courier's dossier was
// audited, but listing or exporting every courier with the PINFL in full
// left no trace. A security officer's query that returns PINFLs, and an
// export of theirs, now write one audit event per request — what was asked
// (the filter) and how many couriers — not one per row.
func TestSecurityBulkReadsOfPersonalDataAreAudited(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		owner := e.token(authz.Owner, authz.Scope{})
		g := e.geo()
		var first string
		for i := range 3 {
			id, _ := e.onboardIn(owner, fmt.Sprint(g.partner), "")
			if i == 0 {
				first = id
			}
		}
		security := e.token(authz.Security, authz.Scope{})
		events := func(op string) []*ent.AuditEvent {
			t.Helper()
			evs, err := e.db.Client.AuditEvent.Query().Where(auditevent.Operation(op)).Order(ent.Asc(auditevent.FieldID)).All(authtest.Sys())
			if err != nil {
				t.Fatal(err)
			}
			return evs
		}
		detail := func(ev *ent.AuditEvent, path ...string) any {
			var v any = ev.Changes
			for _, k := range path {
				m, _ := v.(map[string]any)
				v = m[k]
			}
			return fmt.Sprint(v)
		}

		// A list with the PINFL: one event with the filter and the count.
		e.mustGQL(security, `{ couriers(first: 50, where: {lastName: "Каримов"}) { edges { node { id pinfl phone } } } }`)
		evs := events("personalData.list")
		if len(evs) != 1 {
			t.Fatalf("a list of 3 couriers with PINFL: %d audit events, want 1", len(evs))
		}
		ev := evs[0]
		if ev.ActorRole != "security" || detail(ev, "couriers") != "3" ||
			detail(ev, "query", "couriers", "arguments", "where", "lastName") != "Каримов" {
			t.Errorf("the list's event: role %s, changes %v", ev.ActorRole, ev.Changes)
		}
		// Through a nested connection, with variables: one more.
		r := e.gql(security, `query($p: ID!) { node(id: $p) { ... on Partner { couriers { edges { node { pinfl } } } } } }`, map[string]any{"p": fmt.Sprint(g.partner)})
		if len(r.Errors) > 0 {
			t.Fatal(string(r.Raw))
		}
		if evs = events("personalData.list"); len(evs) != 2 || detail(evs[1], "couriers") != "3" ||
			detail(evs[1], "query", "node", "arguments", "id") != fmt.Sprint(g.partner) {
			t.Errorf("a nested list: %d events, last %v", len(evs), evs[len(evs)-1].Changes)
		}
		// Without the PINFL, another role, or a dossier (audited itself): none.
		e.mustGQL(security, `{ couriers { edges { node { id lastName } } } }`)
		e.mustGQL(owner, `{ couriers { edges { node { id pinfl } } } }`)
		e.mustGQL(security, fmt.Sprintf(`{ courierDossier(id: %q) { id pinfl } }`, first))
		if evs = events("personalData.list"); len(evs) != 2 {
			t.Errorf("reads without PINFL, by the owner or of a dossier: %d list events, want still 2", len(evs))
		}
		if n := len(events("Query.courierDossier")); n != 1 {
			t.Errorf("the dossier read: %d events, want 1", n)
		}

		// An export: one event, with its filter and count.
		for _, format := range []string{"csv", "xlsx"} {
			res, body := e.get("/export/couriers?format="+format+"&where="+url.QueryEscape(`{"lastName":"Каримов"}`), security)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("export %s: %d %s", format, res.StatusCode, body)
			}
		}
		evs = events("personalData.export")
		if len(evs) != 2 {
			t.Fatalf("two exports: %d audit events, want 2", len(evs))
		}
		for _, ev := range evs {
			if detail(ev, "couriers") != "3" || detail(ev, "filter", "where", "lastName") != "Каримов" {
				b, _ := json.Marshal(ev.Changes)
				t.Errorf("the export's event: %s", b)
			}
		}
		if res, _ := e.get("/export/couriers", owner); res.StatusCode != http.StatusOK || len(events("personalData.export")) != 2 {
			t.Errorf("the owner's export: %d, and audited as security's", res.StatusCode)
		}
	})
}
