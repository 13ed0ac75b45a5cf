package migrate_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/platform/migrate"
	"github.com/mycourier/mycourier/internal/seed"
)

// TestSummaryMigrationsFillFromTheLedger: the migrations that add
// courier_loss_stats and stock_totals fill them from the ledger already
// stored (losses by Tashkent day and the courier's cell), so an upgraded
// database shows its past figures without a backfill and `verify` agrees.
func TestSummaryMigrationsFillFromTheLedger(t *testing.T) {
	const before = 20261130205327 // the last migration without either table
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := authz.SystemContext(context.Background(), "test")
		db := dbtest.New(t, d, dbtest.Options{NoMigrate: true})
		if _, err := migrate.Up(ctx, db, migrate.Options{NoBackup: true, To: before}); err != nil {
			t.Fatal(err)
		}
		var wh, typ, partner int
		var held, other *ent.Courier
		authtest.Tx(t, db, func(ctx context.Context, c *ent.Client) error {
			r := c.Region.Create().SetCode("R").SetName("Region").SaveX(ctx)
			b := c.Branch.Create().SetCode("B").SetName("Branch").SetRegionID(r.ID).SaveX(ctx)
			wh = c.Warehouse.Create().SetCode("W").SetName("Склад").SetBranchID(b.ID).SaveX(ctx).ID
			partner = c.Partner.Create().SetName("Partner").SaveX(ctx).ID
			typ = c.EquipmentType.Create().SetSku("BAG").SetName("Bag").SetCategory("bag").SetUnitCost(1000).SaveX(ctx).ID
			mk := func(serial int) *ent.CourierCreate {
				p, err := pinfl.Make(time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC), pinfl.Male, serial)
				if err != nil {
					t.Fatal(err)
				}
				return c.Courier.Create().SetLastName("Каримов").SetFirstName("Азиз").SetPinfl(p).
					SetPhone("+99890000000" + string(rune('0'+serial))).SetTransportType("foot").SetBirthDate(time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC))
			}
			held = mk(1).SetPartnerID(partner).SetBranchID(b.ID).SaveX(ctx)
			other = mk(2).SaveX(ctx)
			return nil
		})
		rows := []struct {
			at      time.Time
			kind    string
			courier any
			qty     int
			cost    int64
		}{
			{time.Date(2026, 3, 1, 18, 59, 0, 0, time.UTC), "write_off", held.ID, -1, 1000}, // 23:59 in Tashkent, March 1
			{time.Date(2026, 3, 1, 19, 30, 0, 0, time.UTC), "write_off", held.ID, -2, 1500}, // 00:30 in Tashkent, March 2
			{time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC), "write_off", held.ID, -1, 500},
			{time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC), "write_off", other.ID, -3, 700},
			{time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC), "write_off", nil, -5, 900}, // warehouse stock: no courier's loss
			{time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC), "issue", held.ID, -1, 1000},
		}
		for i, r := range rows {
			if _, err := db.SQL.ExecContext(ctx, `INSERT INTO movements (created_at, kind, warehouse_id, equipment_type_id, quantity, courier_id, operation_id, document_number, unit_cost, reason)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 'WO-1', $8, 'lost')`, r.at, r.kind, wh, typ, r.qty, r.courier, "op-"+string(rune('a'+i)), r.cost); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := migrate.Up(ctx, db, migrate.Options{NoBackup: true}); err != nil {
			t.Fatal(err)
		}
		stored, err := summary.Stored(ctx, db.SQL)
		if err != nil {
			t.Fatal(err)
		}
		heldCell := summary.Dims{Partner: partner, Branch: *held.BranchID, Transport: "foot"}
		otherCell := summary.Dims{Transport: "foot"}
		want := map[summary.LossKey]summary.StockRow{
			{Day: 20260301, Dims: heldCell, Warehouse: wh}:  {Rows: 1, Quantity: -1, Value: -1000},
			{Day: 20260302, Dims: heldCell, Warehouse: wh}:  {Rows: 2, Quantity: -3, Value: -3500},
			{Day: 20260302, Dims: otherCell, Warehouse: wh}: {Rows: 1, Quantity: -3, Value: -2100},
			// March's rollups, added by the month rollup migration.
			{Day: 20260300, Dims: heldCell, Warehouse: wh}:  {Rows: 3, Quantity: -4, Value: -4500},
			{Day: 20260300, Dims: otherCell, Warehouse: wh}: {Rows: 1, Quantity: -3, Value: -2100},
		}
		if !maps.Equal(stored.Losses, want) {
			t.Fatalf("courier_loss_stats after the migration:\n got %+v\nwant %+v", stored.Losses, want)
		}
		recomputed, err := summary.Recompute(ctx, db.SQL, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(recomputed.Losses, stored.Losses) {
			t.Fatalf("the migration and the recomputation disagree:\nmigration %+v\nrecompute %+v", stored.Losses, recomputed.Losses)
		}
		totals, err := summary.StoredTotals(ctx, db.SQL)
		if err != nil {
			t.Fatal(err)
		}
		wantTotals := summary.Totals{
			{Warehouse: wh, Type: typ, Kind: "write_off"}: {Rows: 5, Quantity: -12, Value: -11100},
			{Warehouse: wh, Type: typ, Kind: "issue"}:     {Rows: 1, Quantity: -1, Value: -1000},
		}
		if !maps.Equal(totals, wantTotals) {
			t.Fatalf("stock_totals after the migration:\n got %+v\nwant %+v", totals, wantTotals)
		}
		ledger, err := summary.RecomputeStock(ctx, db.SQL)
		if err != nil {
			t.Fatal(err)
		}
		if ms := summary.DiffTotals(ledger.Totals(), totals); len(ms) > 0 {
			t.Fatalf("the migration and the recomputation disagree: %v", ms)
		}
	})
}

// TestMonthRollupMigrationAddsTheMonthsOfStoredDays: summaries written before
// month rollups existed (the demo's history and ledger, month rows removed)
// disagree with verify; the rollup migration adds exactly the missing month
// rows.
func TestMonthRollupMigrationAddsTheMonthsOfStoredDays(t *testing.T) {
	const before = 20261201075242 // the last migration without month rollups
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := authz.SystemContext(context.Background(), "test")
		db := dbtest.New(t, d, dbtest.Options{NoMigrate: true})
		if _, err := migrate.Up(ctx, db, migrate.Options{NoBackup: true, To: before}); err != nil {
			t.Fatal(err)
		}
		if _, err := seed.Demo(ctx, db.Client, apptest.Docs(t)); err != nil {
			t.Fatal(err)
		}
		removed := 0
		for _, table := range []string{"courier_day_stats", "courier_activation_stats", "courier_loss_stats", "stock_day_stats"} {
			res, err := db.SQL.ExecContext(ctx, `DELETE FROM `+table+` WHERE day % 100 = 0`) // #nosec G202 -- table from the constant list above
			if err != nil {
				t.Fatal(err)
			}
			n, _ := res.RowsAffected()
			if n == 0 {
				t.Fatalf("%s had no month rows to remove: the demo proves nothing here", table)
			}
			removed += int(n)
		}
		ms, err := summary.Verify(ctx, db.SQL)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != removed {
			t.Fatalf("verify without month rows: %d mismatches, want the %d removed", len(ms), removed)
		}
		if _, err := migrate.Up(ctx, db, migrate.Options{NoBackup: true}); err != nil {
			t.Fatal(err)
		}
		if ms, err := summary.Verify(ctx, db.SQL); err != nil || len(ms) > 0 {
			t.Fatalf("after the rollup migration: %v %v", ms[:min(3, len(ms))], err)
		}
	})
}
