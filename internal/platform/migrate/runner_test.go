package migrate_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/migrate"
)

// A migration queued behind a long reader gives up after lock_timeout
// instead of holding every writer behind it, and is retried with backoff.
func TestMigrationGivesUpOnABlockedLockAndRetries(t *testing.T) {
	dbtest.RequirePostgres(t)
	ctx := context.Background()
	db := dbtest.New(t, dialect.Postgres, dbtest.Options{NoMigrate: true})
	base := fstest.MapFS{"00001_init.sql": {Data: []byte(initSQL[dialect.Postgres])}}
	if _, err := migrate.Up(ctx, db, migrate.Options{FS: base}); err != nil {
		t.Fatal(err)
	}
	fsys := fixture(dialect.Postgres, "ALTER TABLE parents ADD COLUMN code varchar(10) NULL;")

	// A reader holds ACCESS SHARE on parents until it commits.
	reader, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reader.ExecContext(ctx, "SELECT count(*) FROM parents"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = migrate.Up(ctx, db, migrate.Options{FS: fsys, LockTimeout: 200 * time.Millisecond})
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "lock timeout") {
		t.Fatalf("up behind a reader: %v, want a lock timeout", err)
	}
	if took > 3*time.Second {
		t.Fatalf("gave up after %s, want about the 200ms lock_timeout", took)
	}
	// While a retry waits, writers are not queued behind the ALTER.
	var waited []time.Duration
	opts := migrate.Options{FS: fsys, LockTimeout: 200 * time.Millisecond, Retries: 3,
		Sleep: func(ctx context.Context, d time.Duration) error {
			waited = append(waited, d)
			if len(waited) == 2 {
				return reader.Rollback() // the reader finishes during the second pause
			}
			return nil
		}}
	rs, err := migrate.Up(ctx, db, opts)
	if err != nil {
		t.Fatalf("up with retries: %v", err)
	}
	if len(rs) != 1 || len(waited) != 2 || waited[0] != time.Second || waited[1] != 2*time.Second {
		t.Fatalf("applied %v after pauses %v, want 1 file after 1s and 2s", rs, waited)
	}
	var n int
	if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'parents' AND column_name = 'code'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("column code: %d %v", n, err)
	}
}

// The SQLite copies taken before each upgrade are pruned to the newest few.
func TestSQLiteBackupCopiesArePruned(t *testing.T) {
	ctx := context.Background()
	url := dbtest.URL(t, dialect.SQLite)
	db, err := database.Open(ctx, url, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	base := fstest.MapFS{"00001_init.sql": {Data: []byte(initSQL[dialect.SQLite])}}
	if _, err := migrate.Up(ctx, db, migrate.Options{FS: base}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		old := db.Path + ".2020010" + string(rune('1'+i)) + "T000000.000000000.bak"
		if err := os.WriteFile(old, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := migrate.Up(ctx, db, migrate.Options{FS: fixture(dialect.SQLite, "ALTER TABLE parents ADD COLUMN nick varchar(20) NULL;"), KeepBackups: 3}); err != nil {
		t.Fatal(err)
	}
	baks, _ := filepath.Glob(db.Path + ".*.bak")
	if len(baks) != 3 {
		t.Fatalf("%d copies left (%v), want 3", len(baks), baks)
	}
	for _, b := range baks {
		if strings.Contains(b, "20200101") || strings.Contains(b, "20200102") || strings.Contains(b, "20200103") {
			t.Errorf("an old copy survived: %s", b)
		}
	}
}
