package summary_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/courierstatuschange"
	"github.com/mycourier/mycourier/ent/movement"
	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
)

// world is reference data the random operations pick from.
type world struct {
	partners, branches, warehouses, types []int
	couriers                              []int
	serial                                int
}

func setup(t *testing.T, ctx context.Context, c *ent.Client) *world {
	t.Helper()
	w := &world{}
	for i := range 2 {
		r := c.Region.Create().SetCode(fmt.Sprintf("R%d", i)).SetName(fmt.Sprintf("Region %d", i)).SaveX(ctx)
		for j := range 2 {
			b := c.Branch.Create().SetCode(fmt.Sprintf("B%d%d", i, j)).SetName(fmt.Sprintf("Branch %d%d", i, j)).SetRegionID(r.ID).SaveX(ctx)
			w.branches = append(w.branches, b.ID)
			if j == 0 {
				w.warehouses = append(w.warehouses, c.Warehouse.Create().SetCode(fmt.Sprintf("W%d", i)).SetName(fmt.Sprintf("Склад %d", i)).SetBranchID(b.ID).SaveX(ctx).ID)
			}
		}
		w.partners = append(w.partners, c.Partner.Create().SetName(fmt.Sprintf("Partner %d", i)).SaveX(ctx).ID)
	}
	for i := range 2 {
		w.types = append(w.types, c.EquipmentType.Create().SetSku(fmt.Sprintf("SKU-%d", i)).SetName(fmt.Sprintf("Type %d", i)).
			SetCategory("bag").SetUnitCost(int64(1000*(i+1))).SaveX(ctx).ID)
	}
	return w
}

var transports = []courier.TransportType{courier.TransportTypeFoot, courier.TransportTypeBicycle, courier.TransportTypeMoto}

func (w *world) newCourier(t *testing.T, ctx context.Context, c *ent.Client, r *rand.Rand, at time.Time) *ent.CourierCreate {
	w.serial++
	p, err := pinfl.Make(time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC), pinfl.Male, w.serial)
	if err != nil {
		t.Fatal(err)
	}
	cc := c.Courier.Create().SetLastName("Каримов").SetFirstName("Азиз").SetPhone(fmt.Sprintf("+99890%07d", w.serial)).
		SetPinfl(p).SetBirthDate(time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)).
		SetTransportType(transports[r.IntN(len(transports))]).SetCreatedAt(at)
	if r.IntN(5) > 0 {
		cc.SetPartnerID(w.partners[r.IntN(len(w.partners))])
	}
	if r.IntN(5) > 0 {
		cc.SetBranchID(w.branches[r.IntN(len(w.branches))])
	}
	return cc
}

// next lists the lifecycle moves from a status (submit keeps new).
var next = map[courier.Status][]courier.Status{
	courier.StatusNew:     {courier.StatusNew, courier.StatusActive},
	courier.StatusActive:  {courier.StatusBlocked, courier.StatusFired},
	courier.StatusBlocked: {courier.StatusActive, courier.StatusFired},
	courier.StatusFired:   {courier.StatusNew},
}

// step does one random operation in tx.
func (w *world) step(t *testing.T, ctx context.Context, c *ent.Client, r *rand.Rand, at time.Time) {
	t.Helper()
	switch k := r.IntN(10); {
	case k < 2 || len(w.couriers) == 0:
		// Registration, one or a bulk of three.
		n := 1 + 2*r.IntN(2)
		bulk := make([]*ent.CourierCreate, n)
		for i := range bulk {
			bulk[i] = w.newCourier(t, ctx, c, r, at)
		}
		cs := c.Courier.CreateBulk(bulk...).SaveX(ctx)
		hist := make([]*ent.CourierStatusChangeCreate, len(cs))
		for i, x := range cs {
			w.couriers = append(w.couriers, x.ID)
			hist[i] = c.CourierStatusChange.Create().SetCourierID(x.ID).SetToStatus(courierstatuschange.ToStatusNew).
				SetReason("onboarded").SetCreatedAt(at)
		}
		c.CourierStatusChange.CreateBulk(hist...).ExecX(ctx)
	case k < 6:
		id := w.couriers[r.IntN(len(w.couriers))]
		cur := c.Courier.GetX(ctx, id)
		to := next[cur.Status][r.IntN(len(next[cur.Status]))]
		c.Courier.UpdateOneID(id).SetStatus(to).ExecX(ctx)
		reasons := []string{"fraud", "no_show", "own_wish"}
		// Sometimes two changes of one courier in one bulk insert.
		rows := []*ent.CourierStatusChangeCreate{c.CourierStatusChange.Create().SetCourierID(id).
			SetFromStatus(courierstatuschange.FromStatus(cur.Status)).SetToStatus(courierstatuschange.ToStatus(to)).
			SetReason(reasons[r.IntN(len(reasons))]).SetCreatedAt(at)}
		if to == courier.StatusNew && cur.Status == courier.StatusNew && r.IntN(2) == 0 {
			c.Courier.UpdateOneID(id).SetStatus(courier.StatusActive).ExecX(ctx)
			rows = append(rows, c.CourierStatusChange.Create().SetCourierID(id).
				SetFromStatus(courierstatuschange.FromStatusNew).SetToStatus(courierstatuschange.ToStatusActive).
				SetCreatedAt(at.Add(time.Minute)))
		}
		c.CourierStatusChange.CreateBulk(rows...).ExecX(ctx)
	case k < 7:
		// A courier moves to another partner, branch or transport.
		id := w.couriers[r.IntN(len(w.couriers))]
		u := c.Courier.UpdateOneID(id)
		switch r.IntN(4) {
		case 0:
			u.SetPartnerID(w.partners[r.IntN(len(w.partners))])
		case 1:
			u.ClearBranchID()
		case 2:
			u.SetBranchID(w.branches[r.IntN(len(w.branches))])
		default:
			u.SetTransportType(transports[r.IntN(len(transports))])
		}
		u.ExecX(ctx)
	case k < 8:
		// A bulk update of many couriers.
		c.Courier.Update().Where(courier.PartnerID(w.partners[r.IntN(len(w.partners))])).
			SetTransportType(transports[r.IntN(len(transports))]).ExecX(ctx)
	default:
		kinds := []movement.Kind{movement.KindReceipt, movement.KindIssue, movement.KindReturn, movement.KindWriteOff, movement.KindTransferOut}
		var rows []*ent.MovementCreate
		for range 1 + r.IntN(3) {
			q := 1 + r.IntN(5)
			kind := kinds[r.IntN(len(kinds))]
			if kind == movement.KindIssue || kind == movement.KindWriteOff || kind == movement.KindTransferOut {
				q = -q
			}
			m := c.Movement.Create().SetKind(kind).SetWarehouseID(w.warehouses[r.IntN(len(w.warehouses))]).
				SetEquipmentTypeID(w.types[r.IntN(len(w.types))]).SetQuantity(q).SetUnitCost(int64(100 * (1 + r.IntN(3)))).
				SetOperationID(fmt.Sprintf("op-%d", r.Int())).SetDocumentNumber("DOC-1").SetCreatedAt(at)
			if kind == movement.KindWriteOff {
				m.SetReason([]string{"lost", "worn_out"}[r.IntN(2)])
				// Most write-offs here are of units a courier held: a loss.
				if len(w.couriers) > 0 && r.IntN(4) > 0 {
					m.SetCourierID(w.couriers[r.IntN(len(w.couriers))])
				}
			}
			rows = append(rows, m)
		}
		c.Movement.CreateBulk(rows...).ExecX(ctx)
	}
}

// TestSummariesEqualRecomputationAfterRandomOperations is the property: after
// any sequence of registrations, transitions (single and bulk), moves
// between partners, branches and transports, ledger rows and rolled-back
// transactions, every summary equals its recomputation from the raw rows.
func TestSummariesEqualRecomputationAfterRandomOperations(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		db := dbtest.New(t, d)
		ctx := authz.SystemContext(context.Background(), "test")
		var w *world
		authtest.Tx(t, db, func(ctx context.Context, c *ent.Client) error { w = setup(t, ctx, c); return nil })
		for seed := range uint64(3) {
			r := rand.New(rand.NewPCG(seed, 7))
			at := time.Date(2026, 1, 1, 20, 0, 0, 0, time.UTC)
			for range 60 {
				at = at.Add(time.Duration(r.IntN(72)) * time.Hour)
				rollback := r.IntN(8) == 0
				tx, err := db.Client.Tx(ctx)
				if err != nil {
					t.Fatal(err)
				}
				before := len(w.couriers)
				for range 1 + r.IntN(3) {
					w.step(t, ctx, tx.Client(), r, at)
				}
				if rollback {
					w.couriers = w.couriers[:before]
					if err := tx.Rollback(); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err := tx.Commit(); err != nil {
					t.Fatal(err)
				}
			}
			ms, err := summary.Verify(ctx, db.SQL)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) > 0 {
				t.Fatalf("seed %d: %d mismatches, first: %s", seed, len(ms), strings.Join(ms[:min(5, len(ms))], "\n"))
			}
		}
		stored, err := summary.Stored(ctx, db.SQL)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored.Days) < 20 || len(stored.Counts) < 5 || len(stored.Reasons) == 0 || len(stored.Losses) < 5 {
			t.Fatalf("the random run wrote too little to prove anything: %d day rows, %d count rows, %d reason rows, %d loss rows",
				len(stored.Days), len(stored.Counts), len(stored.Reasons), len(stored.Losses))
		}
	})
}

// TestVerifyReportsRowsWrittenAroundTheHooks: a status change or ledger row
// written with plain SQL (bypassing the hooks) is reported, and the
// backfill repairs it.
func TestVerifyReportsRowsWrittenAroundTheHooks(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		db := dbtest.New(t, d)
		ctx := authz.SystemContext(context.Background(), "test")
		r := rand.New(rand.NewPCG(1, 1))
		at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		var w *world
		var x *ent.Courier
		authtest.Tx(t, db, func(ctx context.Context, c *ent.Client) error {
			w = setup(t, ctx, c)
			x = w.newCourier(t, ctx, c, r, at).SaveX(ctx)
			return c.CourierStatusChange.Create().SetCourierID(x.ID).SetToStatus(courierstatuschange.ToStatusNew).SetCreatedAt(at).Exec(ctx)
		})
		if ms, err := summary.Verify(ctx, db.SQL); err != nil || len(ms) > 0 {
			t.Fatalf("clean start: %v %v", ms, err)
		}
		if _, err := db.SQL.ExecContext(ctx, `INSERT INTO courier_status_changes (created_at, courier_id, from_status, to_status, reason, comment)
			VALUES ($1, $2, 'new', 'active', '', '')`, at.Add(48*time.Hour), x.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL.ExecContext(ctx, `INSERT INTO movements (created_at, kind, warehouse_id, equipment_type_id, quantity, operation_id, document_number, unit_cost)
			VALUES ($1, 'receipt', $2, $3, 5, 'x', 'RCV-1', 700)`, at, w.warehouses[0], w.types[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL.ExecContext(ctx, `INSERT INTO movements (created_at, kind, warehouse_id, equipment_type_id, quantity, courier_id, operation_id, document_number, unit_cost, reason)
			VALUES ($1, 'write_off', $2, $3, -1, $4, 'y', 'WO-1', 700, 'lost')`, at, w.warehouses[0], w.types[0], x.ID); err != nil {
			t.Fatal(err)
		}
		ms, err := summary.Verify(ctx, db.SQL)
		if err != nil {
			t.Fatal(err)
		}
		joined := strings.Join(ms, "\n")
		if !strings.Contains(joined, "courier_day_stats") || !strings.Contains(joined, "stock_day_stats") || !strings.Contains(joined, "courier_loss_stats") ||
			!strings.Contains(joined, "stock_totals") {
			t.Fatalf("verify missed rows written around the hooks: %q", joined)
		}
		var lines []string
		if err := summary.Backfill(ctx, db.SQL, summary.BackfillOptions{Progress: func(s string) { lines = append(lines, s) }}); err != nil {
			t.Fatal(err)
		}
		if ms, err := summary.Verify(ctx, db.SQL); err != nil || len(ms) > 0 {
			t.Fatalf("after backfill: %v %v", ms, err)
		}
		if len(lines) == 0 {
			t.Fatal("backfill printed no progress")
		}
		// Idempotent: a second run changes nothing.
		before, _ := summary.Stored(ctx, db.SQL)
		if err := summary.Backfill(ctx, db.SQL, summary.BackfillOptions{}); err != nil {
			t.Fatal(err)
		}
		after, _ := summary.Stored(ctx, db.SQL)
		if ms := summary.Diff(before, after, nil, nil); len(ms) > 0 {
			t.Fatalf("second backfill changed: %v", ms)
		}
	})
}
