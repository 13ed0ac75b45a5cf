package graph_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// A security officer's read of a courier's dossier is in the audit trail;
// a manager's working read of the same courier is not.
func TestSecurityReadingADossierIsAudited(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		birth := time.Date(1991, 3, 4, 0, 0, 0, 0, time.UTC)
		var c *ent.Courier
		authtest.Tx(t, a.db, func(ctx context.Context, tx *ent.Client) error {
			var err error
			c, err = tx.Courier.Create().SetLastName("Каримов").SetFirstName("Азиз").SetPhone("+998901112233").
				SetPinfl(pinfl(birth, true, 7)).SetBirthDate(birth).SetTransportType(courier.TransportTypeFoot).Save(ctx)
			return err
		})
		id := strconv.Itoa(c.ID)
		dossierReads := func() int {
			return a.db.Client.AuditEvent.Query().
				Where(auditevent.Operation("Query.courierDossier"), auditevent.EntityID(c.ID)).
				CountX(authtest.Sys())
		}
		manager := a.userToken(authz.Manager, authz.Scope{})
		_ = a.postAs(manager, `query($id: ID!) { courierDossier(id: $id) { id } }`, map[string]any{"id": id})
		if n := dossierReads(); n != 0 {
			t.Fatalf("%d dossier events before security looked, want 0", n)
		}
		security := a.userToken(authz.Security, authz.Scope{})
		var out struct{ CourierDossier struct{ Pinfl string } }
		a.okAs(security, `query($id: ID!) { courierDossier(id: $id) { pinfl } }`, map[string]any{"id": id}, &out)
		if out.CourierDossier.Pinfl != c.Pinfl {
			t.Errorf("security sees PINFL %q, want it in full (%q)", out.CourierDossier.Pinfl, c.Pinfl)
		}
		evs := a.db.Client.AuditEvent.Query().
			Where(auditevent.Operation("Query.courierDossier"), auditevent.EntityID(c.ID)).
			AllX(authtest.Sys())
		if len(evs) != 1 || evs[0].ActorRole != string(authz.Security) || evs[0].ActorID == nil {
			t.Fatalf("dossier events %+v, want one naming the security officer", evs)
		}
	})
}
