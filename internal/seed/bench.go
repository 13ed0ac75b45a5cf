package seed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/partner"
	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/couriersvc/searchkey"
	"github.com/mycourier/mycourier/internal/phone"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// BenchOptions tune Bench.
type BenchOptions struct {
	// Couriers is how many couriers to add.
	Couriers int
	// Seed fixes the generated data; the same seed and count give the same rows.
	Seed int64
	// Partners is how many logistics partners share the couriers (at least
	// the demo's four; default 12). Their sizes follow a Zipf-like curve.
	Partners int
	// Now is the end of the three years couriers are spread over (default:
	// the current time). Fix it for byte-identical runs.
	Now time.Time
	// Workers is the number of parallel COPY streams on PostgreSQL (default 2).
	Workers int
	// Progress, if set, is told how many couriers are written so far.
	Progress func(done, total int)
	// History adds each new courier's status history (about five changes
	// each: registration, submission, activation, block spells, firing,
	// some rehires), consistent with the courier's row.
	History bool
	// Movements adds about this many ledger rows over the last two years
	// (kit issues, returns, losses, write-offs, opening receipts), with
	// balances and holdings to match.
	Movements int
	// Log, if set, gets a line per stage of History and Movements.
	Log func(line string)
}

// benchColumns are written by Bench; id is left to the database so it stays
// in the couriers global-id range (identity on PostgreSQL, AUTOINCREMENT and
// sqlite_sequence on SQLite), and later ent inserts continue after it.
var benchColumns = []string{
	"created_at", "updated_at", "last_name", "first_name", "middle_name", "phone", "pinfl",
	"birth_date", "gender", "transport_type", "vehicle_plate", "document_status", "status",
	"status_changed_at", "hired_at", "fired_at", "do_not_rehire", "branch_id", "partner_id",
	"search_key",
}

const benchChunk = 50_000

// Bench adds opts.Couriers couriers for benchmarks, with the distributions
// of a real fleet: ~70% active, 10% new, 8% blocked, 12% fired; partners
// Zipf-like; regions weighted to Tashkent; registrations spread over three
// years. It first ensures the demo reference data (regions, branches,
// partners…). PostgreSQL is filled with parallel COPY streams, SQLite with
// multi-row INSERTs in large transactions.
//
// PINFLs and phones are derived from the row's ordinal, so they are unique
// without lookups and never collide with Demo's random ones; a second run
// continues the ordinals after the first.
func Bench(ctx context.Context, db *database.DB, opts BenchOptions) (sum Summary, err error) {
	start := time.Now()
	defer func() {
		sum.Elapsed = time.Since(start)
		if err != nil {
			err = fmt.Errorf("seed bench: %w", err)
		}
	}()
	ctx = authz.SystemContext(ctx, "seed bench")
	if opts.Couriers < 0 {
		return sum, errors.New("negative courier count")
	}
	if opts.Partners < len(partners) {
		opts.Partners = max(12, len(partners))
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	opts.Now = opts.Now.UTC()
	if opts.Workers <= 0 {
		opts.Workers = 2
	}

	g, err := benchReference(ctx, db.Client, opts, &sum)
	if err != nil {
		return sum, err
	}
	// Bench ordinals own the PINFL serials starting 0 or 9 (see pinfl.Generate).
	var first, lastID int
	if err := db.SQL.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM couriers`).Scan(&lastID); err != nil {
		return sum, err
	}
	if err := db.SQL.QueryRowContext(ctx,
		`SELECT count(*) FROM couriers WHERE substr(pinfl, 8, 1) IN ('0', '9')`).Scan(&first); err != nil {
		return sum, fmt.Errorf("count earlier bench couriers: %w", err)
	}
	switch db.Dialect {
	case dialect.Postgres:
		err = benchCopy(ctx, db.SQL, g, first, opts)
	case dialect.SQLite:
		err = benchInsert(ctx, db.SQL, g, first, opts)
	default:
		err = fmt.Errorf("unsupported dialect %q", db.Dialect)
	}
	if err != nil {
		return sum, err
	}
	sum.Couriers = opts.Couriers
	if opts.History {
		if err := benchHistory(ctx, db, g, lastID, opts.Movements, opts); err != nil {
			return sum, err
		}
	} else if err := summary.Backfill(ctx, db.SQL, summary.BackfillOptions{}); err != nil {
		// COPY bypasses the hooks that keep the analytics summaries.
		return sum, err
	}
	// Leave the table as autovacuum would in production: fresh statistics
	// (else the planner guesses from an empty table) and, on PostgreSQL, a
	// visibility map, without which no index-only scan skips the heap.
	for _, table := range []string{"couriers", "courier_status_changes", "movements", "courier_day_stats", "courier_reason_stats",
		"courier_activation_stats", "courier_counts", "courier_loss_stats", "stock_day_stats", "stock_totals"} {
		tidy := "ANALYZE " + table // #nosec G202 -- table from the constant list above
		if db.Dialect == dialect.Postgres {
			tidy = "VACUUM (ANALYZE) " + table
		}
		if _, err := db.SQL.ExecContext(ctx, tidy); err != nil {
			return sum, fmt.Errorf("%s: %w", tidy, err)
		}
	}
	return sum, nil
}

// generator turns a row ordinal into a courier row, the same row for the
// same seed and ordinal however the work is split.
type generator struct {
	seed       uint64
	now        time.Time
	partnerIDs []int
	partnerCum []float64 // cumulative Zipf weights
	// regionPartners are the partners working in each region (a fleet
	// works in a few regions, as real ones do), with cumulative Zipf weights.
	regionPartners [][]int
	regionCum      [][]float64
	regionBranch   [][]int // branch ids per region, in regions order
	regionPlates   []string
	regionWeights  []int
}

func benchReference(ctx context.Context, client *ent.Client, opts BenchOptions, sum *Summary) (_ *generator, err error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		} else {
			err = tx.Commit()
		}
	}()
	c := tx.Client()
	ref, err := reference(ctx, c, sum)
	if err != nil {
		return nil, err
	}
	extra := make([]partnerSpec, 0, opts.Partners-len(partners))
	for k := len(partners) + 1; k <= opts.Partners; k++ {
		extra = append(extra, partnerSpec{name: fmt.Sprintf("Bench Fleet %02d", k), legal: fmt.Sprintf("ООО «Bench Fleet %02d»", k)})
	}
	if err := ensurePartners(ctx, c, extra, ref, sum); err != nil {
		return nil, err
	}
	names := append(codes(partners, func(x partnerSpec) string { return x.name }), codes(extra, func(x partnerSpec) string { return x.name })...)
	g := &generator{seed: uint64(opts.Seed), now: opts.Now} // #nosec G115 -- the seed is a flag value; its bits are reused as they are
	ps, err := c.Partner.Query().Where(partner.NameIn(names...)).All(ctx)
	if err != nil {
		return nil, err
	}
	byName := map[string]int{}
	for _, p := range ps {
		byName[p.Name] = p.ID
	}
	total := 0.0
	for k, name := range names {
		g.partnerIDs = append(g.partnerIDs, byName[name])
		total += 1 / math.Pow(float64(k+1), 1.1)
		g.partnerCum = append(g.partnerCum, total)
	}
	// Partner k works in regions k and k+5 (mod the region count), the
	// three largest in Tashkent too: every region has a partner.
	g.regionPartners = make([][]int, len(regions))
	g.regionCum = make([][]float64, len(regions))
	for k := range names {
		for _, r := range []int{k % len(regions), (k + 5) % len(regions)} {
			g.regionPartners[r] = append(g.regionPartners[r], g.partnerIDs[k])
			g.regionCum[r] = append(g.regionCum[r], cumAdd(g.regionCum[r], 1/math.Pow(float64(k+1), 1.1)))
		}
		if k < 3 && k%len(regions) != 0 && (k+5)%len(regions) != 0 {
			g.regionPartners[0] = append(g.regionPartners[0], g.partnerIDs[k])
			g.regionCum[0] = append(g.regionCum[0], cumAdd(g.regionCum[0], 1/math.Pow(float64(k+1), 1.1)))
		}
	}
	for _, reg := range regions {
		var ids []int
		for _, b := range branchesOf(reg.code) {
			ids = append(ids, ref.branches[b])
		}
		g.regionBranch = append(g.regionBranch, ids)
		g.regionPlates = append(g.regionPlates, reg.plate)
		g.regionWeights = append(g.regionWeights, reg.weight)
	}
	return g, nil
}

const (
	benchSerials = 200_000   // PINFL serials 000000–099999 and 900000–999999
	benchPhones  = 2_000_000 // subscriber numbers 0xxxxxx and 9xxxxxx
	threeYears   = 3 * 365 * 24 * time.Hour
)

// row fills dst with the values of benchColumns for ordinal i.
func (g *generator) row(i int, src *rand.PCG, dst []any) error {
	src.Seed(g.seed, uint64(i)) // #nosec G115 -- row numbers are positive
	r := rand.New(src)          // #nosec G404 -- deterministic bench data, not a secret
	p := newPerson(r)

	// PINFL: the serial comes from i mod 200000 through a bijection (so
	// neighbours do not look sequential); ordinals sharing a serial differ in
	// i / 200000, which picks the birth day modulo 64. Unique up to 12.8M.
	v, block := i%benchSerials, i/benchSerials
	serial := (v%100_000*7919 + 4321) % 100_000
	if v >= 100_000 {
		serial += 900_000
	}
	const dayStride = 64
	day := block%dayStride + dayStride*r.IntN(birthSpanDays/dayStride)
	p.birth = birthFrom.AddDate(0, 0, day)
	id, err := pinfl.Make(p.birth, p.gender, serial)
	if err != nil {
		return err
	}

	// Phone: the same trick with the operator code; unique up to 28M.
	ops := phone.Operators()
	pv, pblock := i%benchPhones, i/benchPhones
	sub := (pv%1_000_000*999_983 + 12_345) % 1_000_000
	if pv >= 1_000_000 {
		sub += 9_000_000
	}
	// Equal pv means different pblock, hence a different operator while
	// pblocks are fewer than the operators; pv*31 spreads operators evenly.
	op := ops[(pblock+pv*31)%len(ops)]
	tel := fmt.Sprintf("+998%s%07d", op, sub)

	reg := weighted(r, g.regionWeights)
	branchID := pick(r, g.regionBranch[reg])
	transport := transports[weighted(r, transportWeights)]
	var vehicle any
	if v := vehiclePlate(r, g.regionPlates[reg], transport); v != "" {
		vehicle = v
	}
	cum := g.regionCum[reg]
	var partnerID any = g.regionPartners[reg][sort.SearchFloat64s(cum, r.Float64()*cum[len(cum)-1])]

	created := g.now.Add(-time.Duration(r.Int64N(int64(threeYears))))
	changed := created
	var hired, fired any
	status, docStatus := "active", "verified"
	switch n := r.IntN(100); {
	case n < 70:
	case n < 80:
		status, docStatus = "new", []string{"missing", "pending", "rejected"}[r.IntN(3)]
		if r.IntN(5) == 0 {
			partnerID = nil
		}
	case n < 88:
		status = "blocked"
	default:
		status = "fired"
	}
	if status != "new" {
		h := created.Add(time.Duration(r.Int64N(int64(min(14*24*time.Hour, g.now.Sub(created))) + 1)))
		hired, changed = h, h
		if status != "active" {
			changed = h.Add(time.Duration(r.Int64N(int64(g.now.Sub(h)) + 1)))
			if status == "fired" {
				fired = changed
			}
		}
	}
	var middle any
	if p.middle != "" {
		middle = p.middle
	}
	dst[0], dst[1], dst[2], dst[3], dst[4] = created, changed, p.last, p.first, middle
	dst[5], dst[6], dst[7], dst[8], dst[9] = tel, id, p.birth, string(p.gender), transport
	dst[10], dst[11], dst[12], dst[13], dst[14] = vehicle, docStatus, status, changed, hired
	dst[15], dst[16], dst[17], dst[18] = fired, false, branchID, partnerID
	// COPY bypasses ent's hooks: the search key is computed here.
	dst[19] = searchkey.Key(p.last, p.first, p.middle, tel)
	return nil
}

// benchCopy streams rows over opts.Workers connections, each taking the
// next chunk of ordinals: COPY is the fastest way into PostgreSQL, and two
// streams keep both the generator and the server busy.
func benchCopy(ctx context.Context, db *sql.DB, g *generator, first int, opts BenchOptions) error {
	var next, done atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, opts.Workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := copyWorker(ctx, db, g, first, opts, &next, &done)
			if err != nil {
				cancel()
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func copyWorker(ctx context.Context, db *sql.DB, g *generator, first int, opts BenchOptions, next, done *atomic.Int64) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		pc := driverConn.(*stdlib.Conn).Conn()
		src := rand.NewPCG(0, 0)
		row := make([]any, len(benchColumns))
		for {
			from := int(next.Add(benchChunk)) - benchChunk
			if from >= opts.Couriers {
				return nil
			}
			to := min(from+benchChunk, opts.Couriers)
			i := from
			var rowErr error
			_, err := pc.CopyFrom(ctx, pgx.Identifier{"couriers"}, benchColumns, pgx.CopyFromFunc(func() ([]any, error) {
				if i >= to {
					return nil, nil
				}
				if rowErr = g.row(first+i, src, row); rowErr != nil {
					return nil, rowErr
				}
				i++
				return row, nil
			}))
			if err != nil {
				return fmt.Errorf("copy couriers %d–%d: %w", first+from, first+to, err)
			}
			n := done.Add(int64(to - from))
			if opts.Progress != nil {
				opts.Progress(int(n), opts.Couriers)
			}
		}
	})
}

// benchInsert writes SQLite rows as multi-row INSERTs, one transaction per
// chunk: SQLite has one writer, so parallelism would only queue.
func benchInsert(ctx context.Context, db *sql.DB, g *generator, first int, opts BenchOptions) error {
	const perStmt = 500 // 19 columns × 500 rows stays under SQLite's 32766 variables
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(benchColumns)), ",") + ")"
	stmtFor := func(rows int) string {
		return "INSERT INTO couriers (" + strings.Join(benchColumns, ", ") + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
	}
	full := stmtFor(perStmt)
	// Seven indexes outgrow SQLite's 2 MB default page cache within a few
	// thousand rows, after which every insert spills pages to the WAL; a
	// larger cache on the loading connection cuts the load time by a third.
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA cache_size = -262144"); err != nil {
		return err
	}
	defer func() {
		// The pool reuses the connection; hand it back with the default cache.
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = -2000")
	}()
	src := rand.NewPCG(0, 0)
	args := make([]any, 0, perStmt*len(benchColumns))
	row := make([]any, len(benchColumns))
	for from := 0; from < opts.Couriers; from += benchChunk {
		to := min(from+benchChunk, opts.Couriers)
		err := func() (err error) {
			tx, err := conn.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer func() {
				if err != nil {
					_ = tx.Rollback()
				} else {
					err = tx.Commit()
				}
			}()
			prepared, err := tx.PrepareContext(ctx, full)
			if err != nil {
				return err
			}
			defer prepared.Close()
			for i := from; i < to; i += perStmt {
				n := min(perStmt, to-i)
				args = args[:0]
				for k := 0; k < n; k++ {
					if err := g.row(first+i+k, src, row); err != nil {
						return err
					}
					args = append(args, row...)
				}
				if n == perStmt {
					_, err = prepared.ExecContext(ctx, args...)
				} else {
					_, err = tx.ExecContext(ctx, stmtFor(n), args...)
				}
				if err != nil {
					return fmt.Errorf("insert couriers %d–%d: %w", first+i, first+i+n, err)
				}
			}
			return nil
		}()
		if err != nil {
			return err
		}
		if opts.Progress != nil {
			opts.Progress(to, opts.Couriers)
		}
	}
	return nil
}

// cumAdd is the next cumulative weight after cum.
func cumAdd(cum []float64, w float64) float64 {
	if len(cum) == 0 {
		return w
	}
	return cum[len(cum)-1] + w
}
