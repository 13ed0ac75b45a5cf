package stocksvc

import (
	"context"
	"fmt"
	"strings"

	"github.com/mycourier/mycourier/ent"
)

// Mismatch is one place where the books disagree with the ledger.
type Mismatch struct {
	// Kind: "balance" (a warehouse balance ≠ its ledger), "holding" (a
	// courier's holding ≠ issues − returns), "serial_stock" (a serial type's
	// balance ≠ its units on hand), "serial_holding" (a holding ≠ the units
	// issued to the courier), "item_place" (a unit whose state and holder
	// disagree; Recorded is its id), "transfer_line" (a transfer line
	// records more received than sent), "transfer_received" (one transfer's
	// receipt put more on the ledger than the transfer sent),
	// "transfer_route" (the ledger received more from one warehouse into
	// another than the received transfers between them sent: a receipt
	// booked twice, or one no transfer accounts for).
	Kind            string
	WarehouseID     int
	CourierID       int
	EquipmentTypeID int
	Recorded        int
	Expected        int
	// FromWarehouseID and TransferID place the transfer kinds (WarehouseID
	// is then the receiving warehouse; TransferID is 0 for transfer_route).
	FromWarehouseID int
	TransferID      int
}

func (m Mismatch) String() string {
	where := fmt.Sprintf("warehouse %d", m.WarehouseID)
	switch {
	case m.CourierID != 0:
		where = fmt.Sprintf("courier %d", m.CourierID)
	case m.TransferID != 0:
		where = fmt.Sprintf("transfer %d from warehouse %d to warehouse %d", m.TransferID, m.FromWarehouseID, m.WarehouseID)
	case m.FromWarehouseID != 0:
		where = fmt.Sprintf("transfers from warehouse %d to warehouse %d", m.FromWarehouseID, m.WarehouseID)
	}
	if strings.HasPrefix(m.Kind, "transfer_") {
		return fmt.Sprintf("%s: %s, equipment type %d: received %d, sent %d", m.Kind, where, m.EquipmentTypeID, m.Recorded, m.Expected)
	}
	return fmt.Sprintf("%s: %s, equipment type %d: recorded %d, ledger says %d", m.Kind, where, m.EquipmentTypeID, m.Recorded, m.Expected)
}

// verifyQueries recompute every balance and holding from the ledger (and
// serial units), and every transfer's receipt from what it sent, and return
// the rows that disagree: kind, warehouse, courier, type, recorded,
// expected, from-warehouse, transfer.
var verifyQueries = []string{
	// Balances against the ledger, both ways (a ledger with no balance row).
	`SELECT 'balance', b.warehouse_id, 0, b.equipment_type_id, b.quantity, COALESCE(l.s, 0), 0, 0
	 FROM stock_balances b LEFT JOIN (SELECT warehouse_id, equipment_type_id, SUM(quantity) AS s FROM movements GROUP BY warehouse_id, equipment_type_id) l
	   ON l.warehouse_id = b.warehouse_id AND l.equipment_type_id = b.equipment_type_id
	 WHERE b.quantity <> COALESCE(l.s, 0)
	 UNION ALL
	 SELECT 'balance', l.warehouse_id, 0, l.equipment_type_id, 0, l.s, 0, 0
	 FROM (SELECT warehouse_id, equipment_type_id, SUM(quantity) AS s FROM movements GROUP BY warehouse_id, equipment_type_id) l
	 WHERE l.s <> 0 AND NOT EXISTS (SELECT 1 FROM stock_balances b WHERE b.warehouse_id = l.warehouse_id AND b.equipment_type_id = l.equipment_type_id)`,
	// Courier holdings against issues minus returns.
	`SELECT 'holding', 0, h.courier_id, h.equipment_type_id, h.quantity, COALESCE(l.s, 0), 0, 0
	 FROM courier_holdings h LEFT JOIN (SELECT courier_id, equipment_type_id, -SUM(quantity) AS s FROM movements
	   WHERE courier_id IS NOT NULL AND kind IN ('issue', 'return') GROUP BY courier_id, equipment_type_id) l
	   ON l.courier_id = h.courier_id AND l.equipment_type_id = h.equipment_type_id
	 WHERE h.quantity <> COALESCE(l.s, 0)
	 UNION ALL
	 SELECT 'holding', 0, l.courier_id, l.equipment_type_id, 0, l.s, 0, 0
	 FROM (SELECT courier_id, equipment_type_id, -SUM(quantity) AS s FROM movements
	   WHERE courier_id IS NOT NULL AND kind IN ('issue', 'return') GROUP BY courier_id, equipment_type_id) l
	 WHERE l.s <> 0 AND NOT EXISTS (SELECT 1 FROM courier_holdings h WHERE h.courier_id = l.courier_id AND h.equipment_type_id = l.equipment_type_id)`,
	// Serial types: the balance counts the units on hand.
	`SELECT 'serial_stock', b.warehouse_id, 0, b.equipment_type_id, b.quantity, COALESCE(i.n, 0), 0, 0
	 FROM stock_balances b JOIN equipment_types t ON t.id = b.equipment_type_id AND t.tracking = 'serial'
	 LEFT JOIN (SELECT warehouse_id, equipment_type_id, COUNT(*) AS n FROM items WHERE state IN ('in_stock', 'quarantined') GROUP BY warehouse_id, equipment_type_id) i
	   ON i.warehouse_id = b.warehouse_id AND i.equipment_type_id = b.equipment_type_id
	 WHERE b.quantity <> COALESCE(i.n, 0)`,
	// Serial types: a holding counts the units issued to the courier.
	`SELECT 'serial_holding', 0, h.courier_id, h.equipment_type_id, h.quantity, COALESCE(i.n, 0), 0, 0
	 FROM courier_holdings h JOIN equipment_types t ON t.id = h.equipment_type_id AND t.tracking = 'serial'
	 LEFT JOIN (SELECT courier_id, equipment_type_id, COUNT(*) AS n FROM items WHERE state = 'issued' GROUP BY courier_id, equipment_type_id) i
	   ON i.courier_id = h.courier_id AND i.equipment_type_id = h.equipment_type_id
	 WHERE h.quantity <> COALESCE(i.n, 0)`,
	// A serial unit is in exactly one place: held by a courier exactly when
	// issued, at a warehouse when kept or heading there (Recorded = item id).
	`SELECT 'item_place', COALESCE(warehouse_id, 0), COALESCE(courier_id, 0), equipment_type_id, id, 0, 0, 0
	 FROM items
	 WHERE (state = 'issued' AND courier_id IS NULL) OR (state <> 'issued' AND courier_id IS NOT NULL)
	    OR (state IN ('in_stock', 'quarantined', 'in_transit') AND warehouse_id IS NULL)`,
	// A transfer line never records more received than was sent.
	`SELECT 'transfer_line', t.to_warehouse_id, 0, tl.equipment_type_id, tl.quantity_received, tl.quantity_sent, t.from_warehouse_id, t.id
	 FROM transfer_lines tl JOIN transfers t ON t.id = tl.transfer_id
	 WHERE tl.quantity_received > tl.quantity_sent`,
	// A transfer's receipt (its receive operation's transfer_in rows: what
	// arrived, what came back to the sender, what was found missing) is
	// never more than the transfer sent.
	`SELECT 'transfer_received', t.to_warehouse_id, 0, r.equipment_type_id, r.n, COALESCE(s.n, 0), t.from_warehouse_id, t.id
	 FROM transfers t
	 JOIN (SELECT operation_id, equipment_type_id, SUM(quantity) AS n FROM movements WHERE kind = 'transfer_in'
	   GROUP BY operation_id, equipment_type_id) r ON r.operation_id = t.receive_operation_id
	 LEFT JOIN (SELECT transfer_id, equipment_type_id, SUM(quantity_sent) AS n FROM transfer_lines GROUP BY transfer_id, equipment_type_id) s
	   ON s.transfer_id = t.id AND s.equipment_type_id = r.equipment_type_id
	 WHERE r.n > COALESCE(s.n, 0)`,
	// Every transfer_in row on the ledger, whatever operation wrote it,
	// belongs to the route it travelled (a returned shortage is booked at
	// the sender): per route and type it is never more than the received
	// transfers of that route sent. This catches a receipt booked twice,
	// which the balances cannot: its rows are on the ledger.
	`SELECT 'transfer_route', l.to_wh, 0, l.equipment_type_id, l.n, COALESCE(s.n, 0), l.from_wh, 0
	 FROM (SELECT CASE WHEN reason = 'transfer_returned' THEN counterpart_warehouse_id ELSE warehouse_id END AS to_wh,
	              CASE WHEN reason = 'transfer_returned' THEN warehouse_id ELSE counterpart_warehouse_id END AS from_wh,
	              equipment_type_id, SUM(quantity) AS n
	       FROM movements WHERE kind = 'transfer_in'
	       GROUP BY CASE WHEN reason = 'transfer_returned' THEN counterpart_warehouse_id ELSE warehouse_id END,
	                CASE WHEN reason = 'transfer_returned' THEN warehouse_id ELSE counterpart_warehouse_id END,
	                equipment_type_id) l
	 LEFT JOIN (SELECT t.to_warehouse_id AS to_wh, t.from_warehouse_id AS from_wh, tl.equipment_type_id, SUM(tl.quantity_sent) AS n
	       FROM transfers t JOIN transfer_lines tl ON tl.transfer_id = t.id
	       WHERE t.status = 'received'
	       GROUP BY t.to_warehouse_id, t.from_warehouse_id, tl.equipment_type_id) s
	   ON s.to_wh = l.to_wh AND s.from_wh = l.from_wh AND s.equipment_type_id = l.equipment_type_id
	 WHERE l.n > COALESCE(s.n, 0)`,
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
			if err := rows.Scan(&m.Kind, &m.WarehouseID, &m.CourierID, &m.EquipmentTypeID, &m.Recorded, &m.Expected,
				&m.FromWarehouseID, &m.TransferID); err != nil {
				_ = rows.Close()
				return nil, fmt.Errorf("verify: %w", err)
			}
			out = append(out, m)
		}
		// A read cut short (a dropped connection) must not pass for clean books.
		if err := rows.Err(); err != nil {
			_ = rows.Close()
			return nil, fmt.Errorf("verify: %w", err)
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
	}
	return out, nil
}
