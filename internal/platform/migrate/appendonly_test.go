package migrate_test

import (
	"context"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/dbtest"
)

// The audit trail, the stock ledger and status history refuse UPDATE and
// DELETE in the database itself, for any client, at the head migration.
func TestHistoryTablesRefuseUpdateAndDelete(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		db := dbtest.New(t, d)
		ctx := context.Background()
		ph := func(q string) string {
			if d == dialect.Postgres {
				return q
			}
			return strings.NewReplacer("$1", "?", "$2", "?").Replace(q)
		}
		if _, err := db.SQL.ExecContext(ctx, ph(`INSERT INTO audit_events (created_at, actor_kind, actor_name, operation, entity_type) VALUES ($1, 'system', 'test', 'op', 'X')`), "2026-01-01 00:00:00"); err != nil {
			t.Fatalf("insert audit event: %v", err)
		}
		for _, table := range []string{"audit_events", "movements", "courier_status_changes"} {
			for _, stmt := range []string{"UPDATE " + table + " SET created_at = created_at", "DELETE FROM " + table} {
				// An empty table proves nothing for row triggers: audit_events has a row;
				// for the others the trigger's presence is checked below.
				_, err := db.SQL.ExecContext(ctx, stmt)
				if table == "audit_events" && (err == nil || !strings.Contains(err.Error(), "append-only")) {
					t.Errorf("%s: got %v, want an append-only refusal", stmt, err)
				}
			}
			var n int
			q := "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?"
			want := 2
			if d == dialect.Postgres {
				q = "SELECT count(*) FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal"
			}
			if err := db.SQL.QueryRowContext(ctx, q, table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("%s has %d append-only triggers, want %d", table, n, want)
			}
		}
		var count int
		if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM audit_events").Scan(&count); err != nil || count != 1 {
			t.Errorf("audit events after refused delete: %d (%v), want 1", count, err)
		}
	})
}
