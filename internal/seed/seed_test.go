package seed_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/seed"
)

// couriersIDStart and couriersIDEnd bound the couriers table's global-id
// range (ent/internal/globalid.go: tables get 1<<32 ids each).
const (
	couriersIDStart = 8589934592
	couriersIDEnd   = couriersIDStart + 1<<32
)

var e164 = regexp.MustCompile(`^\+998[1-9][0-9]{8}$`)

func counts(t *testing.T, ctx context.Context, c *ent.Client) map[string]int {
	t.Helper()
	m := map[string]int{}
	for name, q := range map[string]func() (int, error){
		"regions":        func() (int, error) { return c.Region.Query().Count(ctx) },
		"branches":       func() (int, error) { return c.Branch.Query().Count(ctx) },
		"warehouses":     func() (int, error) { return c.Warehouse.Query().Count(ctx) },
		"partners":       func() (int, error) { return c.Partner.Query().Count(ctx) },
		"equipmentTypes": func() (int, error) { return c.EquipmentType.Query().Count(ctx) },
		"couriers":       func() (int, error) { return c.Courier.Query().Count(ctx) },
		"statusChanges":  func() (int, error) { return c.CourierStatusChange.Query().Count(ctx) },
		"stockBalances":  func() (int, error) { return c.StockBalance.Query().Count(ctx) },
		"movements":      func() (int, error) { return c.Movement.Query().Count(ctx) },
		"users":          func() (int, error) { return c.User.Query().Count(ctx) },
	} {
		n, err := q()
		if err != nil {
			t.Fatalf("count %s: %v", name, err)
		}
		m[name] = n
	}
	return m
}

func TestDemo(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := authtest.Sys() // reads need a viewer; the seed itself acts as the system
		db := dbtest.New(t, d)
		sum, err := seed.Demo(ctx, db.Client)
		if err != nil {
			t.Fatalf("Demo: %v", err)
		}
		got := counts(t, ctx, db.Client)
		want := map[string]int{
			"regions": 14, "branches": 18, "warehouses": 18, "partners": 4, "equipmentTypes": 8,
			"couriers": seed.DemoCouriers, "users": 0,
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: got %v, want %v", k, got[k], w)
			}
		}
		if sum.Couriers != seed.DemoCouriers || sum.StatusChanges != got["statusChanges"] || sum.Movements != got["movements"] {
			t.Errorf("summary %+v does not match the database %v", sum, got)
		}
		if got["stockBalances"] == 0 || got["stockBalances"] != got["movements"] {
			t.Errorf("stock balances %v, receipts %v: want one receipt per balance", got["stockBalances"], got["movements"])
		}

		cs, err := db.Client.Courier.Query().All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[courier.Status]int{}
		for _, c := range cs {
			if err := pinfl.Validate(c.Pinfl); err != nil {
				t.Errorf("courier %d PINFL %q: %v", c.ID, c.Pinfl, err)
			}
			if b, _ := pinfl.BirthDate(c.Pinfl); !b.Equal(c.BirthDate.UTC().Truncate(24 * time.Hour)) {
				t.Errorf("courier %d: birth date %v, PINFL says %v", c.ID, c.BirthDate, b)
			}
			if !e164.MatchString(c.Phone) {
				t.Errorf("courier %d phone %q is not +998 E.164", c.ID, c.Phone)
			}
			if (c.TransportType == courier.TransportTypeCar || c.TransportType == courier.TransportTypeMoto) != (c.VehiclePlate != "") {
				t.Errorf("courier %d: transport %v with plate %q", c.ID, c.TransportType, c.VehiclePlate)
			}
			if c.Status == courier.StatusFired && c.FiredAt == nil {
				t.Errorf("fired courier %d has no fired_at", c.ID)
			}
			if c.Status != courier.StatusNew && c.HiredAt == nil {
				t.Errorf("%v courier %d has no hired_at", c.Status, c.ID)
			}
			statuses[c.Status]++
		}
		for _, s := range []courier.Status{courier.StatusNew, courier.StatusActive, courier.StatusBlocked, courier.StatusFired} {
			if statuses[s] == 0 {
				t.Errorf("no %v couriers in the demo mix %v", s, statuses)
			}
		}
		if statuses[courier.StatusActive] < len(cs)/2 {
			t.Errorf("active couriers %v of %v: want most of them active", statuses[courier.StatusActive], len(cs))
		}

		// Balance equals the sum of the ledger for every pair.
		var mismatched int
		if err := db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM stock_balances b WHERE b.quantity <>
			(SELECT coalesce(sum(m.quantity), 0) FROM movements m
			 WHERE m.warehouse_id = b.warehouse_id AND m.equipment_type_id = b.equipment_type_id)`).Scan(&mismatched); err != nil {
			t.Fatal(err)
		}
		if mismatched != 0 {
			t.Errorf("%v stock balances differ from their ledger, want 0", mismatched)
		}

		again, err := seed.Demo(ctx, db.Client)
		if err != nil {
			t.Fatalf("second Demo: %v", err)
		}
		if again.Couriers+again.Regions+again.Branches+again.Warehouses+again.Partners+
			again.EquipmentTypes+again.StatusChanges+again.StockBalances+again.Movements != 0 {
			t.Errorf("second Demo created %v, want nothing", again)
		}
		after := counts(t, ctx, db.Client)
		for k, v := range got {
			if after[k] != v {
				t.Errorf("after second Demo %s: got %v, want %v", k, after[k], v)
			}
		}
	})
}

func TestBench(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := authtest.Sys() // reads need a viewer; the seed itself acts as the system
		db := dbtest.New(t, d)
		if _, err := seed.Demo(ctx, db.Client); err != nil {
			t.Fatalf("Demo: %v", err)
		}
		const n = 2000
		sum, err := seed.Bench(ctx, db, seed.BenchOptions{Couriers: n, Seed: 7})
		if err != nil {
			t.Fatalf("Bench: %v", err)
		}
		if sum.Couriers != n {
			t.Errorf("Bench summary couriers: got %v, want %v", sum.Couriers, n)
		}
		total, err := db.Client.Courier.Query().Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := seed.DemoCouriers + n; total != want {
			t.Errorf("couriers after Bench: got %v, want %v", total, want)
		}
		// A second run continues after the first instead of colliding.
		if _, err := seed.Bench(ctx, db, seed.BenchOptions{Couriers: n, Seed: 7}); err != nil {
			t.Fatalf("second Bench: %v", err)
		}

		var lo, hi int
		if err := db.SQL.QueryRowContext(ctx, "SELECT min(id), max(id) FROM couriers").Scan(&lo, &hi); err != nil {
			t.Fatal(err)
		}
		if lo < couriersIDStart || hi >= couriersIDEnd {
			t.Errorf("courier ids %d–%d, want inside [%d, %d)", lo, hi, couriersIDStart, couriersIDEnd)
		}

		bench, err := db.Client.Courier.Query().Where(courier.IDGT(lo)).Limit(500).All(ctx)
		if err != nil {
			t.Fatalf("read bench couriers back through ent: %v", err)
		}
		for _, c := range bench {
			if err := pinfl.Validate(c.Pinfl); err != nil {
				t.Errorf("courier %d PINFL %q: %v", c.ID, c.Pinfl, err)
			}
			if !e164.MatchString(c.Phone) {
				t.Errorf("courier %d phone %q is not +998 E.164", c.ID, c.Phone)
			}
		}
		var dupPhones int
		if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT phone FROM couriers GROUP BY phone HAVING count(*) > 1) d").Scan(&dupPhones); err != nil {
			t.Fatal(err)
		}
		if dupPhones != 0 {
			t.Errorf("%v phones held by more than one courier, want 0", dupPhones)
		}

		var created *ent.Courier
		authtest.Tx(t, db, func(ctx context.Context, tx *ent.Client) (err error) {
			created, err = tx.Courier.Create().
				SetLastName("Тестов").SetFirstName("Тест").SetPhone("+998901234567").
				SetPinfl("31505901234568").SetBirthDate(time.Date(1990, 5, 15, 0, 0, 0, 0, time.UTC)).
				SetTransportType(courier.TransportTypeFoot).Save(ctx)
			return err
		})
		if created.ID <= hi || created.ID >= couriersIDEnd {
			t.Errorf("ent-created courier id %d, want after %d and below %d", created.ID, hi, couriersIDEnd)
		}
	})
}
