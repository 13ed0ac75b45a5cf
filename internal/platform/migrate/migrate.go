// Package migrate applies and reports mycourier's versioned migrations
// (goose over the embedded files) and writes new ones by diffing ent/schema
// against the migration directory with the Atlas library.
package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/migrations"
)

// advisoryLockID is the PostgreSQL advisory lock that serialises migration
// runs of several instances starting together ("mycourier" in ASCII).
const advisoryLockID int64 = 0x6d79636f7572

// DirFS returns the embedded migration files of a dialect.
func DirFS(d string) (fs.FS, error) {
	name, err := dirName(d)
	if err != nil {
		return nil, err
	}
	return fs.Sub(migrations.FS, name)
}

func dirName(d string) (string, error) {
	switch d {
	case dialect.Postgres:
		return "postgres", nil
	case dialect.SQLite:
		return "sqlite", nil
	}
	return "", fmt.Errorf("migrate: unsupported dialect %q", d)
}

// Result is one applied migration.
type Result struct {
	Version  int64
	Name     string
	Duration time.Duration
}

// Options tune Up.
type Options struct {
	// FS overrides the embedded migrations (tests use fixtures).
	FS fs.FS
	// To stops at this version (0: all).
	To int64
	// NoBackup skips the SQLite backup copy taken before pending migrations.
	NoBackup bool
	// KeepBackups is how many SQLite .bak copies of the database are kept
	// (the newest; default 3).
	KeepBackups int
	// LockTimeout and StatementTimeout bound each statement on PostgreSQL
	// (defaults 5s and 15m): a migration queued behind a long reader gives
	// up instead of making every writer queue behind it.
	LockTimeout, StatementTimeout time.Duration
	// Retries is how often a migration that gave up on a lock is tried
	// again, after 1s, 2s, 4s… (default 0: no retry).
	Retries int
	// Sleep waits between retries (tests shorten it; default time.Sleep
	// bounded by ctx).
	Sleep func(ctx context.Context, d time.Duration) error
}

func (o *Options) defaults() {
	if o.KeepBackups <= 0 {
		o.KeepBackups = 3
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = 5 * time.Second
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = 15 * time.Minute
	}
	if o.Sleep == nil {
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(d):
				return nil
			}
		}
	}
}

// Up applies every pending migration. On PostgreSQL it holds an advisory lock
// so concurrent instances apply each migration once; on a SQLite file it
// first copies the database aside (see Backup) so a failed upgrade can be
// undone by hand.
func Up(ctx context.Context, db *database.DB, opts Options) ([]Result, error) {
	opts.defaults()
	p, cleanup, err := provider(db, opts.FS, &opts)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	pending, err := p.HasPending(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: check pending: %w", err)
	}
	if !pending {
		return nil, nil
	}
	if db.Dialect == dialect.SQLite && !opts.NoBackup {
		if _, err := Backup(ctx, db); err != nil {
			return nil, err
		}
		if err := PruneBackups(db, opts.KeepBackups); err != nil {
			return nil, err
		}
	}
	var out []Result
	for attempt := 0; ; attempt++ {
		var rs []*goose.MigrationResult
		if opts.To > 0 {
			rs, err = p.UpTo(ctx, opts.To)
		} else {
			rs, err = p.Up(ctx)
		}
		for _, r := range rs {
			if r.Error == nil {
				out = append(out, Result{Version: r.Source.Version, Name: baseName(r.Source.Path), Duration: r.Duration})
			}
		}
		if err == nil || !lockTimedOut(err) || attempt >= opts.Retries {
			break
		}
		// Rolled back whole (each file is one transaction): wait, then retry.
		if serr := opts.Sleep(ctx, min(time.Second<<attempt, 30*time.Second)); serr != nil {
			break
		}
	}
	if err != nil {
		return out, fmt.Errorf("migrate: up: %w", err)
	}
	if db.Dialect == dialect.SQLite {
		if err := foreignKeyCheck(ctx, db.SQL); err != nil {
			return out, err
		}
	}
	return out, nil
}

// lockTimedOut tells a statement that gave up waiting for a lock
// (SQLSTATE 55P03, lock_not_available).
func lockTimedOut(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "55P03"
}

// PruneBackups removes all but the newest keep .bak copies of a SQLite database.
func PruneBackups(db *database.DB, keep int) error {
	if db.Dialect != dialect.SQLite || db.Path == "" {
		return nil
	}
	// The names embed a UTC timestamp, so lexical order is age order.
	baks, err := filepath.Glob(globEscape(db.Path) + ".*.bak")
	if err != nil {
		return fmt.Errorf("migrate: prune backups: %w", err)
	}
	sort.Strings(baks)
	for len(baks) > keep {
		if err := os.Remove(baks[0]); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("migrate: prune backups: %w", err)
		}
		baks = baks[1:]
	}
	return nil
}

func globEscape(p string) string {
	r := strings.NewReplacer("*", `\*`, "?", `\?`, "[", `\[`)
	return r.Replace(p)
}

// Applied tells whether any migration was ever applied to db, reading only:
// unlike the migration provider, it creates no version table.
func Applied(ctx context.Context, db *database.DB) (bool, error) {
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '` + revisionTableGoose + `'`
	if db.Dialect == dialect.Postgres {
		q = `SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = '` + revisionTableGoose + `' AND schemaname = ANY (current_schemas(false))`
	}
	var n int
	if err := db.SQL.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return false, fmt.Errorf("migrate: applied: %w", err)
	}
	if n == 0 {
		return false, nil
	}
	if err := db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM `+revisionTableGoose+` WHERE version_id > 0`).Scan(&n); err != nil {
		return false, fmt.Errorf("migrate: applied: %w", err)
	}
	return n > 0, nil
}

// Pending tells whether db has migrations to apply.
func Pending(ctx context.Context, db *database.DB) (bool, error) {
	p, cleanup, err := provider(db, nil, nil)
	if err != nil {
		return false, err
	}
	defer cleanup()
	ok, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("migrate: check pending: %w", err)
	}
	return ok, nil
}

// Status is the state of one migration file.
type Status struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// StatusOf reports every migration, applied or pending.
func StatusOf(ctx context.Context, db *database.DB) ([]Status, error) {
	p, cleanup, err := provider(db, nil, nil)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	ss, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: status: %w", err)
	}
	out := make([]Status, 0, len(ss))
	for _, s := range ss {
		out = append(out, Status{
			Version:   s.Source.Version,
			Name:      baseName(s.Source.Path),
			Applied:   s.State == goose.StateApplied,
			AppliedAt: s.AppliedAt,
		})
	}
	return out, nil
}

// Backup copies a SQLite database file aside with VACUUM INTO and returns
// the copy's path ("" when there is nothing to copy).
func Backup(ctx context.Context, db *database.DB) (string, error) {
	if db.Dialect != dialect.SQLite || db.Path == "" {
		return "", nil
	}
	if st, err := os.Stat(db.Path); err != nil || st.Size() == 0 {
		return "", nil
	}
	var tables int
	if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table'").Scan(&tables); err != nil {
		return "", fmt.Errorf("migrate: backup: %w", err)
	}
	if tables == 0 {
		return "", nil
	}
	dst := fmt.Sprintf("%s.%s.bak", db.Path, time.Now().UTC().Format("20060102T150405.000000000"))
	if _, err := db.SQL.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return "", fmt.Errorf("migrate: backup to %s: %w", dst, err)
	}
	return dst, nil
}

// provider builds a goose provider. SQLite migrations run on a connection
// of their own with foreign keys off: a table rebuild (how SQLite alters a
// column) would otherwise cascade or fail on the rows that reference it.
func provider(db *database.DB, fsys fs.FS, opts *Options) (*goose.Provider, func(), error) {
	if fsys == nil {
		var err error
		if fsys, err = DirFS(db.Dialect); err != nil {
			return nil, nil, err
		}
	}
	var (
		gopts   = []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
		gd      goose.Dialect
		conn    = db.SQL
		cleanup = func() {}
	)
	switch db.Dialect {
	case dialect.Postgres:
		gd = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(advisoryLockID), lock.WithLockTimeout(1, 300))
		if err != nil {
			return nil, nil, fmt.Errorf("migrate: %w", err)
		}
		gopts = append(gopts, goose.WithSessionLocker(locker))
		if opts != nil {
			// A pool of its own whose sessions carry the timeouts.
			c, err := sql.Open("postgres", withTimeouts(db.DSN, opts.LockTimeout, opts.StatementTimeout))
			if err != nil {
				return nil, nil, fmt.Errorf("migrate: %w", err)
			}
			c.SetMaxOpenConns(2)
			conn, cleanup = c, func() { _ = c.Close() }
		}
	case dialect.SQLite:
		gd = goose.DialectSQLite3
		dsn := strings.Replace(db.DSN, "_pragma=foreign_keys(1)", "_pragma=foreign_keys(0)", 1)
		c, err := sql.Open("sqlite3", dsn)
		if err != nil {
			return nil, nil, fmt.Errorf("migrate: %w", err)
		}
		c.SetMaxOpenConns(1)
		conn, cleanup = c, func() { _ = c.Close() }
	default:
		return nil, nil, fmt.Errorf("migrate: unsupported dialect %q", db.Dialect)
	}
	p, err := goose.NewProvider(gd, conn, fsys, gopts...)
	if err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("migrate: %w", err)
	}
	return p, cleanup, nil
}

// foreignKeyCheck fails when a migration left a dangling reference behind.
func foreignKeyCheck(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return fmt.Errorf("migrate: foreign key check: %w", err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return fmt.Errorf("migrate: foreign key check: %w", err)
		}
		bad = append(bad, fmt.Sprintf("%s row %d → %s", table, rowid.Int64, parent))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("migrate: foreign key check: %w", err)
	}
	if len(bad) > 0 {
		return errors.New("migrate: dangling references after migration: " + strings.Join(bad, "; "))
	}
	return nil
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// withTimeouts adds lock_timeout and statement_timeout (in ms) to a
// PostgreSQL URL as run-time parameters of every session it opens.
func withTimeouts(dsn string, lock, stmt time.Duration) string {
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return fmt.Sprintf("%s%slock_timeout=%d&statement_timeout=%d", dsn, sep, lock.Milliseconds(), stmt.Milliseconds())
}
