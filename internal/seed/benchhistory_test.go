package seed_test

import (
	"testing"

	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/seed"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// TestBenchHistoryIsConsistent: the generated status histories end in each
// courier's status, average about five changes, and the ledger, balances,
// holdings and analytics summaries all agree (what `mycourier verify` checks).
func TestBenchHistoryIsConsistent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := authtest.Sys()
		db := dbtest.New(t, d)
		if _, err := seed.Demo(ctx, db.Client, apptest.Docs(t)); err != nil {
			t.Fatalf("Demo: %v", err)
		}
		const n, moves = 3000, 20000
		if _, err := seed.Bench(ctx, db, seed.BenchOptions{Couriers: n, Seed: 3, History: true, Movements: moves}); err != nil {
			t.Fatalf("Bench: %v", err)
		}
		var changes, wrongEnd, movements, lost int
		q := func(query string, dst *int) {
			t.Helper()
			if err := db.SQL.QueryRowContext(ctx, query).Scan(dst); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
		}
		q(`SELECT COUNT(*) FROM courier_status_changes s JOIN couriers c ON c.id = s.courier_id WHERE substr(c.pinfl, 8, 1) IN ('0', '9')`, &changes)
		if per := float64(changes) / n; per < 4 || per > 7 {
			t.Errorf("status changes per bench courier: %.1f, want about 5", per)
		}
		// The last change of every courier leads to its status.
		q(`SELECT COUNT(*) FROM couriers c JOIN courier_status_changes s ON s.courier_id = c.id
			WHERE s.id = (SELECT MAX(id) FROM courier_status_changes WHERE courier_id = c.id) AND s.to_status <> c.status`, &wrongEnd)
		if wrongEnd != 0 {
			t.Errorf("%d couriers whose last status change does not lead to their status", wrongEnd)
		}
		// Blocks and firings carry a configured reason of their kind, and
		// the comment the reason requires, as the lifecycle demands.
		var badReasons int
		q(`SELECT COUNT(*) FROM courier_status_changes s WHERE s.to_status IN ('blocked', 'fired') AND NOT EXISTS
			(SELECT 1 FROM status_reasons r WHERE r.kind = CASE s.to_status WHEN 'blocked' THEN 'block' ELSE 'fire' END
			 AND r.code = s.reason AND (NOT r.comment_required OR COALESCE(s.comment, '') <> ''))`, &badReasons)
		if badReasons != 0 {
			t.Errorf("%d blocks or firings without a configured reason of their kind (or its required comment)", badReasons)
		}
		q(`SELECT COUNT(*) FROM movements WHERE operation_id LIKE 'bench-%'`, &movements)
		if movements < moves || movements > moves+1000 {
			t.Errorf("ledger rows: %d, want about %d", movements, moves)
		}
		q(`SELECT COUNT(*) FROM movements WHERE kind = 'write_off' AND courier_id IS NOT NULL`, &lost)
		if lost == 0 {
			t.Error("no equipment lost by couriers: the loss figures would be empty")
		}
		ms, err := stocksvc.Verify(ctx, db.Client)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms[:min(5, len(ms))] {
			t.Errorf("stock verify: %s", m)
		}
		sums, err := summary.Verify(ctx, db.SQL)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range sums[:min(5, len(sums))] {
			t.Errorf("summary verify: %s", m)
		}
	})
}
