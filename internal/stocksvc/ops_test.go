package stocksvc_test

import (
	"context"
	"testing"

	"github.com/mycourier/mycourier/ent/courierdebt"
	"github.com/mycourier/mycourier/ent/item"
	"github.com/mycourier/mycourier/ent/transfer"
	"github.com/mycourier/mycourier/ent/transferline"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

func TestReceiveIssueReturnMoveBalancesHoldingsLedgerAndAudit(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		audits := e.count("audit_events")
		res, err := e.svc.Receive(e.ctx, stocksvc.ReceiveInput{IdempotencyKey: key(), WarehouseID: e.wh1,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(10)}, {EquipmentTypeID: e.helmet, Serials: []string{"H-1", "H-2"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.DocumentNumber; len(got) != len("RCV-2026-000001") || got[:4] != "RCV-" {
			t.Errorf("document number %q", got)
		}
		if e.balance(e.wh1, e.bag) != 10 || e.balance(e.wh1, e.helmet) != 2 {
			t.Fatalf("balances after receipt: bag %d helmet %d", e.balance(e.wh1, e.bag), e.balance(e.wh1, e.helmet))
		}
		if len(res.Movements) != 3 {
			t.Errorf("receipt wrote %d movements, want 3 (1 bag line + 2 helmets)", len(res.Movements))
		}
		if e.count("audit_events") <= audits {
			t.Error("receipt left no audit events")
		}

		iss, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(2)}, {EquipmentTypeID: e.helmet, Serials: []string{"H-1"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if iss.ActURL == nil || *iss.ActURL != "/acts/"+iss.DocumentNumber+".pdf" {
			t.Errorf("act url %v", iss.ActURL)
		}
		if e.balance(e.wh1, e.bag) != 8 || e.holding(e.active, e.bag) != 2 || e.holding(e.active, e.helmet) != 1 {
			t.Fatalf("after issue: stock %d held %d/%d", e.balance(e.wh1, e.bag), e.holding(e.active, e.bag), e.holding(e.active, e.helmet))
		}
		h1 := e.db.Client.Item.Query().Where(item.Serial("H-1")).OnlyX(authtest.Sys())
		if h1.State != item.StateIssued || h1.CourierID == nil || *h1.CourierID != e.active {
			t.Fatalf("H-1 after issue: %+v", h1)
		}
		items, value, err := e.svc.Outstanding(context.Background(), e.active)
		if err != nil || items != 3 || value != 2*250000+400000 {
			t.Fatalf("Outstanding = %d, %d, %v; want 3, 900000", items, value, err)
		}

		damaged := item.ConditionDamaged
		if _, err := e.svc.Return(e.ctx, stocksvc.ReturnInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1), Condition: &damaged}, {EquipmentTypeID: e.helmet, Serials: []string{"H-1"}}}}); err != nil {
			t.Fatal(err)
		}
		if e.balance(e.wh1, e.bag) != 9 || e.quarantined(e.wh1, e.bag) != 1 || e.holding(e.active, e.bag) != 1 {
			t.Fatalf("after return: stock %d quarantined %d held %d", e.balance(e.wh1, e.bag), e.quarantined(e.wh1, e.bag), e.holding(e.active, e.bag))
		}
		h1 = e.db.Client.Item.Query().Where(item.Serial("H-1")).OnlyX(authtest.Sys())
		if h1.State != item.StateInStock || h1.CourierID != nil || h1.Condition != item.ConditionUsed {
			t.Fatalf("H-1 after return: %+v", h1)
		}
		// Quarantined units are on hand but not issuable: 9 on hand, 8 available.
		_, err = e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(9)}}})
		wantCode(t, err, apperr.CodeInsufficientStock, "")
		// Write the damaged one off from quarantine.
		yes := true
		if _, err := e.svc.WriteOff(e.ctx, stocksvc.WriteOffInput{IdempotencyKey: key(), WarehouseID: e.wh1, Reason: stocksvc.ReasonDamaged,
			FromQuarantine: &yes, Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}}); err != nil {
			t.Fatal(err)
		}
		if e.balance(e.wh1, e.bag) != 8 || e.quarantined(e.wh1, e.bag) != 0 {
			t.Fatalf("after write-off: stock %d quarantined %d", e.balance(e.wh1, e.bag), e.quarantined(e.wh1, e.bag))
		}
		e.verifyClean()
	})
}

func TestWriteOffLostByCourierRecordsDebtAtUnitCost(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 5)
		e.receiveSerials(e.wh1, "H-7")
		if _, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(2)}, {EquipmentTypeID: e.helmet, Serials: []string{"H-7"}}}}); err != nil {
			t.Fatal(err)
		}
		c := e.active
		res, err := e.svc.WriteOff(e.ctx, stocksvc.WriteOffInput{IdempotencyKey: key(), WarehouseID: e.wh1, Reason: stocksvc.ReasonLost,
			CourierID: &c, Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}, {EquipmentTypeID: e.helmet, Serials: []string{"H-7"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Debts) != 2 {
			t.Fatalf("debts %d, want 2", len(res.Debts))
		}
		debt, err := e.svc.OutstandingDebt(e.ctx, e.active)
		if err != nil || debt != 250000+400000 {
			t.Fatalf("debt = %d, %v; want 650000", debt, err)
		}
		if n := e.db.Client.CourierDebt.Query().Where(courierdebt.DocumentNumber(res.DocumentNumber)).CountX(authtest.Sys()); n != 2 {
			t.Errorf("debts under the document: %d", n)
		}
		if e.holding(e.active, e.bag) != 1 || e.holding(e.active, e.helmet) != 0 || e.balance(e.wh1, e.bag) != 3 {
			t.Fatalf("after lost: held %d/%d stock %d", e.holding(e.active, e.bag), e.holding(e.active, e.helmet), e.balance(e.wh1, e.bag))
		}
		if h := e.db.Client.Item.Query().Where(item.Serial("H-7")).OnlyX(authtest.Sys()); h.State != item.StateLost || h.CourierID != nil {
			t.Fatalf("H-7: %+v", h)
		}
		e.verifyClean()
	})
}

func TestTransferWithShortageWrittenOffOrReturned(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 10)
		e.receiveSerials(e.wh1, "H-1", "H-2")
		disp, err := e.svc.Dispatch(e.ctx, stocksvc.DispatchInput{IdempotencyKey: key(), FromWarehouseID: e.wh1, ToWarehouseID: e.wh2,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(6)}, {EquipmentTypeID: e.helmet, Serials: []string{"H-1", "H-2"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if disp.Transfer == nil || disp.Transfer.Status != transfer.StatusInTransit {
			t.Fatalf("transfer %+v", disp.Transfer)
		}
		if e.balance(e.wh1, e.bag) != 4 || e.balance(e.wh2, e.bag) != 0 || e.balance(e.wh1, e.helmet) != 0 {
			t.Fatalf("after dispatch: %d %d %d", e.balance(e.wh1, e.bag), e.balance(e.wh2, e.bag), e.balance(e.wh1, e.helmet))
		}
		inTransit, err := e.svc.InTransit(e.ctx, nil)
		if err != nil || len(inTransit) != 1 {
			t.Fatalf("in transit: %d, %v", len(inTransit), err)
		}
		e.verifyClean()
		// 5 of 6 bags and H-1 of the helmets arrive.
		rcv, err := e.svc.ReceiveTransfer(e.ctx, stocksvc.ReceiveTransferInput{IdempotencyKey: key(), TransferID: disp.Transfer.ID,
			Lines: []*stocksvc.ReceivedLine{{EquipmentTypeID: e.bag, QuantityReceived: qty(5)}, {EquipmentTypeID: e.helmet, SerialsReceived: []string{"H-1"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if !rcv.Transfer.HasDiscrepancy || rcv.Transfer.Status != transfer.StatusReceived {
			t.Fatalf("transfer after receipt: %+v", rcv.Transfer)
		}
		if e.balance(e.wh2, e.bag) != 5 || e.balance(e.wh2, e.helmet) != 1 || e.balance(e.wh1, e.bag) != 4 {
			t.Fatalf("after receipt: %d %d %d", e.balance(e.wh2, e.bag), e.balance(e.wh2, e.helmet), e.balance(e.wh1, e.bag))
		}
		lines := e.db.Client.TransferLine.Query().Where(transferline.TransferID(disp.Transfer.ID)).AllX(authtest.Sys())
		short := 0
		for _, l := range lines {
			if l.ShortageResolution != nil && *l.ShortageResolution == transferline.ShortageResolutionWrittenOff {
				short += l.QuantitySent - *l.QuantityReceived
			}
		}
		if short != 2 {
			t.Errorf("shortage written off: %d, want 2 (1 bag, 1 helmet)", short)
		}
		if h := e.db.Client.Item.Query().Where(item.Serial("H-2")).OnlyX(authtest.Sys()); h.State != item.StateLost {
			t.Errorf("H-2 missing in transit: %s", h.State)
		}
		// Receiving twice is refused.
		_, err = e.svc.ReceiveTransfer(e.ctx, stocksvc.ReceiveTransferInput{IdempotencyKey: key(), TransferID: disp.Transfer.ID})
		wantCode(t, err, apperr.CodeInvalidTransition, "stock.transferReceived")

		// A second transfer whose shortage goes back to the sender.
		disp2, err := e.svc.Dispatch(e.ctx, stocksvc.DispatchInput{IdempotencyKey: key(), FromWarehouseID: e.wh1, ToWarehouseID: e.wh2,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(4)}}})
		if err != nil {
			t.Fatal(err)
		}
		ret := transferline.ShortageResolutionReturned
		if _, err := e.svc.ReceiveTransfer(e.ctx, stocksvc.ReceiveTransferInput{IdempotencyKey: key(), TransferID: disp2.Transfer.ID, Shortage: &ret,
			Lines: []*stocksvc.ReceivedLine{{EquipmentTypeID: e.bag, QuantityReceived: qty(3)}}}); err != nil {
			t.Fatal(err)
		}
		if e.balance(e.wh1, e.bag) != 1 || e.balance(e.wh2, e.bag) != 8 {
			t.Fatalf("after returned shortage: %d %d", e.balance(e.wh1, e.bag), e.balance(e.wh2, e.bag))
		}
		e.verifyClean()
	})
}

func TestCountRecordsAdjustmentsWithReason(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 10)
		res, err := e.svc.Count(e.ctx, stocksvc.CountInput{IdempotencyKey: key(), WarehouseID: e.wh1, Reason: "инвентаризация",
			Lines: []*stocksvc.CountLine{{EquipmentTypeID: e.bag, Counted: 7}, {EquipmentTypeID: e.jackM, Counted: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Movements) != 2 || res.Movements[0].Reason != "инвентаризация" {
			t.Fatalf("adjustments: %+v", res.Movements)
		}
		if e.balance(e.wh1, e.bag) != 7 || e.balance(e.wh1, e.jackM) != 2 {
			t.Fatalf("after count: %d %d", e.balance(e.wh1, e.bag), e.balance(e.wh1, e.jackM))
		}
		// Nothing found is a count too (0 is not negative); -1 is refused.
		if _, err := e.svc.Count(e.ctx, stocksvc.CountInput{IdempotencyKey: key(), WarehouseID: e.wh1, Reason: "инвентаризация",
			Lines: []*stocksvc.CountLine{{EquipmentTypeID: e.jackM, Counted: 0}}}); err != nil {
			t.Fatalf("count of 0: %v", err)
		}
		if got := e.balance(e.wh1, e.jackM); got != 0 {
			t.Errorf("after a count of 0: %d", got)
		}
		_, err = e.svc.Count(e.ctx, stocksvc.CountInput{IdempotencyKey: key(), WarehouseID: e.wh1, Reason: "инвентаризация",
			Lines: []*stocksvc.CountLine{{EquipmentTypeID: e.bag, Counted: -1}}})
		wantCode(t, err, apperr.CodeBadUserInput, "stock.quantityNegative")
		e.verifyClean()
	})
}

func TestKitIssuedInOneOperationWithSizeChoice(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 5)
		e.receive(e.wh1, e.jackL, 5)
		e.receiveSerials(e.wh1, "H-9")
		k, err := e.svc.CreateKit(authtest.Sys(), stocksvc.KitInput{Name: "Мото", TransportType: "moto",
			Lines: []*stocksvc.KitLine{{EquipmentTypeID: e.bag, Quantity: 1}, {EquipmentTypeID: e.jackM, Quantity: 1}, {EquipmentTypeID: e.helmet, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		kid := k.ID
		res, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			KitID: &kid, Sizes: []int{e.jackL}, KitSerials: []string{"H-9"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Movements) != 3 {
			t.Errorf("kit issue wrote %d movements, want 3", len(res.Movements))
		}
		if e.holding(e.active, e.jackL) != 1 || e.holding(e.active, e.jackM) != 0 || e.holding(e.active, e.helmet) != 1 {
			t.Fatalf("held: L %d M %d helmet %d", e.holding(e.active, e.jackL), e.holding(e.active, e.jackM), e.holding(e.active, e.helmet))
		}
		held, err := e.svc.Held(e.ctx, e.active)
		if err != nil || len(held) != 3 {
			t.Fatalf("equipmentHeld: %d, %v", len(held), err)
		}
		// A size from another group is refused.
		_, err = e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			KitID: &kid, Sizes: []int{e.bag}})
		wantCode(t, err, apperr.CodeBadUserInput, "")
		e.verifyClean()
	})
}

func TestIssueToNewCourierOnlyWhenConfigured(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 5)
		in := stocksvc.IssueInput{WarehouseID: e.wh1, CourierID: e.fresh, Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}}
		in.IdempotencyKey = key()
		_, err := e.svc.Issue(e.ctx, in)
		wantCode(t, err, apperr.CodeBadUserInput, "stock.courierNotActive")
		lenient := stocksvc.New(e.db.Client, stocksvc.Config{IssueToNew: true})
		in.IdempotencyKey = key()
		if _, err := lenient.Issue(e.ctx, in); err != nil {
			t.Fatalf("issue to new courier with IssueToNew: %v", err)
		}
		in.IdempotencyKey, in.CourierID = key(), e.block
		_, err = lenient.Issue(e.ctx, in)
		wantCode(t, err, apperr.CodeBadUserInput, "stock.courierNotActive")
	})
}

func TestSettleAsLostTurnsEverythingHeldIntoDebt(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 3)
		e.receiveSerials(e.wh1, "H-31")
		if _, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(2)}, {EquipmentTypeID: e.helmet, Serials: []string{"H-31"}}}}); err != nil {
			t.Fatal(err)
		}
		res, err := e.svc.SettleAsLost(e.ctx, e.active, "fire-1")
		if err != nil {
			t.Fatal(err)
		}
		if n, v, _ := e.svc.Outstanding(e.ctx, e.active); n != 0 || v != 0 {
			t.Fatalf("outstanding after settling: %d, %d", n, v)
		}
		if debt, _ := e.svc.OutstandingDebt(e.ctx, e.active); debt != 2*250000+400000 {
			t.Fatalf("debt %d, want 900000", debt)
		}
		again, err := e.svc.SettleAsLost(e.ctx, e.active, "fire-1")
		if err != nil || !again.Replayed || again.DocumentNumber != res.DocumentNumber {
			t.Fatalf("retry: %+v %v", again, err)
		}
		// The settlement runs as the system on behalf of whoever fired the
		// courier, and says so in the trail; with no one signed in, "system".
		if n := e.sqlInt(`SELECT COUNT(*) FROM audit_events WHERE actor_name = $1`, "lifecycle:"+authz.FromContext(e.ctx).Name); n == 0 {
			t.Errorf("no audit event by lifecycle:%s", authz.FromContext(e.ctx).Name)
		}
		e.receive(e.wh1, e.bag, 1)
		if _, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SettleAsLost(context.Background(), e.active, "fire-2"); err != nil {
			t.Fatal(err)
		}
		if n := e.sqlInt(`SELECT COUNT(*) FROM audit_events WHERE actor_name = 'lifecycle:system'`); n == 0 {
			t.Error("no audit event by lifecycle:system")
		}
		e.verifyClean()
	})
}
