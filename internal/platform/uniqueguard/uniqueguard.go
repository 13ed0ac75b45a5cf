// Package uniqueguard checks, before ent writes a row, that no other row
// already holds a unique value the mutation sets, and reports the holder as
// an apperr.Conflict. The database's own unique violation says only which
// constraint failed; people need to know which courier already has that
// PINFL. The database constraint stays the final word for races.
package uniqueguard

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"weak"

	"entgo.io/ent/dialect/sql/schema"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/migrate"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
)

var registered sync.Map // weak.Pointer[ent.Client] → struct{}

// Register adds the guard to client's hooks once, however often it is called
// for the same client (each HTTP handler built over a client calls it).
func Register(client *ent.Client) {
	if _, loaded := registered.LoadOrStore(weak.Make(client), struct{}{}); loaded {
		return
	}
	client.Use(Hook())
}

// Hook returns the ent hook that runs the check on every create and update.
func Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if m.Op().Is(ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne) {
				if err := check(ctx, m); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

// uniqueSet is one group of columns whose values together must be unique,
// among the rows a partial index's predicate selects (all when where is "").
type uniqueSet struct {
	cols  []string
	where string
}

// tableInfo is what the guard knows of one entity's table.
type tableInfo struct {
	name   string
	sets   []uniqueSet
	labels []string // columns that name a row for people
}

// labelColumns, in order of preference, name a row for people.
var labelColumns = [][]string{{"name"}, {"full_name"}, {"last_name", "first_name"}, {"login"}, {"serial"}, {"code"}, {"sku"}}

var tables = sync.OnceValue(func() map[string]*tableInfo {
	out := map[string]*tableInfo{}
	for _, t := range migrate.Tables {
		info := &tableInfo{name: t.Name}
		for _, c := range t.Columns {
			if c.Unique && !isPK(t, c) {
				info.sets = append(info.sets, uniqueSet{cols: []string{c.Name}})
			}
		}
		for _, idx := range t.Indexes {
			if !idx.Unique {
				continue
			}
			set := uniqueSet{cols: make([]string, len(idx.Columns))}
			for i, c := range idx.Columns {
				set.cols[i] = c.Name
			}
			if idx.Annotation != nil {
				// The predicate is SQL both dialects read alike (a test
				// runs every one of them).
				set.where = idx.Annotation.Where
			}
			info.sets = append(info.sets, set)
		}
		for _, cols := range labelColumns {
			if hasColumns(t, cols) {
				info.labels = cols
				break
			}
		}
		out[t.Name] = info
	}
	return out
})

func isPK(t *schema.Table, c *schema.Column) bool {
	for _, pk := range t.PrimaryKey {
		if pk.Name == c.Name {
			return true
		}
	}
	return false
}

func hasColumns(t *schema.Table, cols []string) bool {
	for _, name := range cols {
		if _, ok := t.Column(name); !ok {
			return false
		}
	}
	return true
}

// TableOf returns the table of an ent type name ("CourierStatusChange" →
// "courier_status_changes"). ent names tables by snake-casing and
// pluralising the type; the generated code keeps that mapping private, so
// it is recovered here from migrate.Tables (a test pins every entity).
func TableOf(typ string) (string, bool) {
	want := strings.ToLower(typ)
	for _, t := range migrate.Tables {
		n := strings.ReplaceAll(t.Name, "_", "")
		switch {
		case n == want+"s", n == want+"es",
			strings.HasSuffix(want, "y") && n == want[:len(want)-1]+"ies":
			return t.Name, true
		}
	}
	return "", false
}

func check(ctx context.Context, m ent.Mutation) error {
	tname, ok := TableOf(m.Type())
	if !ok {
		return nil
	}
	info := tables()[tname]
	if info == nil || len(info.sets) == 0 {
		return nil
	}
	cm, ok := m.(interface{ Client() *ent.Client })
	if !ok {
		return nil
	}
	var exclude []int
	switch m.Op() {
	case ent.OpUpdateOne:
		if im, ok := m.(interface{ ID() (int, bool) }); ok {
			if id, ok := im.ID(); ok {
				exclude = []int{id}
			}
		}
	case ent.OpUpdate:
		im, ok := m.(interface {
			IDs(context.Context) ([]int, error)
		})
		if !ok {
			return nil
		}
		ids, err := im.IDs(ctx)
		if err != nil {
			return fmt.Errorf("uniqueguard: %s ids: %w", m.Type(), err)
		}
		exclude = ids
	}
	for _, set := range info.sets {
		values := make([]any, 0, len(set.cols))
		for _, col := range set.cols {
			v, ok := m.Field(col)
			if !ok {
				break
			}
			values = append(values, v)
		}
		if len(values) != len(set.cols) {
			// A composite set only partly changed by an update is left to
			// the database constraint.
			continue
		}
		holder, label, found, err := lookup(ctx, cm.Client(), info, set, values, exclude)
		if err != nil {
			return err
		}
		if found {
			// The lookup bypasses privacy; only a viewer who could read any
			// row learns whose value it is.
			if v := authz.FromContext(ctx); !v.Unrestricted() {
				label = ""
			}
			c := apperr.Conflict{Entity: m.Type(), Field: strings.Join(set.cols, ","), HolderID: holder, HolderLabel: label}
			if len(values) == 1 {
				c.Value = values[0]
			}
			return c
		}
	}
	return nil
}

// lookup finds a row other than exclude holding values in set. It writes
// $N placeholders: PostgreSQL's own, and SQLite's numbered parameters, so
// one statement serves both dialects and the hook needs no dialect.
func lookup(ctx context.Context, c *ent.Client, info *tableInfo, set uniqueSet, values []any, exclude []int) (id int, label string, found bool, err error) {
	var b strings.Builder
	args := make([]any, 0, len(values)+len(exclude))
	b.WriteString(`SELECT "id"`)
	for _, l := range info.labels {
		fmt.Fprintf(&b, `, COALESCE(CAST(%s AS TEXT), '')`, quote(l))
	}
	fmt.Fprintf(&b, ` FROM %s WHERE `, quote(info.name))
	for i, col := range set.cols {
		if i > 0 {
			b.WriteString(" AND ")
		}
		args = append(args, values[i])
		fmt.Fprintf(&b, `%s = $%d`, quote(col), len(args))
	}
	if set.where != "" {
		fmt.Fprintf(&b, " AND (%s)", set.where)
	}
	for _, x := range exclude {
		args = append(args, x)
		fmt.Fprintf(&b, ` AND "id" <> $%d`, len(args))
	}
	b.WriteString(" LIMIT 1")
	rows, err := c.QueryContext(ctx, b.String(), args...)
	if err != nil {
		if strings.Contains(err.Error(), "is not supported") {
			// A wrapping driver without QueryContext: the database
			// constraint still reports the conflict, without the holder.
			return 0, "", false, nil
		}
		return 0, "", false, fmt.Errorf("uniqueguard: %s: %w", info.name, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return 0, "", false, rows.Err()
	}
	dest := make([]any, 1+len(info.labels))
	parts := make([]string, len(info.labels))
	dest[0] = &id
	for i := range parts {
		dest[i+1] = &parts[i]
	}
	if err := rows.Scan(dest...); err != nil {
		return 0, "", false, fmt.Errorf("uniqueguard: %s: %w", info.name, err)
	}
	return id, strings.TrimSpace(strings.Join(parts, " ")), true, rows.Err()
}

func quote(ident string) string { return `"` + ident + `"` }

// TypeOf is the inverse of TableOf: "courier_status_changes" →
// "CourierStatusChange". The presenter needs it when only the database
// names the table (a unique violation that raced past the guard).
func TypeOf(table string) string {
	parts := strings.Split(table, "_")
	last := parts[len(parts)-1]
	switch {
	case strings.HasSuffix(last, "ies"):
		last = strings.TrimSuffix(last, "ies") + "y"
	case strings.HasSuffix(last, "ches"), strings.HasSuffix(last, "shes"),
		strings.HasSuffix(last, "sses"), strings.HasSuffix(last, "xes"), strings.HasSuffix(last, "zes"):
		last = strings.TrimSuffix(last, "es")
	default:
		last = strings.TrimSuffix(last, "s")
	}
	parts[len(parts)-1] = last
	var b strings.Builder
	for _, p := range parts {
		if p != "" {
			b.WriteString(strings.ToUpper(p[:1]) + p[1:])
		}
	}
	return b.String()
}
