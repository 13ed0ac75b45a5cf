// Package summary keeps the analytics summary tables (courier_day_stats,
// courier_reason_stats, courier_activation_stats, courier_counts,
// courier_loss_stats, stock_day_stats, stock_totals) equal to what the raw
// history says, in the same transaction as each change, and recomputes them
// from the raw history for `mycourier verify` and the backfill.
//
// A courier's share of the courier summaries is a pure function of the
// courier's current partner, branch, transport type and status, of its
// status history and of the write-offs of units it held (Courier). The
// hooks apply the difference of that function before and after each change;
// the recomputation sums it over every courier. So the two can only disagree
// if a write bypassed the hooks.
package summary

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/mycourier/mycourier/internal/platform/tz"
)

// Zone is the time zone days are counted in: the company's (MYCOURIER_TIMEZONE,
// Asia/Tashkent by default). Stored summary rows are days of the zone they
// were written in: after changing it, rebuild them (mycourier summaries
// backfill); mycourier verify reports the difference until then.
func Zone() *time.Location { return tz.Location() }

// Day is t's local day as yyyymmdd.
func Day(t time.Time) int {
	t = t.In(Zone())
	return t.Year()*10000 + int(t.Month())*100 + t.Day()
}

// MonthKey is the day value of a month's rollup row, yyyymm00. The
// summaries that the dashboard sums over long periods (courier_day_stats,
// courier_activation_stats, courier_loss_stats, stock_day_stats) keep, next
// to each day's row, one row per month summing its days, so a year reads
// about twelve rows per cell instead of 365.
func MonthKey(day int) int { return day / 100 * 100 }

// IsMonth tells a month's rollup row from a day's row.
func IsMonth(day int) bool { return day%100 == 0 }

// NextMonth is the yyyymm after m.
func NextMonth(m int) int {
	if m%100 == 12 {
		return (m/100+1)*100 + 1
	}
	return m + 1
}

// PrevMonth is the yyyymm before m.
func PrevMonth(m int) int {
	if m%100 == 1 {
		return (m/100-1)*100 + 12
	}
	return m - 1
}

// DayStart is the instant a yyyymmdd day begins.
func DayStart(day int) time.Time {
	return time.Date(day/10000, time.Month(day/100%100), day%100, 0, 0, 0, 0, Zone())
}

// Querier is what the summaries are read and written through: an ent
// client or transaction (raw SQL), or a *sql.DB.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Dims are the dimensions courier summaries are cut by (0: none).
type Dims struct {
	Partner, Branch int
	Transport       string
}

// DayKey addresses a courier_day_stats row.
type DayKey struct {
	Day int
	Dims
}

// DayRow is the counters of a courier_day_stats row.
type DayRow struct {
	Registered, Submitted, Activated, Blocked, Unblocked, Fired, Rehired int
	ActiveDelta, FiredWithin7d, FiredWithin30d                           int
}

func (r DayRow) plus(o DayRow) DayRow { return r.add(o, 1) }

func (r DayRow) add(o DayRow, sign int) DayRow {
	return DayRow{
		r.Registered + sign*o.Registered, r.Submitted + sign*o.Submitted, r.Activated + sign*o.Activated,
		r.Blocked + sign*o.Blocked, r.Unblocked + sign*o.Unblocked, r.Fired + sign*o.Fired,
		r.Rehired + sign*o.Rehired, r.ActiveDelta + sign*o.ActiveDelta,
		r.FiredWithin7d + sign*o.FiredWithin7d, r.FiredWithin30d + sign*o.FiredWithin30d,
	}
}

// ReasonKey addresses a courier_reason_stats row.
type ReasonKey struct {
	Day int
	Dims
	ToStatus, Reason string
}

// DelayKey addresses a courier_activation_stats row.
type DelayKey struct {
	Day int
	Dims
	DelayDays int
}

// CountKey addresses a courier_counts row.
type CountKey struct {
	Dims
	Status string
}

// LossKey addresses a courier_loss_stats row: one day's write-offs of
// units the couriers of one cell held, at one warehouse.
type LossKey struct {
	Day int
	Dims
	Warehouse int
}

// Couriers is (a share of) the courier summaries.
type Couriers struct {
	Days    map[DayKey]DayRow
	Reasons map[ReasonKey]int
	Delays  map[DelayKey]int
	Counts  map[CountKey]int
	Losses  map[LossKey]StockRow
}

// NewCouriers returns empty courier summaries.
func NewCouriers() *Couriers {
	return &Couriers{Days: map[DayKey]DayRow{}, Reasons: map[ReasonKey]int{}, Delays: map[DelayKey]int{}, Counts: map[CountKey]int{},
		Losses: map[LossKey]StockRow{}}
}

// Change is one row of a courier's status history.
type Change struct {
	ID               int
	From, To, Reason string // From is "" for the first registration
	At               time.Time
}

// AddHistory adds the share of one courier's status history (in id order)
// to c, with sign +1 or -1.
func (c *Couriers) AddHistory(d Dims, hist []Change, sign int) {
	var lastNew, lastActivation time.Time
	for _, h := range hist {
		day := Day(h.At)
		var r DayRow
		switch {
		case h.From == "" && h.To == "new":
			r.Registered = 1
		case h.From == "new" && h.To == "new":
			r.Submitted = 1
		case h.From == "new" && h.To == "active":
			r.Activated = 1
		case h.From == "active" && h.To == "blocked":
			r.Blocked = 1
		case h.From == "blocked" && h.To == "active":
			r.Unblocked = 1
		case h.To == "fired":
			r.Fired = 1
		case h.From == "fired" && h.To == "new":
			r.Rehired = 1
		}
		if h.To == "active" && h.From != "active" {
			r.ActiveDelta++
		}
		if h.From == "active" && h.To != "active" {
			r.ActiveDelta--
		}
		k := DayKey{day, d}
		c.Days[k] = c.Days[k].add(r, sign)
		switch {
		case h.To == "new" && h.From != "new":
			lastNew = h.At
		case r.Activated == 1:
			lastActivation = h.At
			if !lastNew.IsZero() {
				dk := DelayKey{day, d, int(h.At.Sub(lastNew) / (24 * time.Hour))}
				c.Delays[dk] += sign
			}
		}
		if r.Blocked == 1 || r.Fired == 1 {
			c.Reasons[ReasonKey{day, d, h.To, h.Reason}] += sign
		}
		if r.Fired == 1 && !lastActivation.IsZero() {
			tenure := h.At.Sub(lastActivation)
			ck := DayKey{Day(lastActivation), d}
			var cr DayRow
			if tenure <= 7*24*time.Hour {
				cr.FiredWithin7d = 1
			}
			if tenure <= 30*24*time.Hour {
				cr.FiredWithin30d = 1
			}
			c.Days[ck] = c.Days[ck].add(cr, sign)
		}
	}
}

// withMonths returns c with the month rollups of its day rows (Days,
// Delays, Losses); Reasons and Counts have none.
func (c *Couriers) withMonths() *Couriers {
	return &Couriers{Days: rollUp(c.Days, DayRow.plus), Reasons: c.Reasons, Delays: rollUp(c.Delays, plusInt),
		Counts: c.Counts, Losses: rollUp(c.Losses, StockRow.plus)}
}

// dayKeyed is a summary key cut by day.
type dayKeyed[K any] interface {
	comparable
	day() int
	onDay(day int) K
}

func (k DayKey) day() int                 { return k.Day }
func (k DayKey) onDay(day int) DayKey     { k.Day = day; return k }
func (k DelayKey) day() int               { return k.Day }
func (k DelayKey) onDay(day int) DelayKey { k.Day = day; return k }
func (k LossKey) day() int                { return k.Day }
func (k LossKey) onDay(day int) LossKey   { k.Day = day; return k }
func (k StockKey) day() int               { return k.Day }
func (k StockKey) onDay(day int) StockKey { k.Day = day; return k }

// rollUp returns the day rows of m and, under each month's key, the sum of
// that month's day rows. Month rows already in m are dropped and rebuilt,
// so rolling up twice changes nothing.
func rollUp[K dayKeyed[K], V any](m map[K]V, plus func(a, b V) V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		if IsMonth(k.day()) {
			continue
		}
		out[k] = plus(out[k], v)
		mk := k.onDay(MonthKey(k.day()))
		out[mk] = plus(out[mk], v)
	}
	return out
}

func plusInt(a, b int) int { return a + b }

// AddCourier adds one courier's current status to the counts, with sign.
func (c *Couriers) AddCourier(d Dims, status string, sign int) {
	c.Counts[CountKey{d, status}] += sign
}

// AddLoss adds one write-off ledger row of a unit the courier held, with sign.
func (c *Couriers) AddLoss(d Dims, at time.Time, warehouse, qty int, unitCost int64, sign int) {
	k := LossKey{Day(at), d, warehouse}
	c.Losses[k] = c.Losses[k].add(StockRow{1, qty, int64(qty) * unitCost}, sign)
}

// Stock is (a share of) stock_day_stats.
type Stock map[StockKey]StockRow

// StockKey addresses a stock_day_stats row.
type StockKey struct {
	Day, Warehouse, Type int
	Kind, Reason         string
}

// StockRow is the sums of a stock_day_stats row.
type StockRow struct {
	Rows, Quantity int
	Value          int64
}

func (r StockRow) add(o StockRow, sign int) StockRow {
	return StockRow{r.Rows + sign*o.Rows, r.Quantity + sign*o.Quantity, r.Value + int64(sign)*o.Value}
}

func (r StockRow) plus(o StockRow) StockRow { return r.add(o, 1) }

// Add adds one ledger row.
func (s Stock) Add(at time.Time, warehouse, typ int, kind, reason string, qty int, unitCost int64) {
	k := StockKey{Day(at), warehouse, typ, kind, reason}
	s[k] = s[k].add(StockRow{1, qty, int64(qty) * unitCost}, 1)
}

// TotalKey addresses a stock_totals row.
type TotalKey struct {
	Warehouse, Type int
	Kind            string
}

// Totals is (a share of) stock_totals: the ledger summed over all time.
type Totals map[TotalKey]StockRow

// withMonths returns s with the month rollups of its day rows rebuilt.
func (s Stock) withMonths() Stock { return rollUp(s, StockRow.plus) }

// Totals sums the day rows of s over days and reasons.
func (s Stock) Totals() Totals {
	t := Totals{}
	for k, r := range s {
		if IsMonth(k.Day) {
			continue
		}
		tk := TotalKey{k.Warehouse, k.Type, k.Kind}
		t[tk] = t[tk].add(r, 1)
	}
	return t
}

func errf(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("summary: %s: %w", what, err)
}
