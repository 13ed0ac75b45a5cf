package stocksvc

import (
	"fmt"

	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/limits"
)

// queryRow runs a statement returning at most one row into dst; found is
// false when there is none.
func (o *op) queryRow(query string, args []any, dst ...any) (found bool, err error) {
	rows, err := o.tx.QueryContext(o.ctx, query, args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return false, rows.Err()
	}
	if err := rows.Scan(dst...); err != nil {
		return false, err
	}
	return true, rows.Close()
}

// available returns a balance's issuable quantity (0 when there is no row).
func (o *op) available(warehouseID, typeID int) (int, error) {
	var n int
	_, err := o.queryRow(`SELECT quantity - quarantined FROM stock_balances WHERE warehouse_id = $1 AND equipment_type_id = $2`,
		[]any{warehouseID, typeID}, &n)
	return n, err
}

// takeStock removes n issuable units: one conditional UPDATE, so two
// requests racing for the last units cannot both succeed (PostgreSQL
// re-checks the condition on the row it waited for; SQLite runs one
// writer at a time).
func (o *op) takeStock(warehouseID, typeID, n int, quarantined bool) error {
	q := `UPDATE stock_balances SET quantity = quantity - $1, updated_at = $2
	      WHERE warehouse_id = $3 AND equipment_type_id = $4 AND quantity - quarantined >= $1
	      RETURNING id, quantity`
	if quarantined {
		q = `UPDATE stock_balances SET quantity = quantity - $1, quarantined = quarantined - $1, updated_at = $2
		     WHERE warehouse_id = $3 AND equipment_type_id = $4 AND quarantined >= $1
		     RETURNING id, quantity`
	}
	var id, after int
	found, err := o.queryRow(q, []any{n, o.now, warehouseID, typeID}, &id, &after)
	if err != nil {
		return fmt.Errorf("%s: take stock: %w", o.name, err)
	}
	if !found {
		var have int
		if quarantined {
			_, err = o.queryRow(`SELECT quarantined FROM stock_balances WHERE warehouse_id = $1 AND equipment_type_id = $2`,
				[]any{warehouseID, typeID}, &have)
		} else {
			have, err = o.available(warehouseID, typeID)
		}
		if err != nil {
			return fmt.Errorf("%s: take stock: %w", o.name, err)
		}
		return ErrInsufficientStock.
			WithRu(fmt.Sprintf("Недостаточно остатка: доступно %d, запрошено %d", have, n)).
			WithDetail("available", have).WithDetail("requested", n).WithDetail("equipmentTypeID", typeID)
	}
	ch := map[string]any{"quantity": map[string]any{"old": after + n, "new": after}}
	if quarantined {
		ch["quarantined"] = map[string]any{"delta": -n}
	}
	return o.record("StockBalance", id, ch)
}

// addStock adds n units (q of them quarantined), creating the balance row
// when the warehouse never had the type. A balance that would exceed
// limits.MaxBalance is refused (the upsert's condition: no row comes back),
// with the error on field.
func (o *op) addStock(warehouseID, typeID, n, q int, field string) error {
	var id, after int
	found, err := o.queryRow(`INSERT INTO stock_balances (created_at, updated_at, warehouse_id, equipment_type_id, quantity, quarantined, min_level)
		VALUES ($1, $1, $2, $3, $4, $5, 0)
		ON CONFLICT (warehouse_id, equipment_type_id) DO UPDATE
		SET quantity = stock_balances.quantity + excluded.quantity,
		    quarantined = stock_balances.quarantined + excluded.quarantined,
		    updated_at = excluded.updated_at
		WHERE stock_balances.quantity + excluded.quantity <= $6
		RETURNING id, quantity`, []any{o.now, warehouseID, typeID, n, q, limits.MaxBalance}, &id, &after)
	if err != nil {
		return fmt.Errorf("%s: add stock: %w", o.name, err)
	}
	if !found || after > limits.MaxBalance {
		return errBalanceTooLarge(field, "the warehouse")
	}
	ch := map[string]any{"quantity": map[string]any{"old": after - n, "new": after}}
	if q > 0 {
		ch["quarantined"] = map[string]any{"delta": q}
	}
	return o.record("StockBalance", id, ch)
}

// setStock sets a counted quantity and returns the difference, under a row
// lock (FOR UPDATE on PostgreSQL; SQLite's write transaction is exclusive).
func (o *op) setStock(warehouseID, typeID, counted int) (diff int, err error) {
	q := `SELECT id, quantity, quarantined FROM stock_balances WHERE warehouse_id = $1 AND equipment_type_id = $2`
	if o.isPostgres() {
		q += ` FOR UPDATE`
	}
	var id, qty, quar int
	found, err := o.queryRow(q, []any{warehouseID, typeID}, &id, &qty, &quar)
	if err != nil {
		return 0, fmt.Errorf("%s: count: %w", o.name, err)
	}
	if !found {
		if counted == 0 {
			return 0, nil
		}
		return counted, o.addStock(warehouseID, typeID, counted, 0, "lines")
	}
	if counted < quar {
		return 0, apperr.InvalidField("lines", "stock.countBelowQuarantine",
			fmt.Sprintf("counted %d is below the %d quarantined units; write those off first", counted, quar))
	}
	if counted == qty {
		return 0, nil
	}
	if _, err := o.tx.ExecContext(o.ctx, `UPDATE stock_balances SET quantity = $1, updated_at = $2 WHERE id = $3`, counted, o.now, id); err != nil {
		return 0, fmt.Errorf("%s: count: %w", o.name, err)
	}
	return counted - qty, o.record("StockBalance", id, map[string]any{"quantity": map[string]any{"old": qty, "new": counted}})
}

// addHolding gives a courier n more units of a type, up to
// limits.MaxBalance (as addStock).
func (o *op) addHolding(courierID, typeID, n int, field string) error {
	var id, after int
	found, err := o.queryRow(`INSERT INTO courier_holdings (created_at, updated_at, courier_id, equipment_type_id, quantity)
		VALUES ($1, $1, $2, $3, $4)
		ON CONFLICT (courier_id, equipment_type_id) DO UPDATE
		SET quantity = courier_holdings.quantity + excluded.quantity, updated_at = excluded.updated_at
		WHERE courier_holdings.quantity + excluded.quantity <= $5
		RETURNING id, quantity`, []any{o.now, courierID, typeID, n, limits.MaxBalance}, &id, &after)
	if err != nil {
		return fmt.Errorf("%s: holding: %w", o.name, err)
	}
	if !found || after > limits.MaxBalance {
		return errBalanceTooLarge(field, "the courier")
	}
	return o.record("CourierHolding", id, map[string]any{"quantity": map[string]any{"old": after - n, "new": after}})
}

// errBalanceTooLarge: the operation would leave who holding more than
// limits.MaxBalance units of a type.
func errBalanceTooLarge(field, who string) error {
	fe := limits.Balance(limits.MaxBalance + 1)
	return apperr.InvalidField(field, fe.Key, fmt.Sprintf("%s would hold more than %d units of this type", who, limits.MaxBalance))
}

// errNotHeld: the courier does not hold that many.
func errNotHeld(field string, have, n int) error {
	return apperr.InvalidField(field, "stock.notHeld",
		fmt.Sprintf("the courier holds %d of this type, not %d", have, n))
}

// takeHolding takes n units of a type back from a courier, refusing more
// than the courier holds (conditional update, like takeStock).
func (o *op) takeHolding(courierID, typeID, n int, field string) error {
	var id, after int
	found, err := o.queryRow(`UPDATE courier_holdings SET quantity = quantity - $1, updated_at = $2
		WHERE courier_id = $3 AND equipment_type_id = $4 AND quantity >= $1
		RETURNING id, quantity`, []any{n, o.now, courierID, typeID}, &id, &after)
	if err != nil {
		return fmt.Errorf("%s: holding: %w", o.name, err)
	}
	if !found {
		var have int
		if _, err := o.queryRow(`SELECT quantity FROM courier_holdings WHERE courier_id = $1 AND equipment_type_id = $2`,
			[]any{courierID, typeID}, &have); err != nil {
			return fmt.Errorf("%s: holding: %w", o.name, err)
		}
		return errNotHeld(field, have, n)
	}
	return o.record("CourierHolding", id, map[string]any{"quantity": map[string]any{"old": after + n, "new": after}})
}

// moveItem changes a serial unit's state and place if it is still where
// the operation expects it (fromState, and fromWarehouse or fromCourier
// when given); found is false when another request moved it first.
func (o *op) moveItem(itemID int, fromState string, fromWarehouse, fromCourier *int,
	toState string, toWarehouse, toCourier *int, condition *string) (bool, error) {
	q := `UPDATE items SET state = $1, warehouse_id = $2, courier_id = $3, updated_at = $4`
	args := []any{toState, nullable(toWarehouse), nullable(toCourier), o.now}
	if condition != nil {
		args = append(args, *condition)
		q += fmt.Sprintf(`, "condition" = $%d`, len(args))
	}
	args = append(args, itemID, fromState)
	q += fmt.Sprintf(` WHERE id = $%d AND state = $%d`, len(args)-1, len(args))
	if fromWarehouse != nil {
		args = append(args, *fromWarehouse)
		q += fmt.Sprintf(` AND warehouse_id = $%d`, len(args))
	}
	if fromCourier != nil {
		args = append(args, *fromCourier)
		q += fmt.Sprintf(` AND courier_id = $%d`, len(args))
	}
	res, err := o.tx.ExecContext(o.ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("%s: item: %w", o.name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("%s: item: %w", o.name, err)
	}
	if n == 0 {
		return false, nil
	}
	ch := map[string]any{
		"state":        map[string]any{"old": fromState, "new": toState},
		"warehouse_id": map[string]any{"new": nullable(toWarehouse)},
		"courier_id":   map[string]any{"new": nullable(toCourier)},
	}
	if condition != nil {
		ch["condition"] = map[string]any{"new": *condition}
	}
	return true, o.record("Item", itemID, ch)
}

func nullable(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
