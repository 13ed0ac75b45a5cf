package summary

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// BackfillOptions tune Backfill.
type BackfillOptions struct {
	// FromMonth (yyyymm) skips the months before it: a run stopped half-way
	// resumes where its last progress line said.
	FromMonth int
	// Progress, if set, gets one line per stage and per month written.
	Progress func(line string)
}

// Backfill rebuilds every summary from the raw tables: for data written
// before the summaries existed, or by a bulk load that bypassed the hooks.
// It recomputes in memory, then rewrites one month per transaction (delete
// the month's rows, insert the recomputed ones), so it is idempotent and a
// stopped run can resume with FromMonth. Run it while nothing else writes
// couriers or stock: a change committed during the run may be counted twice
// or not at all until the next run (verify tells).
func Backfill(ctx context.Context, db *sql.DB, opts BackfillOptions) error {
	say := func(format string, args ...any) {
		if opts.Progress != nil {
			opts.Progress(fmt.Sprintf(format, args...))
		}
	}
	say("reading couriers and status history…")
	c, err := Recompute(ctx, db, func(n int) { say("  %d status changes read", n) })
	if err != nil {
		return err
	}
	say("reading the stock ledger…")
	s, err := RecomputeStock(ctx, db)
	if err != nil {
		return err
	}
	counts := make([][]any, 0, len(c.Counts))
	for k, n := range c.Counts {
		counts = append(counts, []any{k.Partner, k.Branch, k.Transport, k.Status, n})
	}
	if err := replaceAll(ctx, db, "courier_counts", []string{"partner_id", "branch_id", "transport_type", "status", "n"}, counts); err != nil {
		return err
	}
	say("courier_counts: %d rows", len(counts))
	var totals [][]any
	for k, r := range s.Totals() {
		if r != (StockRow{}) {
			totals = append(totals, []any{k.Warehouse, k.Type, k.Kind, r.Rows, r.Quantity, r.Value})
		}
	}
	if err := replaceAll(ctx, db, "stock_totals", []string{"warehouse_id", "equipment_type_id", "kind", "rows", "quantity", "value"}, totals); err != nil {
		return err
	}
	say("stock_totals: %d rows", len(totals))

	months := map[int]*monthRows{}
	at := func(day int) *monthRows {
		m := months[day/100]
		if m == nil {
			m = &monthRows{}
			months[day/100] = m
		}
		return m
	}
	for k, r := range c.Days {
		if r != (DayRow{}) {
			at(k.Day).days = append(at(k.Day).days, []any{k.Day, k.Partner, k.Branch, k.Transport, r.Registered, r.Submitted,
				r.Activated, r.Blocked, r.Unblocked, r.Fired, r.Rehired, r.ActiveDelta, r.FiredWithin7d, r.FiredWithin30d})
		}
	}
	for k, n := range c.Reasons {
		if n != 0 {
			at(k.Day).reasons = append(at(k.Day).reasons, []any{k.Day, k.Partner, k.Branch, k.Transport, k.ToStatus, k.Reason, n})
		}
	}
	for k, n := range c.Delays {
		if n != 0 {
			at(k.Day).delays = append(at(k.Day).delays, []any{k.Day, k.Partner, k.Branch, k.Transport, k.DelayDays, n})
		}
	}
	for k, r := range c.Losses {
		if r != (StockRow{}) {
			at(k.Day).losses = append(at(k.Day).losses, []any{k.Day, k.Partner, k.Branch, k.Transport, k.Warehouse, r.Rows, r.Quantity, r.Value})
		}
	}
	for k, r := range s {
		at(k.Day).stock = append(at(k.Day).stock, []any{k.Day, k.Warehouse, k.Type, k.Kind, k.Reason, r.Rows, r.Quantity, r.Value})
	}
	// Months that only the stored rows have are emptied too.
	for _, table := range summaryTables {
		err := scanAll(ctx, db, `SELECT DISTINCT day FROM `+table.name, func(rows *sql.Rows) error {
			var day int
			if err := rows.Scan(&day); err != nil {
				return err
			}
			at(day)
			return nil
		})
		if err != nil {
			return errf("backfill: months of "+table.name, err)
		}
	}
	keys := make([]int, 0, len(months))
	for m := range months {
		if m >= opts.FromMonth {
			keys = append(keys, m)
		}
	}
	slices.Sort(keys)
	for i, month := range keys {
		m := months[month]
		err := inTx(ctx, db, func(tx *sql.Tx) error {
			for _, table := range summaryTables {
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+table.name+` WHERE day >= $1 AND day < $2`, month*100, month*100+100); err != nil { // #nosec G202 -- table from the package's constant summaryTables
					return err
				}
				if err := InsertRows(ctx, tx, table.name, table.columns, table.rows(m)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return errf(fmt.Sprintf("backfill month %d", month), err)
		}
		say("month %04d-%02d written (%d/%d); to resume after it: --from-month %d",
			month/100, month%100, i+1, len(keys), NextMonth(month))
	}
	return nil
}

type monthRows struct{ days, reasons, delays, losses, stock [][]any }

var summaryTables = []struct {
	name    string
	columns []string
	rows    func(*monthRows) [][]any
}{
	{"courier_day_stats", []string{"day", "partner_id", "branch_id", "transport_type", "registered", "submitted", "activated",
		"blocked", "unblocked", "fired", "rehired", "active_delta", "fired_within_7d", "fired_within_30d"},
		func(m *monthRows) [][]any { return m.days }},
	{"courier_reason_stats", []string{"day", "partner_id", "branch_id", "transport_type", "to_status", "reason", "n"},
		func(m *monthRows) [][]any { return m.reasons }},
	{"courier_activation_stats", []string{"day", "partner_id", "branch_id", "transport_type", "delay_days", "n"},
		func(m *monthRows) [][]any { return m.delays }},
	{"courier_loss_stats", []string{"day", "partner_id", "branch_id", "transport_type", "warehouse_id", "rows", "quantity", "value"},
		func(m *monthRows) [][]any { return m.losses }},
	{"stock_day_stats", []string{"day", "warehouse_id", "equipment_type_id", "kind", "reason", "rows", "quantity", "value"},
		func(m *monthRows) [][]any { return m.stock }},
}

// replaceAll rewrites a summary that has no days (courier_counts,
// stock_totals) in one transaction.
func replaceAll(ctx context.Context, db *sql.DB, table string, columns []string, rows [][]any) error {
	err := inTx(ctx, db, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table); err != nil { // #nosec G202 -- table from the package's constant names
			return err
		}
		return InsertRows(ctx, tx, table, columns, rows)
	})
	return errf("backfill "+table, err)
}

func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// InsertRows writes rows with multi-row INSERTs (500 rows stay under
// SQLite's limit of bound variables) on either database.
func InsertRows(ctx context.Context, tx Querier, table string, columns []string, rows [][]any) error {
	const per = 500
	for from := 0; from < len(rows); from += per {
		chunk := rows[from:min(from+per, len(rows))]
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
		args := make([]any, 0, len(chunk)*len(columns))
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(")
			for j := range r {
				if j > 0 {
					b.WriteString(", ")
				}
				args = append(args, r[j])
				fmt.Fprintf(&b, "$%d", len(args))
			}
			b.WriteString(")")
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
	}
	return nil
}
