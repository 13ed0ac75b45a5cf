package seed

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// benchCourier is what the history generator needs of a generated courier.
type benchCourier struct {
	id               int
	created, changed time.Time
	hired            *time.Time
	status           string
}

// The reasons are codes of the configured lists (status_reasons, seeded by
// the migrations) of the right kind, with the comment a reason requires,
// as blockCourier and fireCourier would have demanded.
var (
	benchBlockReasons = []string{"no_show", "customer_complaint", "other", "documents_expired", "security_check"}
	benchFireReasons  = []string{"own_wish", "own_wish", "own_wish", "other", "discipline", "fraud", "other"}
	benchComments     = map[string]string{
		"no_show": "Невыход на смену", "customer_complaint": "Жалоба клиента", "security_check": "Проверка СБ",
		"discipline": "Нарушение дисциплины", "fraud": "Махинации с заказами", "other": "Прочее",
	}
)

// history writes each courier's status history, consistent with the row
// Bench wrote: registration, often a submission, activation at hired_at
// (5% after an earlier employment that ended in a firing and a rehire),
// 0–2 block/unblock spells, and the final block or firing at
// status_changed_at. About five changes per courier.
func (g *generator) history(cs []benchCourier, emit func(row []any) error) (int, error) {
	src := rand.NewPCG(0, 0)
	n := 0
	row := make([]any, 6) // created_at, courier_id, from_status, to_status, reason, comment
	put := func(c benchCourier, at time.Time, from, to, reason string) error {
		row[0], row[1], row[3], row[4], row[5] = at, c.id, to, reason, ""
		if to == "blocked" || to == "fired" {
			row[5] = benchComments[reason]
		}
		if from == "" {
			row[2] = nil
		} else {
			row[2] = from
		}
		n++
		return emit(row)
	}
	for _, c := range cs {
		src.Seed(g.seed^0x5eed, uint64(c.id)) // #nosec G115 -- ids are positive
		r := rand.New(src)                    // #nosec G404 -- deterministic bench data, not a secret
		between := func(a, b time.Time) time.Time {
			if !b.After(a) {
				return a
			}
			return a.Add(time.Duration(r.Int64N(int64(b.Sub(a)))))
		}
		if err := put(c, c.created, "", "new", "onboarded"); err != nil {
			return n, err
		}
		if c.hired == nil {
			if r.IntN(2) == 0 {
				if err := put(c, between(c.created, g.now), "new", "new", "submitted_for_activation"); err != nil {
					return n, err
				}
			}
			continue
		}
		hired := *c.hired
		start := c.created
		if hired.Sub(c.created) > 48*time.Hour && r.IntN(20) == 0 {
			span := hired.Sub(c.created)
			a, f := c.created.Add(span/4), c.created.Add(span/2)
			for _, s := range [][3]string{{"new", "active", ""}, {"active", "fired", benchFireReasons[r.IntN(len(benchFireReasons))]}, {"fired", "new", ""}} {
				at := map[string]time.Time{"active": a, "fired": f, "new": f.Add(time.Hour)}[s[1]]
				if err := put(c, at, s[0], s[1], s[2]); err != nil {
					return n, err
				}
			}
			start = f.Add(time.Hour)
		}
		if r.IntN(10) < 7 {
			if err := put(c, between(start, hired), "new", "new", "submitted_for_activation"); err != nil {
				return n, err
			}
		}
		if err := put(c, hired, "new", "active", ""); err != nil {
			return n, err
		}
		end := g.now
		if c.status != "active" {
			end = c.changed
		}
		spells := r.IntN(3)
		times := make([]time.Time, 2*spells)
		for i := range times {
			times[i] = between(hired, end)
		}
		sortTimes(times)
		for i := 0; i+1 < len(times); i += 2 {
			if err := put(c, times[i], "active", "blocked", benchBlockReasons[r.IntN(len(benchBlockReasons))]); err != nil {
				return n, err
			}
			if err := put(c, times[i+1], "blocked", "active", ""); err != nil {
				return n, err
			}
		}
		switch c.status {
		case "blocked":
			err := put(c, c.changed, "active", "blocked", benchBlockReasons[r.IntN(len(benchBlockReasons))])
			if err != nil {
				return n, err
			}
		case "fired":
			if err := put(c, c.changed, "active", "fired", benchFireReasons[r.IntN(len(benchFireReasons))]); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func sortTimes(ts []time.Time) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Before(ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

// benchType is an equipment type with its unit cost.
type benchType struct {
	id   int
	cost int64
}

// movements writes about want ledger rows over the last two years: kit
// issues to couriers (two types each), a third of them returned later, 2%
// lost by the courier (returned and written off with the courier named),
// 1% worn-out write-offs from stock, and one opening receipt per warehouse
// and type that keeps every balance non-negative.
func (g *generator) movements(want, minCourier, maxCourier int, warehouses []int, types []benchType, emit func(row []any) error) (int, error) {
	r := rand.New(rand.NewPCG(g.seed^0x5706c, 1)) // #nosec G404 -- deterministic bench data, not a secret
	type wt struct{ w, t int }
	net := map[wt]int{}
	n, op := 0, 0
	row := make([]any, 10) // created_at, kind, warehouse_id, equipment_type_id, quantity, courier_id, operation_id, document_number, reason, unit_cost
	put := func(at time.Time, kind string, w int, t benchType, q int, courier any, reason string) error {
		net[wt{w, t.id}] += q
		row[0], row[1], row[2], row[3], row[4], row[5] = at, kind, w, t.id, q, courier
		row[6], row[7], row[8], row[9] = fmt.Sprintf("bench-%d", op), fmt.Sprintf("BENCH-%s-%d", strings.ToUpper(kind[:3]), op), reason, t.cost
		n++
		return emit(row)
	}
	const twoYears = 2 * 365 * 24 * time.Hour
	from := g.now.Add(-twoYears)
	for n < want {
		op++
		at := from.Add(time.Duration(r.Int64N(int64(twoYears))))
		w := warehouses[r.IntN(len(warehouses))]
		c := minCourier + r.IntN(maxCourier-minCourier+1)
		kit := []benchType{types[r.IntN(len(types))], types[r.IntN(len(types))]}
		if kit[0].id == kit[1].id {
			kit = kit[:1]
		}
		for _, t := range kit {
			if err := put(at, "issue", w, t, -1, c, ""); err != nil {
				return n, err
			}
		}
		later := at.Add(time.Duration(r.Int64N(int64(60 * 24 * time.Hour))))
		if later.After(g.now) {
			continue
		}
		switch k := r.IntN(100); {
		case k < 30:
			op++
			for _, t := range kit {
				if err := put(later, "return", w, t, 1, c, ""); err != nil {
					return n, err
				}
			}
		case k < 32:
			op++
			if err := put(later, "return", w, kit[0], 1, c, ""); err != nil {
				return n, err
			}
			if err := put(later, "write_off", w, kit[0], -1, c, "lost"); err != nil {
				return n, err
			}
		case k < 33:
			op++
			if err := put(later, "write_off", w, kit[0], -1, nil, "worn_out"); err != nil {
				return n, err
			}
		}
	}
	opening := from.Add(-24 * time.Hour)
	for k, q := range net {
		op++
		t := benchType{id: k.t}
		for _, x := range types {
			if x.id == k.t {
				t = x
			}
		}
		if err := put(opening, "receipt", k.w, t, -q+50, nil, ""); err != nil {
			return n, err
		}
	}
	return n, nil
}

var (
	historyColumns  = []string{"created_at", "courier_id", "from_status", "to_status", "reason", "comment"}
	movementColumns = []string{"created_at", "kind", "warehouse_id", "equipment_type_id", "quantity", "courier_id",
		"operation_id", "document_number", "reason", "unit_cost"}
)

// load streams generated rows into table: COPY on PostgreSQL, multi-row
// INSERTs in large transactions on SQLite.
func load(ctx context.Context, db *database.DB, table string, columns []string, gen func(emit func([]any) error) (int, error)) (int, error) {
	if db.Dialect == dialect.Postgres {
		conn, err := db.SQL.Conn(ctx)
		if err != nil {
			return 0, err
		}
		defer conn.Close()
		var n int
		err = conn.Raw(func(driverConn any) error {
			pc := driverConn.(*stdlib.Conn).Conn()
			rows := make(chan []any, 4096)
			genErr := make(chan error, 1)
			go func() {
				var err error
				n, err = gen(func(row []any) error {
					cp := append([]any(nil), row...)
					select {
					case rows <- cp:
						return nil
					case <-ctx.Done():
						return ctx.Err()
					}
				})
				close(rows)
				genErr <- err
			}()
			_, err := pc.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromFunc(func() ([]any, error) {
				row, ok := <-rows
				if !ok {
					return nil, nil
				}
				return row, nil
			}))
			if err != nil {
				for range rows { // let the generator finish
				}
				<-genErr
				return fmt.Errorf("copy %s: %w", table, err)
			}
			return <-genErr
		})
		return n, err
	}
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	const per = 500
	var batch [][]any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := summary.InsertRows(ctx, tx, table, columns, batch)
		batch = batch[:0]
		return err
	}
	n, err := gen(func(row []any) error {
		batch = append(batch, append([]any(nil), row...))
		if len(batch) == per {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return n, err
	}
	return n, tx.Commit()
}

// benchHistory adds the status history of the couriers with id > afterID
// and movements ledger rows, then makes balances, holdings and the
// analytics summaries agree with what was loaded (COPY bypasses ent's hooks).
func benchHistory(ctx context.Context, db *database.DB, g *generator, afterID, movements int, opts BenchOptions) error {
	say := func(format string, args ...any) {
		if opts.Log != nil {
			opts.Log(fmt.Sprintf(format, args...))
		}
	}
	var cs []benchCourier
	rows, err := db.SQL.QueryContext(ctx, `SELECT id, created_at, status, hired_at, status_changed_at FROM couriers WHERE id > $1 ORDER BY id`, afterID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c benchCourier
		var hired, changed sql.NullTime
		if err := rows.Scan(&c.id, &c.created, &c.status, &hired, &changed); err != nil {
			_ = rows.Close()
			return err
		}
		c.changed = c.created
		if changed.Valid {
			c.changed = changed.Time
		}
		if hired.Valid {
			h := hired.Time
			c.hired = &h
		}
		cs = append(cs, c)
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(cs) == 0 {
		return nil
	}
	start := time.Now()
	n, err := load(ctx, db, "courier_status_changes", historyColumns, func(emit func([]any) error) (int, error) { return g.history(cs, emit) })
	if err != nil {
		return fmt.Errorf("status history: %w", err)
	}
	say("  %d status changes in %s", n, time.Since(start).Round(time.Second))

	if movements > 0 {
		var whs []int
		var types []benchType
		if err := scanInts(ctx, db.SQL, `SELECT id FROM warehouses ORDER BY id`, &whs); err != nil {
			return err
		}
		trs, err := db.SQL.QueryContext(ctx, `SELECT id, unit_cost FROM equipment_types ORDER BY id`)
		if err != nil {
			return err
		}
		for trs.Next() {
			var t benchType
			if err := trs.Scan(&t.id, &t.cost); err != nil {
				_ = trs.Close()
				return err
			}
			types = append(types, t)
		}
		if err := trs.Err(); err != nil {
			_ = trs.Close()
			return err
		}
		_ = trs.Close()
		if len(whs) == 0 || len(types) == 0 {
			return fmt.Errorf("movements need warehouses and equipment types")
		}
		start = time.Now()
		n, err := load(ctx, db, "movements", movementColumns, func(emit func([]any) error) (int, error) {
			return g.movements(movements, cs[0].id, cs[len(cs)-1].id, whs, types, emit)
		})
		if err != nil {
			return fmt.Errorf("movements: %w", err)
		}
		say("  %d ledger rows in %s", n, time.Since(start).Round(time.Second))
		// The books follow the whole ledger, as `mycourier verify` recomputes them.
		for _, q := range []string{
			`INSERT INTO stock_balances (created_at, updated_at, warehouse_id, equipment_type_id, quantity, quarantined, min_level)
				SELECT $1, $1, warehouse_id, equipment_type_id, SUM(quantity), 0, 0 FROM movements GROUP BY warehouse_id, equipment_type_id
				ON CONFLICT (warehouse_id, equipment_type_id) DO UPDATE SET quantity = excluded.quantity`,
			`INSERT INTO courier_holdings (created_at, updated_at, courier_id, equipment_type_id, quantity)
				SELECT $1, $1, courier_id, equipment_type_id, -SUM(quantity) FROM movements
				WHERE courier_id IS NOT NULL AND kind IN ('issue', 'return') GROUP BY courier_id, equipment_type_id
				HAVING -SUM(quantity) > 0
				ON CONFLICT (courier_id, equipment_type_id) DO UPDATE SET quantity = excluded.quantity`,
		} {
			if _, err := db.SQL.ExecContext(ctx, q, g.now); err != nil {
				return fmt.Errorf("books: %w", err)
			}
		}
	}
	start = time.Now()
	if err := summary.Backfill(ctx, db.SQL, summary.BackfillOptions{}); err != nil {
		return err
	}
	say("  analytics summaries rebuilt in %s", time.Since(start).Round(time.Second))
	return nil
}

func scanInts(ctx context.Context, db *sql.DB, q string, dst *[]int) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var x int
		if err := rows.Scan(&x); err != nil {
			return err
		}
		*dst = append(*dst, x)
	}
	return rows.Err()
}
