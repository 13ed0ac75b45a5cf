package analyticssvc_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/courierstatuschange"
	"github.com/mycourier/mycourier/ent/kit"
	"github.com/mycourier/mycourier/internal/analyticssvc"
	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// env is a database with two regions (a branch and a warehouse each), two
// partners and two equipment types.
type env struct {
	t           *testing.T
	db          *database.DB
	svc         *analyticssvc.Service
	owner       context.Context
	regions     [2]int
	branches    [2]int
	warehouses  [2]int
	partners    [2]int
	bag, jacket int
	serial      int
}

func newEnv(t *testing.T, d string) *env {
	e := &env{t: t, db: dbtest.New(t, d)}
	authtest.Tx(t, e.db, func(ctx context.Context, c *ent.Client) error {
		for i := range 2 {
			e.regions[i] = c.Region.Create().SetCode(fmt.Sprintf("R%d", i)).SetName(fmt.Sprintf("Регион %d", i)).SaveX(ctx).ID
			e.branches[i] = c.Branch.Create().SetCode(fmt.Sprintf("B%d", i)).SetName(fmt.Sprintf("Филиал %d", i)).SetRegionID(e.regions[i]).SaveX(ctx).ID
			e.warehouses[i] = c.Warehouse.Create().SetCode(fmt.Sprintf("W%d", i)).SetName(fmt.Sprintf("Склад %d", i)).SetBranchID(e.branches[i]).SaveX(ctx).ID
			e.partners[i] = c.Partner.Create().SetName(fmt.Sprintf("Партнёр %d", i)).SaveX(ctx).ID
		}
		e.bag = c.EquipmentType.Create().SetSku("BAG").SetName("Термосумка").SetCategory("bag").SetUnitCost(350_000).SaveX(ctx).ID
		e.jacket = c.EquipmentType.Create().SetSku("JKT").SetName("Куртка").SetCategory("uniform").SetUnitCost(280_000).SaveX(ctx).ID
		return nil
	})
	e.svc = analyticssvc.New(e.db.Client, analyticssvc.Options{Now: func() time.Time { return at(2026, 6, 1) }})
	e.owner = viewer(authz.Owner, authz.Scope{})
	return e
}

func viewer(role authz.Role, s authz.Scope) context.Context {
	return authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: 1, Name: "t", Role: role, Scope: s})
}

// at is noon in Tashkent of a day.
func at(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 12, 0, 0, 0, summary.Zone())
}

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

// courier registers a courier at a time (as onboarding does: the courier
// row, then its first status change).
func (e *env) courier(when time.Time, partner, branch int, tr courier.TransportType) int {
	e.serial++
	p, err := pinfl.Make(time.Date(1991, 5, 6, 0, 0, 0, 0, time.UTC), pinfl.Female, e.serial)
	if err != nil {
		e.t.Fatal(err)
	}
	var id int
	authtest.Tx(e.t, e.db, func(ctx context.Context, c *ent.Client) error {
		id = c.Courier.Create().SetLastName("Юсупова").SetFirstName("Мадина").SetPhone(fmt.Sprintf("+99891%07d", e.serial)).
			SetPinfl(p).SetBirthDate(time.Date(1991, 5, 6, 0, 0, 0, 0, time.UTC)).SetTransportType(tr).
			SetPartnerID(partner).SetBranchID(branch).SetCreatedAt(when).SaveX(ctx).ID
		return c.CourierStatusChange.Create().SetCourierID(id).SetToStatus(courierstatuschange.ToStatusNew).
			SetReason("onboarded").SetCreatedAt(when).Exec(ctx)
	})
	return id
}

// move changes a courier's status at a time (as the lifecycle does).
func (e *env) move(id int, to courier.Status, reason string, when time.Time) {
	authtest.Tx(e.t, e.db, func(ctx context.Context, c *ent.Client) error {
		cur := c.Courier.GetX(ctx, id)
		c.Courier.UpdateOneID(id).SetStatus(to).ExecX(ctx)
		return c.CourierStatusChange.Create().SetCourierID(id).SetFromStatus(courierstatuschange.FromStatus(cur.Status)).
			SetToStatus(courierstatuschange.ToStatus(to)).SetReason(reason).SetCreatedAt(when).Exec(ctx)
	})
}

func (e *env) verify() {
	e.t.Helper()
	ms, err := summary.Verify(context.Background(), e.db.SQL)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range ms {
		e.t.Errorf("summary mismatch: %s", m)
	}
}

// TestActiveCountOfTheDay2_5_7_10_20Courier: activated on day 2, blocked on
// day 5, unblocked on day 7, fired on day 10, rehired on day 20.
func TestActiveCountOfTheDay2_5_7_10_20Courier(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		id := e.courier(at(2026, 3, 1), e.partners[0], e.branches[0], courier.TransportTypeBicycle)
		e.move(id, courier.StatusActive, "", at(2026, 3, 2))
		e.move(id, courier.StatusBlocked, "no_show", at(2026, 3, 5))
		e.move(id, courier.StatusActive, "", at(2026, 3, 7))
		e.move(id, courier.StatusFired, "own_wish", at(2026, 3, 10))
		e.move(id, courier.StatusNew, "", at(2026, 3, 20))
		f := analyticssvc.Filter{From: date(2026, 3, 1), To: date(2026, 3, 22)}
		pts, err := e.svc.ActiveOverTime(e.owner, f, analyticssvc.Day)
		if err != nil {
			t.Fatal(err)
		}
		//          1  2  3  4  5  6  7  8  9 10 ... 22
		want := []int{0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
		var got []int
		for _, p := range pts {
			got = append(got, p.Active)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("active per day: got %v, want %v", got, want)
		}
		// A period starting mid-way begins from the history before it.
		pts, err = e.svc.ActiveOverTime(e.owner, analyticssvc.Filter{From: date(2026, 3, 8), To: date(2026, 3, 8)}, analyticssvc.Day)
		if err != nil || len(pts) != 1 || pts[0].Active != 1 {
			t.Fatalf("active on day 8 alone: %+v %v", pts, err)
		}
		// Weeks (Monday first): 2026-03-01 is a Sunday.
		pts, err = e.svc.ActiveOverTime(e.owner, f, analyticssvc.Week)
		if err != nil {
			t.Fatal(err)
		}
		got = got[:0]
		for _, p := range pts {
			got = append(got, p.Active)
		}
		if want := []int{0, 1, 0, 0}; !reflect.DeepEqual(got, want) {
			t.Fatalf("active at week ends (Mar 1, 8, 15, 22): got %v, want %v", got, want)
		}
		flow, err := e.svc.Flow(e.owner, f, analyticssvc.Month)
		if err != nil {
			t.Fatal(err)
		}
		p := flow[0]
		if p.Onboarded != 1 || p.Activated != 1 || p.Blocked != 1 || p.Unblocked != 1 || p.Fired != 1 || p.Rehired != 1 ||
			!reflect.DeepEqual(p.FiredByReason, []analyticssvc.Count{{Key: "own_wish", Count: 1}}) {
			t.Fatalf("flow of March: %+v", p)
		}
		h, err := e.svc.Headcount(e.owner, f)
		if err != nil {
			t.Fatal(err)
		}
		if h.New != 1 || h.Total() != 1 || len(h.ByPartner) != 1 || h.ByPartner[0].ID != e.partners[0] || h.ByTransport[0].Key != "bicycle" {
			t.Fatalf("headcount: %+v", h)
		}
		// Today's change leaves a past day's figure alone.
		e.move(id, courier.StatusActive, "", at(2026, 5, 30))
		pts, _ = e.svc.ActiveOverTime(e.owner, analyticssvc.Filter{From: date(2026, 3, 8), To: date(2026, 3, 8)}, analyticssvc.Day)
		if pts[0].Active != 1 {
			t.Fatalf("day 8 changed after a later activation: %d", pts[0].Active)
		}
		e.verify()
	})
}

// TestFunnelAndChurnOfASmallCohort: five registered on April 1; A activated
// after 2 days and fired 3 days later; B activated after 1 day, fired after
// 18 days and rehired; C activated after 10 days; D only submitted; E
// nothing.
func TestFunnelAndChurnOfASmallCohort(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		reg := at(2026, 4, 1)
		ids := make([]int, 5)
		for i := range ids {
			ids[i] = e.courier(reg, e.partners[i%2], e.branches[i%2], courier.TransportTypeFoot)
		}
		a, b, c, dd := ids[0], ids[1], ids[2], ids[3]
		e.move(a, courier.StatusActive, "", at(2026, 4, 3))
		e.move(a, courier.StatusFired, "fraud", at(2026, 4, 6))
		e.move(b, courier.StatusActive, "", at(2026, 4, 2))
		e.move(b, courier.StatusFired, "own_wish", at(2026, 4, 20))
		e.move(b, courier.StatusNew, "", at(2026, 4, 25))
		e.move(c, courier.StatusActive, "", at(2026, 4, 11))
		e.move(dd, courier.StatusNew, "submitted_for_activation", at(2026, 4, 2))
		f := analyticssvc.Filter{From: date(2026, 4, 1), To: date(2026, 4, 30)}
		fu, err := e.svc.Funnel(e.owner, f)
		if err != nil {
			t.Fatal(err)
		}
		two, ten := 2, 10
		want := &analyticssvc.Funnel{Registered: 6, Submitted: 1, Activated: 3, SubmittedRate: 1.0 / 6, ActivatedRate: 3.0 / 6,
			DaysToActivationMedian: &two, DaysToActivationP90: &ten}
		if !reflect.DeepEqual(fu, want) {
			t.Fatalf("funnel: got %+v (median %v p90 %v), want %+v", fu, *fu.DaysToActivationMedian, *fu.DaysToActivationP90, want)
		}
		ch, err := e.svc.Churn(e.owner, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(ch.Cohorts) != 1 {
			t.Fatalf("cohorts: %+v", ch.Cohorts)
		}
		co := ch.Cohorts[0]
		if co.Activated != 3 || co.Fired7d != 1 || co.Fired30d != 2 || co.Fired7dRate != 1.0/3 || co.Fired30dRate != 2.0/3 ||
			co.Month.Month() != time.April || ch.Fired != 2 || ch.Rehired != 1 || ch.RehireRate != 0.5 {
			t.Fatalf("churn: %+v", ch)
		}
		// One partner's half of the cohort: A, C and E (partner 0).
		f.PartnerIDs = []int{e.partners[0]}
		fu, _ = e.svc.Funnel(e.owner, f)
		if fu.Registered != 3 || fu.Activated != 2 {
			t.Fatalf("partner 0 funnel: %+v", fu)
		}
		e.verify()
	})
}

// TestStockFiguresAfterAKnownSequence runs receipts, an issue, a return, two
// write-offs (one of units a courier lost) and a transfer through the
// warehouse service and checks every stock figure.
func TestStockFiguresAfterAKnownSequence(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		x := e.courier(at(2026, 2, 1), e.partners[0], e.branches[0], courier.TransportTypeBicycle)
		e.move(x, courier.StatusActive, "", at(2026, 2, 2))
		authtest.Tx(t, e.db, func(ctx context.Context, c *ent.Client) error {
			k := c.Kit.Create().SetName("Вело").SetTransportType(kit.TransportTypeBicycle).SaveX(ctx)
			c.KitItem.Create().SetKitID(k.ID).SetEquipmentTypeID(e.bag).SetQuantity(1).ExecX(ctx)
			return c.KitItem.Create().SetKitID(k.ID).SetEquipmentTypeID(e.jacket).SetQuantity(2).Exec(ctx)
		})
		auth := authtest.Service(t, e.db)
		u := authtest.User(t, auth, authz.Owner, authz.Scope{})
		ctx := authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: u.ID, Name: u.Login, Role: authz.Owner, PII: true})
		now := at(2026, 3, 1)
		st := stocksvc.New(e.db.Client, stocksvc.Config{Now: func() time.Time { return now }})
		n := func(v int) *int { return &v }
		w := e.warehouses[0]
		step := func(day int, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("March %d: %v", day, err)
			}
		}
		_, err := st.Receive(ctx, stocksvc.ReceiveInput{IdempotencyKey: "r1", WarehouseID: w,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: n(10)}, {EquipmentTypeID: e.jacket, Quantity: n(5)}}})
		step(1, err)
		now = at(2026, 3, 2)
		_, err = st.Issue(ctx, stocksvc.IssueInput{IdempotencyKey: "i1", WarehouseID: w, CourierID: x,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: n(2)}}})
		step(2, err)
		now = at(2026, 3, 3)
		_, err = st.Return(ctx, stocksvc.ReturnInput{IdempotencyKey: "ret1", WarehouseID: w, CourierID: x,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: n(1)}}})
		step(3, err)
		now = at(2026, 3, 4)
		_, err = st.WriteOff(ctx, stocksvc.WriteOffInput{IdempotencyKey: "w1", WarehouseID: w, Reason: stocksvc.ReasonWornOut,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: n(1)}}})
		step(4, err)
		now = at(2026, 4, 5)
		_, err = st.WriteOff(ctx, stocksvc.WriteOffInput{IdempotencyKey: "w2", WarehouseID: w, Reason: stocksvc.ReasonLost, CourierID: &x,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: n(1)}}})
		step(5, err)
		now = at(2026, 4, 6)
		_, err = st.Dispatch(ctx, stocksvc.DispatchInput{IdempotencyKey: "t1", FromWarehouseID: w, ToWarehouseID: e.warehouses[1],
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.jacket, Quantity: n(3)}}})
		step(6, err)
		authtest.Tx(t, e.db, func(ctx context.Context, c *ent.Client) error {
			_, err := c.StockBalance.Update().Where().SetMinLevel(4).Save(ctx)
			return err
		})

		s, err := e.svc.Stock(e.owner, analyticssvc.Filter{From: date(2026, 3, 1), To: date(2026, 4, 30)})
		if err != nil {
			t.Fatal(err)
		}
		want := []analyticssvc.StockLine{
			{WarehouseID: w, EquipmentTypeID: e.jacket, Warehouse: "Склад 0", EquipmentType: "Куртка", OnHand: 2, InTransit: 3, MinLevel: 4, Low: true},
			{WarehouseID: w, EquipmentTypeID: e.bag, Warehouse: "Склад 0", EquipmentType: "Термосумка", OnHand: 8, Issued: 2, Returned: 2, MinLevel: 4},
		}
		if !reflect.DeepEqual(s.Lines, want) {
			t.Fatalf("stock lines:\n got %+v\nwant %+v", s.Lines, want)
		}
		if len(s.LowStock) != 1 || s.LowStock[0].EquipmentTypeID != e.jacket {
			t.Fatalf("low stock: %+v", s.LowStock)
		}
		wantWO := []analyticssvc.WriteOffs{
			{Month: time.Date(2026, 3, 1, 0, 0, 0, 0, summary.Zone()), Reason: "worn_out", Quantity: 1, Value: 350_000},
			{Month: time.Date(2026, 4, 1, 0, 0, 0, 0, summary.Zone()), Reason: "lost", Quantity: 1, Value: 350_000},
		}
		if !reflect.DeepEqual(s.WriteOffs, wantWO) {
			t.Fatalf("write-offs:\n got %+v\nwant %+v", s.WriteOffs, wantWO)
		}
		wantLoss := []analyticssvc.PartnerLoss{{PartnerID: e.partners[0], Partner: "Партнёр 0", Value: 350_000, ActiveCouriers: 1, ValuePerActive: 350_000, UnitsLost: 1}}
		if !reflect.DeepEqual(s.Losses, wantLoss) {
			t.Fatalf("losses: got %+v", s.Losses)
		}
		// One active bicycle courier in branch 0: a bag and two jackets, 10% rounded up.
		wantSug := []analyticssvc.SuggestedMinimum{
			{BranchID: e.branches[0], EquipmentTypeID: e.jacket, Branch: "Филиал 0", EquipmentType: "Куртка", ActiveCouriers: 1, KitNeed: 2, Suggested: 1},
			{BranchID: e.branches[0], EquipmentTypeID: e.bag, Branch: "Филиал 0", EquipmentType: "Термосумка", ActiveCouriers: 1, KitNeed: 1, Suggested: 1},
		}
		if !reflect.DeepEqual(s.Suggested, wantSug) {
			t.Fatalf("suggested:\n got %+v\nwant %+v", s.Suggested, wantSug)
		}
		// March alone: the issue and one return are in it, the lost bag's is not.
		s, _ = e.svc.Stock(e.owner, analyticssvc.Filter{From: date(2026, 3, 1), To: date(2026, 3, 31)})
		if l := s.Lines[1]; l.Issued != 2 || l.Returned != 1 || l.Outstanding != 0 || len(s.Losses) != 0 {
			t.Fatalf("March bag line: %+v, losses %+v", l, s.Losses)
		}
		// A bag issued in May is outside March–April, but couriers hold it
		// now: outstanding counts all time, issued only the period.
		now = at(2026, 5, 10)
		_, err = st.Issue(ctx, stocksvc.IssueInput{IdempotencyKey: "i2", WarehouseID: w, CourierID: x,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: n(1)}}})
		step(10, err)
		s, _ = e.svc.Stock(e.owner, analyticssvc.Filter{From: date(2026, 3, 1), To: date(2026, 4, 30)})
		if l := s.Lines[1]; l.Issued != 2 || l.Returned != 2 || l.Outstanding != 1 {
			t.Fatalf("bag line after the May issue: %+v", l)
		}
		e.verify()
	})
}

// TestManagerSeesTheOwnersFiguresOfTheirScope: for every section, a
// manager's dashboard equals the owner's filtered to the manager's partner
// and region; asking for another partner or region is FORBIDDEN.
func TestManagerSeesTheOwnersFiguresOfTheirScope(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		// Couriers in every partner × branch cell, with some history.
		day := 1
		for p := range 2 {
			for b := range 2 {
				for k := range 3 {
					id := e.courier(at(2026, 5, day), e.partners[p], e.branches[b], []courier.TransportType{"foot", "car", "moto"}[k])
					e.move(id, courier.StatusActive, "", at(2026, 5, day+1+k))
					if k == 2 {
						e.move(id, courier.StatusFired, "fraud", at(2026, 5, day+4))
					}
					day++
				}
			}
		}
		f := analyticssvc.Filter{From: date(2026, 5, 1), To: date(2026, 5, 31)}
		dash := func(ctx context.Context, f analyticssvc.Filter) *analyticssvc.Dashboard {
			t.Helper()
			out, err := e.svc.Dashboard(ctx, f, analyticssvc.Week)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		for _, sc := range []struct {
			name  string
			scope authz.Scope
			as    analyticssvc.Filter
		}{
			{"partner", authz.Scope{Partners: []int{e.partners[1]}}, analyticssvc.Filter{PartnerIDs: []int{e.partners[1]}}},
			{"partner and region", authz.Scope{Partners: []int{e.partners[0]}, Regions: []int{e.regions[1]}},
				analyticssvc.Filter{PartnerIDs: []int{e.partners[0]}, RegionIDs: []int{e.regions[1]}}},
		} {
			t.Run(sc.name, func(t *testing.T) {
				mgr := viewer(authz.Manager, sc.scope)
				owned := f
				owned.PartnerIDs, owned.RegionIDs = sc.as.PartnerIDs, sc.as.RegionIDs
				got, want := dash(mgr, f), dash(e.owner, owned)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("manager's dashboard differs from the owner's filtered one:\n got %+v\nwant %+v", got, want)
				}
				all := dash(e.owner, f)
				if got.Headcount.Total() == 0 || got.Headcount.Total() >= all.Headcount.Total() {
					t.Fatalf("the scope did not narrow: %d of %d", got.Headcount.Total(), all.Headcount.Total())
				}
				other := f
				other.PartnerIDs = []int{e.partners[0] + e.partners[1] - sc.scope.Partners[0]}
				if _, err := e.svc.Dashboard(mgr, other, analyticssvc.Week); !errors.Is(err, apperr.ErrForbidden) {
					t.Fatalf("another partner: want FORBIDDEN, got %v", err)
				}
			})
		}
		mgr := viewer(authz.Manager, authz.Scope{Regions: []int{e.regions[0]}})
		bad := f
		bad.RegionIDs = []int{e.regions[1]}
		if _, err := e.svc.Dashboard(mgr, bad, analyticssvc.Week); !errors.Is(err, apperr.ErrForbidden) {
			t.Fatalf("another region: want FORBIDDEN, got %v", err)
		}
		bad = analyticssvc.Filter{BranchIDs: []int{e.branches[1]}}
		if _, err := e.svc.Dashboard(mgr, bad, analyticssvc.Week); !errors.Is(err, apperr.ErrForbidden) {
			t.Fatalf("a branch of another region: want FORBIDDEN, got %v", err)
		}
	})
}

// TestFilterErrors: a reversed or too long period and an unknown transport
// type are refused field by field.
func TestFilterErrors(t *testing.T) {
	e := newEnv(t, "sqlite3")
	for _, f := range []analyticssvc.Filter{
		{From: date(2026, 5, 2), To: date(2026, 5, 1)},
		{From: date(2020, 1, 1), To: date(2026, 5, 1)},
		{TransportTypes: []string{"rocket"}},
	} {
		if _, err := e.svc.Dashboard(e.owner, f, analyticssvc.Day); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("%+v: want BAD_USER_INPUT, got %v", f, err)
		}
	}
	if _, err := e.svc.Dashboard(context.Background(), analyticssvc.Filter{}, analyticssvc.Day); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Errorf("no viewer: got %v", err)
	}
}
