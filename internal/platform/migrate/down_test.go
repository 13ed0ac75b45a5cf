package migrate_test

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/migrate"
)

func TestDownUndoesTheLastVersionAndRefusesToDropDataUnlessForced(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := context.Background()
		fsys := fstest.MapFS{
			"00001_init.sql":  {Data: []byte(initSQL[d])},
			"00002_nick.sql":  {Data: []byte("-- +goose Up\nALTER TABLE parents ADD COLUMN nick varchar(20) NULL;\n\n-- +goose Down\n-- reverse: add column\nALTER TABLE parents DROP COLUMN nick;\n")},
			"00003_index.sql": {Data: []byte("-- +goose Up\nCREATE INDEX parents_nick ON parents (nick);\n\n-- +goose Down\nDROP INDEX parents_nick;\n")},
		}
		db := dbtest.New(t, d, dbtest.Options{NoMigrate: true})
		if _, err := migrate.Up(ctx, db, migrate.Options{FS: fsys, NoBackup: true}); err != nil {
			t.Fatal(err)
		}
		// Dropping an index loses nothing: it goes.
		r, _, err := migrate.Down(ctx, db, fsys, false)
		if err != nil || r.Version != 3 {
			t.Fatalf("down of the index: %+v %v", r, err)
		}
		// Dropping a column is refused and changes nothing.
		_, found, err := migrate.Down(ctx, db, fsys, false)
		if !errors.Is(err, migrate.ErrDestructiveDown) || len(found) != 1 || found[0].Kind != migrate.KindDropColumn {
			t.Fatalf("down of the column: %v %v, want ErrDestructiveDown for drop_column", found, err)
		}
		if _, err := db.SQL.ExecContext(ctx, "UPDATE parents SET nick = 'still here'"); err != nil {
			t.Fatalf("the refused down changed the schema: %v", err)
		}
		// Forced, it goes.
		if r, _, err := migrate.Down(ctx, db, fsys, true); err != nil || r.Version != 2 {
			t.Fatalf("forced down: %+v %v", r, err)
		}
		if _, err := db.SQL.ExecContext(ctx, "UPDATE parents SET nick = 'x'"); err == nil {
			t.Fatal("the column is still there after a forced down")
		}
	})
}

// Marking a file destructive keeps atlas.sum valid with no separate step.
func TestAllowMarksTheFileAndRehashes(t *testing.T) {
	dir := copyDir(t, "postgres")
	path, err := migrate.Allow(dir, "20261125185600", "status reasons replaced by the new table")
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate.Validate(dir); err != nil {
		t.Fatalf("atlas.sum after allow: %v", err)
	}
	if _, err := migrate.Allow(dir, "20261125185600", "again and again"); err == nil {
		t.Fatalf("%s marked twice", path)
	}
	if _, err := migrate.Allow(dir, "20261125180607", "short"); err == nil {
		t.Fatal("a reason under 10 characters was accepted")
	}
}
