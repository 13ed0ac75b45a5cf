package securitytest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/limits"
)

const receiveStock = `mutation($in: ReceiveStockInput!) { receiveStock(input: $in) { documentNumber } }`

// stockState is what a refused operation must leave as it was.
func (e *env) stockState() string {
	e.t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT COUNT(*) FROM movements`, `SELECT COUNT(*) FROM stock_balances`, `SELECT COALESCE(SUM(quantity), 0) FROM stock_balances`,
		`SELECT COALESCE(SUM(quantity), 0) FROM courier_holdings`, `SELECT COUNT(*) FROM equipment_types`, `SELECT COUNT(*) FROM courier_debts`,
	} {
		var s string
		if err := e.db.SQL.QueryRow(q).Scan(&s); err != nil {
			e.t.Fatalf("%s: %v", q, err)
		}
		out = append(out, s)
	}
	return fmt.Sprint(out)
}

// wantField fails unless r is BAD_USER_INPUT naming field with key.
func wantField(t *testing.T, what string, r gqlResp, field, key string) {
	t.Helper()
	if r.code() != "BAD_USER_INPUT" {
		t.Errorf("%s: got %s %s, want BAD_USER_INPUT on %s", what, r.code(), r.Raw, field)
		return
	}
	keys, _ := r.Errors[0].Extensions["fieldKeys"].(map[string]any)
	if keys[field] != key {
		t.Errorf("%s: field keys %v, want %s: %s", what, keys, field, key)
	}
}

// bagType is a quantity-tracked equipment type costing cost.
func (e *env) bagType(cost int64) int {
	var id int
	e.fixture(func(ctx context.Context, c *ent.Client) error {
		n := geoSeq.Add(1)
		t, err := c.EquipmentType.Create().SetName(fmt.Sprint("Сумка ", n)).SetSku(fmt.Sprint("BAG-", n)).
			SetCategory(equipmenttype.CategoryBag).SetUnitCost(cost).Save(ctx)
		if t != nil {
			id = t.ID
		}
		return err
	})
	return id
}

// Defect 10: receiving 2^62 units was accepted, and holdings value and debt
// then wrapped. Every quantity and amount is bounded at the API: a clear
// BAD_USER_INPUT naming the field, and nothing changed.
func TestHugeQuantitiesAndAmountsAreRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		g := e.geo()
		bag, other := e.bagType(250000), e.bagType(250000)
		owner := e.token(authz.Owner, authz.Scope{})
		before := e.stockState()
		line := func(typ int, fields map[string]any) map[string]any {
			l := map[string]any{"equipmentTypeID": fmt.Sprint(typ)}
			for k, v := range fields {
				l[k] = v
			}
			return l
		}
		receive := func(lines ...map[string]any) gqlResp {
			return e.gql(owner, receiveStock, map[string]any{"in": map[string]any{"warehouseID": fmt.Sprint(g.warehouse), "lines": lines}})
		}
		wantField(t, "2^62 units", receive(line(bag, map[string]any{"quantity": int64(1) << 62})), "lines[0].quantity", limits.KeyQuantityTooLarge)
		wantField(t, "one unit over the line maximum", receive(line(bag, map[string]any{"quantity": limits.MaxQuantity + 1})), "lines[0].quantity", limits.KeyQuantityTooLarge)
		wantField(t, "two lines over the operation maximum", receive(
			line(bag, map[string]any{"quantity": limits.MaxQuantity/2 + 1}), line(other, map[string]any{"quantity": limits.MaxQuantity / 2})),
			"lines", limits.KeyQuantityTooLarge)
		wantField(t, "a unit cost of 2^62", receive(line(bag, map[string]any{"quantity": 1, "unitCost": int64(1) << 62})), "lines[0].unitCost", limits.KeyAmountTooLarge)
		// Beyond int64 the request cannot even be read: refused, not INTERNAL.
		if r := e.post("application/json", []byte(fmt.Sprintf(`{"query": %q, "variables": {"in": {"warehouseID": "%d", "lines": [{"equipmentTypeID": "%d", "quantity": 100000000000000000000}]}}}`,
			receiveStock, g.warehouse, bag)), owner); len(r.Errors) == 0 || r.code() == "INTERNAL" {
			t.Errorf("10^20 units: %s", r.Raw)
		}
		wantField(t, "a count over the balance maximum", e.gql(owner, `mutation($in: CountStockInput!) { countStock(input: $in) { documentNumber } }`,
			map[string]any{"in": map[string]any{"warehouseID": fmt.Sprint(g.warehouse), "reason": "x",
				"lines": []map[string]any{{"equipmentTypeID": fmt.Sprint(bag), "counted": limits.MaxBalance + 1}}}}),
			"lines[0].counted", limits.KeyBalanceTooLarge)
		wantField(t, "a minimum level over the balance maximum", e.gql(owner, fmt.Sprintf(`mutation { setStockMinLevel(warehouseID: "%d", equipmentTypeID: "%d", minLevel: %d) { id } }`,
			g.warehouse, bag, limits.MaxBalance+1)), "minLevel", limits.KeyBalanceTooLarge)
		wantField(t, "an equipment type costing 2^62", e.gql(owner, fmt.Sprintf(`mutation { createEquipmentType(input: {name: "Дорогая", sku: "GOLD", category: OTHER, unitCost: %d}) { id } }`,
			int64(1)<<62)), "unitCost", limits.KeyAmountTooLarge)
		wantField(t, "a deposit over the maximum", e.gql(owner, fmt.Sprintf(`mutation { updateEquipmentType(id: "%d", input: {depositAmount: %d}) { id } }`,
			bag, limits.MaxUnitCost+1)), "depositAmount", limits.KeyAmountTooLarge)
		if after := e.stockState(); after != before {
			t.Errorf("refused requests changed the books: %s → %s", before, after)
		}
		// At the maxima, accepted.
		if r := receive(line(bag, map[string]any{"quantity": limits.MaxQuantity, "unitCost": limits.MaxUnitCost})); len(r.Errors) > 0 {
			t.Errorf("a receipt at the maxima: %s", r.Raw)
		}
	})
}

// A receipt, return or issue that would take a balance past
// limits.MaxBalance is refused, naming the line, and moves nothing.
func TestABalanceBeyondTheMaximumIsRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		g := e.geo()
		bag := e.bagType(250000)
		owner := e.token(authz.Owner, authz.Scope{})
		cid, _ := e.onboard(owner, fmt.Sprint(g.partner))
		var courierID int
		fmt.Sscan(cid, &courierID)
		// The books start near the maximum: a ledger row and the balance it
		// explains (as a thousand receipts at the operation maximum would).
		now := time.Now().UTC()
		e.fixture(func(ctx context.Context, c *ent.Client) error {
			if err := c.Courier.UpdateOneID(courierID).SetStatus(courier.StatusActive).Exec(ctx); err != nil {
				return err
			}
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO movements (created_at, kind, quantity, operation_id, document_number, equipment_type_id, warehouse_id) VALUES ($1, 'receipt', $2, 'fixture', 'RCV-FIXTURE', $3, $4)`,
					[]any{now, limits.MaxBalance - 5, bag, g.warehouse}},
				{`INSERT INTO stock_balances (created_at, updated_at, warehouse_id, equipment_type_id, quantity, quarantined, min_level) VALUES ($1, $1, $2, $3, $4, 0, 0)`,
					[]any{now, g.warehouse, bag, limits.MaxBalance - 5}},
			} {
				if _, err := c.ExecContext(ctx, q.sql, q.args...); err != nil {
					return err
				}
			}
			return nil
		})
		before := e.stockState()
		in := func(n int) map[string]any {
			return map[string]any{"in": map[string]any{"warehouseID": fmt.Sprint(g.warehouse),
				"lines": []map[string]any{{"equipmentTypeID": fmt.Sprint(bag), "quantity": n}}}}
		}
		wantField(t, "a receipt past the maximum", e.gql(owner, receiveStock, in(6)), "lines[0].quantity", limits.KeyBalanceTooLarge)
		if after := e.stockState(); after != before {
			t.Errorf("the refused receipt changed the books: %s → %s", before, after)
		}
		if r := e.gql(owner, receiveStock, in(5)); len(r.Errors) > 0 {
			t.Fatalf("a receipt up to the maximum: %s", r.Raw)
		}
		// The courier's holding is bounded as well: issue it up to the
		// maximum in operations of the largest size is too slow for a test,
		// so give one unit and check the bound's arithmetic by the
		// database's own refusal of the next step past it.
		e.fixture(func(ctx context.Context, c *ent.Client) error {
			_, err := c.ExecContext(ctx, `INSERT INTO courier_holdings (created_at, updated_at, courier_id, equipment_type_id, quantity) VALUES ($1, $1, $2, $3, $4)`,
				now, courierID, bag, limits.MaxBalance)
			return err
		})
		before = e.stockState()
		r := e.gql(owner, `mutation($in: IssueEquipmentInput!) { issueEquipment(input: $in) { documentNumber } }`, map[string]any{"in": map[string]any{
			"warehouseID": fmt.Sprint(g.warehouse), "courierID": cid, "lines": []map[string]any{{"equipmentTypeID": fmt.Sprint(bag), "quantity": 1}}}})
		wantField(t, "an issue past the courier's maximum", r, "lines[0].quantity", limits.KeyBalanceTooLarge)
		if after := e.stockState(); after != before {
			t.Errorf("the refused issue changed the books: %s → %s", before, after)
		}
	})
}

// partnerOutstanding at the bounds: per partner the value is summed
// exactly where it fits an int64 (here 9·10^18, 90 holdings of a full
// balance at the largest unit cost); a total beyond it is a clear error,
// never a wrapped number or a partner silently missing. A holding of 2^62
// units written before the bounds existed (the defect's own data) is such
// a total: on PostgreSQL the old query overflowed mid-read and, rows.Err
// unchecked, dropped partners without an error.
func TestPartnerOutstandingIsExactAtTheBounds(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		full, small := e.geo(), e.geo()
		owner := e.token(authz.Owner, authz.Scope{})
		var types []int
		for range 10 {
			types = append(types, e.bagType(limits.MaxUnitCost))
		}
		cheap := e.bagType(1000)
		hold := func(partner int, n int, typeIDs []int, qty int64, debt int64) {
			for range n {
				cid, _ := e.onboard(owner, fmt.Sprint(partner))
				e.fixture(func(ctx context.Context, c *ent.Client) error {
					for _, typ := range typeIDs {
						if _, err := c.ExecContext(ctx, `INSERT INTO courier_holdings (created_at, updated_at, courier_id, equipment_type_id, quantity) VALUES ($1, $1, $2, $3, $4)`,
							time.Now().UTC(), cid, typ, qty); err != nil {
							return err
						}
					}
					if debt > 0 {
						_, err := c.ExecContext(ctx, `INSERT INTO courier_debts (created_at, updated_at, courier_id, equipment_type_id, quantity, amount, reason, document_number, status) VALUES ($1, $1, $2, $3, 1, $4, 'lost', 'WOF-FIXTURE', 'open')`,
							time.Now().UTC(), cid, typeIDs[0], debt)
						return err
					}
					return nil
				})
			}
		}
		hold(full.partner, 9, types, limits.MaxBalance, int64(limits.MaxQuantity)*limits.MaxUnitCost)
		hold(small.partner, 2, []int{cheap}, 3, 0)
		const q = `{ partnerOutstanding { partner { id } couriers units value debt } }`
		type row struct {
			Partner         struct{ ID string }
			Couriers, Units int64
			Value, Debt     int64
		}
		read := func() map[string]row {
			t.Helper()
			r := e.gql(owner, q)
			if len(r.Errors) > 0 {
				t.Fatalf("partnerOutstanding: %s", r.Raw)
			}
			var rows []row
			if err := json.Unmarshal(r.Data["partnerOutstanding"], &rows); err != nil {
				t.Fatal(err)
			}
			out := map[string]row{}
			for _, x := range rows {
				out[x.Partner.ID] = x
			}
			return out
		}
		got := read()
		f, s := got[fmt.Sprint(full.partner)], got[fmt.Sprint(small.partner)]
		if want := int64(90) * limits.MaxBalance * limits.MaxUnitCost; f.Value != want || f.Units != 90*limits.MaxBalance || f.Couriers != 9 {
			t.Errorf("full partner: %+v, want value %d, units %d, 9 couriers", f, want, int64(90)*limits.MaxBalance)
		}
		if want := int64(9) * limits.MaxQuantity * limits.MaxUnitCost; f.Debt != want {
			t.Errorf("full partner's debt %d, want %d", f.Debt, want)
		}
		if s.Value != 6000 || s.Units != 6 || s.Couriers != 2 {
			t.Errorf("small partner: %+v, want value 6000, 6 units, 2 couriers", s)
		}
		// Three more full holdings take the partner past int64 (93·10^17),
		// and a 2^62 holding (data from before the bounds) takes the other
		// past it on its own.
		hold(full.partner, 1, types[:3], limits.MaxBalance, 0)
		overflow := e.bagType(250000)
		hold(small.partner, 1, []int{overflow}, 1<<62, 0)
		r := e.gql(owner, q)
		if len(r.Errors) == 0 {
			var rows []row
			_ = json.Unmarshal(r.Data["partnerOutstanding"], &rows)
			t.Fatalf("totals beyond int64 answered without an error: %+v", rows)
		}
		if k, _ := r.Errors[0].Extensions["key"].(string); k != "limits.totalOutOfRange" {
			t.Errorf("totals beyond int64: %s, want key limits.totalOutOfRange", r.Raw)
		}
	})
}
