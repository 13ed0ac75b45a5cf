package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/dbtest"
)

func run(t *testing.T, args ...string) error {
	t.Helper()
	root := rootCmd()
	root.SetArgs(args)
	root.SetOut(new(bytes.Buffer))
	root.SetErr(new(bytes.Buffer))
	return root.ExecuteContext(context.Background())
}

// Weakness: a command other than migrate up or seed, run where there is no
// database, created an empty SQLite file and failed with "no such table".
// It says there is no database and creates nothing.
func TestCommandsWithoutADatabaseSaySoAndCreateNothing(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	commands := [][]string{{"verify"}, {"user", "list"}, {"summaries", "backfill"}, {"backup"}, {"migrate", "status"}}
	for _, c := range commands {
		missing := filepath.Join(dir, "missing-"+c[0], "mycourier.db")
		for _, url := range []string{"sqlite://" + missing, "sqlite://" + empty} {
			if c[0] == "migrate" && url == "sqlite://"+empty {
				continue // status of an empty database lists every migration as pending
			}
			err := run(t, append(c, "--database-url", url, "--data-dir", dir)...)
			if err == nil || !strings.Contains(err.Error(), "no database") || strings.Contains(err.Error(), "no such table") {
				t.Errorf("%v on %s: %v, want no database", c, url, err)
			}
		}
		if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
			t.Errorf("%v created %s (%v)", c, filepath.Dir(missing), err)
		}
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Errorf("the empty file was written to: %v %v", fi, err)
	}
}

func TestCommandsOnAnEmptyPostgresDatabaseSaySoAndCreateNothing(t *testing.T) {
	url := dbtest.URL(t, dialect.Postgres)
	for _, c := range [][]string{{"verify"}, {"user", "list"}} {
		err := run(t, append(c, "--database-url", url)...)
		if err == nil || !strings.Contains(err.Error(), "no database") {
			t.Errorf("%v: %v, want no database", c, err)
		}
	}
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d tables created (%v)", n, err)
	}
}
