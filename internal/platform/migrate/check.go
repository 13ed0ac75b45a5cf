package migrate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	atlasmigrate "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"ariga.io/atlas/sql/sqlite"
	"entgo.io/ent/dialect"
	"github.com/pressly/goose/v3"

	"github.com/mycourier/mycourier/internal/platform/database"
)

// AllowMarker, followed by a reason, lets a migration file make a
// destructive change on purpose: `-- mycourier:allow-destructive: <why>`.
const AllowMarker = "-- mycourier:allow-destructive:"

var allowRE = regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(AllowMarker) + `[ \t]*(\S.{9,})$`)

// Kinds of destructive change the guard reports.
const (
	KindDropSchema      = "drop_schema"
	KindDropTable       = "drop_table"
	KindDropColumn      = "drop_column"
	KindNarrowType      = "type_narrowing"
	KindNotNullNoDef    = "not_null_without_default"
	KindSetNotNull      = "nullable_made_not_null"
	KindRowsLost        = "rows_lost"
	KindValuesChanged   = "values_changed"
	KindFails           = "fails_with_rows"
	revisionTableGoose  = "goose_db_version"
	rowsPerTablePerStep = 3
)

// Finding is one destructive change or lost datum, tied to the file that did it.
type Finding struct {
	File    string
	Kind    string
	Table   string
	Column  string
	Detail  string
	Allowed bool   // the file carries AllowMarker
	Reason  string // the reason given with AllowMarker
}

func (f Finding) String() string {
	at := f.Table
	if f.Column != "" {
		at += "." + f.Column
	}
	s := fmt.Sprintf("%s: %s %s", f.File, f.Kind, at)
	if f.Detail != "" {
		s += " (" + f.Detail + ")"
	}
	if f.Allowed {
		s += " [allowed: " + f.Reason + "]"
	}
	return s
}

// Report is the result of Check.
type Report struct {
	Files    []string
	Findings []Finding
}

// Violations are the findings no allow marker excuses.
func (r Report) Violations() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if !f.Allowed {
			out = append(out, f)
		}
	}
	return out
}

// Lint applies the migrations of fsys one file at a time to db, which must
// be empty, and reports each destructive schema change a file makes: a
// dropped table or column, a narrowed type, a NOT NULL column added without
// a default, a nullable column made NOT NULL. It diffs the inspected schema
// before and after each file with Atlas, so SQLite's table rebuilds are
// judged by their net effect like plain DDL. A file that carries
// AllowMarker and a reason has its findings marked Allowed.
func Lint(ctx context.Context, db *database.DB, fsys fs.FS) (Report, error) {
	return walk(ctx, db, fsys, func(s step) []Finding {
		return classify(s.file, s.changes)
	}, nil)
}

// Preserve applies the migrations of fsys one file at a time to db, which
// must be empty. Before each file it writes rows into every table (every
// column given a value); after it, it reports every row that is gone and
// every value that changed, and a file that fails on a database holding rows.
func Preserve(ctx context.Context, db *database.DB, fsys fs.FS) (Report, error) {
	var (
		snap snapshot
		seq  = map[string]int{}
	)
	return walk(ctx, db, fsys, func(s step) []Finding {
		if snap == nil || s.refilled {
			return nil
		}
		return snap.verify(ctx, db, s.after, s.file)
	}, func(after *schema.Realm) error {
		if err := fill(ctx, db, after, seq); err != nil {
			return err
		}
		var err error
		snap, err = take(ctx, db, after)
		return err
	})
}

// step is what walk knows about one applied file.
type step struct {
	file    string
	changes []schema.Change
	after   *schema.Realm
	// refilled: the file was applied to emptied tables after failing on rows.
	refilled bool
}

// walk applies fsys one file at a time, calling judge after each file and
// prepare before the next one.
func walk(ctx context.Context, db *database.DB, fsys fs.FS, judge func(step) []Finding, prepare func(*schema.Realm) error) (Report, error) {
	var rep Report
	p, cleanup, err := provider(db, fsys, nil)
	if err != nil {
		return rep, err
	}
	defer cleanup()
	drv, err := atlasDriver(db)
	if err != nil {
		return rep, err
	}
	sources := map[int64]string{}
	for _, s := range p.ListSources() {
		sources[s.Version] = s.Path
	}
	before, err := inspect(ctx, db, drv)
	if err != nil {
		return rep, err
	}
	for {
		pending, err := p.HasPending(ctx)
		if err != nil {
			return rep, fmt.Errorf("migrate: check: %w", err)
		}
		if !pending {
			return rep, nil
		}
		if prepare != nil {
			if err := prepare(before); err != nil {
				return rep, fmt.Errorf("migrate: check: prepare rows: %w", err)
			}
		}
		current, err := p.GetDBVersion(ctx)
		if err != nil {
			return rep, fmt.Errorf("migrate: check: %w", err)
		}
		res, err := p.UpByOne(ctx)
		refilled := err != nil
		if err != nil {
			var pe *goose.PartialError
			if !errors.As(err, &pe) || pe.Failed == nil {
				return rep, fmt.Errorf("migrate: check: after version %d: %w", current, err)
			}
			// A file that fails on a database holding rows fails the check
			// (no marker excuses it); empty the tables and apply it again so
			// every later file is still checked.
			file := baseName(pe.Failed.Source.Path)
			rep.Findings = append(rep.Findings, Finding{File: file, Kind: KindFails, Detail: pe.Err.Error()})
			if prepare == nil {
				rep.Files = append(rep.Files, file)
				return rep, nil
			}
			if err := empty(ctx, db, before); err != nil {
				return rep, fmt.Errorf("migrate: check: empty tables after %s failed: %w", file, err)
			}
			if res, err = p.UpByOne(ctx); err != nil {
				rep.Files = append(rep.Files, file)
				return rep, fmt.Errorf("migrate: check: %s fails on empty tables too: %w", file, err)
			}
		}
		file := baseName(res.Source.Path)
		rep.Files = append(rep.Files, file)
		after, err := inspect(ctx, db, drv)
		if err != nil {
			return rep, err
		}
		changes, err := drv.RealmDiff(before, after)
		if err != nil {
			return rep, fmt.Errorf("migrate: check: diff %s: %w", file, err)
		}
		found := judge(step{file: file, changes: changes, after: after, refilled: refilled})
		allowed, reason := allowance(fsys, sources[res.Source.Version])
		for i := range found {
			if found[i].Kind != KindFails {
				found[i].Allowed, found[i].Reason = allowed, reason
			}
		}
		rep.Findings = append(rep.Findings, found...)
		before = after
	}
}

// allowance reads a file's AllowMarker and reason.
func allowance(fsys fs.FS, path string) (bool, string) {
	body, err := fs.ReadFile(fsys, path)
	if err != nil {
		return false, ""
	}
	if m := allowRE.FindSubmatch(body); m != nil {
		return true, strings.TrimSpace(string(m[1]))
	}
	return false, ""
}

func atlasDriver(db *database.DB) (atlasmigrate.Driver, error) {
	return atlasDriverOn(db.Dialect, db.SQL)
}

func atlasDriverOn(d string, conn schema.ExecQuerier) (atlasmigrate.Driver, error) {
	switch d {
	case dialect.Postgres:
		return postgres.Open(conn)
	case dialect.SQLite:
		return sqlite.Open(conn)
	}
	return nil, fmt.Errorf("migrate: unsupported dialect %q", d)
}

// inspect reads the application's schema, without goose's revision table.
func inspect(ctx context.Context, db *database.DB, drv atlasmigrate.Driver) (*schema.Realm, error) {
	opts := &schema.InspectRealmOption{}
	if db.Dialect == dialect.Postgres {
		opts.Schemas = []string{"public"}
	}
	r, err := drv.InspectRealm(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("migrate: inspect: %w", err)
	}
	for _, s := range r.Schemas {
		kept := s.Tables[:0]
		for _, t := range s.Tables {
			if t.Name != revisionTableGoose && t.Name != "sqlite_sequence" {
				kept = append(kept, t)
			}
		}
		s.Tables = kept
	}
	return r, nil
}

func classify(file string, changes []schema.Change) []Finding {
	var out []Finding
	add := func(kind, table, column, detail string) {
		out = append(out, Finding{File: file, Kind: kind, Table: table, Column: column, Detail: detail})
	}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropSchema:
			add(KindDropSchema, c.S.Name, "", "")
		case *schema.DropTable:
			add(KindDropTable, c.T.Name, "", "")
		case *schema.ModifyTable:
			for _, tc := range c.Changes {
				switch tc := tc.(type) {
				case *schema.DropColumn:
					add(KindDropColumn, c.T.Name, tc.C.Name, "")
				case *schema.AddColumn:
					if !tc.C.Type.Null && tc.C.Default == nil && !generated(tc.C) {
						add(KindNotNullNoDef, c.T.Name, tc.C.Name, tc.C.Type.Raw)
					}
				case *schema.ModifyColumn:
					if tc.Change.Is(schema.ChangeType) && narrows(tc.From.Type.Type, tc.To.Type.Type) {
						add(KindNarrowType, c.T.Name, tc.To.Name, typeString(tc.From.Type.Type)+" → "+typeString(tc.To.Type.Type))
					}
					if tc.Change.Is(schema.ChangeNull) && tc.From.Type.Null && !tc.To.Type.Null {
						add(KindSetNotNull, c.T.Name, tc.To.Name, "")
					}
				}
			}
		}
	}
	return out
}

func generated(c *schema.Column) bool {
	for _, a := range c.Attrs {
		if _, ok := a.(*schema.GeneratedExpr); ok {
			return true
		}
	}
	return false
}

// narrows tells whether a column type change can lose or reject data. Only
// changes known to be widening pass: a bigger integer, a longer or unbounded
// string.
func narrows(from, to schema.Type) bool {
	intRank := map[string]int{"smallint": 1, "int2": 1, "integer": 2, "int": 2, "int4": 2, "bigint": 3, "int8": 3}
	switch f := from.(type) {
	case *schema.IntegerType:
		t, ok := to.(*schema.IntegerType)
		if !ok {
			return true
		}
		fr, ok1 := intRank[strings.ToLower(f.T)]
		tr, ok2 := intRank[strings.ToLower(t.T)]
		return !ok1 || !ok2 || tr < fr
	case *schema.StringType:
		t, ok := to.(*schema.StringType)
		if !ok {
			return true
		}
		unbounded := func(s *schema.StringType) bool { return s.Size == 0 || strings.EqualFold(s.T, "text") }
		switch {
		case unbounded(t):
			return false
		case unbounded(f):
			return true
		default:
			return t.Size < f.Size
		}
	}
	return true
}

// sortedTables returns the tables in an order that puts referenced tables first.
func sortedTables(r *schema.Realm) []*schema.Table {
	var all []*schema.Table
	for _, s := range r.Schemas {
		all = append(all, s.Tables...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	var (
		out  []*schema.Table
		seen = map[string]int{} // 1 visiting, 2 done
	)
	var visit func(t *schema.Table)
	visit = func(t *schema.Table) {
		if seen[t.Name] != 0 {
			return
		}
		seen[t.Name] = 1
		for _, fk := range t.ForeignKeys {
			if fk.RefTable != nil && fk.RefTable.Name != t.Name {
				visit(fk.RefTable)
			}
		}
		seen[t.Name] = 2
		out = append(out, t)
	}
	for _, t := range all {
		visit(t)
	}
	return out
}

// typeString names a column type with its size: varchar(100), not "character varying".
func typeString(t schema.Type) string {
	switch t := t.(type) {
	case *schema.StringType:
		if t.Size > 0 {
			return fmt.Sprintf("%s(%d)", t.T, t.Size)
		}
		return t.T
	case *schema.IntegerType:
		return t.T
	case *schema.DecimalType:
		return fmt.Sprintf("%s(%d,%d)", t.T, t.Precision, t.Scale)
	case *schema.BinaryType:
		if t.Size != nil {
			return fmt.Sprintf("%s(%d)", t.T, *t.Size)
		}
		return t.T
	}
	s, err := postgres.FormatType(t)
	if err != nil {
		return fmt.Sprintf("%T", t)
	}
	return s
}

// empty deletes every row of the tables of r, children first.
func empty(ctx context.Context, db *database.DB, r *schema.Realm) error {
	ts := sortedTables(r)
	for i := len(ts) - 1; i >= 0; i-- {
		if _, err := db.SQL.ExecContext(ctx, "DELETE FROM "+quote(db, ts[i].Name)); err != nil { // #nosec G202 -- table name from the inspected schema, quoted
			return fmt.Errorf("empty %s: %w", ts[i].Name, err)
		}
	}
	return nil
}
