package stocksvc_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// BenchmarkIssueParallel32 issues one unit per operation from 32 concurrent
// clients, each operation its own transaction, spread over four types of
// one warehouse (hot rows by design), on each database. Afterwards every
// balance must equal its ledger and none may be negative: anomalies are
// reported and fail the benchmark. `make bench-check` runs it briefly in
// `make test`, so the anomaly check runs in CI and not only on demand.
func BenchmarkIssueParallel32(b *testing.B) {
	for _, d := range dbtest.Dialects() {
		b.Run(d, func(b *testing.B) {
			if d == dialect.Postgres {
				dbtest.RequirePostgres(b)
			}
			issueParallel(b, d)
		})
	}
}

func issueParallel(b *testing.B, d string) {
	e := newEnv(b, d)
	types := []int{e.bag, e.jackM, e.jackL}
	authtest.Tx(b, e.db, func(ctx context.Context, c *ent.Client) error {
		types = append(types, c.EquipmentType.Create().SetName("Пауэрбанк").SetSku("PB").
			SetCategory(equipmenttype.CategoryPowerBank).SetUnitCost(150000).SaveX(ctx).ID)
		return nil
	})
	for _, typ := range types {
		e.receive(e.wh1, typ, 1_000_000) // the most one operation may receive
	}
	// A wider pool than the default, so 32 clients are not queued by it.
	e.db.SQL.SetMaxOpenConns(40)
	e.db.SQL.SetMaxIdleConns(40)
	var seq, failed atomic.Int64
	b.SetParallelism((32 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			_, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: "bench-" + strconv.FormatInt(n, 10),
				WarehouseID: e.wh1, CourierID: e.active,
				Lines: []*stocksvc.Line{{EquipmentTypeID: types[n%int64(len(types))], Quantity: qty(1)}}})
			if err != nil {
				failed.Add(1)
				if apperr.CodeOf(err) != apperr.CodeConflict {
					b.Errorf("issue: %v", err)
				}
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	ms, err := stocksvc.Verify(context.Background(), e.db.Client)
	if err != nil {
		b.Fatal(err)
	}
	negative := e.sqlInt(`SELECT COUNT(*) FROM stock_balances WHERE quantity < 0`)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "issues/s")
	b.ReportMetric(float64(len(ms)+negative), "anomalies")
	b.ReportMetric(float64(failed.Load()), "busy")
	if len(ms)+negative > 0 {
		b.Fatalf("anomalies: %v, %d negative balances", ms, negative)
	}
}

// benchMovements is the ledger size of BenchmarkStockReport
// (MYCOURIER_BENCH_MOVEMENTS; 10000000 for the design's target).
func benchMovements() int {
	if n, err := strconv.Atoi(os.Getenv("MYCOURIER_BENCH_MOVEMENTS")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

// BenchmarkStockReport runs the stock report (balances plus one month's
// movements by kind) over a ledger of MYCOURIER_BENCH_MOVEMENTS rows spread
// over a year, 20 warehouses and 50 types, on PostgreSQL.
func BenchmarkStockReport(b *testing.B) {
	dbtest.RequirePostgres(b)
	e := newEnv(b, dialect.Postgres)
	ctx := authtest.Sys()
	var whs, types []int
	authtest.Tx(b, e.db, func(ctx context.Context, c *ent.Client) error {
		br := c.Branch.Query().FirstX(ctx)
		for i := range 20 {
			whs = append(whs, c.Warehouse.Create().SetName(fmt.Sprintf("Bench %d", i)).SetCode(fmt.Sprintf("B%02d", i)).SetBranchID(br.ID).SaveX(ctx).ID)
		}
		for i := range 50 {
			types = append(types, c.EquipmentType.Create().SetName(fmt.Sprintf("Bench type %d", i)).SetSku(fmt.Sprintf("BT%02d", i)).
				SetCategory(equipmenttype.CategoryOther).SetUnitCost(int64(10000+i)).SaveX(ctx).ID)
		}
		return nil
	})
	n := benchMovements()
	start := time.Now()
	if err := copyMovements(b, e.db, n, whs, types); err != nil {
		b.Fatal(err)
	}
	// Balances are the ledger's sums, as the operations keep them.
	if _, err := e.db.SQL.Exec(`INSERT INTO stock_balances (created_at, updated_at, warehouse_id, equipment_type_id, quantity, quarantined, min_level)
		SELECT now(), now(), warehouse_id, equipment_type_id, SUM(quantity), 0, 50 FROM movements GROUP BY warehouse_id, equipment_type_id
		ON CONFLICT (warehouse_id, equipment_type_id) DO UPDATE SET quantity = excluded.quantity`); err != nil {
		b.Fatal(err)
	}
	if _, err := e.db.SQL.Exec(`ANALYZE movements`); err != nil {
		b.Fatal(err)
	}
	b.Logf("ledger: %d movements generated in %s", n, time.Since(start).Round(time.Millisecond))
	from := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	owner := authtest.Sys()
	_ = ctx
	for _, bc := range []struct {
		name string
		wh   *int
	}{{"all-warehouses", nil}, {"one-warehouse", &whs[3]}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				lines, err := e.svc.Report(owner, bc.wh, false, &from, &to)
				if err != nil || len(lines) == 0 {
					b.Fatalf("report: %d lines, %v", len(lines), err)
				}
			}
		})
	}
}

// copyMovements fills the ledger with n receipts and issues over 2026.
func copyMovements(b *testing.B, db *database.DB, n int, whs, types []int) error {
	ctx := context.Background()
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		r := rand.New(rand.NewPCG(1, 2))
		year := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		i := 0
		cols := []string{"created_at", "kind", "warehouse_id", "equipment_type_id", "quantity", "operation_id", "document_number", "unit_cost"}
		_, err := pc.CopyFrom(ctx, pgx.Identifier{"movements"}, cols, pgx.CopyFromFunc(func() ([]any, error) {
			if i >= n {
				return nil, nil
			}
			i++
			kind, q := "receipt", 1+r.IntN(20)
			if r.IntN(3) > 0 {
				kind, q = "issue", -1
			}
			at := year.Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
			op := "bench-" + strconv.Itoa(i)
			return []any{at, kind, whs[r.IntN(len(whs))], types[r.IntN(len(types))], q, op, op, int64(10000)}, nil
		}))
		return err
	})
}
