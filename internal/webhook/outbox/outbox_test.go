package outbox_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/ent/webhookevent"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/stocksvc"
	"github.com/mycourier/mycourier/internal/webhook"
)

// Every status change and stock movement written by the services puts an
// event in the outbox, with one delivery per enabled endpoint, in the same
// transaction: a refused change leaves no event.
func TestServicesWriteTheOutboxInTheirTransaction(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		db := dbtest.New(t, d)
		auth := authtest.Service(t, db)
		u := authtest.User(t, auth, authz.Owner, authz.Scope{})
		ctx := authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: u.ID, Name: u.Login, Role: authz.Owner, PII: true})
		if _, err := webhook.NewService(db.Client).CreateEndpoint(ctx, webhook.CreateEndpointInput{URL: "https://a.example/hook"}); err != nil {
			t.Fatal(err)
		}
		if _, err := webhook.NewService(db.Client).CreateEndpoint(ctx, webhook.CreateEndpointInput{URL: "https://b.example/hook"}); err != nil {
			t.Fatal(err)
		}
		var cid, wh, bag int
		authtest.Tx(t, db, func(ctx context.Context, c *ent.Client) error {
			r := c.Region.Create().SetName("Toshkent").SetCode("TAS").SaveX(ctx)
			b := c.Branch.Create().SetName("Chilonzor").SetCode("TAS-CH").SetRegionID(r.ID).SaveX(ctx)
			wh = c.Warehouse.Create().SetName("Склад").SetCode("W1").SetBranchID(b.ID).SaveX(ctx).ID
			p := c.Partner.Create().SetName("Yandex Logistics").SaveX(ctx)
			pin, _ := pinfl.Make(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), pinfl.Male, 1)
			cid = c.Courier.Create().SetLastName("Каримов").SetFirstName("Азиз").SetPhone("+998901234567").SetPinfl(pin).
				SetBirthDate(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)).SetTransportType(courier.TransportTypeMoto).
				SetStatus(courier.StatusActive).SetPartnerID(p.ID).SetBranchID(b.ID).SaveX(ctx).ID
			bag = c.EquipmentType.Create().SetName("Термосумка").SetSku("BAG").SetCategory(equipmenttype.CategoryBag).
				SetUnitCost(250000).SaveX(ctx).ID
			return nil
		})
		stock := stocksvc.New(db.Client, stocksvc.Config{})
		couriers, err := couriersvc.New(db.Client, couriersvc.Options{Equipment: stock,
			SettleDebt: func(ctx context.Context, id int, key string) error {
				_, err := stock.SettleAsLost(ctx, id, key)
				return err
			}})
		if err != nil {
			t.Fatal(err)
		}
		steps := []func() error{
			func() error {
				_, err := couriers.Block(ctx, cid, couriersvc.TransitionInput{Reason: "no_show", Comment: "x"})
				return err
			},
			func() error { _, err := couriers.Unblock(ctx, cid, couriersvc.TransitionInput{}); return err },
			func() error {
				_, err := stock.Receive(ctx, stocksvc.ReceiveInput{WarehouseID: wh, Lines: []*stocksvc.Line{{EquipmentTypeID: bag, Quantity: new(3)}}})
				return err
			},
			func() error {
				_, err := stock.Issue(ctx, stocksvc.IssueInput{WarehouseID: wh, CourierID: cid, Lines: []*stocksvc.Line{{EquipmentTypeID: bag, Quantity: new(1)}}})
				return err
			},
		}
		for i, step := range steps {
			if err := step(); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		// Refused: a block without a configured reason, and unblocking an active courier.
		if _, err := couriers.Block(ctx, cid, couriersvc.TransitionInput{Reason: "bored"}); err == nil {
			t.Fatal("block with an unknown reason was accepted")
		}
		if _, err := couriers.Unblock(ctx, cid, couriersvc.TransitionInput{}); err == nil {
			t.Fatal("unblocking an active courier was accepted")
		}
		sys := authtest.Sys()
		evs := db.Client.WebhookEvent.Query().Order(ent.Asc(webhookevent.FieldID)).AllX(sys)
		var got []string
		for _, ev := range evs {
			got = append(got, ev.Type+" "+ev.OrderingKey)
			if n := ev.QueryDeliveries().CountX(sys); n != 2 {
				t.Errorf("event %d has %d deliveries, want one per endpoint (2)", ev.ID, n)
			}
		}
		ck, wk := "courier:"+itoa(cid), "warehouse:"+itoa(wh)
		want := []string{"courier.blocked " + ck, "courier.unblocked " + ck, "stock.movement " + wk, "stock.movement " + ck}
		if !slices.Equal(got, want) {
			t.Errorf("outbox:\n got %q\nwant %q", got, want)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }
