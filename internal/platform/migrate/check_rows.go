package migrate

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"ariga.io/atlas/sql/sqlite"
	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/platform/database"
)

// snapshot is every row of every table: table → row key → column → value.
type snapshot map[string]map[string]map[string]string

// fill writes rowsPerTablePerStep rows into every table, each column given
// a value of its type; foreign keys point at rows already there, so each
// table's rows are valid in the schema of the moment.
// seq numbers the rows fill writes into each table; it never repeats a
// number, so unique columns stay unique even after a migration deletes rows.
// A table that already holds rows when fill first meets it was filled by
// the migration that created it (a summary from the ledger's rows, numbered
// like the ledger's): its numbers start far above, so they cannot meet.
func fill(ctx context.Context, db *database.DB, r *schema.Realm, seq map[string]int) error {
	for _, t := range sortedTables(r) {
		if _, seen := seq[t.Name]; !seen {
			var n int
			if err := db.SQL.QueryRowContext(ctx, fmt.Sprintf("SELECT COUNT(*) FROM %s", quote(db, t.Name))).Scan(&n); err != nil { // #nosec G201 -- table name from the inspected schema, quoted
				return fmt.Errorf("count %s: %w", t.Name, err)
			}
			if n > 0 {
				seq[t.Name] = 1_000_000
			}
		}
		for i := 0; i < rowsPerTablePerStep; i++ {
			n := seq[t.Name]
			seq[t.Name]++
			var (
				cols []string
				args []any
			)
			for _, c := range t.Columns {
				if autoID(t, c) {
					continue
				}
				v, ok, err := valueFor(ctx, db, t, c, n)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				cols = append(cols, quote(db, c.Name))
				args = append(args, v)
			}
			marks := make([]string, len(args))
			for j := range marks {
				marks[j] = "?"
				if db.Dialect == dialect.Postgres {
					marks[j] = "$" + strconv.Itoa(j+1)
				}
			}
			q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", quote(db, t.Name), strings.Join(cols, ", "), strings.Join(marks, ", ")) // #nosec G201 -- table and column names come from the inspected schema and are quoted
			if len(cols) == 0 {
				q = fmt.Sprintf("INSERT INTO %s DEFAULT VALUES", quote(db, t.Name))
			}
			if _, err := db.SQL.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("insert into %s: %w", t.Name, err)
			}
		}
	}
	return nil
}

// autoID tells whether the database assigns c (identity / autoincrement key).
func autoID(t *schema.Table, c *schema.Column) bool {
	for _, a := range c.Attrs {
		if _, ok := a.(*postgres.Identity); ok {
			return true
		}
	}
	if t.PrimaryKey != nil && len(t.PrimaryKey.Parts) == 1 && t.PrimaryKey.Parts[0].C == c {
		if _, ok := c.Type.Type.(*schema.IntegerType); ok {
			for _, a := range t.Attrs {
				if _, ok := a.(*sqlite.AutoIncrement); ok {
					return true
				}
			}
		}
	}
	return false
}

var baseTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// valueFor returns the value row n gets in column c (ok false: leave it to
// the database).
func valueFor(ctx context.Context, db *database.DB, t *schema.Table, c *schema.Column, n int) (any, bool, error) {
	for _, fk := range c.ForeignKeys {
		if fk.RefTable == nil || len(fk.RefColumns) != 1 {
			continue
		}
		var ids []any
		rows, err := db.SQL.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s ORDER BY 1", quote(db, fk.RefColumns[0].Name), quote(db, fk.RefTable.Name)))
		if err != nil {
			return nil, false, fmt.Errorf("read %s: %w", fk.RefTable.Name, err)
		}
		for rows.Next() {
			var v any
			if err := rows.Scan(&v); err != nil {
				_ = rows.Close()
				return nil, false, err
			}
			ids = append(ids, v)
		}
		if err := rows.Err(); err != nil {
			_ = rows.Close()
			return nil, false, fmt.Errorf("read %s: %w", fk.RefTable.Name, err)
		}
		_ = rows.Close()
		if len(ids) == 0 {
			if c.Type.Null {
				return nil, true, nil
			}
			return nil, false, fmt.Errorf("%s.%s references empty %s", t.Name, c.Name, fk.RefTable.Name)
		}
		return ids[n%len(ids)], true, nil
	}
	switch ct := c.Type.Type.(type) {
	case *schema.IntegerType:
		return n + 1, true, nil
	case *schema.BoolType:
		return n%2 == 0, true, nil
	case *schema.DecimalType, *schema.FloatType:
		return float64(n) + 0.5, true, nil
	case *schema.TimeType:
		if strings.EqualFold(ct.T, "date") {
			return baseTime.AddDate(0, 0, n).Format("2006-01-02"), true, nil
		}
		return baseTime.Add(time.Duration(n) * time.Hour), true, nil
	case *schema.JSONType:
		b, _ := json.Marshal(map[string]int{"n": n})
		return string(b), true, nil
	case *schema.BinaryType:
		return []byte(fmt.Sprintf("b%d", n)), true, nil
	case *schema.StringType, *schema.EnumType:
		s := fmt.Sprintf("%s%d", c.Name, n)
		if st, ok := ct.(*schema.StringType); ok && st.Size > 0 && len(s) > st.Size {
			s = s[len(s)-st.Size:]
		}
		return s, true, nil
	}
	if c.Type.Null {
		return nil, false, nil
	}
	return nil, false, fmt.Errorf("%s.%s: no test value for type %s", t.Name, c.Name, c.Type.Raw)
}

// take reads every row of every table.
func take(ctx context.Context, db *database.DB, r *schema.Realm) (snapshot, error) {
	s := snapshot{}
	for _, t := range sortedTables(r) {
		rows, err := readTable(ctx, db, t, "")
		if err != nil {
			return nil, err
		}
		s[t.Name] = rows
	}
	return s, nil
}

// readTable reads all rows of t. The statement names its columns and the
// step (tag) it runs after: PostgreSQL drivers cache prepared statements by
// text, and a cached "SELECT *" fails once a migration changed the table.
func readTable(ctx context.Context, db *database.DB, t *schema.Table, tag string) (map[string]map[string]string, error) {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = quote(db, c.Name)
	}
	q := fmt.Sprintf("SELECT %s FROM %s /* %s */", strings.Join(names, ", "), quote(db, t.Name), strings.ReplaceAll(tag, "*/", "")) // #nosec G201 -- table and column names come from the inspected schema and are quoted
	rows, err := db.SQL.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", t.Name, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var keyCols []string
	if t.PrimaryKey != nil {
		for _, p := range t.PrimaryKey.Parts {
			if p.C != nil {
				keyCols = append(keyCols, p.C.Name)
			}
		}
	}
	if len(keyCols) == 0 {
		keyCols = cols
	}
	out := map[string]map[string]string{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := map[string]string{}
		for i, c := range cols {
			row[c] = normalize(vals[i])
		}
		key := make([]string, len(keyCols))
		for i, c := range keyCols {
			key[i] = row[c]
		}
		out[strings.Join(key, "|")] = row
	}
	return out, rows.Err()
}

func normalize(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return string(v)
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// verify reports every row and value of s that the schema r no longer holds.
func (s snapshot) verify(ctx context.Context, db *database.DB, r *schema.Realm, file string) []Finding {
	tables := map[string]*schema.Table{}
	for _, t := range sortedTables(r) {
		tables[t.Name] = t
	}
	var out []Finding
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		old := s[name]
		t, ok := tables[name]
		if !ok {
			if len(old) > 0 {
				out = append(out, Finding{File: file, Kind: KindRowsLost, Table: name, Detail: fmt.Sprintf("table gone with %d rows", len(old))})
			}
			continue
		}
		now, err := readTable(ctx, db, t, file)
		if err != nil {
			out = append(out, Finding{File: file, Kind: KindRowsLost, Table: name, Detail: err.Error()})
			continue
		}
		lost, changed := 0, map[string]int{}
		for key, row := range old {
			cur, ok := now[key]
			if !ok {
				lost++
				continue
			}
			for col, v := range row {
				if w, ok := cur[col]; ok && w != v {
					changed[col]++
				} else if !ok {
					changed[col]++
				}
			}
		}
		if lost > 0 {
			out = append(out, Finding{File: file, Kind: KindRowsLost, Table: name, Detail: fmt.Sprintf("%d of %d rows", lost, len(old))})
		}
		cols := make([]string, 0, len(changed))
		for c := range changed {
			cols = append(cols, c)
		}
		sort.Strings(cols)
		for _, c := range cols {
			out = append(out, Finding{File: file, Kind: KindValuesChanged, Table: name, Column: c, Detail: fmt.Sprintf("%d rows", changed[c])})
		}
	}
	return out
}

func quote(db *database.DB, name string) string {
	if db.Dialect == dialect.SQLite {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}
