// Package database opens mycourier's database — the embedded SQLite default
// or PostgreSQL — and hands out the ent client over it. It knows nothing of
// the domain.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"

	"github.com/mycourier/mycourier/ent"
	_ "github.com/mycourier/mycourier/ent/runtime" // registers hooks and privacy policies
)

// Driver names: atlas and ent open databases by these names, so both pure-Go
// drivers are registered under them.
const (
	sqliteDriver   = "sqlite3"
	postgresDriver = "postgres"
)

func init() {
	sql.Register(sqliteDriver, &sqlite.Driver{})
	sql.Register(postgresDriver, stdlib.GetDefaultDriver())
}

// DB is an open database: the raw handle, its dialect and the ent client.
type DB struct {
	SQL     *sql.DB
	Dialect string // dialect.SQLite or dialect.Postgres
	Client  *ent.Client
	// Path is the SQLite file ("" for PostgreSQL or an in-memory database).
	Path string
	// DSN is what the driver was opened with.
	DSN string
}

// Options tune how a database is opened.
type Options struct {
	// MaxOpenConns caps the pool (PostgreSQL); 0 keeps the default.
	MaxOpenConns int
	// Debug logs every statement through ent's debug driver.
	Debug bool
	// Wrap lets a caller wrap the ent driver (e.g. to count statements).
	Wrap func(dialect.Driver) dialect.Driver
	// MustExist refuses to create a SQLite file (or its directory) that is
	// not there: ErrNoDatabase. Only migrating creates a database.
	MustExist bool
}

// ErrNoDatabase is a SQLite database file that does not exist, opened with
// MustExist.
var ErrNoDatabase = errors.New("no database")

// Open opens the database named by url: "postgres://…" or "postgresql://…"
// for PostgreSQL, "sqlite://path/to/file.db" or a bare file path for SQLite.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	d, dsn, path, err := Parse(url)
	if err != nil {
		return nil, err
	}
	if path != "" && opts.MustExist {
		// An empty file is no database either, and opening it would write
		// to it (WAL mode).
		if fi, err := os.Stat(path); errors.Is(err, os.ErrNotExist) || err == nil && fi.Size() == 0 {
			return nil, fmt.Errorf("%w at %s", ErrNoDatabase, path)
		}
	}
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("database: create data directory: %w", err)
		}
	}
	driverName := postgresDriver
	if d == dialect.SQLite {
		driverName = sqliteDriver
	}
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("database: open %s: %w", d, err)
	}
	switch d {
	case dialect.Postgres:
		max := opts.MaxOpenConns
		if max == 0 {
			max = 20
		}
		db.SetMaxOpenConns(max)
		db.SetMaxIdleConns(max)
		db.SetConnMaxIdleTime(5 * time.Minute)
	case dialect.SQLite:
		// One writer at a time is SQLite's model; readers share WAL.
		db.SetMaxOpenConns(8)
		db.SetConnMaxIdleTime(0)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("database: connect to %s: %w", d, err)
	}
	var drv dialect.Driver = entsql.OpenDB(d, db)
	if opts.Wrap != nil {
		drv = opts.Wrap(drv)
	}
	if opts.Debug {
		drv = dialect.Debug(drv)
	}
	return &DB{SQL: db, Dialect: d, Client: ent.NewClient(ent.Driver(drv)), Path: path, DSN: dsn}, nil
}

// Close closes the ent client and the pool.
func (db *DB) Close() error {
	return db.Client.Close()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.SQL.PingContext(ctx)
}

// sqlitePragmas are applied to every SQLite connection: foreign keys on,
// WAL for concurrent readers, a busy timeout instead of immediate
// "database is locked", and BEGIN IMMEDIATE so a write transaction takes the
// write lock up front (no deadlock upgrading a read lock).
var sqlitePragmas = []string{
	"_pragma=foreign_keys(1)",
	"_pragma=journal_mode(WAL)",
	"_pragma=busy_timeout(10000)",
	"_pragma=synchronous(NORMAL)",
	"_txlock=immediate",
	"_time_format=sqlite",
}

// Parse tells the dialect of url and returns the driver DSN and, for a SQLite
// file, its path.
func Parse(url string) (dialectName, dsn, path string, err error) {
	switch {
	case url == "":
		return "", "", "", errors.New("database: empty database URL")
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return dialect.Postgres, url, "", nil
	case strings.HasPrefix(url, "sqlite://"), strings.HasPrefix(url, "file:"), !strings.Contains(url, "://"):
		rest := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite://"), "file:")
		file, query, _ := strings.Cut(rest, "?")
		if file == "" {
			return "", "", "", fmt.Errorf("database: %q names no SQLite file", url)
		}
		params := append([]string{}, sqlitePragmas...)
		if query != "" {
			params = append(params, query)
		}
		if !strings.Contains(query, "mode=memory") {
			path = file
		}
		return dialect.SQLite, "file:" + file + "?" + strings.Join(params, "&"), path, nil
	default:
		return "", "", "", fmt.Errorf("database: unsupported URL %q (want postgres://… or sqlite://file)", url)
	}
}
