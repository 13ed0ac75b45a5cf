package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/platform/database"
)

// ErrDestructiveDown: undoing the last migration would drop data; pass
// force to do it anyway.
var ErrDestructiveDown = errors.New("migrate: down would destroy data")

// Down undoes the last applied migration with its `-- +goose Down` section.
// It first runs that section in a transaction it rolls back and diffs the
// schema before and after; a dropped table or column, a narrowed type or
// anything else Lint calls destructive refuses the down unless force is set.
func Down(ctx context.Context, db *database.DB, fsys fs.FS, force bool) (Result, []Finding, error) {
	p, cleanup, err := provider(db, fsys, nil)
	if err != nil {
		return Result{}, nil, err
	}
	defer cleanup()
	if fsys == nil {
		if fsys, err = DirFS(db.Dialect); err != nil {
			return Result{}, nil, err
		}
	}
	version, err := p.GetDBVersion(ctx)
	if err != nil {
		return Result{}, nil, fmt.Errorf("migrate: down: %w", err)
	}
	if version == 0 {
		return Result{}, nil, errors.New("migrate: down: no migration is applied")
	}
	var path string
	for _, s := range p.ListSources() {
		if s.Version == version {
			path = s.Path
		}
	}
	body, err := fs.ReadFile(fsys, path)
	if err != nil {
		return Result{}, nil, fmt.Errorf("migrate: down: version %d: %w", version, err)
	}
	stmts, ok := downStatements(string(body))
	if !ok {
		return Result{}, nil, fmt.Errorf("migrate: down: %s has no -- +goose Down section", baseName(path))
	}
	findings, err := dryRunDown(ctx, db, baseName(path), stmts)
	if err != nil {
		return Result{}, nil, err
	}
	if len(findings) > 0 && !force {
		msgs := make([]string, len(findings))
		for i, f := range findings {
			msgs[i] = f.String()
		}
		return Result{}, findings, fmt.Errorf("%w: %s (pass --force to undo it anyway)", ErrDestructiveDown, strings.Join(msgs, "; "))
	}
	r, err := p.Down(ctx)
	if err != nil {
		return Result{}, findings, fmt.Errorf("migrate: down: %w", err)
	}
	return Result{Version: r.Source.Version, Name: baseName(r.Source.Path), Duration: r.Duration}, findings, nil
}

// dryRunDown applies stmts in a transaction that is rolled back and
// classifies the schema change they make.
func dryRunDown(ctx context.Context, db *database.DB, file string, stmts []string) ([]Finding, error) {
	conn := db.SQL
	if db.Dialect == dialect.SQLite {
		c, err := sql.Open("sqlite3", strings.Replace(db.DSN, "_pragma=foreign_keys(1)", "_pragma=foreign_keys(0)", 1))
		if err != nil {
			return nil, err
		}
		defer c.Close()
		c.SetMaxOpenConns(1)
		conn = c
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	txdb := &database.DB{SQL: db.SQL, Dialect: db.Dialect}
	drv, err := atlasDriverOn(txdb.Dialect, tx)
	if err != nil {
		return nil, err
	}
	before, err := inspect(ctx, txdb, drv)
	if err != nil {
		return nil, err
	}
	for _, s := range stmts {
		// The schema effect is the same; CONCURRENTLY cannot run in a transaction.
		s = strings.ReplaceAll(s, " CONCURRENTLY", "")
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("migrate: down %s: %q: %w", file, s, err)
		}
	}
	after, err := inspect(ctx, txdb, drv)
	if err != nil {
		return nil, err
	}
	changes, err := drv.RealmDiff(before, after)
	if err != nil {
		return nil, err
	}
	return classify(file, changes), nil
}

// downStatements returns the statements of a goose file's Down section.
func downStatements(body string) ([]string, bool) {
	var (
		out     []string
		cur     strings.Builder
		inDown  bool
		found   bool
		inBlock bool
	)
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "-- +goose Down"):
			inDown, found = true, true
			continue
		case strings.HasPrefix(t, "-- +goose Up"):
			inDown = false
			continue
		case !inDown:
			continue
		case strings.HasPrefix(t, "-- +goose StatementBegin"):
			inBlock = true
			continue
		case strings.HasPrefix(t, "-- +goose StatementEnd"):
			inBlock = false
			if s := strings.TrimSpace(cur.String()); s != "" {
				out = append(out, s)
			}
			cur.Reset()
			continue
		case strings.HasPrefix(t, "--") && !inBlock, t == "" && !inBlock:
			continue
		}
		cur.WriteString(line + "\n")
		if !inBlock && strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out, found
}
