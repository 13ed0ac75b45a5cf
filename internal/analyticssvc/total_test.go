package analyticssvc_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
)

// The courier list's totalCount read from the summaries must equal counting
// the list itself, for any viewer and any filter the summaries hold; other
// filters are left to counting. Random viewers × random filters, both
// databases.
func TestCourierTotalAgreesWithCountingTheList(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		transports := []courier.TransportType{"foot", "bicycle", "car"}
		statuses := []courier.Status{courier.StatusNew, courier.StatusActive, courier.StatusBlocked, courier.StatusFired}
		for p := range 2 {
			for b := range 2 {
				for k, tr := range transports {
					for s := 0; s <= (p+b+k)%3; s++ {
						id := e.courier(at(2026, 5, 1+s), e.partners[p], e.branches[b], tr)
						if to := statuses[(p+2*b+k+s)%4]; to != courier.StatusNew {
							e.move(id, to, "", at(2026, 5, 10+s))
						}
					}
				}
			}
		}
		// Couriers without a partner and without a branch count too.
		authtest.Tx(t, e.db, func(ctx context.Context, c *ent.Client) error {
			for i := range 2 {
				e.serial++
				pin, _ := pinfl.Make(time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC), pinfl.Male, e.serial)
				q := c.Courier.Create().SetLastName("Каримов").SetFirstName("Азиз").SetPhone(fmt.Sprintf("+99890%07d", e.serial)).
					SetPinfl(pin).SetBirthDate(time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)).SetTransportType("moto")
				if i == 0 {
					q.SetBranchID(e.branches[0])
				} else {
					q.SetPartnerID(e.partners[0])
				}
				q.ExecX(ctx)
			}
			return nil
		})

		r := rand.New(rand.NewPCG(7, 13))
		some := func(xs []int) []int {
			var out []int
			for _, x := range xs {
				if r.IntN(2) == 0 {
					out = append(out, x)
				}
			}
			return out
		}
		roles := []authz.Role{authz.Owner, authz.Manager, authz.Onboarding, authz.Warehouse, authz.Security, authz.Integrator}
		checked := 0
		for range 300 {
			scope := authz.Scope{Partners: some(e.partners[:]), Regions: some(e.regions[:]), Warehouses: some(e.warehouses[:])}
			ctx := viewer(roles[r.IntN(len(roles))], scope)
			w := &ent.CourierWhereInput{}
			if r.IntN(2) == 0 {
				w.PartnerIDIn = some(e.partners[:])
			}
			if r.IntN(3) == 0 {
				p := e.partners[r.IntN(2)]
				w.PartnerID = &p
			}
			if r.IntN(2) == 0 {
				w.BranchIDIn = some(e.branches[:])
			}
			if r.IntN(3) == 0 {
				st := statuses[r.IntN(4)]
				w.Status = &st
			}
			if r.IntN(3) == 0 {
				w.StatusIn = []courier.Status{statuses[r.IntN(4)], statuses[r.IntN(4)]}
			}
			if r.IntN(3) == 0 {
				w.TransportTypeIn = []courier.TransportType{transports[r.IntN(3)]}
			}
			// The list's region filter: the courier's branch in a region,
			// as one entry or two (ent ANDs them).
			for range r.IntN(3) {
				b := &ent.BranchWhereInput{}
				if r.IntN(2) == 0 {
					reg := e.regions[r.IntN(2)]
					b.RegionID = &reg
				}
				if in := some(e.regions[:]); len(in) > 0 || b.RegionID == nil {
					b.RegionIDIn = append(in, e.regions[r.IntN(2)])
				}
				w.HasBranchWith = append(w.HasBranchWith, b)
			}
			want, err := w.Filter(e.db.Client.Courier.Query())
			if err != nil {
				t.Fatal(err)
			}
			n, err := want.Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got, ok, err := e.svc.CourierTotal(ctx, w)
			if err != nil || !ok {
				t.Fatalf("CourierTotal(%+v) = %d, %v, %v: want an answer from the summaries", w, got, ok, err)
			}
			if got != n {
				var regions []string
				for _, b := range w.HasBranchWith {
					regions = append(regions, fmt.Sprintf("%v in %v", b.RegionID, b.RegionIDIn))
				}
				t.Errorf("%s %+v, filter partner %v in %v, branch in %v, status %v in %v, transport in %v, regions %v: summaries say %d, the list has %d",
					authz.FromContext(ctx).Role, scope, w.PartnerID, w.PartnerIDIn, w.BranchIDIn, w.Status, w.StatusIn, w.TransportTypeIn, regions, got, n)
			}
			if n > 0 {
				checked++
			}
		}
		if checked < 50 {
			t.Errorf("only %d of 300 cases had couriers: the test checks too little", checked)
		}
		// A filter the summaries do not hold is left to counting.
		name := "Юсупова"
		if _, ok, _ := e.svc.CourierTotal(e.owner, &ent.CourierWhereInput{LastName: &name}); ok {
			t.Error("a name filter was answered from the summaries")
		}
		if _, ok, _ := e.svc.CourierTotal(e.owner, &ent.CourierWhereInput{Or: []*ent.CourierWhereInput{{}}}); ok {
			t.Error("an or-filter was answered from the summaries")
		}
		// Of the branch, only its region is in the summaries.
		branchName := "Филиал 0"
		for _, b := range []*ent.BranchWhereInput{{Name: &branchName}, {RegionID: &e.regions[0], Name: &branchName}, {}} {
			if _, ok, _ := e.svc.CourierTotal(e.owner, &ent.CourierWhereInput{HasBranchWith: []*ent.BranchWhereInput{b}}); ok {
				t.Errorf("hasBranchWith %+v was answered from the summaries", b)
			}
		}
	})
}
