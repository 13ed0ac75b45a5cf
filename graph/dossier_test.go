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
		var partner int
		authtest.Tx(t, a.db, func(ctx context.Context, tx *ent.Client) error {
			p, err := tx.Partner.Create().SetName("Партнёр досье").Save(ctx)
			if err != nil {
				return err
			}
			partner = p.ID
			c, err = tx.Courier.Create().SetLastName("Каримов").SetFirstName("Азиз").SetPhone("+998901112233").
				SetPinfl(pinfl(birth, true, 7)).SetBirthDate(birth).SetTransportType(courier.TransportTypeFoot).
				SetPartnerID(p.ID).Save(ctx)
			return err
		})
		id := strconv.Itoa(c.ID)
		dossierReads := func() int {
			return a.db.Client.AuditEvent.Query().
				Where(auditevent.Operation("Query.courierDossier"), auditevent.EntityID(c.ID)).
				CountX(authtest.Sys())
		}
		// The manager is scoped to the courier's partner, so the read really
		// happens (a refused read would prove nothing about auditing).
		manager := a.userToken(authz.Manager, authz.Scope{Partners: []int{partner}})
		var seen struct{ CourierDossier struct{ ID string } }
		a.okAs(manager, `query($id: ID!) { courierDossier(id: $id) { id } }`, map[string]any{"id": id}, &seen)
		if seen.CourierDossier.ID != id {
			t.Fatalf("the manager did not read the dossier: %+v", seen)
		}
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
