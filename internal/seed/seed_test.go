package seed_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/courierdocument"
	"github.com/mycourier/mycourier/ent/courierstatuschange"
	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/seed"
	"github.com/mycourier/mycourier/internal/stocksvc"
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

// demoServices builds the courier service the API uses, over db.
func demoServices(t *testing.T, db *database.DB) *couriersvc.Service {
	t.Helper()
	stock := stocksvc.New(db.Client, stocksvc.Config{})
	svc, err := couriersvc.New(db.Client, couriersvc.Options{Equipment: stock,
		SettleDebt: func(ctx context.Context, id int, key string) error {
			_, err := stock.SettleAsLost(ctx, id, key)
			return err
		}})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// TestDemo seeds the demo once per database and checks what a new user
// would look at: reference data, couriers in every status with the
// history, documents and equipment of their story, books that agree with
// their ledgers, couriers that pass the update path's validation, an
// export that imports back cleanly, and a second run that adds nothing.
func TestDemo(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := authtest.Sys() // reads need a viewer; the seed itself acts as the system
		db := dbtest.New(t, d)
		sum, err := seed.Demo(ctx, db.Client, apptest.Docs(t))
		if err != nil {
			t.Fatalf("Demo: %v", err)
		}
		t.Logf("%s: %s", d, sum)
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
		svc := demoServices(t, db)

		t.Run("CouriersInEveryStatusWithTheirHistory", func(t *testing.T) { demoCouriersAndHistory(t, ctx, db) })
		t.Run("EquipmentIssuedReturnedWrittenOffMovedAndOwed", func(t *testing.T) { demoEquipment(t, ctx, db) })
		t.Run("DocumentsExpiringSoonAndExpired", func(t *testing.T) { demoDocuments(t, ctx, db) })
		t.Run("VerifyIsClean", func(t *testing.T) {
			ms, err := stocksvc.Verify(ctx, db.Client)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				t.Errorf("stock: %v", m)
			}
			sums, err := summary.Verify(ctx, db.SQL)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range sums {
				t.Errorf("summary: %v", m)
			}
		})
		t.Run("ExportImportsBackWithoutRowErrors", func(t *testing.T) {
			for _, format := range []string{"csv", "xlsx"} {
				var buf bytes.Buffer
				n, err := svc.Export(ctx, &buf, format, nil)
				if err != nil || n != seed.DemoCouriers {
					t.Fatalf("export %s: %d rows, %v", format, n, err)
				}
				rep, err := svc.Import(ctx, &buf, couriersvc.ImportOptions{DryRun: true})
				if err != nil {
					t.Fatalf("import %s: %v", format, err)
				}
				if rep.Failed != 0 || len(rep.Errors) != 0 {
					t.Errorf("re-import of the %s export: %d rows failed: %+v", format, rep.Failed, rep.Errors)
				}
				if rep.Unchanged != seed.DemoCouriers || rep.Created != 0 {
					t.Errorf("re-import of the %s export: %d unchanged, %d created; want %d, 0", format, rep.Unchanged, rep.Created, seed.DemoCouriers)
				}
			}
		})
		t.Run("EveryCourierPassesTheUpdateValidation", func(t *testing.T) {
			// Editing a courier re-validates every field; an update that
			// changes nothing must go through for every seeded courier.
			cs, err := db.Client.Courier.Query().All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if _, err := svc.Update(ctx, c.ID, couriersvc.UpdateInput{}); err != nil {
					t.Errorf("courier %d (%s %s, %s %q): %v", c.ID, c.LastName, c.FirstName, c.TransportType, c.VehiclePlate, err)
				}
			}
		})

		again, err := seed.Demo(ctx, db.Client, apptest.Docs(t))
		if err != nil {
			t.Fatalf("second Demo: %v", err)
		}
		if again.Couriers+again.Regions+again.Branches+again.Warehouses+again.Partners+
			again.EquipmentTypes+again.StatusChanges+again.StockBalances+again.Movements+again.Documents != 0 {
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

func demoCouriersAndHistory(t *testing.T, ctx context.Context, db *database.DB) {
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
		if p, fe := couriersvc.NormalizePlate(c.VehiclePlate, c.TransportType); fe != nil || p != c.VehiclePlate {
			t.Errorf("courier %d: %s plate %q: %v (normalised %q)", c.ID, c.TransportType, c.VehiclePlate, fe, p)
		}
		if c.Status == courier.StatusFired && c.FiredAt == nil {
			t.Errorf("fired courier %d has no fired_at", c.ID)
		}
		if (c.Status == courier.StatusActive || c.Status == courier.StatusBlocked) && c.HiredAt == nil {
			t.Errorf("%v courier %d has no hired_at", c.Status, c.ID)
		}
		if c.Status == courier.StatusActive && c.DocumentStatus != courier.DocumentStatusVerified && c.DocumentStatus != courier.DocumentStatusExpired {
			t.Errorf("active courier %d has documents %v", c.ID, c.DocumentStatus)
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
	// Every block and firing carries a configured reason; the lifecycle's
	// other turns are there too, spread over months.
	n := func(query string) int {
		t.Helper()
		var v int
		if err := db.SQL.QueryRowContext(ctx, query).Scan(&v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return v
	}
	if k := n(`SELECT count(*) FROM courier_status_changes s WHERE s.to_status IN ('blocked', 'fired') AND NOT EXISTS
		(SELECT 1 FROM status_reasons r WHERE r.kind = CASE s.to_status WHEN 'blocked' THEN 'block' ELSE 'fire' END
		 AND r.code = s.reason AND (NOT r.comment_required OR COALESCE(s.comment, '') <> ''))`); k != 0 {
		t.Errorf("%d blocks or firings without a configured reason (or its required comment)", k)
	}
	for what, query := range map[string]string{
		"unblocks":      `SELECT count(*) FROM courier_status_changes WHERE from_status = 'blocked' AND to_status = 'active'`,
		"rehires":       `SELECT count(*) FROM courier_status_changes WHERE from_status = 'fired' AND to_status = 'new'`,
		"blocks":        `SELECT count(*) FROM courier_status_changes WHERE to_status = 'blocked'`,
		"firings":       `SELECT count(*) FROM courier_status_changes WHERE to_status = 'fired'`,
		"do-not-rehire": `SELECT count(*) FROM couriers WHERE do_not_rehire`,
		"submissions":   `SELECT count(*) FROM courier_status_changes WHERE reason = 'submitted_for_activation'`,
	} {
		if n(query) == 0 {
			t.Errorf("no %s in the demo history", what)
		}
	}
	first, err := db.Client.CourierStatusChange.Query().Order(ent.Asc(courierstatuschange.FieldCreatedAt)).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last, err := db.Client.CourierStatusChange.Query().Order(ent.Desc(courierstatuschange.FieldCreatedAt)).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last.CreatedAt.Sub(first.CreatedAt) < 365*24*time.Hour {
		t.Errorf("history spans %v to %v, want more than a year", first.CreatedAt, last.CreatedAt)
	}
}

func demoEquipment(t *testing.T, ctx context.Context, db *database.DB) {
	n := func(query string) int {
		t.Helper()
		var v int
		if err := db.SQL.QueryRowContext(ctx, query).Scan(&v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return v
	}
	for what, query := range map[string]string{
		"active couriers holding equipment": `SELECT count(DISTINCT h.courier_id) FROM courier_holdings h JOIN couriers c ON c.id = h.courier_id
			WHERE h.quantity > 0 AND c.status = 'active'`,
		"returns":               `SELECT count(*) FROM movements WHERE kind = 'return' AND coalesce(reason, '') = ''`,
		"damaged returns":       `SELECT count(*) FROM movements WHERE kind = 'return' AND condition = 'damaged'`,
		"worn-out write-offs":   `SELECT count(*) FROM movements WHERE kind = 'write_off' AND reason = 'worn_out'`,
		"damaged write-offs":    `SELECT count(*) FROM movements WHERE kind = 'write_off' AND reason = 'damaged'`,
		"lost write-offs":       `SELECT count(*) FROM movements WHERE kind = 'write_off' AND reason = 'lost'`,
		"received transfers":    `SELECT count(*) FROM transfers WHERE status = 'received'`,
		"debts of fired":        `SELECT count(*) FROM courier_debts d JOIN couriers c ON c.id = d.courier_id WHERE c.status = 'fired' AND d.amount > 0`,
		"units in quarantine":   `SELECT coalesce(sum(quarantined), 0) FROM stock_balances`,
		"receipts from vendors": `SELECT count(*) FROM movements WHERE kind = 'receipt'`,
		"starter kits":          `SELECT count(*) FROM kits`,
	} {
		if n(query) == 0 {
			t.Errorf("no %s in the demo", what)
		}
	}
	if k := n(`SELECT count(*) FROM transfers WHERE status = 'in_transit'`); k != 1 {
		t.Errorf("%d transfers in transit, want 1", k)
	}
	// Nobody fired or blocked is left holding equipment unaccounted for:
	// fired couriers hold nothing (returned or booked as debt).
	if k := n(`SELECT count(*) FROM courier_holdings h JOIN couriers c ON c.id = h.courier_id WHERE h.quantity > 0 AND c.status = 'fired'`); k != 0 {
		t.Errorf("%d holdings of fired couriers, want 0", k)
	}
	if k := n(`SELECT count(DISTINCT substr(CAST(created_at AS TEXT), 1, 7)) FROM movements`); k < 12 {
		t.Errorf("movements in %d months, want them spread over more than a year", k)
	}
}

func demoDocuments(t *testing.T, ctx context.Context, db *database.DB) {
	today := time.Now().UTC().Truncate(24 * time.Hour)
	current := db.Client.CourierDocument.Query().Where(courierdocument.ArchivedAtIsNil())
	soon, err := current.Clone().Where(courierdocument.ExpiresAtGTE(today), courierdocument.ExpiresAtLT(today.AddDate(0, 0, 31))).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	expired, err := current.Clone().Where(courierdocument.ExpiresAtLT(today),
		courierdocument.HasCourierWith(courier.StatusNEQ(courier.StatusFired))).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if soon == 0 || expired == 0 {
		t.Errorf("documents expiring within 30 days: %d, expired: %d; want some of each", soon, expired)
	}
	noFile, err := current.Clone().Where(courierdocument.VerificationEQ(courierdocument.VerificationVerified), courierdocument.StorageKeyIsNil()).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if noFile != 0 {
		t.Errorf("%d verified documents without a scan", noFile)
	}
	exp, err := db.Client.Courier.Query().Where(courier.DocumentStatusEQ(courier.DocumentStatusExpired)).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if exp == 0 {
		t.Error("no courier shows expired documents")
	}
}

func TestBench(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := authtest.Sys() // reads need a viewer; the seed itself acts as the system
		db := dbtest.New(t, d)
		if _, err := seed.Demo(ctx, db.Client, apptest.Docs(t)); err != nil {
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

		// Bench couriers (after the demo's) pass the update path's validation as they are.
		svc := demoServices(t, db)
		sample, err := db.Client.Courier.Query().Order(ent.Desc(courier.FieldID)).Limit(300).IDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range sample {
			if _, err := svc.Update(ctx, id, couriersvc.UpdateInput{}); err != nil {
				t.Errorf("bench courier %d: %v", id, err)
			}
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

// failingStore stores files until its budget runs out, then refuses.
type failingStore struct {
	blobstore.Store
	left int
}

func (f *failingStore) Put(ctx context.Context, prefix string, r io.Reader) (string, int64, error) {
	if f.left--; f.left < 0 {
		return "", 0, errors.New("disk full")
	}
	return f.Store.Put(ctx, prefix, r)
}

// TestDemoThatFailsLeavesNothingBehind: a demo whose document store fails
// midway rolls back and removes the scans it had stored.
func TestDemoThatFailsLeavesNothingBehind(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := authtest.Sys()
		db := dbtest.New(t, d)
		disk := apptest.Docs(t)
		if _, err := seed.Demo(ctx, db.Client, &failingStore{Store: disk, left: 40}); err == nil {
			t.Fatal("Demo with a failing document store succeeded")
		}
		files := 0
		if err := disk.Walk(ctx, func(blobstore.Info) error { files++; return nil }); err != nil {
			t.Fatal(err)
		}
		n, err := db.Client.Courier.Query().Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if files != 0 || n != 0 {
			t.Errorf("after a failed Demo: %d stored files, %d couriers; want none", files, n)
		}
	})
}
