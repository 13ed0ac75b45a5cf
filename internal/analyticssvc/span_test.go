package analyticssvc_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/mycourier/mycourier/internal/analyticssvc"
	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/seed"
)

// TestLongPeriodsReadMonthRowsLikeTheirDays: active couriers before the
// period, the funnel, churn, write-offs and losses read whole months from month rollup rows and the edges from
// day rows; over generated history and ledger, for periods inside one
// month, on month edges, across years and of whole months, every figure
// equals the sum of the day rows alone.
func TestLongPeriodsReadMonthRowsLikeTheirDays(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		db := dbtest.New(t, d)
		ctx := authtest.Sys()
		if _, err := seed.Demo(ctx, db.Client, apptest.Docs(t)); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, summary.Zone())
		if _, err := seed.Bench(ctx, db, seed.BenchOptions{Couriers: 1500, Seed: 3, History: true, Movements: 15_000, Now: now}); err != nil {
			t.Fatal(err)
		}
		svc := analyticssvc.New(db.Client, analyticssvc.Options{Now: func() time.Time { return now }})
		owner := viewer(authz.Owner, authz.Scope{})
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
		periods := [][2]time.Time{
			{day(2026, 3, 1), day(2026, 3, 31)},   // one whole month
			{day(2026, 3, 5), day(2026, 3, 20)},   // inside a month
			{day(2026, 2, 28), day(2026, 3, 1)},   // two edge days
			{day(2025, 12, 15), day(2026, 2, 10)}, // across a year, one whole month
			{day(2025, 1, 1), day(2026, 10, 31)},  // whole months only
			{day(2025, 6, 30), day(2026, 7, 1)},   // a day on each side
		}
		r := rand.New(rand.NewPCG(9, 9))
		for range 14 {
			from := day(2024, 12, 1).AddDate(0, 0, r.IntN(700))
			periods = append(periods, [2]time.Time{from, from.AddDate(0, 0, r.IntN(400))})
		}
		sum := func(query string, from, to time.Time) (a, b, c int64) {
			t.Helper()
			if err := db.SQL.QueryRowContext(context.Background(), query, summary.Day(from.In(summary.Zone()).Add(12*time.Hour)),
				summary.Day(to.In(summary.Zone()).Add(12*time.Hour))).Scan(&a, &b, &c); err != nil {
				t.Fatal(err)
			}
			return a, b, c
		}
		nonZero := 0
		for _, p := range periods {
			f := analyticssvc.Filter{From: &p[0], To: &p[1]}
			fu, err := svc.Funnel(owner, f)
			if err != nil {
				t.Fatal(err)
			}
			reg, sub, act := sum(`SELECT COALESCE(SUM(registered + rehired), 0), COALESCE(SUM(submitted), 0), COALESCE(SUM(activated), 0)
				FROM courier_day_stats WHERE day >= $1 AND day <= $2 AND day % 100 <> 0`, p[0], p[1])
			if int64(fu.Registered) != reg || int64(fu.Submitted) != sub || int64(fu.Activated) != act {
				t.Errorf("%s..%s funnel %d/%d/%d, day rows %d/%d/%d", p[0].Format(time.DateOnly), p[1].Format(time.DateOnly),
					fu.Registered, fu.Submitted, fu.Activated, reg, sub, act)
			}
			delays, _, _ := sum(`SELECT COALESCE(SUM(n), 0), 0, 0 FROM courier_activation_stats WHERE day >= $1 AND day <= $2 AND day % 100 <> 0`, p[0], p[1])
			if delays != act {
				t.Errorf("%s..%s: %d activations with a delay, %d activations", p[0].Format(time.DateOnly), p[1].Format(time.DateOnly), delays, act)
			}
			// Active couriers: everything before the period comes from month
			// rows and the first month's days; each day inside from day rows.
			act0, _, _ := sum(`SELECT COALESCE(SUM(active_delta), 0), 0, 0 FROM courier_day_stats WHERE day <= $1 AND day % 100 <> 0 AND $2 > 0`, p[0], p[1])
			actN, _, _ := sum(`SELECT COALESCE(SUM(active_delta), 0), 0, 0 FROM courier_day_stats WHERE day <= $2 AND day % 100 <> 0 AND $1 > 0`, p[0], p[1])
			series, err := svc.ActiveOverTime(owner, f, analyticssvc.Day)
			if err != nil {
				t.Fatal(err)
			}
			if int64(series[0].Active) != act0 || int64(series[len(series)-1].Active) != actN {
				t.Errorf("%s..%s active first/last %d/%d, day rows %d/%d", p[0].Format(time.DateOnly), p[1].Format(time.DateOnly),
					series[0].Active, series[len(series)-1].Active, act0, actN)
			}
			ch, err := svc.Churn(owner, f)
			if err != nil {
				t.Fatal(err)
			}
			f7, f30, _ := sum(`SELECT COALESCE(SUM(fired_within_7d), 0), COALESCE(SUM(fired_within_30d), 0), 0
				FROM courier_day_stats WHERE day >= $1 AND day <= $2 AND day % 100 <> 0`, p[0], p[1])
			var g7, g30 int64
			for _, c := range ch.Cohorts {
				g7, g30 = g7+int64(c.Fired7d), g30+int64(c.Fired30d)
			}
			if g7 != f7 || g30 != f30 {
				t.Errorf("%s..%s churn %d/%d, day rows %d/%d", p[0].Format(time.DateOnly), p[1].Format(time.DateOnly), g7, g30, f7, f30)
			}
			st, err := svc.Stock(owner, f)
			if err != nil {
				t.Fatal(err)
			}
			woQty, woValue, _ := sum(`SELECT COALESCE(-SUM(quantity), 0), COALESCE(-SUM(value), 0), 0 FROM stock_day_stats
				WHERE kind = 'write_off' AND day >= $1 AND day <= $2 AND day % 100 <> 0`, p[0], p[1])
			var gq, gv int64
			for _, w := range st.WriteOffs {
				gq, gv = gq+int64(w.Quantity), gv+w.Value
			}
			if gq != woQty || gv != woValue {
				t.Errorf("%s..%s write-offs %d/%d, day rows %d/%d", p[0].Format(time.DateOnly), p[1].Format(time.DateOnly), gq, gv, woQty, woValue)
			}
			issued, _, _ := sum(`SELECT COALESCE(-SUM(quantity), 0), 0, 0 FROM stock_day_stats
				WHERE kind = 'issue' AND day >= $1 AND day <= $2 AND day % 100 <> 0`, p[0], p[1])
			var gi int64
			for _, l := range st.Lines {
				gi += int64(l.Issued)
			}
			if gi != issued {
				t.Errorf("%s..%s issued %d, day rows %d", p[0].Format(time.DateOnly), p[1].Format(time.DateOnly), gi, issued)
			}
			lost, _, _ := sum(`SELECT COALESCE(-SUM(value), 0), 0, 0 FROM courier_loss_stats WHERE day >= $1 AND day <= $2 AND day % 100 <> 0`, p[0], p[1])
			var gl int64
			for _, l := range st.Losses {
				gl += l.Value
			}
			if gl != lost {
				t.Errorf("%s..%s losses %d, day rows %d", p[0].Format(time.DateOnly), p[1].Format(time.DateOnly), gl, lost)
			}
			if act > 0 && woQty > 0 && lost > 0 {
				nonZero++
			}
		}
		if nonZero < len(periods)/2 {
			t.Fatalf("only %d of %d periods had activations, write-offs and losses: the data proves too little", nonZero, len(periods))
		}
	})
}
