// Package backup takes and restores whole backups of mycourier: the
// database (pg_dump's custom format on PostgreSQL, VACUUM INTO on SQLite)
// and the stored files, with a manifest of row counts and checksums per
// table and a checksum per file. A restore goes into an empty database
// only and is checked against the manifest before it is reported done.
package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// File names inside a backup directory.
const (
	ManifestName = "manifest.json"
	pgDumpName   = "database.dump"
	sqliteName   = "database.sqlite"
	filesDir     = "files"
	dirPrefix    = "mycourier-"
	timeLayout   = "20060102T150405.000Z"
)

// ErrNotEmpty: restore refuses a database that already holds tables.
var ErrNotEmpty = errors.New("backup: the target database is not empty")

// Table is the manifest entry of one table.
type Table struct {
	Rows     int64  `json:"rows"`
	Checksum string `json:"sha256"`
}

// File is the manifest entry of one stored file.
type File struct {
	Size     int64  `json:"size"`
	Checksum string `json:"sha256"`
}

// Manifest describes a backup.
type Manifest struct {
	Created  time.Time        `json:"created"`
	Dialect  string           `json:"dialect"`
	Database string           `json:"database"` // file name inside the backup
	Tables   map[string]Table `json:"tables"`
	Files    map[string]File  `json:"files"`
	Took     string           `json:"took"`
}

// Take writes a backup of db and the files of store into a new directory
// under dir and returns its path.
func Take(ctx context.Context, db *database.DB, store blobstore.Store, dir string) (string, Manifest, error) {
	start := time.Now()
	m := Manifest{Created: start.UTC(), Dialect: db.Dialect, Files: map[string]File{}}
	out := filepath.Join(dir, dirPrefix+m.Created.Format(timeLayout))
	if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
		return "", m, fmt.Errorf("backup: %w", err)
	}
	if err := os.Mkdir(out, 0o750); err != nil {
		return "", m, fmt.Errorf("backup: %w", err)
	}
	var err error
	switch db.Dialect {
	case dialect.Postgres:
		m.Database = pgDumpName
		m.Tables, err = dumpPostgres(ctx, db, filepath.Join(out, pgDumpName))
	case dialect.SQLite:
		m.Database = sqliteName
		m.Tables, err = copySQLite(ctx, db, filepath.Join(out, sqliteName))
	default:
		err = fmt.Errorf("unsupported dialect %q", db.Dialect)
	}
	if err == nil && store != nil {
		m.Files, err = copyFiles(ctx, store, filepath.Join(out, filesDir))
	}
	if err == nil {
		m.Took = time.Since(start).Round(time.Millisecond).String()
		err = writeManifest(out, m)
	}
	if err != nil {
		_ = os.RemoveAll(out)
		return "", m, fmt.Errorf("backup: %w", err)
	}
	return out, m, nil
}

// dumpPostgres runs pg_dump on a snapshot exported by a repeatable-read
// transaction and checksums the tables in that same transaction, so the
// manifest describes exactly the rows in the dump.
func dumpPostgres(ctx context.Context, db *database.DB, path string) (map[string]Table, error) {
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var snapshot string
	if err := tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&snapshot); err != nil {
		return nil, fmt.Errorf("export snapshot: %w", err)
	}
	url, env := libpqURL(db.DSN)
	cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--no-owner", "--no-acl", // #nosec G204 -- pg_dump with arguments from the operator's configuration; no shell
		"--snapshot="+snapshot, "--file="+path, "--dbname="+url)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("pg_dump: %w", err)
	}
	tables, sumErr := checksums(ctx, tx, dialect.Postgres)
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("pg_dump: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return tables, sumErr
}

// copySQLite writes a consistent copy with VACUUM INTO and checksums the copy.
func copySQLite(ctx context.Context, db *database.DB, path string) (map[string]Table, error) {
	if _, err := db.SQL.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return nil, fmt.Errorf("vacuum into: %w", err)
	}
	c, err := database.Open(ctx, "sqlite://"+path, database.Options{})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return checksums(ctx, c.SQL, dialect.SQLite)
}

func copyFiles(ctx context.Context, store blobstore.Store, dir string) (map[string]File, error) {
	dst, err := blobstore.NewDisk(dir)
	if err != nil {
		return nil, err
	}
	if _, err := blobstore.Copy(ctx, dst, store, nil); err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	return hashFiles(ctx, dst)
}

func hashFiles(ctx context.Context, s blobstore.Store) (map[string]File, error) {
	out := map[string]File{}
	err := s.Walk(ctx, func(i blobstore.Info) error {
		r, err := s.Open(ctx, i.Key)
		if err != nil {
			return err
		}
		defer r.Close()
		h := sha256.New()
		n, err := io.Copy(h, r)
		if err != nil {
			return err
		}
		out[i.Key] = File{Size: n, Checksum: hex.EncodeToString(h.Sum(nil))}
		return nil
	})
	return out, err
}

func writeManifest(dir string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ManifestName), append(b, '\n'), 0o600)
}

// ReadManifest reads the manifest of the backup in dir.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, ManifestName)) // #nosec G304 -- the manifest inside the backup directory the operator named
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("backup: %s: %w", ManifestName, err)
	}
	return m, nil
}

// libpqURL turns a database URL into what libpq's tools take: the
// password moves into PGPASSWORD (never onto a command line other users can
// read in the process list), and parameters only pgx understands are dropped.
func libpqURL(dsn string) (string, []string) {
	env := os.Environ()
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn, env
	}
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	for _, k := range []string{"pool_max_conns", "pool_min_conns", "pool_max_conn_lifetime", "pool_max_conn_idle_time",
		"pool_health_check_period", "default_query_exec_mode", "statement_cache_capacity", "description_cache_capacity"} {
		q.Del(k)
	}
	u.RawQuery = q.Encode()
	return u.String(), env
}

// Prune removes backups under dir beyond the newest keep and those older
// than maxAge; the newest backup always stays. It returns what it removed.
func Prune(dir string, keep int, maxAge time.Duration, now time.Time) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("backup: prune: %w", err)
	}
	type b struct {
		name string
		at   time.Time
	}
	var all []b
	for _, e := range ents {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), dirPrefix) {
			continue
		}
		at, err := time.Parse(timeLayout, strings.TrimPrefix(e.Name(), dirPrefix))
		if err != nil {
			continue
		}
		all = append(all, b{e.Name(), at})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].at.After(all[j].at) })
	var removed []string
	for i, x := range all {
		if i == 0 || (i < keep && now.Sub(x.at) <= maxAge) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, x.name)); err != nil {
			return removed, fmt.Errorf("backup: prune: %w", err)
		}
		removed = append(removed, x.name)
	}
	return removed, nil
}
