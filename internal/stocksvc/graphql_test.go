package stocksvc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// The queries: stock report with low-stock flags, what a courier holds,
// an item's history by serial, movements filtered, transfers in transit.
func TestQueriesThroughGraphQL(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 4)
		e.receiveSerials(e.wh1, "H-55")
		if _, err := e.svc.SetMinLevel(e.ctx, e.wh1, e.bag, 5); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}, {EquipmentTypeID: e.helmet, Serials: []string{"H-55"}}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Dispatch(e.ctx, stocksvc.DispatchInput{IdempotencyKey: key(), FromWarehouseID: e.wh1, ToWarehouseID: e.wh2,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}}); err != nil {
			t.Fatal(err)
		}
		a := e.api()
		q := fmt.Sprintf(`{
			stockReport(warehouseID: "%d", lowStockOnly: true, from: "2000-01-01", to: "2099-12-31") {
				balance { quantity available lowStock minLevel equipmentType { sku } } received issued transferredOut
			}
			itemBySerial(serial: "H-55") { state courier { id } movements { totalCount edges { node { kind documentNumber } } } }
			transfersInTransit { documentNumber status lines { quantitySent } }
			movements(where: {kind: ISSUE, warehouseID: "%d"}) { totalCount }
			node(id: "%d") { ... on Courier { equipmentHeld { equipmentType { sku } quantity value items { serial } } outstandingDebt } }
		}`, e.wh1, e.wh1, e.active)
		r, err := a.post(q, nil)
		if err != nil || len(r.Errors) > 0 {
			t.Fatalf("%v %+v", err, r.Errors)
		}
		var out struct {
			StockReport []struct {
				Balance struct {
					Quantity, Available, MinLevel int
					LowStock                      bool
					EquipmentType                 struct{ Sku string }
				}
				Received, Issued, TransferredOut int
			}
			ItemBySerial struct {
				State     string
				Movements struct{ TotalCount int }
			}
			TransfersInTransit []struct{ DocumentNumber string }
			Movements          struct{ TotalCount int }
			Node               struct {
				EquipmentHeld []struct {
					EquipmentType struct{ Sku string }
					Quantity      int
					Value         int
					Items         []struct{ Serial string }
				}
				OutstandingDebt int
			}
		}
		if err := json.Unmarshal(r.Data, &out); err != nil {
			t.Fatal(err)
		}
		if len(out.StockReport) != 1 || out.StockReport[0].Balance.EquipmentType.Sku != "BAG" || !out.StockReport[0].Balance.LowStock ||
			out.StockReport[0].Balance.Available != 2 || out.StockReport[0].Received != 4 || out.StockReport[0].Issued != 1 || out.StockReport[0].TransferredOut != 1 {
			t.Errorf("stock report: %s", r.Data)
		}
		if out.ItemBySerial.State != "ISSUED" || out.ItemBySerial.Movements.TotalCount != 2 {
			t.Errorf("item history: %+v", out.ItemBySerial)
		}
		if len(out.TransfersInTransit) != 1 || !strings.HasPrefix(out.TransfersInTransit[0].DocumentNumber, "TRF-") {
			t.Errorf("in transit: %+v", out.TransfersInTransit)
		}
		if out.Movements.TotalCount != 2 {
			t.Errorf("issue movements: %d, want 2", out.Movements.TotalCount)
		}
		if len(out.Node.EquipmentHeld) != 2 || out.Node.EquipmentHeld[1].Items[0].Serial != "H-55" || out.Node.EquipmentHeld[0].Value != 250000 {
			t.Errorf("equipmentHeld: %+v", out.Node.EquipmentHeld)
		}
	})
}

// Every change an operation makes leaves an audit event in its transaction.
func TestOperationsAreAudited(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 2)
		before := map[string]int{}
		for _, et := range []string{"Movement", "StockBalance", "CourierHolding"} {
			before[et] = e.sqlInt(`SELECT COUNT(*) FROM audit_events WHERE entity_type = $1`, et)
		}
		if _, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}}); err != nil {
			t.Fatal(err)
		}
		for et, n := range before {
			if got := e.sqlInt(`SELECT COUNT(*) FROM audit_events WHERE entity_type = $1`, et); got != n+1 {
				t.Errorf("%s audit events: %d → %d, want one more", et, n, got)
			}
		}
		if got := e.sqlInt(`SELECT COUNT(*) FROM audit_events WHERE entity_type = 'Movement' AND actor_id = $1`, e.user.ID); got == 0 {
			t.Error("the ledger row's audit event does not name the staff member")
		}
	})
}

// Partner roll-ups count only couriers in the viewer's scope.
func TestPartnerOutstandingFollowsTheViewersScope(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 3)
		if _, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(2)}}}); err != nil {
			t.Fatal(err)
		}
		all, err := e.svc.PartnerRollup(authtest.Sys())
		if err != nil || len(all) != 1 || all[0].Units != 2 || all[0].Value != 500000 || all[0].Couriers != 1 {
			t.Fatalf("owner's roll-up: %+v, %v", all, err)
		}
		otherRegion := authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: 1, Role: authz.Manager,
			Scope: authz.Scope{Regions: []int{999999}}})
		mine, err := e.svc.PartnerRollup(otherRegion)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range mine {
			if p.Units != 0 {
				t.Errorf("a manager of another region sees %d units of %s", p.Units, p.Partner.Name)
			}
		}
		// And the positive case: the courier's own partner's manager sees
		// exactly the owner's figures for it.
		holder := e.db.Client.Courier.GetX(authtest.Sys(), e.active)
		if holder.PartnerID == nil {
			t.Fatal("the active courier has no partner: the roll-up has nothing to scope by")
		}
		ours := authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: 1, Role: authz.Manager,
			Scope: authz.Scope{Partners: []int{*holder.PartnerID}}})
		got, err := e.svc.PartnerRollup(ours)
		if err != nil || len(got) != 1 || got[0].Units != 2 || got[0].Value != 500000 || got[0].Couriers != 1 {
			t.Errorf("the partner's manager's roll-up: %+v, %v; want the owner's 2 units, 500000, 1 courier", got, err)
		}
	})
}
