// Package dbtest gives each test a fresh database migrated by the real
// migrations, on SQLite (a temp file) and on PostgreSQL (a new database on
// the server named by MYCOURIER_TEST_POSTGRES_URL, dropped at cleanup).
//
// With CI=true an unreachable PostgreSQL fails the test; elsewhere it is
// skipped with a loud message, so a laptop without PostgreSQL still runs the
// SQLite half.
//
// MYCOURIER_TEST_DIALECTS (a comma-separated subset of "sqlite3,postgres")
// narrows the dialects; the others are skipped with a loud message. Only
// `make mutation` sets it (every mutant reruns a package's suite, and the
// rules it mutates are Go code that behaves the same on both databases);
// normal runs and CI's `make test` leave it unset and run both.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/migrate"
)

// DefaultPostgresURL is the server the development and CI machines run.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Dialects lists the databases every database test runs on.
func Dialects() []string { return []string{dialect.SQLite, dialect.Postgres} }

// DialectsEnv names the variable that narrows the dialects (see the package
// comment).
const DialectsEnv = "MYCOURIER_TEST_DIALECTS"

// selected reports whether tests run on dialect d under DialectsEnv; a
// value naming an unknown dialect is an error, so a typo cannot skip both.
func selected(d string) (bool, error) {
	v := os.Getenv(DialectsEnv)
	if v == "" {
		return true, nil
	}
	names := strings.Split(v, ",")
	for _, n := range names {
		if !slices.Contains(Dialects(), strings.TrimSpace(n)) {
			return false, fmt.Errorf("dbtest: %s=%q: unknown dialect %q (want a subset of %s)", DialectsEnv, v, n, strings.Join(Dialects(), ","))
		}
	}
	return slices.ContainsFunc(names, func(n string) bool { return strings.TrimSpace(n) == d }), nil
}

// skipUnselected skips t when DialectsEnv leaves dialect d out.
func skipUnselected(t testing.TB, d string) {
	t.Helper()
	ok, err := selected(d)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Skipf("dbtest: SKIPPING %s half: %s=%q (set by `make mutation` only)", d, DialectsEnv, os.Getenv(DialectsEnv))
	}
}

// PostgresURL is the server tests create their databases on.
func PostgresURL() string {
	if u := os.Getenv("MYCOURIER_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// Options tune New.
type Options struct {
	// NoMigrate leaves the database empty.
	NoMigrate bool
	// Database options (statement counting wrappers, pool size).
	Database database.Options
}

// New returns a fresh, migrated database of dialect d, closed and removed
// when the test ends.
func New(t testing.TB, d string, opts ...Options) *database.DB {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	url := URL(t, d)
	db, err := database.Open(ctx, url, o.Database)
	if err != nil {
		t.Fatalf("dbtest: open %s: %v", d, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if !o.NoMigrate {
		if _, err := migrate.Up(ctx, db, migrate.Options{NoBackup: true}); err != nil {
			t.Fatalf("dbtest: migrate %s: %v", d, err)
		}
	}
	return db
}

// URL returns the URL of a fresh, empty database of dialect d that is
// removed when the test ends.
func URL(t testing.TB, d string) string {
	t.Helper()
	skipUnselected(t, d)
	switch d {
	case dialect.SQLite:
		return "sqlite://" + filepath.Join(t.TempDir(), "test.db")
	case dialect.Postgres:
		RequirePostgres(t)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		url, drop, err := migrate.CreateScratchPostgres(ctx, PostgresURL(), "mycourier_test")
		if err != nil {
			t.Fatalf("dbtest: %v", err)
		}
		t.Cleanup(drop)
		return url
	}
	t.Fatalf("dbtest: unknown dialect %q", d)
	return ""
}

// RequirePostgres fails (under CI) or skips (elsewhere) a test when the
// PostgreSQL server does not answer.
func RequirePostgres(t testing.TB) {
	t.Helper()
	db, err := sql.Open("postgres", PostgresURL())
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
		_ = db.Close()
	}
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("dbtest: PostgreSQL at %s is required under CI: %v", PostgresURL(), err)
	}
	t.Skipf("dbtest: SKIPPING PostgreSQL half: %s unreachable (%v); set MYCOURIER_TEST_POSTGRES_URL", PostgresURL(), err)
}

// Run runs f as a subtest on every dialect.
func Run(t *testing.T, f func(t *testing.T, d string)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) {
			skipUnselected(t, d)
			f(t, d)
		})
	}
}
