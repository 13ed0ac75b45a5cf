package stocksvc

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courierdebt"
	"github.com/mycourier/mycourier/ent/courierholding"
	"github.com/mycourier/mycourier/ent/item"
	"github.com/mycourier/mycourier/ent/partner"
	"github.com/mycourier/mycourier/ent/stockbalance"
	"github.com/mycourier/mycourier/ent/transfer"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/limits"
)

// Held lists what a courier holds now, with its value.
func (s *Service) Held(ctx context.Context, courierID int) ([]*Held, error) {
	c := s.clientFor(ctx)
	hs, err := c.CourierHolding.Query().
		Where(courierholding.CourierID(courierID), courierholding.QuantityGT(0)).
		WithEquipmentType().Order(ent.Asc(courierholding.FieldEquipmentTypeID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("equipmentHeld: %w", err)
	}
	items, err := c.Item.Query().Where(item.CourierID(courierID), item.StateEQ(item.StateIssued)).
		Order(ent.Asc(item.FieldSerial)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("equipmentHeld: %w", err)
	}
	out := make([]*Held, 0, len(hs))
	for _, h := range hs {
		t := h.Edges.EquipmentType
		held := &Held{EquipmentType: t, Quantity: h.Quantity, Items: []*ent.Item{}}
		var value limits.Total
		for _, it := range items {
			if it.EquipmentTypeID == t.ID {
				held.Items = append(held.Items, it)
				value.Add(1, costOr(it.UnitCost, t.UnitCost))
			}
		}
		value.Add(int64(h.Quantity-len(held.Items)), t.UnitCost)
		if held.Value, err = value.Int64(); err != nil {
			return nil, fmt.Errorf("equipmentHeld: courier[%d]: %w", courierID, err)
		}
		out = append(out, held)
	}
	return out, nil
}

func costOr(c, fallback int64) int64 {
	if c > 0 {
		return c
	}
	return fallback
}

// Outstanding tells how many units a courier holds and their value at unit
// cost. It answers the courier lifecycle's question (may this courier be
// fired?) whoever asks, so it reads as the system.
func (s *Service) Outstanding(ctx context.Context, courierID int) (items int, value int64, err error) {
	held, err := s.Held(authz.SystemContext(ctx, "stock"), courierID)
	if err != nil {
		return 0, 0, err
	}
	var total limits.Total
	for _, h := range held {
		items += h.Quantity
		total.Add(1, h.Value)
	}
	if value, err = total.Int64(); err != nil {
		return 0, 0, fmt.Errorf("outstanding: courier[%d]: %w", courierID, err)
	}
	return items, value, nil
}

// OutstandingDebt is the total of a courier's open debts.
func (s *Service) OutstandingDebt(ctx context.Context, courierID int) (int64, error) {
	ds, err := s.clientFor(ctx).CourierDebt.Query().
		Where(courierdebt.CourierID(courierID), courierdebt.StatusEQ(courierdebt.StatusOpen)).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("outstandingDebt: %w", err)
	}
	var sum limits.Total
	for _, d := range ds {
		sum.Add(1, d.Amount)
	}
	n, err := sum.Int64()
	if err != nil {
		return 0, fmt.Errorf("outstandingDebt: courier[%d]: %w", courierID, err)
	}
	return n, nil
}

// PartnerRollup totals outstanding equipment and open debt per partner the
// viewer sees.
func (s *Service) PartnerRollup(ctx context.Context) ([]*PartnerOutstanding, error) {
	c := s.clientFor(ctx)
	partners, err := c.Partner.Query().Order(ent.Asc(partner.FieldName)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("partnerOutstanding: %w", err)
	}
	by := map[int]*PartnerOutstanding{}
	out := make([]*PartnerOutstanding, len(partners))
	for i, p := range partners {
		out[i] = &PartnerOutstanding{Partner: p}
		by[p.ID] = out[i]
	}
	reach := authz.CourierReach.For(authz.FromContext(ctx))
	if reach.None {
		return out, nil // no couriers in the viewer's scope: nothing outstanding
	}
	// scope narrows each query over couriers "c" to the viewer's reach.
	scope := func() (string, []any) {
		a := &authz.SQLArgs{Dialect: c.Dialect()}
		return " AND " + reach.SQL("c", a), a.Values
	}
	scope1, args1 := scope()
	// Values are summed here, exactly (limits.Total): the database is asked
	// only for sums of quantities per partner and type, which no bounded
	// input can overflow, never for products that could.
	if err := scanRows(ctx, c, `SELECT c.partner_id, COUNT(DISTINCT h.courier_id), SUM(h.quantity)
		FROM courier_holdings h JOIN couriers c ON c.id = h.courier_id
		WHERE h.quantity > 0 AND c.partner_id IS NOT NULL`+scope1+` GROUP BY c.partner_id`, func(rows *sql.Rows) error {
		var pid, couriers int
		var units int64
		if err := rows.Scan(&pid, &couriers, &units); err != nil {
			return err
		}
		if p := by[pid]; p != nil {
			p.Couriers, p.Units = couriers, int(units)
		}
		return nil
	}, args1...); err != nil {
		return nil, fmt.Errorf("partnerOutstanding: %w", err)
	}
	values := map[int]*limits.Total{}
	total := func(pid int) *limits.Total {
		if values[pid] == nil {
			values[pid] = &limits.Total{}
		}
		return values[pid]
	}
	scope2, args2 := scope()
	if err := scanRows(ctx, c, `SELECT c.partner_id, t.unit_cost, SUM(h.quantity)
		FROM courier_holdings h JOIN couriers c ON c.id = h.courier_id JOIN equipment_types t ON t.id = h.equipment_type_id
		WHERE h.quantity > 0 AND c.partner_id IS NOT NULL`+scope2+` GROUP BY c.partner_id, t.id, t.unit_cost`, func(rows *sql.Rows) error {
		var pid int
		var cost, units int64
		if err := rows.Scan(&pid, &cost, &units); err != nil {
			return err
		}
		total(pid).Add(units, cost)
		return nil
	}, args2...); err != nil {
		return nil, fmt.Errorf("partnerOutstanding: %w", err)
	}
	debts := map[int]*limits.Total{}
	// Debts are summed one amount at a time: each is bounded, their sum
	// in the database is not.
	scope3, args3 := scope()
	if err := scanRows(ctx, c, `SELECT c.partner_id, d.amount FROM courier_debts d JOIN couriers c ON c.id = d.courier_id
		WHERE d.status = 'open' AND c.partner_id IS NOT NULL`+scope3, func(rows *sql.Rows) error {
		var pid int
		var amount int64
		if err := rows.Scan(&pid, &amount); err != nil {
			return err
		}
		if debts[pid] == nil {
			debts[pid] = &limits.Total{}
		}
		debts[pid].Add(1, amount)
		return nil
	}, args3...); err != nil {
		return nil, fmt.Errorf("partnerOutstanding: %w", err)
	}
	for pid, p := range by {
		var err error
		if v := values[pid]; v != nil {
			if p.Value, err = v.Int64(); err != nil {
				return nil, fmt.Errorf("partnerOutstanding: partner[%d] value: %w", pid, err)
			}
		}
		if d := debts[pid]; d != nil {
			if p.Debt, err = d.Int64(); err != nil {
				return nil, fmt.Errorf("partnerOutstanding: partner[%d] debt: %w", pid, err)
			}
		}
	}
	return out, nil
}

// scanRows runs a raw query and calls each for every row. It is the one
// way this package reads raw rows: a read cut short (a dropped connection,
// a value the driver cannot convert) is an error, never a shorter answer.
func scanRows(ctx context.Context, c *ent.Client, query string, each func(*sql.Rows) error, args ...any) error {
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// Report lists balances the viewer sees (optionally one warehouse, only
// low ones) and how much of each moved by kind from the day from through
// the day to, both included (days in UTC, as Date values are kept).
func (s *Service) Report(ctx context.Context, warehouseID *int, lowOnly bool, from, to *time.Time) ([]*ReportLine, error) {
	c := s.clientFor(ctx)
	q := c.StockBalance.Query().Order(ent.Asc(stockbalance.FieldWarehouseID), ent.Asc(stockbalance.FieldEquipmentTypeID))
	if warehouseID != nil {
		q.Where(stockbalance.WarehouseID(*warehouseID))
	}
	bs, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("stockReport: %w", err)
	}
	type key struct{ w, t int }
	lines := make([]*ReportLine, 0, len(bs))
	by := map[key]*ReportLine{}
	whs := map[int]bool{}
	for _, b := range bs {
		if lowOnly && !LowStock(b) {
			continue
		}
		l := &ReportLine{Balance: b}
		lines = append(lines, l)
		by[key{b.WarehouseID, b.EquipmentTypeID}] = l
		whs[b.WarehouseID] = true
	}
	if from == nil && to == nil || len(lines) == 0 {
		return lines, nil
	}
	lo, hi := time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	if from != nil {
		lo = from.UTC()
	}
	if to != nil {
		hi = to.UTC().AddDate(0, 0, 1)
	}
	// The ledger is read raw, within the viewer's warehouse reach (the
	// balances above went through the privacy policy).
	a := &authz.SQLArgs{Dialect: c.Dialect()}
	query := `SELECT warehouse_id, equipment_type_id, kind, SUM(quantity) FROM movements WHERE created_at >= ` + a.Add(lo) + ` AND created_at < ` + a.Add(hi)
	if warehouseID != nil {
		query += ` AND warehouse_id = ` + a.Add(*warehouseID)
	}
	scope, _ := authz.ScopeSQL(authz.FromContext(ctx), "Movement", "", a)
	query += ` AND ` + scope
	query += ` GROUP BY warehouse_id, equipment_type_id, kind`
	args := a.Values
	err = scanRows(ctx, c, query, func(rows *sql.Rows) error {
		var w, t, sum int
		var kind string
		if err := rows.Scan(&w, &t, &kind, &sum); err != nil {
			return err
		}
		l := by[key{w, t}]
		if l == nil || !whs[w] {
			return nil // not a balance this viewer sees
		}
		switch kind {
		case "receipt":
			l.Received += sum
		case "issue":
			l.Issued -= sum
		case "return":
			l.Returned += sum
		case "write_off":
			l.WrittenOff -= sum
		case "transfer_out":
			l.TransferredOut -= sum
		case "transfer_in":
			l.TransferredIn += sum
		case "adjustment":
			l.Adjusted += sum
		}
		return nil
	}, args...)
	if err != nil {
		return nil, fmt.Errorf("stockReport: %w", err)
	}
	return lines, nil
}

// Available is what a balance can issue: on hand minus quarantined.
func Available(b *ent.StockBalance) int { return b.Quantity - b.Quarantined }

// LowStock tells whether a balance is below its minimum level.
func LowStock(b *ent.StockBalance) bool { return b.MinLevel > 0 && Available(b) < b.MinLevel }

// ItemBySerial finds a serial unit the viewer sees (nil when none).
func (s *Service) ItemBySerial(ctx context.Context, serial string) (*ent.Item, error) {
	it, err := s.clientFor(ctx).Item.Query().Where(item.Serial(serial)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return it, err
}

// InTransit lists transfers dispatched and not yet received.
func (s *Service) InTransit(ctx context.Context, warehouseID *int) ([]*ent.Transfer, error) {
	q := s.clientFor(ctx).Transfer.Query().Where(transfer.StatusEQ(transfer.StatusInTransit)).Order(ent.Asc(transfer.FieldID))
	if warehouseID != nil {
		q.Where(transfer.Or(transfer.FromWarehouseID(*warehouseID), transfer.ToWarehouseID(*warehouseID)))
	}
	return q.All(ctx)
}
