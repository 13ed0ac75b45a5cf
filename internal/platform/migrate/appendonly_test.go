package migrate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/seed"
)

// The audit trail, the stock ledger and status history refuse UPDATE and
// DELETE in the database itself, for any client, at the head migration —
// shown on tables that hold rows (the demo's history), since a row trigger
// on an empty table proves nothing.
func TestHistoryTablesRefuseUpdateAndDelete(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		db := dbtest.New(t, d)
		ctx := context.Background()
		if _, err := seed.Demo(ctx, db.Client, apptest.Docs(t)); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"audit_events", "movements", "courier_status_changes"} {
			count := func() int {
				var n int
				if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			before := count()
			if before == 0 {
				t.Fatalf("%s is empty: the demo must give it rows to refuse changes to", table)
			}
			for _, stmt := range []string{"UPDATE " + table + " SET created_at = created_at", "DELETE FROM " + table} {
				if _, err := db.SQL.ExecContext(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Errorf("%s: got %v, want an append-only refusal", stmt, err)
				}
			}
			if after := count(); after != before {
				t.Errorf("%s: %d rows after the refused statements, want %d", table, after, before)
			}
		}
	})
}
