package analyticssvc

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"sync"
	"time"

	"github.com/mycourier/mycourier/internal/analyticssvc/summary"
)

// StockLine is one equipment type in one warehouse.
type StockLine struct {
	WarehouseID, EquipmentTypeID int
	Warehouse, EquipmentType     string
	// OnHand includes Quarantined (returned damaged, not issuable).
	OnHand, Quarantined int
	// InTransit is sent from this warehouse and not yet received.
	InTransit int
	// Issued and Returned are the period's issues and returns to couriers.
	Issued, Returned int
	// Outstanding is what couriers hold of what this warehouse issued (all time).
	Outstanding int
	MinLevel    int
	Low         bool
}

// WriteOffs is one month's write-offs for one reason.
type WriteOffs struct {
	Month    time.Time
	Reason   string
	Quantity int
	Value    int64
}

// PartnerLoss is the value of equipment couriers of one partner lost in the
// period, per active courier now.
type PartnerLoss struct {
	PartnerID      int
	Partner        string
	Value          int64
	ActiveCouriers int
	ValuePerActive float64
	UnitsLost      int
}

// SuggestedMinimum is how many units of one equipment type a branch should
// keep: SuggestedReserveShare of its active couriers' kit needs, rounded up
// (enough to equip a month of hires and replacements at typical turnover).
type SuggestedMinimum struct {
	BranchID, EquipmentTypeID int
	Branch, EquipmentType     string
	ActiveCouriers            int
	KitNeed                   int
	Suggested                 int
}

// SuggestedReserveShare is the share of active couriers' kit needs a branch
// should keep in stock.
const SuggestedReserveShare = 0.10

// Stock is the stock section.
type Stock struct {
	Lines     []StockLine
	LowStock  []StockLine
	WriteOffs []WriteOffs
	Losses    []PartnerLoss
	Suggested []SuggestedMinimum
}

// Stock answers the stock section.
func (s *Service) Stock(ctx context.Context, f Filter) (*Stock, error) {
	sc, err := s.resolve(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.stock(ctx, sc)
}

type lineKey struct{ w, t int }

func (s *Service) stock(ctx context.Context, sc *scope) (*Stock, error) {
	out := &Stock{}
	lines := map[lineKey]*StockLine{}
	line := func(w, t int) *StockLine {
		k := lineKey{w, t}
		if lines[k] == nil {
			lines[k] = &StockLine{WarehouseID: w, EquipmentTypeID: t, Warehouse: sc.warehouseName[w], EquipmentType: sc.typeName[t]}
		}
		return lines[k]
	}
	var mu sync.Mutex // the line reads run at once and fill one map
	each := func(f func(*sql.Rows) error) func(*sql.Rows) error {
		return func(rows *sql.Rows) error {
			mu.Lock()
			defer mu.Unlock()
			return f(rows)
		}
	}
	balances := func(ctx context.Context) error {
		wcond, args := sc.whereWarehouse("warehouse_id", nil)
		return s.query(ctx, `SELECT warehouse_id, equipment_type_id, quantity, quarantined, min_level FROM stock_balances WHERE `+wcond, args,
			each(func(rows *sql.Rows) error {
				var w, t, q, qq, min int
				if err := rows.Scan(&w, &t, &q, &qq, &min); err != nil {
					return err
				}
				l := line(w, t)
				l.OnHand, l.Quarantined, l.MinLevel, l.Low = q, qq, min, q-qq < min
				return nil
			}))
	}
	inTransit := func(ctx context.Context) error {
		tcond, targs := sc.whereWarehouse("t.from_warehouse_id", nil)
		return s.query(ctx, `SELECT t.from_warehouse_id, l.equipment_type_id, SUM(l.quantity_sent) FROM transfers t
			JOIN transfer_lines l ON l.transfer_id = t.id WHERE t.status = 'in_transit' AND `+tcond+`
			GROUP BY t.from_warehouse_id, l.equipment_type_id`, targs,
			each(func(rows *sql.Rows) error {
				var w, t, n int
				if err := rows.Scan(&w, &t, &n); err != nil {
					return err
				}
				line(w, t).InTransit = n
				return nil
			}))
	}
	// Issues are negative ledger rows, returns positive: what couriers hold
	// of a warehouse's issues is minus their sum over all time.
	issued := func(ctx context.Context) error {
		span, args := sc.span("day", nil)
		wcond, args := sc.whereWarehouse("warehouse_id", args)
		return s.query(ctx, `SELECT warehouse_id, equipment_type_id, kind, SUM(quantity) FROM stock_day_stats
			WHERE kind IN ('issue', 'return') AND `+span+` AND `+wcond+`
			GROUP BY warehouse_id, equipment_type_id, kind`, args,
			each(func(rows *sql.Rows) error {
				var w, t, n int
				var kind string
				if err := rows.Scan(&w, &t, &kind, &n); err != nil {
					return err
				}
				if kind == "issue" {
					line(w, t).Issued = -n
				} else {
					line(w, t).Returned = n
				}
				return nil
			}))
	}
	outstanding := func(ctx context.Context) error {
		wcond, args := sc.whereWarehouse("warehouse_id", nil)
		return s.query(ctx, `SELECT warehouse_id, equipment_type_id, SUM(quantity) FROM stock_totals
			WHERE kind IN ('issue', 'return') AND `+wcond+` GROUP BY warehouse_id, equipment_type_id`, args,
			each(func(rows *sql.Rows) error {
				var w, t, n int
				if err := rows.Scan(&w, &t, &n); err != nil {
					return err
				}
				line(w, t).Outstanding = -n
				return nil
			}))
	}
	err := together(ctx, balances, inTransit, issued, outstanding,
		func(ctx context.Context) error { return s.writeOffs(ctx, sc, out) },
		func(ctx context.Context) error { return s.losses(ctx, sc, out) },
		func(ctx context.Context) error { return s.suggested(ctx, sc, out) })
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		out.Lines = append(out.Lines, *l)
	}
	slices.SortFunc(out.Lines, func(a, b StockLine) int {
		return cmp.Or(cmp.Compare(a.Warehouse, b.Warehouse), cmp.Compare(a.WarehouseID, b.WarehouseID), cmp.Compare(a.EquipmentType, b.EquipmentType), cmp.Compare(a.EquipmentTypeID, b.EquipmentTypeID))
	})
	for _, l := range out.Lines {
		if l.Low {
			out.LowStock = append(out.LowStock, l)
		}
	}
	return out, nil
}

// writeOffs: the period's write-offs per month and reason, with value.
func (s *Service) writeOffs(ctx context.Context, sc *scope, out *Stock) error {
	span, args := sc.span("day", nil)
	wcond, args := sc.whereWarehouse("warehouse_id", args)
	type wk struct {
		month  int
		reason string
	}
	wo := map[wk]*WriteOffs{}
	err := s.query(ctx, `SELECT day / 100, reason, SUM(quantity), SUM(value) FROM stock_day_stats
		WHERE kind = 'write_off' AND `+span+` AND `+wcond+` GROUP BY day / 100, reason`, args, func(rows *sql.Rows) error {
		var m, q int
		var reason string
		var v int64
		if err := rows.Scan(&m, &reason, &q, &v); err != nil {
			return err
		}
		wo[wk{m, reason}] = &WriteOffs{Month: time.Date(m/100, time.Month(m%100), 1, 0, 0, 0, 0, summary.Zone()), Reason: reason, Quantity: -q, Value: -v}
		return nil
	})
	if err != nil {
		return err
	}
	for _, w := range wo {
		out.WriteOffs = append(out.WriteOffs, *w)
	}
	slices.SortFunc(out.WriteOffs, func(a, b WriteOffs) int {
		return cmp.Or(a.Month.Compare(b.Month), cmp.Compare(a.Reason, b.Reason))
	})
	return nil
}

// losses: write-offs of units a courier held (lost or damaged on them),
// by the courier's partner, over the partner's active couriers now. They
// come from courier_loss_stats, cut like the other courier summaries.
func (s *Service) losses(ctx context.Context, sc *scope, out *Stock) error {
	span, args := sc.span("day", nil)
	ccond, args := sc.where(args)
	wcond, args := sc.whereWarehouse("warehouse_id", args)
	byPartner := map[int]*PartnerLoss{}
	err := s.query(ctx, `SELECT partner_id, -SUM(quantity), -SUM(value) FROM courier_loss_stats
		WHERE `+span+` AND `+wcond+` AND `+ccond+` GROUP BY partner_id`, args, func(rows *sql.Rows) error {
		var p, units int
		var v int64
		if err := rows.Scan(&p, &units, &v); err != nil {
			return err
		}
		byPartner[p] = &PartnerLoss{PartnerID: p, Partner: sc.partnerName[p], Value: v, UnitsLost: units}
		return nil
	})
	if err != nil {
		return err
	}
	cond, cargs := sc.where(nil)
	err = s.query(ctx, `SELECT partner_id, SUM(n) FROM courier_counts WHERE status = 'active' AND `+cond+` GROUP BY partner_id`, cargs, func(rows *sql.Rows) error {
		var p, n int
		if err := rows.Scan(&p, &n); err != nil {
			return err
		}
		if l := byPartner[p]; l != nil {
			l.ActiveCouriers = n
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, l := range byPartner {
		l.ValuePerActive = ratio64(l.Value, l.ActiveCouriers)
		out.Losses = append(out.Losses, *l)
	}
	slices.SortFunc(out.Losses, func(a, b PartnerLoss) int {
		return cmp.Or(cmp.Compare(b.Value, a.Value), cmp.Compare(a.PartnerID, b.PartnerID))
	})
	return nil
}

func ratio64(a int64, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// suggested: per branch and equipment type, the reserve share of what the
// branch's active couriers' kits need (the kit of their transport type).
func (s *Service) suggested(ctx context.Context, sc *scope, out *Stock) error {
	type bt struct {
		branch    int
		transport string
	}
	active := map[bt]int{}
	cond, args := sc.where(nil)
	err := s.query(ctx, `SELECT branch_id, transport_type, SUM(n) FROM courier_counts WHERE status = 'active' AND branch_id <> 0 AND `+cond+`
		GROUP BY branch_id, transport_type`, args, func(rows *sql.Rows) error {
		var b, n int
		var t string
		if err := rows.Scan(&b, &t, &n); err != nil {
			return err
		}
		active[bt{b, t}] = n
		return nil
	})
	if err != nil {
		return err
	}
	// One kit per transport type: the oldest that is not archived.
	kit := map[string]map[int]int{}
	err = s.query(ctx, `SELECT k.transport_type, l.equipment_type_id, l.quantity FROM kits k JOIN kit_items l ON l.kit_id = k.id
		WHERE k.archived_at IS NULL AND k.id = (SELECT MIN(k2.id) FROM kits k2 WHERE k2.transport_type = k.transport_type AND k2.archived_at IS NULL)`, nil,
		func(rows *sql.Rows) error {
			var t string
			var typ, q int
			if err := rows.Scan(&t, &typ, &q); err != nil {
				return err
			}
			if kit[t] == nil {
				kit[t] = map[int]int{}
			}
			kit[t][typ] += q
			return nil
		})
	if err != nil {
		return err
	}
	type key struct{ branch, typ int }
	agg := map[key]*SuggestedMinimum{}
	for k, n := range active {
		for typ, q := range kit[k.transport] {
			a := agg[key{k.branch, typ}]
			if a == nil {
				a = &SuggestedMinimum{BranchID: k.branch, EquipmentTypeID: typ, Branch: sc.branchName[k.branch], EquipmentType: sc.typeName[typ]}
				agg[key{k.branch, typ}] = a
			}
			a.ActiveCouriers += n
			a.KitNeed += n * q
		}
	}
	for _, a := range agg {
		// Integer ceiling of KitNeed × share, without float rounding surprises.
		a.Suggested = (a.KitNeed*int(SuggestedReserveShare*100) + 99) / 100
		out.Suggested = append(out.Suggested, *a)
	}
	slices.SortFunc(out.Suggested, func(a, b SuggestedMinimum) int {
		return cmp.Or(cmp.Compare(a.Branch, b.Branch), cmp.Compare(a.BranchID, b.BranchID), cmp.Compare(a.EquipmentType, b.EquipmentType), cmp.Compare(a.EquipmentTypeID, b.EquipmentTypeID))
	})
	return nil
}
