package stocksvc

import (
	"context"
	"fmt"

	"github.com/mycourier/mycourier/ent"
)

// Mismatch is one place where the books disagree with the ledger.
type Mismatch struct {
	// Kind: "balance" (a warehouse balance ≠ its ledger), "holding" (a
	// courier's holding ≠ issues − returns), "serial_stock" (a serial type's
	// balance ≠ its units on hand), "serial_holding" (a holding ≠ the units
	// issued to the courier), "item_place" (a unit whose state and holder
	// disagree; Recorded is its id).
	Kind            string
	WarehouseID     int
	CourierID       int
	EquipmentTypeID int
	Recorded        int
	Expected        int
}

func (m Mismatch) String() string {
	where := fmt.Sprintf("warehouse %d", m.WarehouseID)
	if m.CourierID != 0 {
		where = fmt.Sprintf("courier %d", m.CourierID)
	}
	return fmt.Sprintf("%s: %s, equipment type %d: recorded %d, ledger says %d", m.Kind, where, m.EquipmentTypeID, m.Recorded, m.Expected)
}

// verifyQueries recompute every balance and holding from the ledger (and
// serial units) and return the rows that disagree: kind, warehouse,
// courier, type, recorded, expected.
var verifyQueries = []string{
	// Balances against the ledger, both ways (a ledger with no balance row).
	`SELECT 'balance', b.warehouse_id, 0, b.equipment_type_id, b.quantity, COALESCE(l.s, 0)
	 FROM stock_balances b LEFT JOIN (SELECT warehouse_id, equipment_type_id, SUM(quantity) AS s FROM movements GROUP BY warehouse_id, equipment_type_id) l
	   ON l.warehouse_id = b.warehouse_id AND l.equipment_type_id = b.equipment_type_id
	 WHERE b.quantity <> COALESCE(l.s, 0)
	 UNION ALL
	 SELECT 'balance', l.warehouse_id, 0, l.equipment_type_id, 0, l.s
	 FROM (SELECT warehouse_id, equipment_type_id, SUM(quantity) AS s FROM movements GROUP BY warehouse_id, equipment_type_id) l
	 WHERE l.s <> 0 AND NOT EXISTS (SELECT 1 FROM stock_balances b WHERE b.warehouse_id = l.warehouse_id AND b.equipment_type_id = l.equipment_type_id)`,
	// Courier holdings against issues minus returns.
	`SELECT 'holding', 0, h.courier_id, h.equipment_type_id, h.quantity, COALESCE(l.s, 0)
	 FROM courier_holdings h LEFT JOIN (SELECT courier_id, equipment_type_id, -SUM(quantity) AS s FROM movements
	   WHERE courier_id IS NOT NULL AND kind IN ('issue', 'return') GROUP BY courier_id, equipment_type_id) l
	   ON l.courier_id = h.courier_id AND l.equipment_type_id = h.equipment_type_id
	 WHERE h.quantity <> COALESCE(l.s, 0)
	 UNION ALL
	 SELECT 'holding', 0, l.courier_id, l.equipment_type_id, 0, l.s
	 FROM (SELECT courier_id, equipment_type_id, -SUM(quantity) AS s FROM movements
	   WHERE courier_id IS NOT NULL AND kind IN ('issue', 'return') GROUP BY courier_id, equipment_type_id) l
	 WHERE l.s <> 0 AND NOT EXISTS (SELECT 1 FROM courier_holdings h WHERE h.courier_id = l.courier_id AND h.equipment_type_id = l.equipment_type_id)`,
	// Serial types: the balance counts the units on hand.
	`SELECT 'serial_stock', b.warehouse_id, 0, b.equipment_type_id, b.quantity, COALESCE(i.n, 0)
	 FROM stock_balances b JOIN equipment_types t ON t.id = b.equipment_type_id AND t.tracking = 'serial'
	 LEFT JOIN (SELECT warehouse_id, equipment_type_id, COUNT(*) AS n FROM items WHERE state IN ('in_stock', 'quarantined') GROUP BY warehouse_id, equipment_type_id) i
	   ON i.warehouse_id = b.warehouse_id AND i.equipment_type_id = b.equipment_type_id
	 WHERE b.quantity <> COALESCE(i.n, 0)`,
	// Serial types: a holding counts the units issued to the courier.
	`SELECT 'serial_holding', 0, h.courier_id, h.equipment_type_id, h.quantity, COALESCE(i.n, 0)
	 FROM courier_holdings h JOIN equipment_types t ON t.id = h.equipment_type_id AND t.tracking = 'serial'
	 LEFT JOIN (SELECT courier_id, equipment_type_id, COUNT(*) AS n FROM items WHERE state = 'issued' GROUP BY courier_id, equipment_type_id) i
	   ON i.courier_id = h.courier_id AND i.equipment_type_id = h.equipment_type_id
	 WHERE h.quantity <> COALESCE(i.n, 0)`,
	// A serial unit is in exactly one place: held by a courier exactly when
	// issued, at a warehouse when kept or heading there (Recorded = item id).
	`SELECT 'item_place', COALESCE(warehouse_id, 0), COALESCE(courier_id, 0), equipment_type_id, id, 0
	 FROM items
	 WHERE (state = 'issued' AND courier_id IS NULL) OR (state <> 'issued' AND courier_id IS NOT NULL)
	    OR (state IN ('in_stock', 'quarantined', 'in_transit') AND warehouse_id IS NULL)`,
}

// Verify recomputes balances and holdings from the ledger and reports every
// mismatch. It reads the tables directly: privacy does not apply, so only
// the CLI (the system) calls it.
func Verify(ctx context.Context, client *ent.Client) ([]Mismatch, error) {
	var out []Mismatch
	for _, q := range verifyQueries {
		rows, err := client.QueryContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		for rows.Next() {
			var m Mismatch
			if err := rows.Scan(&m.Kind, &m.WarehouseID, &m.CourierID, &m.EquipmentTypeID, &m.Recorded, &m.Expected); err != nil {
				rows.Close()
				return nil, fmt.Errorf("verify: %w", err)
			}
			out = append(out, m)
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
	}
	return out, nil
}
