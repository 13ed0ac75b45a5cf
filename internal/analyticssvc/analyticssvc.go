// Package analyticssvc answers the dashboard: headcount, active couriers over
// time, lifecycle flow, the onboarding funnel, churn and stock figures, all
// under one filter with the viewer's scope applied on top. It reads the
// summary tables kept by package summary (a few thousand rows instead of
// millions of history and ledger rows) and, for the figures with no
// summary, small current-state tables.
package analyticssvc

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
)

// Service answers dashboard queries.
type Service struct {
	client *ent.Client
	db     summary.Querier // plain SQL through the same client
	now    func() time.Time
}

// Options tune New.
type Options struct {
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time
}

// New returns the analytics service over client.
func New(client *ent.Client, opts Options) *Service {
	if client == nil {
		panic("analyticssvc: a client is required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{client: client, db: client, now: opts.Now}
}

// Interval is the length of one period of a time series.
type Interval string

// Intervals.
const (
	Day   Interval = "day"
	Week  Interval = "week"
	Month Interval = "month"
)

// Filter is the one filter of every section. From and To are local days
// (Tashkent; the time of day is ignored), both included; To defaults to
// today and From to 29 days before To. Empty lists do not restrict.
type Filter struct {
	From, To       *time.Time
	PartnerIDs     []int
	RegionIDs      []int
	BranchIDs      []int
	TransportTypes []string
}

// MaxDays bounds a filter's period (a DAY series has a point per day).
const MaxDays = 3 * 366

var transportTypes = []string{"foot", "bicycle", "scooter", "moto", "car"}

// ErrRange: the period is empty or too long.
var ErrRange = apperr.InvalidField("filter", "analytics.range", fmt.Sprintf("from must not be after to, and the period at most %d days", MaxDays))

// scope is a resolved filter: the cells of the summaries a query may read.
type scope struct {
	from, to   int // yyyymmdd
	partners   []int
	branches   []int // nil: any branch (also none); non-nil: only these
	transports []string
	warehouses []int       // nil: every warehouse
	courier    authz.Bound // the viewer's courier reach
	dialect    string
	// names for the breakdowns
	partnerName, branchName, regionName, warehouseName, typeName map[int]string
	branchRegion, warehouseBranch                                map[int]int
}

func forbidden(what string, id int) error {
	return apperr.New(apperr.CodeForbidden, "analytics.outOfScope", fmt.Sprintf("%s %d is outside your scope", what, id)).
		WithRu(fmt.Sprintf("%s %d вне вашей зоны доступа", what, id)).WithDetail(what, id)
}

// intersect narrows a (nil: everything) to b (nil: everything).
func intersect(a, b []int) []int {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	out := []int{}
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// resolve checks f against the viewer's scope (asking for something
// outside it is FORBIDDEN, not an empty answer) and turns both into the
// summary cells to read.
func (s *Service) resolve(ctx context.Context, f Filter) (*scope, error) {
	v := authz.FromContext(ctx)
	if v == nil {
		return nil, apperr.ErrUnauthenticated
	}
	sys := authz.SystemContext(ctx, "analytics")
	sc := &scope{
		dialect:     s.client.Dialect(),
		partnerName: map[int]string{}, branchName: map[int]string{}, regionName: map[int]string{},
		warehouseName: map[int]string{}, typeName: map[int]string{}, branchRegion: map[int]int{}, warehouseBranch: map[int]int{},
	}
	today := summary.Day(s.now())
	sc.to = today
	if f.To != nil {
		sc.to = dayOf(*f.To)
	}
	sc.from = summary.Day(summary.DayStart(sc.to).AddDate(0, 0, -29))
	if f.From != nil {
		sc.from = dayOf(*f.From)
	}
	if sc.from > sc.to || summary.DayStart(sc.to).Sub(summary.DayStart(sc.from)) > MaxDays*24*time.Hour {
		return nil, ErrRange
	}
	for _, t := range f.TransportTypes {
		if !slices.Contains(transportTypes, t) {
			return nil, apperr.InvalidField("transportTypes", "analytics.transportType", fmt.Sprintf("%q is not a transport type", t))
		}
	}
	if len(f.TransportTypes) > 0 {
		sc.transports = f.TransportTypes
	}
	// Reference data is small: read it whole, as the system.
	ps, err := s.client.Partner.Query().All(sys)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		sc.partnerName[p.ID] = p.Name
	}
	rs, err := s.client.Region.Query().All(sys)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		sc.regionName[r.ID] = r.Name
	}
	bs, err := s.client.Branch.Query().All(sys)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		sc.branchName[b.ID] = b.Name
		sc.branchRegion[b.ID] = b.RegionID
	}
	ws, err := s.client.Warehouse.Query().All(sys)
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		sc.warehouseName[w.ID] = w.Name
		sc.warehouseBranch[w.ID] = w.BranchID
	}
	ts, err := s.client.EquipmentType.Query().All(sys)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		sc.typeName[t.ID] = t.Name
	}
	branchesIn := func(regions []int) []int {
		out := []int{}
		for b, r := range sc.branchRegion {
			if slices.Contains(regions, r) {
				out = append(out, b)
			}
		}
		slices.Sort(out)
		return out
	}

	// The viewer's scope: the predicates of authz, applied as SQL to the
	// courier cells and as the Go predicate to the warehouse list.
	cr := authz.CourierReach.For(v)
	wr := authz.WarehouseReach.For(v)
	sc.courier = cr
	// Asking for what the scope excludes is refused by name.
	for _, p := range f.PartnerIDs {
		if cr.None || (cr.IDs(authz.Partners) != nil && !slices.Contains(cr.IDs(authz.Partners), p)) {
			return nil, forbidden("partner", p)
		}
	}
	scopeRegions := cr.IDs(authz.Regions)
	if scopeRegions == nil && !wr.All && !wr.None {
		scopeRegions = wr.IDs(authz.Regions)
	}
	for _, r := range f.RegionIDs {
		if (cr.None && wr.None) || (scopeRegions != nil && !slices.Contains(scopeRegions, r)) {
			return nil, forbidden("region", r)
		}
	}
	for _, b := range f.BranchIDs {
		if (cr.None && wr.None) || (scopeRegions != nil && !slices.Contains(scopeRegions, sc.branchRegion[b])) {
			return nil, forbidden("branch", b)
		}
	}

	// Couriers: the filter here, the scope in where.
	if len(f.PartnerIDs) > 0 {
		sc.partners = f.PartnerIDs
	}
	var branches []int
	if len(f.RegionIDs) > 0 {
		branches = branchesIn(f.RegionIDs)
	}
	if len(f.BranchIDs) > 0 {
		branches = intersect(branches, f.BranchIDs)
	}
	sc.branches = branches

	// Warehouses: those of the filtered branches, within the scope.
	var whs []int
	if branches != nil || !wr.All {
		whs = []int{}
		for w, b := range sc.warehouseBranch {
			row := func(key string) (int, bool) {
				switch key {
				case "id":
					return w, true
				case "branch.region_id":
					r, ok := sc.branchRegion[b]
					return r, ok
				}
				return 0, false
			}
			if (branches == nil || slices.Contains(branches, b)) && wr.Match(row) {
				whs = append(whs, w)
			}
		}
	}
	if whs != nil {
		slices.Sort(whs)
	}
	sc.warehouses = whs
	return sc, nil
}

func dayOf(t time.Time) int { return t.Year()*10000 + int(t.Month())*100 + t.Day() }

// where builds the SQL condition of the courier cells in the filter and the
// viewer's scope, with its arguments numbered after args.
func (sc *scope) where(args []any) (string, []any) {
	a := &authz.SQLArgs{Dialect: sc.dialect, Values: args}
	var conds []string
	in := func(col string, vals []any) {
		if len(vals) == 0 {
			conds = append(conds, "1 = 0")
			return
		}
		conds = append(conds, col+" IN "+authz.List(a, vals))
	}
	if sc.partners != nil {
		in("partner_id", anys(sc.partners))
	}
	if sc.branches != nil {
		in("branch_id", anys(sc.branches))
	}
	if sc.transports != nil {
		in("transport_type", anys(sc.transports))
	}
	// The cells carry the couriers' partner_id and branch_id.
	if !sc.courier.All {
		conds = append(conds, sc.courier.SQL("", a))
	}
	if len(conds) == 0 {
		return "1 = 1", a.Values
	}
	return strings.Join(conds, " AND "), a.Values
}

// span is the condition on a summary's day column that covers the period
// [from, to] with the fewest rows: its whole months from their month rows
// (summary.MonthKey), the days before and after them from day rows. Rows
// are found by the day index: the month rows are listed, not filtered. Its
// placeholders are numbered after args, in the order they appear (SQLite
// numbers a named $n by its first appearance).
func (sc *scope) span(col string, args []any) (string, []any) {
	a := &authz.SQLArgs{Dialect: sc.dialect, Values: args}
	days := col + " % 100 <> 0"
	first, last := sc.from/100, sc.to/100
	if sc.from%100 != 1 {
		first = summary.NextMonth(first)
	}
	if summary.Day(summary.DayStart(sc.to).AddDate(0, 0, 1))%100 != 1 {
		last = summary.PrevMonth(last)
	}
	if first > last {
		cond := "(" + col + " >= " + a.Add(sc.from)
		cond += " AND " + col + " <= " + a.Add(sc.to) + " AND " + days + ")"
		return cond, a.Values
	}
	var months []int
	for m := first; m <= last; m = summary.NextMonth(m) {
		months = append(months, m*100)
	}
	cond := "((" + col + " >= " + a.Add(sc.from)
	cond += " AND " + col + " < " + a.Add(first*100) + ")"
	cond += " OR " + col + " IN " + authz.List(a, months)
	cond += " OR (" + col + " > " + a.Add(last*100+99)
	cond += " AND " + col + " <= " + a.Add(sc.to) + " AND " + days + "))"
	return cond, a.Values
}

// whereWarehouse builds the SQL condition of the warehouses in scope.
func (sc *scope) whereWarehouse(col string, args []any) (string, []any) {
	if sc.warehouses == nil {
		return "1 = 1", args
	}
	if len(sc.warehouses) == 0 {
		return "1 = 0", args
	}
	a := &authz.SQLArgs{Dialect: sc.dialect, Values: args}
	return col + " IN " + authz.List(a, sc.warehouses), a.Values
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// readsAtOnce bounds the reads one section runs at the same time.
const readsAtOnce = 3

// together runs a section's independent reads at once, each on its own
// pooled connection, so the section costs about its slowest read rather
// than their sum; the first error cancels the rest.
func together(ctx context.Context, reads ...func(context.Context) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(readsAtOnce)
	for _, read := range reads {
		g.Go(func() error { return read(ctx) })
	}
	return g.Wait()
}

func (s *Service) query(ctx context.Context, q string, args []any, each func(*sql.Rows) error) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("analytics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return fmt.Errorf("analytics: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("analytics: %w", err)
	}
	return nil
}

// periodStart is the first day of the period of interval that holds day.
func periodStart(day int, iv Interval) time.Time {
	t := summary.DayStart(day)
	switch iv {
	case Week:
		// ISO weeks start on Monday.
		return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
	case Month:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, summary.Zone())
	}
	return t
}

// Period is one step of a time series: [Start, End], both days included,
// clipped to the filter's period.
type Period struct {
	Start, End time.Time
}

// periods splits [from, to] by interval.
func periods(from, to int, iv Interval) []Period {
	var out []Period
	end := summary.DayStart(to)
	for t := summary.DayStart(from); !t.After(end); {
		var next time.Time
		switch iv {
		case Week:
			next = periodStart(summary.Day(t), Week).AddDate(0, 0, 7)
		case Month:
			next = periodStart(summary.Day(t), Month).AddDate(0, 1, 0)
		default:
			next = t.AddDate(0, 0, 1)
		}
		last := next.AddDate(0, 0, -1)
		if last.After(end) {
			last = end
		}
		out = append(out, Period{Start: t, End: last})
		t = next
	}
	return out
}

// periodIndex finds the period a day falls in.
func periodIndex(ps []Period, day int) int {
	t := summary.DayStart(day)
	i, _ := slices.BinarySearchFunc(ps, t, func(p Period, t time.Time) int {
		switch {
		case p.End.Before(t):
			return -1
		case p.Start.After(t):
			return 1
		}
		return 0
	})
	return i
}

func parseInterval(iv Interval) (Interval, error) {
	switch iv {
	case "":
		return Day, nil
	case Day, Week, Month:
		return iv, nil
	}
	return "", apperr.InvalidField("interval", "analytics.interval", "is not DAY, WEEK or MONTH")
}

// View is a filter checked against the viewer's scope: the dashboard's
// sections read through it, so the scope is resolved once per request and
// only the sections asked for are computed.
type View struct {
	s  *Service
	sc *scope
}

// Open checks f against the viewer's scope.
func (s *Service) Open(ctx context.Context, f Filter) (*View, error) {
	sc, err := s.resolve(ctx, f)
	if err != nil {
		return nil, err
	}
	return &View{s: s, sc: sc}, nil
}

// From and To are the view's period (local days).
func (v *View) From() time.Time { return summary.DayStart(v.sc.from) }

// To is the last day of the view's period.
func (v *View) To() time.Time { return summary.DayStart(v.sc.to) }

// Headcount is couriers by status now.
func (v *View) Headcount(ctx context.Context) (*Headcount, error) { return v.s.headcount(ctx, v.sc) }

// ActiveOverTime is active couriers at the end of each period.
func (v *View) ActiveOverTime(ctx context.Context, iv Interval) ([]ActivePoint, error) {
	iv, err := parseInterval(iv)
	if err != nil {
		return nil, err
	}
	return v.s.activeOverTime(ctx, v.sc, iv)
}

// Flow is each period's lifecycle events.
func (v *View) Flow(ctx context.Context, iv Interval) ([]FlowPoint, error) {
	iv, err := parseInterval(iv)
	if err != nil {
		return nil, err
	}
	return v.s.flow(ctx, v.sc, iv)
}

// Funnel is the onboarding funnel of the period.
func (v *View) Funnel(ctx context.Context) (*Funnel, error) { return v.s.funnel(ctx, v.sc) }

// Churn is the churn of the period's activation cohorts.
func (v *View) Churn(ctx context.Context) (*Churn, error) { return v.s.churn(ctx, v.sc) }

// Stock is the stock section.
func (v *View) Stock(ctx context.Context) (*Stock, error) { return v.s.stock(ctx, v.sc) }

// Dashboard is every section at once (exports, tests).
type Dashboard struct {
	From, To       time.Time
	Headcount      *Headcount
	ActiveOverTime []ActivePoint
	Flow           []FlowPoint
	Funnel         *Funnel
	Churn          *Churn
	Stock          *Stock
}

// Dashboard computes every section, the time series by iv.
func (s *Service) Dashboard(ctx context.Context, f Filter, iv Interval) (*Dashboard, error) {
	v, err := s.Open(ctx, f)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{From: v.From(), To: v.To()}
	if d.Headcount, err = v.Headcount(ctx); err != nil {
		return nil, err
	}
	if d.ActiveOverTime, err = v.ActiveOverTime(ctx, iv); err != nil {
		return nil, err
	}
	if d.Flow, err = v.Flow(ctx, iv); err != nil {
		return nil, err
	}
	if d.Funnel, err = v.Funnel(ctx); err != nil {
		return nil, err
	}
	if d.Churn, err = v.Churn(ctx); err != nil {
		return nil, err
	}
	if d.Stock, err = v.Stock(ctx); err != nil {
		return nil, err
	}
	return d, nil
}
