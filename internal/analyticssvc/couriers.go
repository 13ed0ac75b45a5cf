package analyticssvc

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
	"github.com/mycourier/mycourier/internal/authz"
)

// Statuses are the courier statuses, in lifecycle order.
var Statuses = []string{"new", "active", "blocked", "fired"}

// StatusCounts is a count per status.
type StatusCounts struct {
	New, Active, Blocked, Fired int
}

// Total is every status together.
func (c StatusCounts) Total() int { return c.New + c.Active + c.Blocked + c.Fired }

func (c *StatusCounts) add(status string, n int) {
	switch status {
	case "new":
		c.New += n
	case "active":
		c.Active += n
	case "blocked":
		c.Blocked += n
	case "fired":
		c.Fired += n
	}
}

// Breakdown is the headcount of one partner, region, branch or transport
// type. ID is 0 (and Name empty) for couriers with none; Key is the
// transport type for that breakdown.
type Breakdown struct {
	ID   int
	Key  string
	Name string
	StatusCounts
}

// Headcount is couriers by status now.
type Headcount struct {
	StatusCounts
	ByPartner, ByRegion, ByBranch, ByTransport []Breakdown
}

// Headcount counts the couriers in scope by status now, with breakdowns.
func (s *Service) Headcount(ctx context.Context, f Filter) (*Headcount, error) {
	sc, err := s.resolve(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.headcount(ctx, sc)
}

func (s *Service) headcount(ctx context.Context, sc *scope) (*Headcount, error) {
	cond, args := sc.where(nil)
	h := &Headcount{}
	byP, byR, byB, byT := map[int]*Breakdown{}, map[int]*Breakdown{}, map[int]*Breakdown{}, map[string]*Breakdown{}
	err := s.query(ctx, `SELECT partner_id, branch_id, transport_type, status, SUM(n) FROM courier_counts
		WHERE `+cond+` GROUP BY partner_id, branch_id, transport_type, status`, args, func(rows *sql.Rows) error {
		var p, b, n int
		var t, st string
		if err := rows.Scan(&p, &b, &t, &st, &n); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		h.add(st, n)
		get := func(m map[int]*Breakdown, id int, name string) *Breakdown {
			if m[id] == nil {
				m[id] = &Breakdown{ID: id, Name: name}
			}
			return m[id]
		}
		get(byP, p, sc.partnerName[p]).add(st, n)
		get(byB, b, sc.branchName[b]).add(st, n)
		r := sc.branchRegion[b]
		get(byR, r, sc.regionName[r]).add(st, n)
		if byT[t] == nil {
			byT[t] = &Breakdown{Key: t, Name: t}
		}
		byT[t].add(st, n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	h.ByPartner, h.ByRegion, h.ByBranch = sortedBreakdowns(byP), sortedBreakdowns(byR), sortedBreakdowns(byB)
	for _, t := range transportTypes {
		if byT[t] != nil {
			h.ByTransport = append(h.ByTransport, *byT[t])
		}
	}
	return h, nil
}

// sortedBreakdowns orders by size, largest first, then by id.
func sortedBreakdowns(m map[int]*Breakdown) []Breakdown {
	out := make([]Breakdown, 0, len(m))
	for _, b := range m {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b Breakdown) int {
		if a.Total() != b.Total() {
			return b.Total() - a.Total()
		}
		return a.ID - b.ID
	})
	return out
}

// ActivePoint is the active count at the end of one period.
type ActivePoint struct {
	Period
	Active int
}

// ActiveOverTime is the number of active couriers at the end of each period,
// summed from the day counts of the status history: a past day's figure
// does not change when today's data does.
func (s *Service) ActiveOverTime(ctx context.Context, f Filter, iv Interval) ([]ActivePoint, error) {
	iv, err := parseInterval(iv)
	if err != nil {
		return nil, err
	}
	sc, err := s.resolve(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.activeOverTime(ctx, sc, iv)
}

func (s *Service) activeOverTime(ctx context.Context, sc *scope, iv Interval) ([]ActivePoint, error) {
	ps := periods(sc.from, sc.to, iv)
	out := make([]ActivePoint, len(ps))
	for i, p := range ps {
		out[i].Period = p
	}
	// Everything before the period is one number: the month rows of the
	// months before it and the day rows of its first month before it. The
	// days inside it come one by one.
	earliest := 0
	err := s.query(ctx, `SELECT COALESCE(MIN(day), 0) FROM courier_day_stats`, nil, func(rows *sql.Rows) error { return rows.Scan(&earliest) })
	if err != nil {
		return nil, err
	}
	var months []int
	for m := earliest / 100; earliest > 0 && m < sc.from/100; m = summary.NextMonth(m) {
		months = append(months, m*100)
	}
	a := &authz.SQLArgs{Dialect: sc.dialect}
	bucket := "CASE WHEN day < " + a.Add(sc.from) + " THEN 0 ELSE day END"
	rowsOf := "(day >= " + a.Add(summary.MonthKey(sc.from)+1) + " AND day <= " + a.Add(sc.to) + " AND day % 100 <> 0)"
	if len(months) > 0 {
		rowsOf = "(day IN " + authz.List(a, months) + " OR " + rowsOf + ")"
	}
	cond, args := sc.where(a.Values)
	deltas := make([]int, len(ps))
	base := 0
	err = s.query(ctx, `SELECT `+bucket+` AS d, SUM(active_delta) FROM courier_day_stats
		WHERE `+rowsOf+` AND active_delta <> 0 AND `+cond+` GROUP BY `+bucket, args, func(rows *sql.Rows) error {
		var day, n int
		if err := rows.Scan(&day, &n); err != nil {
			return err
		}
		if day == 0 {
			base += n
		} else {
			deltas[periodIndex(ps, day)] += n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		base += deltas[i]
		out[i].Active = base
	}
	return out, nil
}

// Count is a number with a label (a reason code).
type Count struct {
	Key   string
	Count int
}

// FlowPoint is one period's lifecycle events.
type FlowPoint struct {
	Period
	Onboarded, Submitted, Activated, Blocked, Unblocked, Fired, Rehired int
	FiredByReason                                                       []Count
}

// Flow counts the lifecycle events of each period.
func (s *Service) Flow(ctx context.Context, f Filter, iv Interval) ([]FlowPoint, error) {
	iv, err := parseInterval(iv)
	if err != nil {
		return nil, err
	}
	sc, err := s.resolve(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.flow(ctx, sc, iv)
}

func (s *Service) flow(ctx context.Context, sc *scope, iv Interval) ([]FlowPoint, error) {
	ps := periods(sc.from, sc.to, iv)
	out := make([]FlowPoint, len(ps))
	for i, p := range ps {
		out[i].Period = p
	}
	cond, args := sc.where([]any{sc.from, sc.to})
	err := s.query(ctx, `SELECT day, SUM(registered), SUM(submitted), SUM(activated), SUM(blocked), SUM(unblocked), SUM(fired), SUM(rehired)
		FROM courier_day_stats WHERE day >= $1 AND day <= $2 AND day % 100 <> 0 AND `+cond+` GROUP BY day`, args, func(rows *sql.Rows) error {
		var day, a, b, c, d, e, f, g int
		if err := rows.Scan(&day, &a, &b, &c, &d, &e, &f, &g); err != nil {
			return err
		}
		p := &out[periodIndex(ps, day)]
		p.Onboarded += a
		p.Submitted += b
		p.Activated += c
		p.Blocked += d
		p.Unblocked += e
		p.Fired += f
		p.Rehired += g
		return nil
	})
	if err != nil {
		return nil, err
	}
	reasons := make([]map[string]int, len(ps))
	err = s.query(ctx, `SELECT day, reason, SUM(n) FROM courier_reason_stats
		WHERE day >= $1 AND day <= $2 AND to_status = 'fired' AND `+cond+` GROUP BY day, reason`, args, func(rows *sql.Rows) error {
		var day, n int
		var reason string
		if err := rows.Scan(&day, &reason, &n); err != nil {
			return err
		}
		i := periodIndex(ps, day)
		if reasons[i] == nil {
			reasons[i] = map[string]int{}
		}
		reasons[i][reason] += n
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, m := range reasons {
		out[i].FiredByReason = sortedCounts(m)
	}
	return out, nil
}

func sortedCounts(m map[string]int) []Count {
	out := []Count{}
	for k, n := range m {
		if n != 0 {
			out = append(out, Count{k, n})
		}
	}
	slices.SortFunc(out, func(a, b Count) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		if a.Key < b.Key {
			return -1
		}
		return 1
	})
	return out
}

// Funnel is the onboarding funnel of the period: couriers registered
// (onboarded, imported or rehired), submitted for activation and activated
// in it, and how many whole days activation took.
type Funnel struct {
	Registered, Submitted, Activated int
	// SubmittedRate and ActivatedRate are shares of Registered (0 when none).
	SubmittedRate, ActivatedRate float64
	// DaysToActivationMedian and DaysToActivationP90 are whole days from
	// registration (or rehire) to activation, nearest rank; nil when no
	// courier was activated.
	DaysToActivationMedian, DaysToActivationP90 *int
}

// Funnel answers the onboarding funnel of the period.
func (s *Service) Funnel(ctx context.Context, f Filter) (*Funnel, error) {
	sc, err := s.resolve(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.funnel(ctx, sc)
}

func (s *Service) funnel(ctx context.Context, sc *scope) (*Funnel, error) {
	span, args := sc.span("day", nil)
	cond, args := sc.where(args)
	out := &Funnel{}
	err := s.query(ctx, `SELECT COALESCE(SUM(registered + rehired), 0), COALESCE(SUM(submitted), 0), COALESCE(SUM(activated), 0)
		FROM courier_day_stats WHERE `+span+` AND `+cond, args, func(rows *sql.Rows) error {
		return rows.Scan(&out.Registered, &out.Submitted, &out.Activated)
	})
	if err != nil {
		return nil, err
	}
	out.SubmittedRate, out.ActivatedRate = ratio(out.Submitted, out.Registered), ratio(out.Activated, out.Registered)
	type bucket struct{ days, n int }
	var hist []bucket
	total := 0
	err = s.query(ctx, `SELECT delay_days, SUM(n) FROM courier_activation_stats
		WHERE `+span+` AND `+cond+` GROUP BY delay_days ORDER BY delay_days`, args, func(rows *sql.Rows) error {
		var b bucket
		if err := rows.Scan(&b.days, &b.n); err != nil {
			return err
		}
		if b.n > 0 {
			hist = append(hist, b)
			total += b.n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rank := func(p float64) *int {
		if total == 0 {
			return nil
		}
		// Nearest rank: the smallest value with at least p of the counts at or below it.
		need := int(p*float64(total) + 0.999999)
		seen := 0
		for _, b := range hist {
			if seen += b.n; seen >= need {
				return &b.days
			}
		}
		return &hist[len(hist)-1].days
	}
	out.DaysToActivationMedian, out.DaysToActivationP90 = rank(0.5), rank(0.9)
	return out, nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Cohort is the couriers activated in one month and how many of them were
// fired within 7 and 30 days of activation.
type Cohort struct {
	Month                        time.Time
	Activated, Fired7d, Fired30d int
	Fired7dRate, Fired30dRate    float64
}

// Churn is the cohorts of the period and its rehire rate.
type Churn struct {
	Cohorts []Cohort
	// Fired and Rehired are the period's firings and rehires; RehireRate is
	// Rehired / Fired (0 when none were fired).
	Fired, Rehired int
	RehireRate     float64
}

// Churn answers the churn of the couriers activated in the period, per cohort month.
func (s *Service) Churn(ctx context.Context, f Filter) (*Churn, error) {
	sc, err := s.resolve(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.churn(ctx, sc)
}

func (s *Service) churn(ctx context.Context, sc *scope) (*Churn, error) {
	span, args := sc.span("day", nil)
	cond, args := sc.where(args)
	out := &Churn{}
	byMonth := map[int]*Cohort{}
	err := s.query(ctx, `SELECT day / 100, SUM(activated), SUM(fired_within_7d), SUM(fired_within_30d), SUM(fired), SUM(rehired)
		FROM courier_day_stats WHERE `+span+` AND `+cond+` GROUP BY day / 100`, args, func(rows *sql.Rows) error {
		var m, a, f7, f30, fired, rehired int
		if err := rows.Scan(&m, &a, &f7, &f30, &fired, &rehired); err != nil {
			return err
		}
		out.Fired += fired
		out.Rehired += rehired
		if a > 0 || f7 > 0 || f30 > 0 {
			byMonth[m] = &Cohort{Month: time.Date(m/100, time.Month(m%100), 1, 0, 0, 0, 0, summary.Zone()), Activated: a, Fired7d: f7, Fired30d: f30}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, m := range sortedIntKeys(byMonth) {
		c := byMonth[m]
		c.Fired7dRate, c.Fired30dRate = ratio(c.Fired7d, c.Activated), ratio(c.Fired30d, c.Activated)
		out.Cohorts = append(out.Cohorts, *c)
	}
	out.RehireRate = ratio(out.Rehired, out.Fired)
	return out, nil
}

func sortedIntKeys[V any](m map[int]V) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
