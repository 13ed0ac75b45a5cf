package backup_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/backup"
	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/seed"
)

// filled returns a migrated database with reference data and couriers, and
// a file store with two files.
func filled(t *testing.T, d string) (*database.DB, blobstore.Store) {
	t.Helper()
	ctx := context.Background()
	db := dbtest.New(t, d)
	if _, err := seed.Bench(ctx, db, seed.BenchOptions{Couriers: 500, Seed: 7, Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	store, err := blobstore.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"%PDF-1.4 passport", "\x89PNG licence"} {
		if _, _, err := store.Put(ctx, "couriers/1/", strings.NewReader(body)); err != nil {
			t.Fatal(err)
		}
	}
	return db, store
}

func TestBackupRestoresIntoANewDatabaseWithEveryChecksumEqual(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := context.Background()
		src, store := filled(t, d)
		dir, m, err := backup.Take(ctx, src, store, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if m.Tables["couriers"].Rows != 500 || len(m.Files) != 2 || len(m.Tables) < 10 {
			t.Fatalf("manifest: %d couriers, %d files, %d tables", m.Tables["couriers"].Rows, len(m.Files), len(m.Tables))
		}
		// The source itself matches what was written down.
		if err := backup.Verify(ctx, src, m); err != nil {
			t.Fatalf("source against its own manifest: %v", err)
		}
		targetURL := dbtest.URL(t, d)
		restored, err := blobstore.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := backup.Restore(ctx, dir, targetURL, restored); err != nil {
			t.Fatalf("restore: %v", err)
		}
		target, err := database.Open(ctx, targetURL, database.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer target.Close()
		if err := backup.Verify(ctx, target, m); err != nil {
			t.Fatalf("restored database: %v", err)
		}
		n, err := target.Client.Courier.Query().Count(authtest.Sys())
		if err != nil || n != 500 {
			t.Fatalf("restored couriers through ent: %d %v", n, err)
		}
		var files int
		_ = restored.Walk(ctx, func(blobstore.Info) error { files++; return nil })
		if files != 2 {
			t.Fatalf("%d files restored, want 2", files)
		}

		// A target that holds data is refused and left alone.
		if _, err := backup.Restore(ctx, dir, targetURL, restored); !errors.Is(err, backup.ErrNotEmpty) {
			t.Fatalf("restore over a restored database: %v, want ErrNotEmpty", err)
		}
		// A change in the data shows in the check.
		if _, err := target.SQL.ExecContext(ctx, "UPDATE couriers SET first_name = 'Zzz' WHERE id = (SELECT min(id) FROM couriers)"); err != nil {
			t.Fatal(err)
		}
		if err := backup.Verify(ctx, target, m); !errors.Is(err, backup.ErrMismatch) || !strings.Contains(err.Error(), "couriers") {
			t.Fatalf("verify after an edit: %v, want a couriers mismatch", err)
		}
	})
}

// A backup whose manifest and data disagree fails the restore.
func TestRestoreRefusesABackupThatDoesNotMatchItsManifest(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := context.Background()
		src, store := filled(t, d)
		dir, m, err := backup.Take(ctx, src, store, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		tbl := m.Tables["partners"]
		tbl.Rows++
		m.Tables["partners"] = tbl
		b, _ := json.Marshal(m)
		if err := os.WriteFile(filepath.Join(dir, backup.ManifestName), b, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := backup.Restore(ctx, dir, dbtest.URL(t, d), nil); !errors.Is(err, backup.ErrMismatch) || !strings.Contains(err.Error(), "partners") {
			t.Fatalf("restore: %v, want a partners mismatch", err)
		}
		// A damaged file in the backup is caught before anything is written.
		var key string
		for k := range m.Files {
			key = k
		}
		if err := os.WriteFile(filepath.Join(dir, "files", filepath.FromSlash(key)), []byte("damaged"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := backup.Restore(ctx, dir, dbtest.URL(t, d), nil); !errors.Is(err, backup.ErrMismatch) || !strings.Contains(err.Error(), key) {
			t.Fatalf("restore with a damaged file: %v, want a mismatch naming %s", err, key)
		}
	})
}

func TestPruneKeepsByCountAndAge(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for _, ago := range []time.Duration{0, time.Hour, 2 * time.Hour, 48 * time.Hour, 96 * time.Hour} {
		name := "mycourier-" + now.Add(-ago).Format("20060102T150405.000Z")
		if err := os.Mkdir(filepath.Join(dir, name), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := backup.Prune(dir, 4, 24*time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	// Count 4 drops the oldest (96h); age 24h drops the 48h one.
	if len(removed) != 2 || !strings.Contains(removed[0], "20261128") || !strings.Contains(removed[1], "20261126") {
		t.Fatalf("removed %v, want the 48h and 96h old backups", removed)
	}
	// The newest stays even when it is old.
	removed, _ = backup.Prune(dir, 1, time.Nanosecond, now.Add(1000*time.Hour))
	left, _ := os.ReadDir(dir)
	if len(left) != 1 || !strings.Contains(left[0].Name(), "20261130T120000.000Z") {
		t.Fatalf("left %v after removing %v, want only the newest", left, removed)
	}
}
