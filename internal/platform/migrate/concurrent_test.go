package migrate_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/migrate"
)

// diff writes indexes on existing tables as CREATE INDEX CONCURRENTLY in a
// file outside a transaction, and the result applies.
func TestDiffBuildsIndexesOnExistingTablesConcurrently(t *testing.T) {
	dbtest.RequirePostgres(t)
	ctx := context.Background()
	dir := copyDir(t, "postgres")
	// Forget the migrations from the one that added the courier list indexes on.
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".sql") && e.Name() >= "20261125183323" {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	if err := migrate.Hash(dir); err != nil {
		t.Fatal(err)
	}
	written, err := migrate.Diff(ctx, dialect.Postgres, "catch_up", migrate.DiffOptions{Dir: dir, PostgresURL: dbtest.PostgresURL()})
	if err != nil {
		t.Fatal(err)
	}
	paths := strings.Split(written, " and ")
	if len(paths) != 2 {
		t.Fatalf("wrote %q, want a transactional file and an index file", written)
	}
	tx, _ := os.ReadFile(paths[0])
	conc, _ := os.ReadFile(paths[1])
	txUp, _, _ := strings.Cut(string(tx), "-- +goose Down")
	if strings.Contains(txUp, `ON "couriers"`) {
		t.Errorf("the transactional file still builds an index on couriers:\n%s", tx)
	}
	for _, want := range []string{"-- +goose NO TRANSACTION", `DROP INDEX CONCURRENTLY IF EXISTS "courier_status_created_at_id";`, `CREATE INDEX CONCURRENTLY "courier_status_created_at_id" ON "couriers"`,
		`DROP INDEX CONCURRENTLY IF EXISTS "courier_status_created_at";`, `CREATE INDEX CONCURRENTLY IF NOT EXISTS "courier_status_created_at" ON "couriers"`} {
		if !strings.Contains(string(conc), want) {
			t.Errorf("index file lacks %q:\n%s", want, conc)
		}
	}
	if err := migrate.Validate(dir); err != nil {
		t.Fatalf("atlas.sum: %v", err)
	}
	// Both apply on a database, and a retry after a failed build repairs
	// the invalid index it left.
	db := dbtest.New(t, dialect.Postgres, dbtest.Options{NoMigrate: true})
	if _, err := db.SQL.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm"); err != nil {
		t.Fatal(err)
	}
	if _, err := migrate.Up(ctx, db, migrate.Options{FS: os.DirFS(dir)}); err != nil {
		t.Fatalf("apply: %v", err)
	}
	var invalid int
	if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM pg_index WHERE NOT indisvalid").Scan(&invalid); err != nil || invalid != 0 {
		t.Fatalf("%d invalid indexes (%v)", invalid, err)
	}
	// Simulate a build that failed half-way: mark one index invalid, undo
	// the index file and apply it again.
	if _, err := db.SQL.ExecContext(ctx, `UPDATE pg_index SET indisvalid = false WHERE indexrelid = '"courier_status_created_at_id"'::regclass`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := migrate.Down(ctx, db, os.DirFS(dir), false); err != nil {
		t.Fatalf("down of the index file: %v", err)
	}
	if _, err := db.SQL.ExecContext(ctx, `CREATE INDEX "courier_status_created_at_id" ON couriers (status)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL.ExecContext(ctx, `UPDATE pg_index SET indisvalid = false WHERE indexrelid = '"courier_status_created_at_id"'::regclass`); err != nil {
		t.Fatal(err)
	}
	if _, err := migrate.Up(ctx, db, migrate.Options{FS: os.DirFS(dir)}); err != nil {
		t.Fatalf("re-apply over an invalid index: %v", err)
	}
	if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM pg_index WHERE NOT indisvalid").Scan(&invalid); err != nil || invalid != 0 {
		t.Fatalf("%d invalid indexes after the retry (%v)", invalid, err)
	}
}
