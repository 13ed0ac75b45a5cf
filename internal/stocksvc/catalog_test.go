package stocksvc_test

import (
	"testing"

	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/limits"
)

// A low-stock threshold: zero clears it, a negative or oversized one and an
// unknown type are refused at their field and change nothing; a warehouse
// that never had the type gets an empty balance carrying the threshold;
// each change is one audit event naming the balance.
func TestSetMinLevelBoundsAndAudit(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		minLevel := func(w, typ int) int {
			return e.sqlInt(`SELECT min_level FROM stock_balances WHERE warehouse_id = $1 AND equipment_type_id = $2`, w, typ)
		}
		audits := func() int {
			return e.sqlInt(`SELECT COUNT(*) FROM audit_events WHERE entity_type = 'StockBalance'`)
		}

		// Never had the type: an empty balance with the threshold.
		b, err := e.svc.SetMinLevel(e.ctx, e.wh1, e.bag, 5)
		if err != nil {
			t.Fatal(err)
		}
		if b == nil || b.MinLevel != 5 || b.Quantity != 0 || b.WarehouseID != e.wh1 || b.EquipmentTypeID != e.bag {
			t.Fatalf("new balance: got %+v", b)
		}
		if got := audits(); got != 1 {
			t.Fatalf("audit events after one change: %d", got)
		}
		if named := e.sqlInt(`SELECT COUNT(*) FROM audit_events WHERE entity_type = 'StockBalance' AND entity_id = $1`, b.ID); named != 1 {
			t.Errorf("the event does not name balance %d", b.ID)
		}

		// Zero clears the threshold (the bound is "not negative").
		b, err = e.svc.SetMinLevel(e.ctx, e.wh1, e.bag, 0)
		if err != nil || b == nil || b.MinLevel != 0 {
			t.Fatalf("min level 0: %v %+v", err, b)
		}
		if got := minLevel(e.wh1, e.bag); got != 0 {
			t.Errorf("stored min level %d, want 0", got)
		}
		e.receive(e.wh1, e.bag, 3)
		if _, err := e.svc.SetMinLevel(e.ctx, e.wh1, e.bag, 7); err != nil {
			t.Fatal(err)
		}
		if got := e.balance(e.wh1, e.bag); got != 3 {
			t.Errorf("a threshold changed the quantity: %d", got)
		}

		before := e.snapshot()
		for name, c := range map[string]struct {
			typ, level int
			field, key string
		}{
			"negative":     {e.bag, -1, "minLevel", "stock.quantityNegative"},
			"over the max": {e.bag, limits.MaxBalance + 1, "minLevel", limits.KeyBalanceTooLarge},
			"unknown type": {e.bag + 1_000_000, 1, "equipmentTypeID", "stock.unknownEquipmentType"},
		} {
			_, err := e.svc.SetMinLevel(e.ctx, e.wh1, c.typ, c.level)
			wantCode(t, err, apperr.CodeBadUserInput, c.key)
			inv, ok := apperr.As[apperr.Invalid](err)
			if _, at := inv.Fields[c.field]; !ok || len(inv.Fields) != 1 || !at {
				t.Errorf("%s: want one error at %s, got %v", name, c.field, err)
			}
		}
		if got := minLevel(e.wh1, e.bag); got != 7 {
			t.Errorf("refused changes moved the threshold to %d", got)
		}
		if after := e.snapshot(); len(after) != len(before) {
			t.Errorf("refused changes wrote rows: %v → %v", before, after)
		} else {
			for k, v := range before {
				if after[k] != v {
					t.Errorf("refused changes wrote %s: %d → %d", k, v, after[k])
				}
			}
		}
	})
}
