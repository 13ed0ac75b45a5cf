package backup

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"database/sql"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// ErrMismatch: the restored data differ from the manifest.
var ErrMismatch = errors.New("backup: restored data differ from the manifest")

// Restore loads the backup in dir into the empty database at targetURL and
// its files into store, then checks every table and file against the
// manifest. A target that holds any table is refused.
func Restore(ctx context.Context, dir, targetURL string, store blobstore.Store) (Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return m, err
	}
	target, err := database.Open(ctx, targetURL, database.Options{MaxOpenConns: 2})
	if err != nil {
		return m, err
	}
	defer func() { _ = target.Close() }()
	if target.Dialect != m.Dialect {
		return m, fmt.Errorf("backup: the backup is of a %s database, the target is %s", m.Dialect, target.Dialect)
	}
	tables, err := tableNames(ctx, target.SQL, target.Dialect)
	if err != nil {
		return m, fmt.Errorf("backup: inspect target: %w", err)
	}
	if len(tables) > 0 {
		return m, fmt.Errorf("%w: it has %d tables (%s…); restore into a new database", ErrNotEmpty, len(tables), tables[0])
	}
	// Check the files of the backup before anything is written.
	var files blobstore.Store
	if len(m.Files) > 0 {
		disk, err := blobstore.NewDisk(filepath.Join(dir, filesDir))
		if err != nil {
			return m, err
		}
		got, err := hashFiles(ctx, disk)
		if err != nil {
			return m, fmt.Errorf("backup: files: %w", err)
		}
		if bad := diffFiles(m.Files, got); len(bad) > 0 {
			return m, fmt.Errorf("%w: files in the backup: %s", ErrMismatch, strings.Join(bad, "; "))
		}
		files = disk
	}
	switch m.Dialect {
	case dialect.Postgres:
		url, env := libpqURL(target.DSN)
		cmd := exec.CommandContext(ctx, "pg_restore", "--no-owner", "--no-acl", "--exit-on-error", // #nosec G204 -- pg_restore with arguments from the operator's configuration; no shell
			"--dbname="+url, filepath.Join(dir, m.Database))
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return m, fmt.Errorf("backup: pg_restore: %w: %s", err, strings.TrimSpace(string(out)))
		}
	case dialect.SQLite:
		if target.Path == "" {
			return m, errors.New("backup: restore needs a SQLite file, not an in-memory database")
		}
		path := target.Path
		_ = target.Close()
		if err := replaceFile(filepath.Join(dir, m.Database), path); err != nil {
			return m, err
		}
		if target, err = database.Open(ctx, targetURL, database.Options{MaxOpenConns: 2}); err != nil {
			return m, err
		}
	}
	got, err := checksums(ctx, target.SQL, target.Dialect)
	if err != nil {
		return m, fmt.Errorf("backup: verify: %w", err)
	}
	if bad := diffTables(m.Tables, got); len(bad) > 0 {
		return m, fmt.Errorf("%w: %s", ErrMismatch, strings.Join(bad, "; "))
	}
	if files != nil && store != nil {
		if _, err := blobstore.Copy(ctx, store, files, nil); err != nil {
			return m, fmt.Errorf("backup: restore files: %w", err)
		}
		now, err := hashFiles(ctx, store)
		if err != nil {
			return m, fmt.Errorf("backup: verify files: %w", err)
		}
		if bad := diffFiles(m.Files, now); len(bad) > 0 {
			return m, fmt.Errorf("%w: restored files: %s", ErrMismatch, strings.Join(bad, "; "))
		}
	}
	return m, nil
}

// Verify recomputes the checksums of db and compares them with m.
func Verify(ctx context.Context, db *database.DB, m Manifest) error {
	got, err := checksums(ctx, db.SQL, db.Dialect)
	if err != nil {
		return err
	}
	if bad := diffTables(m.Tables, got); len(bad) > 0 {
		return fmt.Errorf("%w: %s", ErrMismatch, strings.Join(bad, "; "))
	}
	return nil
}

// replaceFile copies src over the SQLite file dst (and drops its WAL).
func replaceFile(src, dst string) error {
	in, err := os.Open(src) // #nosec G304 -- a file inside the backup directory the operator named
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".restore-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	_, err = io.Copy(tmp, in)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		_ = os.Remove(dst + suffix)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dst)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

func diffTables(want, got map[string]Table) []string {
	var bad []string
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			bad = append(bad, name+": missing")
		case g.Rows != w.Rows:
			bad = append(bad, fmt.Sprintf("%s: %d rows, manifest %d", name, g.Rows, w.Rows))
		case g.Checksum != w.Checksum:
			bad = append(bad, name+": checksum differs")
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			bad = append(bad, name+": not in the manifest")
		}
	}
	sort.Strings(bad)
	return bad
}

func diffFiles(want, got map[string]File) []string {
	var bad []string
	for key, w := range want {
		if g, ok := got[key]; !ok {
			bad = append(bad, key+": missing")
		} else if g != w {
			bad = append(bad, key+": size or checksum differs")
		}
	}
	sort.Strings(bad)
	return bad
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func tableNames(ctx context.Context, q querier, d string) ([]string, error) {
	stmt := "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
	if d == dialect.SQLite {
		stmt = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
	}
	rows, err := q.QueryContext(ctx, stmt)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// checksums counts and hashes every row of every table, in the order of all
// its columns, each value length-prefixed so no two rows hash alike by
// accident of concatenation.
func checksums(ctx context.Context, q querier, d string) (map[string]Table, error) {
	names, err := tableNames(ctx, q, d)
	if err != nil {
		return nil, err
	}
	out := map[string]Table{}
	for _, name := range names {
		t, err := checksumTable(ctx, q, d, name)
		if err != nil {
			return nil, fmt.Errorf("checksum %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

func checksumTable(ctx context.Context, q querier, d, name string) (Table, error) {
	quoted := `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
	// The column count decides the ORDER BY; ask for no rows first.
	probe, err := q.QueryContext(ctx, "SELECT * FROM "+quoted+" WHERE 1 = 0")
	if err != nil {
		return Table{}, err
	}
	cols, err := probe.Columns()
	if err == nil {
		err = probe.Err()
	}
	_ = probe.Close()
	if err != nil {
		return Table{}, err
	}
	order := make([]string, len(cols))
	for i := range order {
		order[i] = strconv.Itoa(i + 1)
	}
	rows, err := q.QueryContext(ctx, "SELECT * FROM "+quoted+" ORDER BY "+strings.Join(order, ", "))
	if err != nil {
		return Table{}, err
	}
	defer rows.Close()
	h := sha256.New()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	var lenBuf [8]byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return Table{}, err
		}
		for _, v := range vals {
			b, null := canonical(v)
			if null {
				h.Write([]byte{0})
				continue
			}
			h.Write([]byte{1})
			binary.BigEndian.PutUint64(lenBuf[:], uint64(len(b)))
			h.Write(lenBuf[:])
			h.Write(b)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return Table{}, err
	}
	return Table{Rows: n, Checksum: hex.EncodeToString(h.Sum(nil))}, nil
}

func canonical(v any) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return nil, true
	case []byte:
		return v, false
	case string:
		return []byte(v), false
	case time.Time:
		return []byte(v.UTC().Format(time.RFC3339Nano)), false
	}
	return []byte(fmt.Sprint(v)), false
}
