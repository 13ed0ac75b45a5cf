package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/ent/region"
	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// The audit table's own append-only guarantee (UPDATE and DELETE refused
// by a trigger on PostgreSQL and SQLite) is tested in
// internal/platform/migrate/appendonly_test.go.

// events returns the audit events of an entity type, oldest first.
func events(t *testing.T, a *api, entity string) []*ent.AuditEvent {
	t.Helper()
	evs, err := a.db.Client.AuditEvent.Query().Where(auditevent.EntityType(entity)).Order(ent.Asc(auditevent.FieldID)).All(authtest.Sys())
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestAudit_AFailedMutationLeavesNoEvent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		a.createID("createRegion", `{name: "Ташкент", code: "TAS"}`)
		if n := len(events(t, a, "Region")); n != 1 {
			t.Fatalf("%d Region events after one create, want 1 (else the zero below proves nothing)", n)
		}
		oneError(t, a.post(`mutation { createRegion(input: {name: "Дубль", code: "TAS"}) { id } }`, nil), "CONFLICT")
		// A later step failing takes the earlier, successful one back with it:
		// the operation is one transaction.
		r := a.post(`mutation {
			first: createRegion(input: {name: "Андижан", code: "AND"}) { id }
			second: createRegion(input: {name: "Дубль", code: "TAS"}) { id }
		}`, nil)
		oneError(t, r, "CONFLICT")
		if n := len(events(t, a, "Region")); n != 1 {
			t.Errorf("%d Region events after the failed mutations, want still 1", n)
		}
		if n := a.db.Client.Region.Query().Where(region.Code("AND")).CountX(authtest.Sys()); n != 0 {
			t.Errorf("the first step of the failed operation persisted (%d rows)", n)
		}
	})
}

func TestAudit_ASuccessfulUpdateLeavesOneEventWithItsDiff(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		id := a.createID("createRegion", `{name: "Ташкент", code: "TAS"}`)
		before := len(events(t, a, "Region"))
		a.ok(`mutation($id: ID!) { updateRegion(id: $id, input: {name: "Toshkent"}) { id } }`, map[string]any{"id": id}, nil)
		evs := events(t, a, "Region")
		if len(evs) != before+1 {
			t.Fatalf("%d new Region events, want 1", len(evs)-before)
		}
		e := evs[len(evs)-1]
		if e.Operation != "Mutation.updateRegion" || e.EntityID == nil || fmt.Sprint(*e.EntityID) != id {
			t.Errorf("event %s on %v, want Mutation.updateRegion on %s", e.Operation, e.EntityID, id)
		}
		if e.ActorKind != auditevent.ActorKind(authz.KindToken) || e.ActorRole != string(authz.Owner) || e.ActorID == nil {
			t.Errorf("actor %s/%s/%v, want the owner's API token", e.ActorKind, e.ActorRole, e.ActorID)
		}
		want := map[string]any{"name": map[string]any{"old": "Ташкент", "new": "Toshkent"}}
		got, _ := json.Marshal(e.Changes)
		wantJSON, _ := json.Marshal(want)
		if string(got) != string(wantJSON) {
			t.Errorf("changes %s, want %s", got, wantJSON)
		}
	})
}

func TestAudit_PasswordChangeIsRecordedRedacted(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		u := authtest.User(t, a.auth, authz.Onboarding, authz.Scope{})
		tok, err := a.auth.Login(context.Background(), u.Login, authtest.Password)
		if err != nil {
			t.Fatal(err)
		}
		r := a.postAs(tok.AccessToken, `mutation { changePassword(oldPassword: "`+authtest.Password+`", newPassword: "Quiet-Meadow-Signal-8") }`, nil)
		if len(r.Errors) > 0 {
			t.Fatalf("changePassword: %s", r.Body)
		}
		hash := a.db.Client.User.GetX(authtest.Sys(), u.ID).PasswordHash
		var found bool
		for _, e := range events(t, a, "User") {
			raw, _ := json.Marshal(e.Changes)
			if strings.Contains(string(raw), hash) || strings.Contains(string(raw), "argon2id") {
				t.Errorf("event %s records a password hash: %s", e.Operation, raw)
			}
			if e.Operation != "Mutation.changePassword" {
				continue
			}
			found = true
			ph, ok := e.Changes["password_hash"].(map[string]any)
			if !ok || ph["new"] != audit.Redacted || len(ph) != 1 {
				t.Errorf("password_hash change %v, want only {new: %q}", e.Changes["password_hash"], audit.Redacted)
			}
			if e.ActorID == nil || *e.ActorID != u.ID {
				t.Errorf("actor %v, want the user %d", e.ActorID, u.ID)
			}
		}
		if !found {
			t.Error("no Mutation.changePassword event")
		}
	})
}
