package analyticssvc_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/analyticssvc"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/seed"
)

// benchDB is the database the dashboard benchmark reads: the one named by
// MYCOURIER_BENCH_ANALYTICS_URL (filled beforehand with `mycourier seed
// --bench --couriers 1000000`: 1M couriers, ~5M status changes, 10M ledger
// rows), or else a fresh PostgreSQL database with 20 000 generated couriers.
func benchDB(b *testing.B) *database.DB {
	if url := os.Getenv("MYCOURIER_BENCH_ANALYTICS_URL"); url != "" {
		db, err := database.Open(context.Background(), url, database.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return db
	}
	db := dbtest.New(b, dialect.Postgres)
	ctx := authtest.Sys()
	if _, err := seed.Demo(ctx, db.Client, apptest.Docs(b)); err != nil {
		b.Fatal(err)
	}
	if _, err := seed.Bench(ctx, db, seed.BenchOptions{Couriers: 20_000, Seed: 5, History: true, Movements: 200_000}); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkDashboardSections times each section for the owner (everything)
// and for a manager of one partner, over the last year, and reports p50 and
// p99 per section (warm: one untimed run first).
func BenchmarkDashboardSections(b *testing.B) {
	db := benchDB(b)
	svc := analyticssvc.New(db.Client, analyticssvc.Options{})
	var partner int
	if err := db.SQL.QueryRowContext(context.Background(), `SELECT partner_id FROM courier_counts WHERE partner_id <> 0 GROUP BY partner_id ORDER BY SUM(n) DESC LIMIT 1`).Scan(&partner); err != nil {
		b.Fatal(err)
	}
	to := time.Now().UTC()
	from := to.AddDate(-1, 0, 0)
	f := analyticssvc.Filter{From: &from, To: &to}
	viewers := map[string]context.Context{
		"owner":   viewer(authz.Owner, authz.Scope{}),
		"manager": viewer(authz.Manager, authz.Scope{Partners: []int{partner}}),
	}
	sections := []struct {
		name string
		run  func(ctx context.Context, v *analyticssvc.View) error
	}{
		{"headcount", func(ctx context.Context, v *analyticssvc.View) error { _, err := v.Headcount(ctx); return err }},
		{"activeOverTime_day", func(ctx context.Context, v *analyticssvc.View) error {
			_, err := v.ActiveOverTime(ctx, analyticssvc.Day)
			return err
		}},
		{"activeOverTime_month", func(ctx context.Context, v *analyticssvc.View) error {
			_, err := v.ActiveOverTime(ctx, analyticssvc.Month)
			return err
		}},
		{"flow_week", func(ctx context.Context, v *analyticssvc.View) error {
			_, err := v.Flow(ctx, analyticssvc.Week)
			return err
		}},
		{"funnel", func(ctx context.Context, v *analyticssvc.View) error { _, err := v.Funnel(ctx); return err }},
		{"churn", func(ctx context.Context, v *analyticssvc.View) error { _, err := v.Churn(ctx); return err }},
		{"stock", func(ctx context.Context, v *analyticssvc.View) error { _, err := v.Stock(ctx); return err }},
	}
	for _, who := range []string{"owner", "manager"} {
		for _, s := range sections {
			b.Run(who+"/"+s.name, func(b *testing.B) {
				ctx := viewers[who]
				run := func() {
					v, err := svc.Open(ctx, f)
					if err == nil {
						err = s.run(ctx, v)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				run() // warm
				times := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for b.Loop() {
					start := time.Now()
					run()
					times = append(times, time.Since(start))
				}
				slices.Sort(times)
				b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50_ms")
				b.ReportMetric(float64(times[min(len(times)-1, len(times)*99/100)].Microseconds())/1000, "p99_ms")
			})
		}
	}
}
