package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/courierdocument"
	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// The audit matrix: every mutation of the executed schema, called once by a
// role allowed to call it, leaves exactly the audit events its row names —
// one event of the changed entity, with the mutation's operation and the
// caller as actor, plus the row's listed side events — and nothing else.
// A new mutation without a row fails TestAuditMatrix_EveryMutationHasARow.

// auditRow is the expectation of one mutation. The expectations are written
// by hand from what each operation changes, not read from the audit code.
type auditRow struct {
	// entity is the type of the one event the mutation must leave.
	entity string
	// op is that event's operation when it is not "Mutation.<name>".
	op string
	// also counts the other events the call leaves, by entity type; they
	// carry the same operation and actor.
	also map[string]int
	// bookkeeping lists events of another operation or actor the call
	// leaves besides, each exactly once (with the reason in the row).
	bookkeeping []bookkeepingEvent
	// none, when set, says why the mutation leaves no event at all.
	none string
	// prepare sets up what the mutation needs (its own writes are not
	// counted) and returns the call.
	prepare func(t *testing.T, f *auditFixture) auditCall
}

// bookkeepingEvent is an event written by the system on the side.
type bookkeepingEvent struct {
	entity, op string
	kind       auditevent.ActorKind
}

// auditCall is one request of the audit matrix.
type auditCall struct {
	query string // the whole operation; an upload is its variable $file
	file  []byte
	name  string // the file's name (default upload.pdf)
	// as calls as another principal than the signed-in owner (nil).
	as *auditCaller
	// entityID is the id the main event must name (0: any non-nil id).
	entityID int
}

// auditCaller is who calls, and the actor the events must name.
type auditCaller struct {
	token string // empty: anonymous
	kind  auditevent.ActorKind
	id    int
	role  authz.Role
}

type auditFixture struct {
	a                                  *api
	owner                              auditCaller
	region, branch, warehouse, partner int
	warehouse2, bag, kitType           int
	seq                                int
	pdf                                []byte
	svc                                *authsvc.Service
}

var auditMatrix = map[string]auditRow{
	"createRegion": {entity: "Region", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { createRegion(input: {name: "Аудит", code: "AU%d"}) { id } }`, f.next())}
	}},
	"updateRegion": {entity: "Region", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { updateRegion(id: "%d", input: {name: "Аудит %d"}) { id } }`, f.region, f.next()), entityID: f.region}
	}},
	"createBranch": {entity: "Branch", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { createBranch(input: {name: "Аудит", code: "AU-B%d", regionID: "%d"}) { id } }`, f.next(), f.region)}
	}},
	"updateBranch": {entity: "Branch", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { updateBranch(id: "%d", input: {name: "Аудит %d"}) { id } }`, f.branch, f.next()), entityID: f.branch}
	}},
	"createWarehouse": {entity: "Warehouse", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { createWarehouse(input: {name: "Аудит", code: "AU-W%d", branchID: "%d"}) { id } }`, f.next(), f.branch)}
	}},
	"updateWarehouse": {entity: "Warehouse", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { updateWarehouse(id: "%d", input: {name: "Аудит %d"}) { id } }`, f.warehouse, f.next()), entityID: f.warehouse}
	}},
	"createPartner": {entity: "Partner", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { createPartner(input: {name: "Аудит %d"}) { id } }`, f.next())}
	}},
	"updatePartner": {entity: "Partner", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { updatePartner(id: "%d", input: {name: "Аудит %d"}) { id } }`, f.partner, f.next()), entityID: f.partner}
	}},
	"createEquipmentType": {entity: "EquipmentType", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { createEquipmentType(input: {name: "Аудит", sku: "AU-%d", category: BAG}) { id } }`, f.next())}
	}},
	"updateEquipmentType": {entity: "EquipmentType", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { updateEquipmentType(id: "%d", input: {name: "Аудит %d"}) { id } }`, f.bag, f.next()), entityID: f.bag}
	}},

	// Sign-in: the auth service records sign-ins and sign-outs as events of
	// their own; sessions are bookkeeping (internal/audit's unaudited list).
	// The sign-in also stamps the user's last sign-in time as the system
	// (an update of the User row, named after the GraphQL operation).
	"login": {entity: "User", op: "auth.login", prepare: func(t *testing.T, f *auditFixture) auditCall {
		u := authtest.User(t, f.svc, authz.Security, authz.Scope{})
		return auditCall{
			query:    fmt.Sprintf(`mutation { login(login: %q, password: %q) { accessToken } }`, u.Login, authtest.Password),
			as:       &auditCaller{kind: auditevent.ActorKindUser, id: u.ID, role: authz.Security},
			entityID: u.ID,
		}
	}},
	"refresh": {none: "a refresh rotates the session's tokens (Session rows are sign-in bookkeeping, left out of the trail); the sign-in it continues was recorded as auth.login",
		prepare: func(t *testing.T, f *auditFixture) auditCall {
			u := authtest.User(t, f.svc, authz.Security, authz.Scope{})
			tok, err := f.svc.Login(context.Background(), u.Login, authtest.Password)
			if err != nil {
				t.Fatal(err)
			}
			return auditCall{query: fmt.Sprintf(`mutation { refresh(refreshToken: %q) { accessToken } }`, tok.RefreshToken), as: &auditCaller{}}
		}},
	"logout": {entity: "User", op: "auth.logout", prepare: func(t *testing.T, f *auditFixture) auditCall {
		c := f.signIn(t, authz.Warehouse)
		return auditCall{query: `mutation { logout }`, as: c, entityID: c.id}
	}},
	"logoutEverywhere": {entity: "User", op: "auth.logoutEverywhere", prepare: func(t *testing.T, f *auditFixture) auditCall {
		c := f.signIn(t, authz.Onboarding)
		return auditCall{query: `mutation { logoutEverywhere }`, as: c, entityID: c.id}
	}},
	"changePassword": {entity: "User", prepare: func(t *testing.T, f *auditFixture) auditCall {
		c := f.signIn(t, authz.Manager)
		return auditCall{query: fmt.Sprintf(`mutation { changePassword(oldPassword: %q, newPassword: "Audit-Lantern-Quartz-%d") }`, authtest.Password, f.next()), as: c, entityID: c.id}
	}},
	"createUser": {entity: "User", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { createUser(input: {login: "audit-%d", fullName: "Аудит", role: MANAGER, password: %q}) { id } }`, f.next(), authtest.Password)}
	}},
	"updateUser": {entity: "User", prepare: func(t *testing.T, f *auditFixture) auditCall {
		u := authtest.User(t, f.svc, authz.Integrator, authz.Scope{})
		return auditCall{query: fmt.Sprintf(`mutation { updateUser(id: "%d", input: {fullName: "Аудит 2"}) { id } }`, u.ID), entityID: u.ID}
	}},
	"resetUserPassword": {entity: "User", prepare: func(t *testing.T, f *auditFixture) auditCall {
		u := authtest.User(t, f.svc, authz.Integrator, authz.Scope{})
		return auditCall{query: fmt.Sprintf(`mutation { resetUserPassword(id: "%d", password: "Audit-Reset-Quartz-%d") }`, u.ID, f.next()), entityID: u.ID}
	}},
	"createApiToken": {entity: "ApiToken", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { createApiToken(input: {name: "audit-%d", role: INTEGRATOR, expiresAt: %q}) { token } }`, f.next(), time.Now().Add(time.Hour).UTC().Format(time.RFC3339))}
	}},
	"revokeApiToken": {entity: "ApiToken", prepare: func(t *testing.T, f *auditFixture) auditCall {
		_, tok, err := f.svc.CreateAPIToken(authtest.Sys(), authsvc.APITokenInput{Name: fmt.Sprint("audit-revoke-", f.next()), Role: authz.Integrator, ExpiresAt: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return auditCall{query: fmt.Sprintf(`mutation { revokeApiToken(id: "%d") { id } }`, tok.ID), entityID: tok.ID}
	}},

	"onboardCourier": {entity: "Courier", also: map[string]int{"CourierStatusChange": 1}, prepare: func(_ *testing.T, f *auditFixture) auditCall {
		n := f.next()
		pin := pinfl(time.Date(1990, 3, 1+n%27, 0, 0, 0, 0, time.UTC), true, n)
		return auditCall{query: fmt.Sprintf(`mutation { onboardCourier(input: {lastName: "Аудитов", firstName: "Азиз", phone: "+99893%07d", pinfl: %q, transportType: FOOT, partnerID: "%d", branchID: "%d"}) { id } }`,
			n, pin, f.partner, f.branch)}
	}},
	"updateCourier": {entity: "Courier", prepare: func(t *testing.T, f *auditFixture) auditCall {
		id := f.courier(t, courier.StatusActive)
		return auditCall{query: fmt.Sprintf(`mutation { updateCourier(id: "%d", input: {firstName: "Бахтиёр"}) { id } }`, id), entityID: id}
	}},
	"submitForActivation": {entity: "Courier", also: map[string]int{"CourierStatusChange": 1}, prepare: func(t *testing.T, f *auditFixture) auditCall {
		id := f.readyCourier(t)
		return auditCall{query: fmt.Sprintf(`mutation { submitForActivation(id: "%d") { id } }`, id), entityID: id}
	}},
	"activateCourier": {entity: "Courier", also: map[string]int{"CourierStatusChange": 1}, prepare: func(t *testing.T, f *auditFixture) auditCall {
		id := f.readyCourier(t)
		return auditCall{query: fmt.Sprintf(`mutation { activateCourier(id: "%d") { id } }`, id), entityID: id}
	}},
	"blockCourier": {entity: "Courier", also: map[string]int{"CourierStatusChange": 1}, prepare: func(t *testing.T, f *auditFixture) auditCall {
		id := f.courier(t, courier.StatusActive)
		return auditCall{query: fmt.Sprintf(`mutation { blockCourier(id: "%d", reason: "no_show", comment: "аудит") { id } }`, id), entityID: id}
	}},
	"unblockCourier": {entity: "Courier", also: map[string]int{"CourierStatusChange": 1}, prepare: func(t *testing.T, f *auditFixture) auditCall {
		id := f.courier(t, courier.StatusBlocked)
		return auditCall{query: fmt.Sprintf(`mutation { unblockCourier(id: "%d", comment: "аудит") { id } }`, id), entityID: id}
	}},
	"fireCourier": {entity: "Courier", also: map[string]int{"CourierStatusChange": 1}, prepare: func(t *testing.T, f *auditFixture) auditCall {
		id := f.courier(t, courier.StatusActive)
		return auditCall{query: fmt.Sprintf(`mutation { fireCourier(id: "%d", reason: "own_wish", comment: "аудит") { id } }`, id), entityID: id}
	}},
	"rehireCourier": {entity: "Courier", also: map[string]int{"CourierStatusChange": 1}, prepare: func(t *testing.T, f *auditFixture) auditCall {
		id := f.courier(t, courier.StatusFired)
		return auditCall{query: fmt.Sprintf(`mutation { rehireCourier(id: "%d") { id } }`, id), entityID: id}
	}},
	"setCourierDoNotRehire": {entity: "Courier", prepare: func(t *testing.T, f *auditFixture) auditCall {
		id := f.courier(t, courier.StatusFired)
		return auditCall{query: fmt.Sprintf(`mutation { setCourierDoNotRehire(id: "%d", doNotRehire: true) { id } }`, id), entityID: id}
	}},
	"addCourierDocument": {entity: "CourierDocument", prepare: func(t *testing.T, f *auditFixture) auditCall {
		id := f.courier(t, courier.StatusNew)
		return auditCall{query: fmt.Sprintf(`mutation { addCourierDocument(input: {courierID: "%d", kind: MEDICAL_CERTIFICATE, number: "MED-1"}) { id } }`, id)}
	}},
	"uploadCourierDocumentFile": {entity: "CourierDocument", prepare: func(t *testing.T, f *auditFixture) auditCall {
		doc := f.document(t, courierdocument.VerificationPending, false)
		return auditCall{query: fmt.Sprintf(`mutation($file: Upload!) { uploadCourierDocumentFile(id: "%d", file: $file) { id } }`, doc), file: f.pdf, entityID: doc}
	}},
	"verifyCourierDocument": {entity: "CourierDocument", prepare: func(t *testing.T, f *auditFixture) auditCall {
		doc := f.document(t, courierdocument.VerificationPending, true)
		return auditCall{query: fmt.Sprintf(`mutation { verifyCourierDocument(id: "%d") { id } }`, doc), entityID: doc}
	}},
	"rejectCourierDocument": {entity: "CourierDocument", prepare: func(t *testing.T, f *auditFixture) auditCall {
		doc := f.document(t, courierdocument.VerificationPending, true)
		return auditCall{query: fmt.Sprintf(`mutation { rejectCourierDocument(id: "%d", reason: "размыто") { id } }`, doc), entityID: doc}
	}},
	"importCouriers": {entity: "Courier", also: map[string]int{"CourierStatusChange": 1}, prepare: func(_ *testing.T, f *auditFixture) auditCall {
		n := f.next()
		pin := pinfl(time.Date(1992, 5, 1+n%27, 0, 0, 0, 0, time.UTC), false, n)
		csv := fmt.Sprintf("last_name,first_name,phone,pinfl,transport_type\nИмпортова,Дилноза,+99894%07d,%s,foot\n", n, pin)
		return auditCall{query: `mutation($file: Upload!) { importCouriers(file: $file) { created } }`, file: []byte(csv), name: "couriers.csv"}
	}},
	"createStatusReason": {entity: "StatusReason", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { createStatusReason(input: {kind: BLOCK, code: "audit_%d", titleRu: "Аудит"}) { id } }`, f.next())}
	}},
	"updateStatusReason": {entity: "StatusReason", prepare: func(t *testing.T, f *auditFixture) auditCall {
		var out struct{ CreateStatusReason struct{ ID string } }
		f.a.ok(fmt.Sprintf(`mutation { createStatusReason(input: {kind: FIRE, code: "audit_%d", titleRu: "Аудит"}) { id } }`, f.next()), nil, &out)
		id := atoi(t, out.CreateStatusReason.ID)
		return auditCall{query: fmt.Sprintf(`mutation { updateStatusReason(id: "%d", input: {titleRu: "Аудит 2"}) { id } }`, id), entityID: id}
	}},

	"receiveStock": {entity: "Movement", also: map[string]int{"StockBalance": 1}, prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { receiveStock(input: {warehouseID: "%d", lines: [{equipmentTypeID: "%d", quantity: 3}]}) { documentNumber } }`, f.warehouse, f.bag)}
	}},
	"issueEquipment": {entity: "Movement", also: map[string]int{"StockBalance": 1, "CourierHolding": 1}, prepare: func(t *testing.T, f *auditFixture) auditCall {
		id := f.courier(t, courier.StatusActive)
		return auditCall{query: fmt.Sprintf(`mutation { issueEquipment(input: {warehouseID: "%d", courierID: "%d", lines: [{equipmentTypeID: "%d", quantity: 1}]}) { documentNumber } }`, f.warehouse, id, f.bag)}
	}},
	"returnEquipment": {entity: "Movement", also: map[string]int{"StockBalance": 1, "CourierHolding": 1}, prepare: func(t *testing.T, f *auditFixture) auditCall {
		id := f.holder(t)
		return auditCall{query: fmt.Sprintf(`mutation { returnEquipment(input: {warehouseID: "%d", courierID: "%d", lines: [{equipmentTypeID: "%d", quantity: 1, condition: USED}]}) { documentNumber } }`, f.warehouse, id, f.bag)}
	}},
	"writeOffEquipment": {entity: "Movement", also: map[string]int{"StockBalance": 1}, prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { writeOffEquipment(input: {warehouseID: "%d", reason: "worn_out", lines: [{equipmentTypeID: "%d", quantity: 1}]}) { documentNumber } }`, f.warehouse, f.bag)}
	}},
	"dispatchTransfer": {entity: "Transfer", also: map[string]int{"TransferLine": 1, "Movement": 1, "StockBalance": 1}, prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { dispatchTransfer(input: {fromWarehouseID: "%d", toWarehouseID: "%d", lines: [{equipmentTypeID: "%d", quantity: 1}]}) { documentNumber } }`, f.warehouse, f.warehouse2, f.bag)}
	}},
	"receiveTransfer": {entity: "Transfer", also: map[string]int{"TransferLine": 1, "Movement": 1, "StockBalance": 1}, prepare: func(t *testing.T, f *auditFixture) auditCall {
		var out struct {
			DispatchTransfer struct{ Transfer struct{ ID string } }
		}
		f.a.ok(fmt.Sprintf(`mutation { dispatchTransfer(input: {fromWarehouseID: "%d", toWarehouseID: "%d", lines: [{equipmentTypeID: "%d", quantity: 1}]}) { transfer { id } } }`, f.warehouse, f.warehouse2, f.bag), nil, &out)
		id := atoi(t, out.DispatchTransfer.Transfer.ID)
		return auditCall{query: fmt.Sprintf(`mutation { receiveTransfer(input: {transferID: "%d"}) { documentNumber } }`, id), entityID: id}
	}},
	"countStock": {entity: "Movement", also: map[string]int{"StockBalance": 1}, prepare: func(t *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { countStock(input: {warehouseID: "%d", reason: "пересчёт", lines: [{equipmentTypeID: "%d", counted: %d}]}) { documentNumber } }`, f.warehouse, f.bag, f.onHand(t)+1)}
	}},
	"setStockMinLevel": {entity: "StockBalance", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { setStockMinLevel(warehouseID: "%d", equipmentTypeID: "%d", minLevel: %d) { id } }`, f.warehouse, f.bag, f.next())}
	}},
	"createKit": {entity: "Kit", also: map[string]int{"KitItem": 1}, prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { createKit(input: {name: "Аудит %d", transportType: FOOT, lines: [{equipmentTypeID: "%d", quantity: 1}]}) { id } }`, f.next(), f.kitType)}
	}},
	"createWebhookEndpoint": {entity: "WebhookEndpoint", prepare: func(_ *testing.T, f *auditFixture) auditCall {
		return auditCall{query: fmt.Sprintf(`mutation { createWebhookEndpoint(input: {url: "https://hooks.example.com/audit/%d"}) { secret } }`, f.next())}
	}},
	"updateWebhookEndpoint": {entity: "WebhookEndpoint", prepare: func(t *testing.T, f *auditFixture) auditCall {
		var out struct {
			CreateWebhookEndpoint struct{ Endpoint struct{ ID string } }
		}
		f.a.ok(fmt.Sprintf(`mutation { createWebhookEndpoint(input: {url: "https://hooks.example.com/audit/%d"}) { endpoint { id } } }`, f.next()), nil, &out)
		id := atoi(t, out.CreateWebhookEndpoint.Endpoint.ID)
		return auditCall{query: fmt.Sprintf(`mutation { updateWebhookEndpoint(id: "%d", input: {enabled: false}) { id } }`, id), entityID: id}
	}},
}

func mutationNames() []string {
	var out []string
	for _, op := range rootFields() {
		if name, ok := strings.CutPrefix(op, "Mutation."); ok {
			out = append(out, name)
		}
	}
	return out
}

func TestAuditMatrix_EveryMutationHasARow(t *testing.T) {
	names := mutationNames()
	if len(names) < 40 {
		t.Fatalf("found %d mutations; the schema walk is broken", len(names))
	}
	for _, name := range names {
		row, ok := auditMatrix[name]
		switch {
		case !ok:
			t.Errorf("Mutation.%s has no row in auditMatrix (graph/audit_matrix_test.go): say which audit event it leaves", name)
		case (row.entity == "") == (row.none == ""):
			t.Errorf("Mutation.%s: a row names either the entity of its event or why there is none", name)
		}
	}
	for name := range auditMatrix {
		if !slices.Contains(names, name) {
			t.Errorf("auditMatrix has a row for %s, which the schema does not have", name)
		}
	}
}

// TestAuditMatrix_EveryMutationLeavesItsEvents calls every mutation once
// through the real HTTP handler and compares the audit events it left with
// its row.
func TestAuditMatrix_EveryMutationLeavesItsEvents(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		f := newAuditFixture(t, d)
		for _, name := range mutationNames() {
			row, ok := auditMatrix[name]
			if !ok {
				continue // reported by TestAuditMatrix_EveryMutationHasARow
			}
			t.Run(name, func(t *testing.T) {
				f.a.t = t // the setup's failures are this row's
				call := row.prepare(t, f)
				caller := &f.owner
				if call.as != nil {
					caller = call.as
				}
				before := f.lastEvent(t)
				r := f.send(t, caller.token, call)
				if r.Status != http.StatusOK || len(r.Errors) > 0 {
					t.Fatalf("%s: HTTP %d: %s", name, r.Status, r.Body)
				}
				evs, err := f.a.db.Client.AuditEvent.Query().Where(auditevent.IDGT(before)).Order(ent.Asc(auditevent.FieldID)).All(authtest.Sys())
				if err != nil {
					t.Fatal(err)
				}
				if row.none != "" {
					for _, e := range evs {
						t.Errorf("%s left %s on %s, want no event (%s)", name, e.Operation, e.EntityType, row.none)
					}
					return
				}
				checkAuditEvents(t, name, row, call, caller, evs)
			})
		}
	})
}

func checkAuditEvents(t *testing.T, name string, row auditRow, call auditCall, caller *auditCaller, evs []*ent.AuditEvent) {
	t.Helper()
	op := row.op
	if op == "" {
		op = "Mutation." + name
	}
	want := map[string]int{row.entity: 1}
	for e, n := range row.also {
		want[e] += n
	}
	for _, b := range row.bookkeeping {
		want[fmt.Sprintf("%s by %s as %s", b.entity, b.kind, b.op)]++
	}
	got := map[string]int{}
	for _, e := range evs {
		if i := slices.IndexFunc(row.bookkeeping, func(b bookkeepingEvent) bool {
			return b.entity == e.EntityType && b.op == e.Operation && b.kind == e.ActorKind
		}); i >= 0 {
			got[fmt.Sprintf("%s by %s as %s", e.EntityType, e.ActorKind, e.Operation)]++
			continue
		}
		got[e.EntityType]++
		if e.Operation != op {
			t.Errorf("%s left an event on %s with operation %q, want %q", name, e.EntityType, e.Operation, op)
		}
		if e.ActorKind != caller.kind || e.ActorRole != string(caller.role) || e.ActorID == nil || *e.ActorID != caller.id {
			t.Errorf("%s: event on %s names actor %s/%s/%v, want %s/%s/%d", name, e.EntityType, e.ActorKind, e.ActorRole, deref(e.ActorID), caller.kind, caller.role, caller.id)
		}
		if e.EntityType == row.entity {
			switch {
			case e.EntityID == nil:
				t.Errorf("%s: the %s event names no entity", name, row.entity)
			case call.entityID != 0 && *e.EntityID != call.entityID:
				t.Errorf("%s: the %s event names entity %d, want %d", name, row.entity, *e.EntityID, call.entityID)
			}
		}
	}
	for e, n := range want {
		if got[e] != n {
			t.Errorf("%s left %d events on %s, want %d (all events: %v)", name, got[e], e, n, got)
		}
	}
	for e, n := range got {
		if _, ok := want[e]; !ok {
			t.Errorf("%s left %d unexpected events on %s (all events: %v)", name, n, e, got)
		}
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// newAuditFixture serves a fresh database with a document store, signs an
// owner in, and creates the geography and stock the rows use.
func newAuditFixture(t *testing.T, d string) *auditFixture {
	t.Helper()
	db := dbtest.New(t, d)
	svc := authtest.Service(t, db)
	log := &syncBuffer{}
	srv := httptest.NewServer(apptest.Handler(t, app.Options{DB: db, Logger: zerolog.New(log), Auth: svc, Documents: apptest.Docs(t)}))
	t.Cleanup(srv.Close)
	a := &api{t: t, db: db, srv: srv, log: log, auth: svc, owner: authtest.Token(t, svc, authz.Owner, authz.Scope{})}
	f := &auditFixture{a: a, svc: svc, pdf: []byte("%PDF-1.4\n% audit scan\n%%EOF\n")}
	f.owner = *f.signIn(t, authz.Owner)
	ref := createRefData(a)
	f.region, f.branch, f.warehouse, f.partner, f.bag = atoi(t, ref.regionTAS), atoi(t, ref.branchA), atoi(t, ref.warehouse), atoi(t, ref.partnerA), atoi(t, ref.equipment)
	f.warehouse2 = atoi(t, a.createID("createWarehouse", fmt.Sprintf(`{name: "Склад 2", code: "WH-2", branchID: "%d"}`, f.branch)))
	f.kitType = atoi(t, a.createID("createEquipmentType", `{name: "Шлем", sku: "HELMET", category: HELMET}`))
	a.ok(fmt.Sprintf(`mutation { receiveStock(input: {warehouseID: "%d", lines: [{equipmentTypeID: "%d", quantity: 100}]}) { documentNumber } }`, f.warehouse, f.bag), nil, nil)
	return f
}

func (f *auditFixture) next() int { f.seq++; return f.seq }

// signIn creates a user of role and signs them in.
func (f *auditFixture) signIn(t *testing.T, role authz.Role) *auditCaller {
	t.Helper()
	u := authtest.User(t, f.svc, role, authz.Scope{})
	tok, err := f.svc.Login(context.Background(), u.Login, authtest.Password)
	if err != nil {
		t.Fatal(err)
	}
	return &auditCaller{token: tok.AccessToken, kind: auditevent.ActorKindUser, id: u.ID, role: role}
}

// lastEvent is the id of the newest audit event (0 if none).
func (f *auditFixture) lastEvent(t *testing.T) int {
	t.Helper()
	id, err := f.a.db.Client.AuditEvent.Query().Order(ent.Desc(auditevent.FieldID)).FirstID(authtest.Sys())
	if err != nil && !ent.IsNotFound(err) {
		t.Fatal(err)
	}
	return id
}

// courier inserts a courier in status st (a fixture, written as the system).
func (f *auditFixture) courier(t *testing.T, st courier.Status) int {
	t.Helper()
	n := f.next()
	birth := time.Date(1988, 7, 1+n%27, 0, 0, 0, 0, time.UTC)
	pin := pinfl(birth, true, 500000+n)
	var id int
	authtest.Tx(t, f.a.db, func(ctx context.Context, tx *ent.Client) error {
		c, err := tx.Courier.Create().SetLastName("Фикстуров").SetFirstName("Азиз").
			SetPhone(fmt.Sprintf("+99895%07d", n)).SetPinfl(pin).SetBirthDate(birth).
			SetTransportType(courier.TransportTypeFoot).SetStatus(st).
			SetPartnerID(f.partner).SetBranchID(f.branch).Save(ctx)
		if err == nil {
			id = c.ID
		}
		return err
	})
	return id
}

// readyCourier is a new courier with every required document verified and
// stored, ready to submit and activate.
func (f *auditFixture) readyCourier(t *testing.T) int {
	t.Helper()
	id := f.courier(t, courier.StatusNew)
	authtest.Tx(t, f.a.db, func(ctx context.Context, tx *ent.Client) error {
		for _, k := range []courierdocument.Kind{courierdocument.KindPassport, courierdocument.KindMedicalCertificate, courierdocument.KindContract, courierdocument.KindPhoto} {
			if err := tx.CourierDocument.Create().SetCourierID(id).SetKind(k).
				SetVerification(courierdocument.VerificationVerified).SetVerifiedAt(time.Now()).
				SetStorageKey(fmt.Sprintf("audit/%d/%s.pdf", id, k)).SetFileName("scan.pdf").SetContentType("application/pdf").SetFileSize(32).
				Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	return id
}

// document inserts a passport of a new courier, with a stored file or not.
func (f *auditFixture) document(t *testing.T, v courierdocument.Verification, withFile bool) int {
	t.Helper()
	cid := f.courier(t, courier.StatusNew)
	var id int
	authtest.Tx(t, f.a.db, func(ctx context.Context, tx *ent.Client) error {
		c := tx.CourierDocument.Create().SetCourierID(cid).SetKind(courierdocument.KindPassport).SetNumber("AA1234567").SetVerification(v)
		if withFile {
			c.SetStorageKey(fmt.Sprintf("audit/%d/passport.pdf", cid)).SetFileName("scan.pdf").SetContentType("application/pdf").SetFileSize(32)
		}
		d, err := c.Save(ctx)
		if err == nil {
			id = d.ID
		}
		return err
	})
	return id
}

// holder is an active courier holding one bag issued at the warehouse.
func (f *auditFixture) holder(t *testing.T) int {
	t.Helper()
	id := f.courier(t, courier.StatusActive)
	f.a.ok(fmt.Sprintf(`mutation { issueEquipment(input: {warehouseID: "%d", courierID: "%d", lines: [{equipmentTypeID: "%d", quantity: 1}]}) { documentNumber } }`, f.warehouse, id, f.bag), nil, nil)
	return id
}

// onHand is the warehouse's balance of bags.
func (f *auditFixture) onHand(t *testing.T) int {
	t.Helper()
	var out struct {
		StockBalances struct {
			Edges []struct{ Node struct{ Quantity int } }
		}
	}
	f.a.ok(fmt.Sprintf(`{ stockBalances(where: {hasWarehouseWith: {id: "%d"}, hasEquipmentTypeWith: {id: "%d"}}) { edges { node { quantity } } } }`, f.warehouse, f.bag), nil, &out)
	if len(out.StockBalances.Edges) != 1 {
		t.Fatalf("%d balances of the bag", len(out.StockBalances.Edges))
	}
	return out.StockBalances.Edges[0].Node.Quantity
}

// send posts call with bearer, as a multipart upload when it carries a file.
func (f *auditFixture) send(t *testing.T, bearer string, call auditCall) response {
	t.Helper()
	if call.file == nil {
		return f.a.postAs(bearer, call.query, nil)
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	ops, _ := json.Marshal(map[string]any{"query": call.query, "variables": map[string]any{"file": nil}})
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{"0": ["variables.file"]}`)
	name := call.name
	if name == "" {
		name = "upload.pdf"
	}
	fw, _ := w.CreateFormFile("0", name)
	_, _ = fw.Write(call.file)
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, f.a.srv.URL+"/graphql", &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	authtest.Bearer(req, bearer)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	r.Body, r.Status = string(raw), res.StatusCode
	return r
}
