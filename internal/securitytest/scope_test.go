package securitytest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// ids reads the ids of a connection's nodes (or of a field of them).
func ids(t *testing.T, raw json.RawMessage, field string) []string {
	t.Helper()
	var conn struct {
		Edges []struct{ Node map[string]any }
	}
	if err := json.Unmarshal(raw, &conn); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	out := []string{}
	for _, e := range conn.Edges {
		out = append(out, fmt.Sprint(e.Node[field]))
	}
	slices.Sort(out)
	return out
}

// TestWarehouseScopeIsWarehousesAndRegions: a user scoped to warehouses
// {W1, W2} and region R1, where W1 and W3 are in R1 and W2 is in R2, sees
// and moves the stock of W1 only — the warehouses, balances, transfers
// (either side), node(id:) and receiveStock through the real handler agree
// — for the warehouse role and a manager, on both databases. Under an "or"
// reading W2 and W3 would be in scope too.
func TestWarehouseScopeIsWarehousesAndRegions(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		owner := e.token(authz.Owner, authz.Scope{})
		var r1, w1, w2, w3, bag int
		e.fixture(func(ctx context.Context, c *ent.Client) error {
			region := func(n int) int {
				r, err := c.Region.Create().SetName(fmt.Sprint("Регион ", n)).SetCode(fmt.Sprint("SR", n)).Save(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return r.ID
			}
			warehouse := func(n, region int) int {
				b, err := c.Branch.Create().SetName(fmt.Sprint("Филиал ", n)).SetCode(fmt.Sprint("SB", n)).SetRegionID(region).Save(ctx)
				if err != nil {
					t.Fatal(err)
				}
				w, err := c.Warehouse.Create().SetName(fmt.Sprint("Склад ", n)).SetCode(fmt.Sprint("SW", n)).SetBranchID(b.ID).Save(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return w.ID
			}
			r1 = region(1)
			r2 := region(2)
			w1, w2, w3 = warehouse(1, r1), warehouse(2, r2), warehouse(3, r1)
			typ, err := c.EquipmentType.Create().SetName("Термосумка").SetSku("SCOPE-BAG").
				SetCategory(equipmenttype.CategoryBag).SetUnitCost(1000).Save(ctx)
			bag = typ.ID
			return err
		})
		receive := func(token string, w int) gqlResp {
			return e.gql(token, fmt.Sprintf(`mutation { receiveStock(input: {warehouseID: "%d", lines: [{equipmentTypeID: "%d", quantity: 10}]}) { documentNumber } }`, w, bag))
		}
		dispatch := func(from, to int) string {
			r := e.mustGQL(owner, fmt.Sprintf(`mutation { dispatchTransfer(input: {fromWarehouseID: "%d", toWarehouseID: "%d", lines: [{equipmentTypeID: "%d", quantity: 1}]}) { transfer { id } } }`, from, to, bag))
			var op struct{ Transfer struct{ ID string } }
			_ = json.Unmarshal(r.Data["dispatchTransfer"], &op)
			return op.Transfer.ID
		}
		for _, w := range []int{w1, w2, w3} {
			if r := receive(owner, w); len(r.Errors) > 0 {
				t.Fatalf("receive into %d: %s", w, r.Raw)
			}
		}
		t12 := dispatch(w1, w2) // from W1: in scope
		t23 := dispatch(w2, w3) // W2 (listed, other region) to W3 (in R1, not listed): out of scope
		t32 := dispatch(w3, w2)

		for _, role := range []authz.Role{authz.Warehouse, authz.Manager} {
			t.Run(string(role), func(t *testing.T) {
				tok := e.token(role, authz.Scope{Warehouses: []int{w1, w2}, Regions: []int{r1}})
				r := e.mustGQL(tok, `{ warehouses(first: 50) { edges { node { id } } }
					stockBalances(first: 50) { edges { node { warehouseID } } }
					transfers(first: 50) { edges { node { id } } } }`)
				want := []string{fmt.Sprint(w1)}
				if got := ids(t, r.Data["warehouses"], "id"); !slices.Equal(got, want) {
					t.Errorf("warehouses: got %v, want %v", got, want)
				}
				if got := slices.Compact(ids(t, r.Data["stockBalances"], "warehouseID")); !slices.Equal(got, want) {
					t.Errorf("stock balances of warehouses %v, want %v", got, want)
				}
				if got := ids(t, r.Data["transfers"], "id"); !slices.Equal(got, []string{t12}) {
					t.Errorf("transfers: got %v, want only %s (W1→W2), not %s (W2→W3) or %s (W3→W2)", got, t12, t23, t32)
				}
				r = e.gql(tok, fmt.Sprintf(`{ node(id: %q) { id } }`, t23))
				if string(r.Data["node"]) != "null" || r.code() != "NOT_FOUND" {
					t.Errorf("node(id:) of transfer W2→W3: %s, want null and NOT_FOUND", r.Raw)
				}
				for _, w := range []int{w2, w3} {
					if r := receive(tok, w); r.code() != "FORBIDDEN" {
						t.Errorf("receiveStock into %d: %s, want FORBIDDEN", w, r.Raw)
					}
				}
				if r := receive(tok, w1); len(r.Errors) > 0 {
					t.Errorf("receiveStock into W1: %s", r.Raw)
				}
			})
		}
	})
}
