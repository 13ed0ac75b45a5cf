package securitytest_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/courierdocument"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/ent/kit"
	"github.com/mycourier/mycourier/ent/warehouse"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/seed"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// nodeReaders is who may fetch each entity through node/nodes, written by
// hand from the product's rules (the typed queries' matrix), not read from
// the code under test.
var nodeReaders = func() map[string][]authz.Role {
	all := []authz.Role{authz.Owner, authz.Manager, authz.Onboarding, authz.Warehouse, authz.Security, authz.Integrator}
	stock := []authz.Role{authz.Owner, authz.Manager, authz.Warehouse, authz.Security, authz.Integrator}
	m := map[string][]authz.Role{
		"User":                {authz.Owner, authz.Security},
		"ApiToken":            {authz.Owner},
		"AuditEvent":          {authz.Owner, authz.Security},
		"CourierDocument":     {authz.Owner, authz.Manager, authz.Onboarding, authz.Security},
		"CourierStatusChange": {authz.Owner, authz.Manager, authz.Onboarding, authz.Security, authz.Integrator},
	}
	for _, e := range []string{"Region", "Branch", "Warehouse", "Partner", "EquipmentType", "Courier", "Kit", "KitItem", "StatusReason"} {
		m[e] = all
	}
	for _, e := range []string{"Item", "StockBalance", "Movement", "Transfer", "TransferLine", "CourierHolding", "CourierDebt"} {
		m[e] = stock
	}
	return m
}()

// Defect 2: any signed-in role read users (login, role, scope, Telegram id,
// last sign-in) through node(id:). Every entity type × every role, through
// node and nodes.
func TestNodeObeysTheMatrixForEveryEntityAndRole(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		if _, err := seed.Demo(context.Background(), e.db.Client, apptest.Docs(t)); err != nil {
			t.Fatal(err)
		}
		authtest.User(t, e.auth, authz.Manager, authz.Scope{})
		e.token(authz.Integrator, authz.Scope{})
		ids := nodeFixtures(t, e)
		for entity := range nodeReaders {
			if ids[entity] == 0 {
				t.Errorf("no %s row to fetch: the matrix test must cover every node type", entity)
			}
		}
		for entity, id := range ids {
			readers, ok := nodeReaders[entity]
			if !ok {
				t.Errorf("node type %s has no expectation", entity)
				continue
			}
			for _, role := range authz.Roles {
				tok := e.token(role, authz.Scope{})
				single := e.gql(tok, fmt.Sprintf(`{ node(id: "%d") { id } }`, id))
				many := e.gql(tok, fmt.Sprintf(`{ nodes(ids: ["%d"]) { id } }`, id))
				gotOne := string(single.Data["node"]) != "null" && len(single.Data["node"]) > 0
				gotMany := string(many.Data["nodes"]) != "[null]" && len(many.Data["nodes"]) > 0
				if !slices.Contains(readers, role) {
					if gotOne || gotMany || !hidden(single.code()) || !hidden(many.code()) {
						t.Errorf("%s reads %s through node: %s / nodes: %s", role, entity, single.Raw, many.Raw)
					}
					continue
				}
				if role == authz.Owner && (!gotOne || !gotMany) {
					t.Errorf("owner cannot read %s through node: %s / nodes: %s", entity, single.Raw, many.Raw)
				}
				if gotOne != gotMany {
					t.Errorf("%s on %s: node and nodes disagree: %s / %s", role, entity, single.Raw, many.Raw)
				}
			}
		}
	})
}

// nodeFixtures returns one id of every node type that has a row.
func nodeFixtures(t *testing.T, e *env) map[string]int {
	ids := map[string]int{}
	ctx := authtest.Sys()
	c := e.db.Client
	stockFixtures(t, e)
	first := func(entity string, id int, err error) {
		if err == nil {
			ids[entity] = id
		} else if !ent.IsNotFound(err) {
			t.Fatalf("%s: %v", entity, err)
		}
	}
	id, err := c.Region.Query().FirstID(ctx)
	first("Region", id, err)
	id, err = c.Branch.Query().FirstID(ctx)
	first("Branch", id, err)
	id, err = c.Warehouse.Query().FirstID(ctx)
	first("Warehouse", id, err)
	id, err = c.Partner.Query().FirstID(ctx)
	first("Partner", id, err)
	id, err = c.EquipmentType.Query().FirstID(ctx)
	first("EquipmentType", id, err)
	id, err = c.Courier.Query().FirstID(ctx)
	first("Courier", id, err)
	id, err = c.Kit.Query().FirstID(ctx)
	first("Kit", id, err)
	id, err = c.KitItem.Query().FirstID(ctx)
	first("KitItem", id, err)
	id, err = c.StatusReason.Query().FirstID(ctx)
	first("StatusReason", id, err)
	id, err = c.User.Query().FirstID(ctx)
	first("User", id, err)
	id, err = c.ApiToken.Query().FirstID(ctx)
	first("ApiToken", id, err)
	id, err = c.AuditEvent.Query().FirstID(ctx)
	first("AuditEvent", id, err)
	id, err = c.CourierDocument.Query().FirstID(ctx)
	first("CourierDocument", id, err)
	id, err = c.CourierStatusChange.Query().FirstID(ctx)
	first("CourierStatusChange", id, err)
	id, err = c.Item.Query().FirstID(ctx)
	first("Item", id, err)
	id, err = c.StockBalance.Query().FirstID(ctx)
	first("StockBalance", id, err)
	id, err = c.Movement.Query().FirstID(ctx)
	first("Movement", id, err)
	id, err = c.Transfer.Query().FirstID(ctx)
	first("Transfer", id, err)
	id, err = c.TransferLine.Query().FirstID(ctx)
	first("TransferLine", id, err)
	id, err = c.CourierHolding.Query().FirstID(ctx)
	first("CourierHolding", id, err)
	id, err = c.CourierDebt.Query().FirstID(ctx)
	first("CourierDebt", id, err)
	return ids
}

// stockFixtures moves stock through the stock service as the system so that
// items, kits, holdings, debts, transfers and documents exist.
func stockFixtures(t *testing.T, e *env) {
	ctx := authtest.Sys()
	c := e.db.Client
	svc := stocksvc.New(c, stocksvc.Config{})
	ws, err := c.Warehouse.Query().Order(ent.Asc(warehouse.FieldID)).Limit(2).IDs(ctx)
	if err != nil || len(ws) < 2 {
		t.Fatalf("warehouses: %v %v", ws, err)
	}
	var qty, ser *ent.EquipmentType
	e.fixture(func(ctx context.Context, c *ent.Client) (err error) {
		qty, err = c.EquipmentType.Create().SetName("Сумка тест").SetSku("SEC-QTY").SetCategory(equipmenttype.CategoryBag).SetUnitCost(1000).Save(ctx)
		if err != nil {
			return err
		}
		ser, err = c.EquipmentType.Create().SetName("Пауэрбанк тест").SetSku("SEC-SER").SetCategory(equipmenttype.CategoryPowerBank).
			SetTracking(equipmenttype.TrackingSerial).Save(ctx)
		return err
	})
	courierID, err := c.Courier.Query().Where(courier.StatusEQ(courier.StatusActive)).FirstID(ctx)
	if err != nil {
		t.Fatalf("an active courier: %v", err)
	}
	n := func(i int) *int { return &i }
	must := func(what string, _ any, err error) {
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	r, err := svc.Receive(ctx, stocksvc.ReceiveInput{IdempotencyKey: "sec-receive", WarehouseID: ws[0], Lines: []*stocksvc.Line{
		{EquipmentTypeID: qty.ID, Quantity: n(10)}, {EquipmentTypeID: ser.ID, Serials: []string{"SEC-1", "SEC-2"}}}})
	must("receive", r, err)
	k, err := svc.CreateKit(ctx, stocksvc.KitInput{Name: "Тест", TransportType: kit.TransportTypeFoot, Lines: []*stocksvc.KitLine{{EquipmentTypeID: qty.ID, Quantity: 1}}})
	must("kit", k, err)
	r, err = svc.Issue(ctx, stocksvc.IssueInput{IdempotencyKey: "sec-issue", WarehouseID: ws[0], CourierID: courierID, Lines: []*stocksvc.Line{{EquipmentTypeID: qty.ID, Quantity: n(3)}}})
	must("issue", r, err)
	r, err = svc.WriteOff(ctx, stocksvc.WriteOffInput{IdempotencyKey: "sec-lost", WarehouseID: ws[0], Reason: stocksvc.ReasonLost, CourierID: &courierID, Lines: []*stocksvc.Line{{EquipmentTypeID: qty.ID, Quantity: n(1)}}})
	must("write off", r, err)
	r, err = svc.Dispatch(ctx, stocksvc.DispatchInput{IdempotencyKey: "sec-dispatch", FromWarehouseID: ws[0], ToWarehouseID: ws[1], Lines: []*stocksvc.Line{{EquipmentTypeID: qty.ID, Quantity: n(1)}}})
	must("dispatch", r, err)
	e.fixture(func(ctx context.Context, c *ent.Client) error {
		return c.CourierDocument.Create().SetCourierID(courierID).SetKind(courierdocument.KindPassport).SetNumber("AA1234567").Exec(ctx)
	})
}

// hidden: refused as missing (NOT_FOUND) or by the entity's privacy policy
// (FORBIDDEN); never data.
func hidden(code string) bool { return code == "NOT_FOUND" || code == "FORBIDDEN" }
