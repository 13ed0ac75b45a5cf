package summary

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// courierDims reads a courier's current dimensions and status.
func courierDims(ctx context.Context, q Querier, id int) (d Dims, status string, found bool, err error) {
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(partner_id, 0), COALESCE(branch_id, 0), transport_type, status FROM couriers WHERE id = $1`, id)
	if err != nil {
		return d, "", false, errf("courier", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return d, "", false, errf("courier", rows.Err())
	}
	err = rows.Scan(&d.Partner, &d.Branch, &d.Transport, &status)
	return d, status, true, errf("courier", err)
}

// history reads a courier's status changes with id at most upTo (0: all), in id order.
func history(ctx context.Context, q Querier, courierID, upTo int) ([]Change, error) {
	query := `SELECT id, COALESCE(from_status, ''), to_status, COALESCE(reason, ''), created_at
		FROM courier_status_changes WHERE courier_id = $1`
	args := []any{courierID}
	if upTo > 0 {
		query += ` AND id <= $2`
		args = append(args, upTo)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY id`, args...)
	if err != nil {
		return nil, errf("history", err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var h Change
		if err := rows.Scan(&h.ID, &h.From, &h.To, &h.Reason, &h.At); err != nil {
			return nil, errf("history", err)
		}
		out = append(out, h)
	}
	return out, errf("history", rows.Err())
}

// Courier reads one courier's whole share of the summaries (nothing for a
// courier that does not exist).
func Courier(ctx context.Context, q Querier, id int) (*Couriers, error) {
	c := NewCouriers()
	d, status, found, err := courierDims(ctx, q, id)
	if err != nil || !found {
		return c, err
	}
	hist, err := history(ctx, q, id, 0)
	if err != nil {
		return nil, err
	}
	c.AddCourier(d, status, 1)
	c.AddHistory(d, hist, 1)
	err = scanArgs(ctx, q, `SELECT created_at, warehouse_id, quantity, unit_cost FROM movements
		WHERE courier_id = $1 AND kind = 'write_off'`, []any{id}, func(rows *sql.Rows) error {
		var at time.Time
		var w, qty int
		var cost int64
		if err := rows.Scan(&at, &w, &qty, &cost); err != nil {
			return err
		}
		c.AddLoss(d, at, w, qty, cost, 1)
		return nil
	})
	return c, errf("losses", err)
}

// Minus returns c − o.
func (c *Couriers) Minus(o *Couriers) *Couriers {
	out := NewCouriers()
	for k, v := range c.Days {
		out.Days[k] = out.Days[k].add(v, 1)
	}
	for k, v := range o.Days {
		out.Days[k] = out.Days[k].add(v, -1)
	}
	for k, v := range c.Reasons {
		out.Reasons[k] += v
	}
	for k, v := range o.Reasons {
		out.Reasons[k] -= v
	}
	for k, v := range c.Delays {
		out.Delays[k] += v
	}
	for k, v := range o.Delays {
		out.Delays[k] -= v
	}
	for k, v := range c.Counts {
		out.Counts[k] += v
	}
	for k, v := range o.Counts {
		out.Counts[k] -= v
	}
	for k, v := range c.Losses {
		out.Losses[k] = out.Losses[k].add(v, 1)
	}
	for k, v := range o.Losses {
		out.Losses[k] = out.Losses[k].add(v, -1)
	}
	return out
}

func lossCmp(a, b LossKey) int {
	return cmp.Or(cmp.Compare(a.Day, b.Day), dimsCmp(a.Dims, b.Dims), cmp.Compare(a.Warehouse, b.Warehouse))
}

func dimsCmp(a, b Dims) int {
	return cmp.Or(cmp.Compare(a.Partner, b.Partner), cmp.Compare(a.Branch, b.Branch), cmp.Compare(a.Transport, b.Transport))
}

// sortedKeys returns m's keys in a fixed order, so concurrent transactions
// lock summary rows in the same order and cannot deadlock on them.
func sortedKeys[K comparable, V any](m map[K]V, less func(a, b K) int) []K {
	ks := make([]K, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, less)
	return ks
}

// Apply adds the non-zero counters of delta (day rows) to the stored
// summaries, and to their month rollups.
func (c *Couriers) Apply(ctx context.Context, q Querier) error {
	c = c.withMonths()
	for _, k := range sortedKeys(c.Counts, func(a, b CountKey) int { return cmp.Or(dimsCmp(a.Dims, b.Dims), cmp.Compare(a.Status, b.Status)) }) {
		if n := c.Counts[k]; n != 0 {
			if _, err := q.ExecContext(ctx, `INSERT INTO courier_counts (partner_id, branch_id, transport_type, status, n)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (partner_id, branch_id, transport_type, status) DO UPDATE SET n = courier_counts.n + excluded.n`,
				k.Partner, k.Branch, k.Transport, k.Status, n); err != nil {
				return errf("courier counts", err)
			}
		}
	}
	for _, k := range sortedKeys(c.Days, func(a, b DayKey) int { return cmp.Or(cmp.Compare(a.Day, b.Day), dimsCmp(a.Dims, b.Dims)) }) {
		r := c.Days[k]
		if r == (DayRow{}) {
			continue
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO courier_day_stats (day, partner_id, branch_id, transport_type,
				registered, submitted, activated, blocked, unblocked, fired, rehired, active_delta, fired_within_7d, fired_within_30d)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			ON CONFLICT (day, partner_id, branch_id, transport_type) DO UPDATE SET
				registered = courier_day_stats.registered + excluded.registered,
				submitted = courier_day_stats.submitted + excluded.submitted,
				activated = courier_day_stats.activated + excluded.activated,
				blocked = courier_day_stats.blocked + excluded.blocked,
				unblocked = courier_day_stats.unblocked + excluded.unblocked,
				fired = courier_day_stats.fired + excluded.fired,
				rehired = courier_day_stats.rehired + excluded.rehired,
				active_delta = courier_day_stats.active_delta + excluded.active_delta,
				fired_within_7d = courier_day_stats.fired_within_7d + excluded.fired_within_7d,
				fired_within_30d = courier_day_stats.fired_within_30d + excluded.fired_within_30d`,
			k.Day, k.Partner, k.Branch, k.Transport, r.Registered, r.Submitted, r.Activated, r.Blocked,
			r.Unblocked, r.Fired, r.Rehired, r.ActiveDelta, r.FiredWithin7d, r.FiredWithin30d); err != nil {
			return errf("courier day stats", err)
		}
	}
	for _, k := range sortedKeys(c.Reasons, func(a, b ReasonKey) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), dimsCmp(a.Dims, b.Dims), cmp.Compare(a.ToStatus, b.ToStatus), cmp.Compare(a.Reason, b.Reason))
	}) {
		if n := c.Reasons[k]; n != 0 {
			if _, err := q.ExecContext(ctx, `INSERT INTO courier_reason_stats (day, partner_id, branch_id, transport_type, to_status, reason, n)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (day, partner_id, branch_id, transport_type, to_status, reason) DO UPDATE SET n = courier_reason_stats.n + excluded.n`,
				k.Day, k.Partner, k.Branch, k.Transport, k.ToStatus, k.Reason, n); err != nil {
				return errf("courier reason stats", err)
			}
		}
	}
	for _, k := range sortedKeys(c.Delays, func(a, b DelayKey) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), dimsCmp(a.Dims, b.Dims), cmp.Compare(a.DelayDays, b.DelayDays))
	}) {
		if n := c.Delays[k]; n != 0 {
			if _, err := q.ExecContext(ctx, `INSERT INTO courier_activation_stats (day, partner_id, branch_id, transport_type, delay_days, n)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (day, partner_id, branch_id, transport_type, delay_days) DO UPDATE SET n = courier_activation_stats.n + excluded.n`,
				k.Day, k.Partner, k.Branch, k.Transport, k.DelayDays, n); err != nil {
				return errf("courier activation stats", err)
			}
		}
	}
	for _, k := range sortedKeys(c.Losses, lossCmp) {
		r := c.Losses[k]
		if r == (StockRow{}) {
			continue
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO courier_loss_stats (day, partner_id, branch_id, transport_type, warehouse_id, rows, quantity, value)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (day, partner_id, branch_id, transport_type, warehouse_id) DO UPDATE SET
				rows = courier_loss_stats.rows + excluded.rows,
				quantity = courier_loss_stats.quantity + excluded.quantity,
				value = courier_loss_stats.value + excluded.value`,
			k.Day, k.Partner, k.Branch, k.Transport, k.Warehouse, r.Rows, r.Quantity, r.Value); err != nil {
			return errf("courier loss stats", err)
		}
	}
	return nil
}

// AddMovement adds one ledger row to stock_day_stats (its day's row and its
// month's) and stock_totals, in that order in every transaction, so they
// cannot deadlock on each other.
func AddMovement(ctx context.Context, q Querier, at time.Time, warehouse, typ int, kind, reason string, qty int, unitCost int64) error {
	day := Day(at)
	for _, d := range []int{day, MonthKey(day)} {
		_, err := q.ExecContext(ctx, `INSERT INTO stock_day_stats (day, warehouse_id, equipment_type_id, kind, reason, rows, quantity, value)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $7)
			ON CONFLICT (day, warehouse_id, equipment_type_id, kind, reason) DO UPDATE SET
				rows = stock_day_stats.rows + 1,
				quantity = stock_day_stats.quantity + excluded.quantity,
				value = stock_day_stats.value + excluded.value`,
			d, warehouse, typ, kind, reason, qty, int64(qty)*unitCost)
		if err != nil {
			return errf("stock day stats", err)
		}
	}
	_, err := q.ExecContext(ctx, `INSERT INTO stock_totals (warehouse_id, equipment_type_id, kind, rows, quantity, value)
		VALUES ($1, $2, $3, 1, $4, $5)
		ON CONFLICT (warehouse_id, equipment_type_id, kind) DO UPDATE SET
			rows = stock_totals.rows + 1,
			quantity = stock_totals.quantity + excluded.quantity,
			value = stock_totals.value + excluded.value`,
		warehouse, typ, kind, qty, int64(qty)*unitCost)
	return errf("stock totals", err)
}

// scanAll runs query and calls each for every row.
func scanAll(ctx context.Context, q Querier, query string, each func(*sql.Rows) error) error {
	return scanArgs(ctx, q, query, nil, each)
}

// scanArgs runs query with args and calls each for every row.
func scanArgs(ctx context.Context, q Querier, query string, args []any, each func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Stored reads the courier summaries as they are.
func Stored(ctx context.Context, q Querier) (*Couriers, error) {
	c := NewCouriers()
	err := scanAll(ctx, q, `SELECT day, partner_id, branch_id, transport_type, registered, submitted, activated, blocked,
		unblocked, fired, rehired, active_delta, fired_within_7d, fired_within_30d FROM courier_day_stats`, func(rows *sql.Rows) error {
		var k DayKey
		var r DayRow
		if err := rows.Scan(&k.Day, &k.Partner, &k.Branch, &k.Transport, &r.Registered, &r.Submitted, &r.Activated, &r.Blocked,
			&r.Unblocked, &r.Fired, &r.Rehired, &r.ActiveDelta, &r.FiredWithin7d, &r.FiredWithin30d); err != nil {
			return err
		}
		c.Days[k] = r
		return nil
	})
	if err != nil {
		return nil, errf("read courier day stats", err)
	}
	err = scanAll(ctx, q, `SELECT day, partner_id, branch_id, transport_type, to_status, reason, n FROM courier_reason_stats`, func(rows *sql.Rows) error {
		var k ReasonKey
		var n int
		if err := rows.Scan(&k.Day, &k.Partner, &k.Branch, &k.Transport, &k.ToStatus, &k.Reason, &n); err != nil {
			return err
		}
		c.Reasons[k] = n
		return nil
	})
	if err != nil {
		return nil, errf("read courier reason stats", err)
	}
	err = scanAll(ctx, q, `SELECT day, partner_id, branch_id, transport_type, delay_days, n FROM courier_activation_stats`, func(rows *sql.Rows) error {
		var k DelayKey
		var n int
		if err := rows.Scan(&k.Day, &k.Partner, &k.Branch, &k.Transport, &k.DelayDays, &n); err != nil {
			return err
		}
		c.Delays[k] = n
		return nil
	})
	if err != nil {
		return nil, errf("read courier activation stats", err)
	}
	err = scanAll(ctx, q, `SELECT partner_id, branch_id, transport_type, status, n FROM courier_counts`, func(rows *sql.Rows) error {
		var k CountKey
		var n int
		if err := rows.Scan(&k.Partner, &k.Branch, &k.Transport, &k.Status, &n); err != nil {
			return err
		}
		c.Counts[k] = n
		return nil
	})
	if err != nil {
		return nil, errf("read courier counts", err)
	}
	err = scanAll(ctx, q, `SELECT day, partner_id, branch_id, transport_type, warehouse_id, rows, quantity, value FROM courier_loss_stats`, func(rows *sql.Rows) error {
		var k LossKey
		var r StockRow
		if err := rows.Scan(&k.Day, &k.Partner, &k.Branch, &k.Transport, &k.Warehouse, &r.Rows, &r.Quantity, &r.Value); err != nil {
			return err
		}
		c.Losses[k] = r
		return nil
	})
	if err != nil {
		return nil, errf("read courier loss stats", err)
	}
	return c, nil
}

// StoredStock reads stock_day_stats as it is.
func StoredStock(ctx context.Context, q Querier) (Stock, error) {
	s := Stock{}
	err := scanAll(ctx, q, `SELECT day, warehouse_id, equipment_type_id, kind, reason, rows, quantity, value FROM stock_day_stats`, func(rows *sql.Rows) error {
		var k StockKey
		var r StockRow
		if err := rows.Scan(&k.Day, &k.Warehouse, &k.Type, &k.Kind, &k.Reason, &r.Rows, &r.Quantity, &r.Value); err != nil {
			return err
		}
		s[k] = r
		return nil
	})
	return s, errf("read stock day stats", err)
}

// StoredTotals reads stock_totals as it is.
func StoredTotals(ctx context.Context, q Querier) (Totals, error) {
	t := Totals{}
	err := scanAll(ctx, q, `SELECT warehouse_id, equipment_type_id, kind, rows, quantity, value FROM stock_totals`, func(rows *sql.Rows) error {
		var k TotalKey
		var r StockRow
		if err := rows.Scan(&k.Warehouse, &k.Type, &k.Kind, &r.Rows, &r.Quantity, &r.Value); err != nil {
			return err
		}
		t[k] = r
		return nil
	})
	return t, errf("read stock totals", err)
}

// Recompute sums every courier's share from the raw tables. progress, if
// set, is told how many status changes were read.
func Recompute(ctx context.Context, q Querier, progress func(n int)) (*Couriers, error) {
	c := NewCouriers()
	dims := map[int]Dims{}
	err := scanAll(ctx, q, `SELECT id, COALESCE(partner_id, 0), COALESCE(branch_id, 0), transport_type, status FROM couriers`, func(rows *sql.Rows) error {
		var id int
		var d Dims
		var status string
		if err := rows.Scan(&id, &d.Partner, &d.Branch, &d.Transport, &status); err != nil {
			return err
		}
		dims[id] = d
		c.AddCourier(d, status, 1)
		return nil
	})
	if err != nil {
		return nil, errf("recompute couriers", err)
	}
	var (
		cur  = -1
		hist []Change
		n    int
	)
	flush := func() {
		if cur >= 0 {
			c.AddHistory(dims[cur], hist, 1)
		}
		hist = hist[:0]
	}
	err = scanAll(ctx, q, `SELECT courier_id, id, COALESCE(from_status, ''), to_status, COALESCE(reason, ''), created_at
		FROM courier_status_changes ORDER BY courier_id, id`, func(rows *sql.Rows) error {
		var courierID int
		var h Change
		if err := rows.Scan(&courierID, &h.ID, &h.From, &h.To, &h.Reason, &h.At); err != nil {
			return err
		}
		if courierID != cur {
			flush()
			cur = courierID
		}
		hist = append(hist, h)
		if n++; progress != nil && n%500_000 == 0 {
			progress(n)
		}
		return nil
	})
	if err != nil {
		return nil, errf("recompute status history", err)
	}
	flush()
	if progress != nil {
		progress(n)
	}
	err = scanAll(ctx, q, `SELECT courier_id, created_at, warehouse_id, quantity, unit_cost FROM movements
		WHERE kind = 'write_off' AND courier_id IS NOT NULL`, func(rows *sql.Rows) error {
		var courierID, w, qty int
		var at time.Time
		var cost int64
		if err := rows.Scan(&courierID, &at, &w, &qty, &cost); err != nil {
			return err
		}
		c.AddLoss(dims[courierID], at, w, qty, cost, 1)
		return nil
	})
	if err != nil {
		return nil, errf("recompute losses", err)
	}
	return c.withMonths(), nil
}

// RecomputeStock sums the ledger into stock_day_stats rows.
func RecomputeStock(ctx context.Context, q Querier) (Stock, error) {
	s := Stock{}
	err := scanAll(ctx, q, `SELECT created_at, warehouse_id, equipment_type_id, kind, COALESCE(reason, ''), quantity, unit_cost FROM movements`, func(rows *sql.Rows) error {
		var at time.Time
		var w, t, qty int
		var kind, reason string
		var cost int64
		if err := rows.Scan(&at, &w, &t, &kind, &reason, &qty, &cost); err != nil {
			return err
		}
		s.Add(at, w, t, kind, reason, qty, cost)
		return nil
	})
	return s.withMonths(), errf("recompute ledger", err)
}

// Diff lists every counter where want (recomputed) and got (stored)
// disagree; zero counters and missing rows are the same thing.
func Diff(want, got *Couriers, wantStock, gotStock Stock) []string {
	var out []string
	out = append(out, diffRows("courier_day_stats", "history", want.Days, got.Days)...)
	out = append(out, diffRows("courier_reason_stats", "history", want.Reasons, got.Reasons)...)
	out = append(out, diffRows("courier_activation_stats", "history", want.Delays, got.Delays)...)
	out = append(out, diffRows("courier_counts", "history", want.Counts, got.Counts)...)
	out = append(out, diffRows("courier_loss_stats", "ledger", want.Losses, got.Losses)...)
	return append(out, diffRows("stock_day_stats", "ledger", wantStock, gotStock)...)
}

// DiffTotals lists every stock_totals row where want (recomputed) and got
// (stored) disagree.
func DiffTotals(want, got Totals) []string { return diffRows("stock_totals", "ledger", want, got) }

func union[K comparable, V any](a, b map[K]V) map[K]struct{} {
	out := make(map[K]struct{}, len(a))
	for k := range a {
		out[k] = struct{}{}
	}
	for k := range b {
		out[k] = struct{}{}
	}
	return out
}

// diffRows lists, sorted, every row of table where want (recomputed from
// source) and got (stored) disagree; a missing row is a zero one.
func diffRows[K, V comparable](table, source string, want, got map[K]V) []string {
	var out []string
	for k := range union(want, got) {
		if want[k] != got[k] {
			out = append(out, fmt.Sprintf("%s %+v: stored %+v, %s says %+v", table, k, got[k], source, want[k]))
		}
	}
	slices.Sort(out)
	return out
}

// Verify recomputes every summary from the raw tables and lists each
// disagreement with the stored rows.
func Verify(ctx context.Context, q Querier) ([]string, error) {
	want, err := Recompute(ctx, q, nil)
	if err != nil {
		return nil, err
	}
	got, err := Stored(ctx, q)
	if err != nil {
		return nil, err
	}
	wantStock, err := RecomputeStock(ctx, q)
	if err != nil {
		return nil, err
	}
	gotStock, err := StoredStock(ctx, q)
	if err != nil {
		return nil, err
	}
	gotTotals, err := StoredTotals(ctx, q)
	if err != nil {
		return nil, err
	}
	return append(Diff(want, got, wantStock, gotStock), DiffTotals(wantStock.Totals(), gotTotals)...), nil
}
