package migrate

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	atlasmigrate "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqltool"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"

	entmigrate "github.com/mycourier/mycourier/ent/migrate"
)

var migrationName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// DiffOptions configure Diff.
type DiffOptions struct {
	// Dir is the migration directory of the dialect (migrations/postgres…).
	Dir string
	// PostgresURL is a server where Diff may create and drop a scratch
	// database to replay the directory on (PostgreSQL only).
	PostgresURL string
}

// Diff replays the migration directory on an empty scratch database,
// compares the result with ent/schema and, if they differ, writes a new
// goose-format migration named name (and updates atlas.sum). On PostgreSQL
// indexes on existing tables go into a second file built CONCURRENTLY (see
// splitConcurrent). It returns the path of the file written (two joined by
// " and "), or "" when the directory is already in sync.
func Diff(ctx context.Context, d, name string, opts DiffOptions) (string, error) {
	if !migrationName.MatchString(name) {
		return "", fmt.Errorf("migrate: migration name %q: use lower-case letters, digits and _", name)
	}
	dir, err := sqltool.NewGooseDir(opts.Dir)
	if err != nil {
		return "", fmt.Errorf("migrate: open %s: %w", opts.Dir, err)
	}
	before, err := listSQL(opts.Dir)
	if err != nil {
		return "", err
	}
	devURL, drop, err := scratchURL(ctx, d, opts.PostgresURL)
	if err != nil {
		return "", err
	}
	defer drop()
	err = entmigrate.NamedDiff(ctx, devURL, name,
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(d),
		schema.WithFormatter(sqltool.GooseFormatter),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
	)
	if err != nil {
		return "", fmt.Errorf("migrate: diff %s: %w", d, err)
	}
	after, err := listSQL(opts.Dir)
	if err != nil {
		return "", err
	}
	for f := range after {
		if !before[f] {
			path := filepath.Join(opts.Dir, f)
			if d != dialect.Postgres {
				return path, nil
			}
			written, err := moveIndexesOut(path)
			if err != nil {
				return "", err
			}
			return strings.Join(written, " and "), nil
		}
	}
	return "", nil
}

// Validate checks the directory's atlas.sum against its files.
func Validate(path string) error {
	dir, err := sqltool.NewGooseDir(path)
	if err != nil {
		return err
	}
	return atlasmigrate.Validate(dir)
}

// Hash rewrites the directory's atlas.sum from its files.
func Hash(path string) error {
	dir, err := sqltool.NewGooseDir(path)
	if err != nil {
		return err
	}
	sum, err := dir.Checksum()
	if err != nil {
		return fmt.Errorf("migrate: hash %s: %w", path, err)
	}
	if err := atlasmigrate.WriteSumFile(dir, sum); err != nil {
		return fmt.Errorf("migrate: write %s/atlas.sum: %w", path, err)
	}
	return nil
}

func listSQL(dir string) (map[string]bool, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("migrate: read %s: %w", dir, err)
	}
	m := make(map[string]bool, len(ents))
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".sql") {
			m[e.Name()] = true
		}
	}
	return m, nil
}

// scratchURL returns an empty database to replay migrations on: an
// in-memory SQLite database, or a fresh PostgreSQL database that drop removes.
func scratchURL(ctx context.Context, d, pgURL string) (string, func(), error) {
	switch d {
	case dialect.SQLite:
		name := fmt.Sprintf("diff%d", time.Now().UnixNano())
		return "sqlite://" + name + "?mode=memory&cache=shared&_pragma=foreign_keys(1)", func() {}, nil
	case dialect.Postgres:
		if pgURL == "" {
			return "", nil, fmt.Errorf("migrate: a PostgreSQL server URL is needed to diff the postgres directory")
		}
		url, drop, err := CreateScratchPostgres(ctx, pgURL, "mycourier_diff")
		if err != nil {
			return "", nil, err
		}
		// The schema's indexes use extensions (pg_trgm for the courier
		// search); a hand-written migration creates them, but a diff against
		// an empty directory needs them too.
		if err := createExtensions(ctx, url); err != nil {
			drop()
			return "", nil, err
		}
		return url, drop, nil
	}
	return "", nil, fmt.Errorf("migrate: unsupported dialect %q", d)
}

// Extensions are the PostgreSQL extensions ent/schema relies on.
var Extensions = []string{"pg_trgm"}

func createExtensions(ctx context.Context, url string) error {
	db, err := sql.Open("postgres", url)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, e := range Extensions {
		if _, err := db.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS "+e); err != nil {
			return fmt.Errorf("migrate: scratch database: extension %s: %w", e, err)
		}
	}
	return nil
}

// CreateScratchPostgres creates an empty database named prefix_<random> on
// the server of serverURL and returns its URL and a func that drops it.
func CreateScratchPostgres(ctx context.Context, serverURL, prefix string) (string, func(), error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", nil, fmt.Errorf("migrate: parse PostgreSQL URL: %w", err)
	}
	admin, err := sql.Open("postgres", serverURL)
	if err != nil {
		return "", nil, err
	}
	// Time plus randomness: test packages run in parallel processes, and two
	// of them can read the same nanosecond clock value.
	var salt [4]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("%s_%d_%x", prefix, time.Now().UnixNano(), salt)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		_ = admin.Close()
		return "", nil, fmt.Errorf("migrate: create scratch database: %w", err)
	}
	u.Path = "/" + name
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		_ = admin.Close()
	}
	return u.String(), drop, nil
}

// Allow marks the migration file of dir whose name starts with version as
// deliberately destructive (AllowMarker and reason on its first line) and
// rewrites atlas.sum, so no separate hash step is needed.
func Allow(dir, version, reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if !allowRE.MatchString(AllowMarker + " " + reason) {
		return "", fmt.Errorf("migrate: allow: give a reason of at least 10 characters")
	}
	files, err := filepath.Glob(filepath.Join(dir, version+"_*.sql"))
	if err != nil || len(files) != 1 {
		return "", fmt.Errorf("migrate: allow: %d files in %s start with %s_, want one", len(files), dir, version)
	}
	body, err := os.ReadFile(files[0])
	if err != nil {
		return "", err
	}
	if allowRE.Match(body) {
		return "", fmt.Errorf("migrate: allow: %s is already marked", filepath.Base(files[0]))
	}
	if err := os.WriteFile(files[0], append([]byte(AllowMarker+" "+reason+"\n"), body...), 0o644); err != nil { // #nosec G306 G703 -- a developer command writing a migration file into the repository
		return "", err
	}
	return files[0], Hash(dir)
}
