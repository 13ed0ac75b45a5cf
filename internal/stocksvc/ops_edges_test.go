package stocksvc_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/ent/item"
	"github.com/mycourier/mycourier/ent/movement"
	"github.com/mycourier/mycourier/ent/transferline"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/limits"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// Every operation takes its locks in one order — balances by equipment
// type, units by id — whatever order the request lists them in; two
// operations naming the same lines in opposite orders would otherwise
// deadlock on PostgreSQL. The ledger rows are written in that order, so
// the order is visible in them.
func TestOperationsLockLinesAndUnitsInOneOrder(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 10)
		e.receive(e.wh1, e.jackM, 10)
		e.receiveSerials(e.wh1, "H-1", "H-2", "H-3")
		if !(e.bag < e.jackM && e.jackM < e.helmet) {
			t.Fatalf("fixture: type ids bag %d, jacket %d, helmet %d are not ascending", e.bag, e.jackM, e.helmet)
		}
		res, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{
				{EquipmentTypeID: e.helmet, Serials: []string{"H-3", "H-1"}},
				{EquipmentTypeID: e.jackM, Quantity: qty(1)},
				{EquipmentTypeID: e.bag, Quantity: qty(2)},
			}})
		if err != nil {
			t.Fatal(err)
		}
		var types []int
		var serials []string
		for _, m := range res.Movements {
			types = append(types, m.EquipmentTypeID)
			if m.ItemID != nil {
				serials = append(serials, e.db.Client.Item.GetX(authtest.Sys(), *m.ItemID).Serial)
			}
		}
		if want := []int{e.bag, e.jackM, e.helmet, e.helmet}; !slices.Equal(types, want) {
			t.Errorf("movements by type: got %v, want %v (ascending type id)", types, want)
		}
		if want := []string{"H-1", "H-3"}; !slices.Equal(serials, want) {
			t.Errorf("units: got %v, want %v (ascending id)", serials, want)
		}
	})
}

// A unit that is not in stock here says where it is: at another warehouse
// when it is in stock (or quarantined) there, else its state.
func TestUnitNotInStockSaysWhereItIs(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receiveSerials(e.wh2, "H-9")
		e.receiveSerials(e.wh1, "H-1")
		if _, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.helmet, Serials: []string{"H-1"}}}}); err != nil {
			t.Fatal(err)
		}
		e.receiveSerials(e.wh1, "H-2") // stock of the type here: the serial is what is wrong
		for serial, want := range map[string]string{
			"H-9": "(it is in_stock at another warehouse)",
			"H-1": "(it is issued)",
		} {
			_, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
				Lines: []*stocksvc.Line{{EquipmentTypeID: e.helmet, Serials: []string{serial}}}})
			wantCode(t, err, apperr.CodeBadUserInput, "stock.itemNotInStock")
			inv, _ := apperr.As[apperr.Invalid](err)
			var msg string
			for _, f := range inv.Fields {
				msg = f.Message
			}
			if !strings.HasSuffix(msg, want) {
				t.Errorf("%s: message %q, want it to end %q", serial, msg, want)
			}
		}
	})
}

// A written-off unit ends as lost when it was lost or stolen, as written
// off when it wore out or was damaged.
func TestWrittenOffUnitsEndInTheStateTheirReasonGives(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		want := map[string]item.State{
			stocksvc.ReasonWornOut: item.StateWrittenOff,
			stocksvc.ReasonDamaged: item.StateWrittenOff,
			stocksvc.ReasonLost:    item.StateLost,
			stocksvc.ReasonStolen:  item.StateLost,
		}
		for i, reason := range stocksvc.WriteOffReasons {
			serial := fmt.Sprintf("W-%d", i)
			e.receiveSerials(e.wh1, serial)
			if _, err := e.svc.WriteOff(e.ctx, stocksvc.WriteOffInput{IdempotencyKey: key(), WarehouseID: e.wh1, Reason: reason,
				Lines: []*stocksvc.Line{{EquipmentTypeID: e.helmet, Serials: []string{serial}}}}); err != nil {
				t.Fatalf("%s: %v", reason, err)
			}
			if got := e.db.Client.Item.Query().Where(item.Serial(serial)).OnlyX(authtest.Sys()).State; got != want[reason] {
				t.Errorf("written off as %s: state %s, want %s", reason, got, want[reason])
			}
		}
	})
}

// A transfer is received line by line in the order its lines were written
// (one lock order again), a line that arrived empty included, and a line's
// note is kept.
func TestTransferReceiptKeepsLineOrderAndNotes(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 10)
		e.receive(e.wh1, e.jackM, 10)
		e.receive(e.wh1, e.jackL, 10)
		disp, err := e.svc.Dispatch(e.ctx, stocksvc.DispatchInput{IdempotencyKey: key(), FromWarehouseID: e.wh1, ToWarehouseID: e.wh2,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.jackL, Quantity: qty(3)}, {EquipmentTypeID: e.bag, Quantity: qty(2)}, {EquipmentTypeID: e.jackM, Quantity: qty(4)}}})
		if err != nil {
			t.Fatal(err)
		}
		note := "коробка вскрыта"
		rcv, err := e.svc.ReceiveTransfer(e.ctx, stocksvc.ReceiveTransferInput{IdempotencyKey: key(), TransferID: disp.Transfer.ID,
			Lines: []*stocksvc.ReceivedLine{
				{EquipmentTypeID: e.jackM, QuantityReceived: qty(0), Note: &note},
				{EquipmentTypeID: e.jackL, QuantityReceived: qty(3)},
				{EquipmentTypeID: e.bag, QuantityReceived: qty(2)},
			}})
		if err != nil {
			t.Fatal(err)
		}
		var types []int
		for _, m := range rcv.Movements {
			if m.Kind == movement.KindTransferIn && m.WarehouseID == e.wh2 {
				types = append(types, m.EquipmentTypeID)
			}
		}
		// The short line is booked in and written off at the destination.
		if want := []int{e.bag, e.jackM, e.jackL}; !slices.Equal(types, want) {
			t.Errorf("arrivals: got types %v, want %v (line order)", types, want)
		}
		if e.balance(e.wh2, e.jackM) != 0 || e.balance(e.wh2, e.jackL) != 3 || e.balance(e.wh2, e.bag) != 2 {
			t.Errorf("balances after receipt: %d %d %d", e.balance(e.wh2, e.jackM), e.balance(e.wh2, e.jackL), e.balance(e.wh2, e.bag))
		}
		for _, l := range e.db.Client.TransferLine.Query().Where(transferline.TransferID(disp.Transfer.ID)).AllX(authtest.Sys()) {
			want := ""
			if l.EquipmentTypeID == e.jackM {
				want = note
			}
			if l.Note != want {
				t.Errorf("line of type %d: note %q, want %q", l.EquipmentTypeID, l.Note, want)
			}
		}
		e.verifyClean()
	})
}

// A courier's lost unit is charged at what that unit cost when received,
// not at its type's current price.
func TestLostUnitIsChargedAtItsOwnCost(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		cost := int64(123_000)
		if _, err := e.svc.Receive(e.ctx, stocksvc.ReceiveInput{IdempotencyKey: key(), WarehouseID: e.wh1,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.helmet, Serials: []string{"H-7"}, UnitCost: &cost}}}); err != nil {
			t.Fatal(err)
		}
		typeCost := e.db.Client.EquipmentType.GetX(authtest.Sys(), e.helmet).UnitCost
		if typeCost == cost {
			t.Fatalf("fixture: the type costs %d too", typeCost)
		}
		if _, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.helmet, Serials: []string{"H-7"}}}}); err != nil {
			t.Fatal(err)
		}
		res, err := e.svc.WriteOff(e.ctx, stocksvc.WriteOffInput{IdempotencyKey: key(), WarehouseID: e.wh1, Reason: stocksvc.ReasonLost, CourierID: &e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.helmet, Serials: []string{"H-7"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Debts) != 1 || res.Debts[0].Amount != cost {
			t.Fatalf("debts: %+v, want one of %d (the unit's cost; the type's is %d)", res.Debts, cost, typeCost)
		}
	})
}

// What a courier holds is valued at each unit's own cost, or its type's
// for a unit without one.
func TestHeldUnitsAreValuedAtTheirOwnOrTheirTypesCost(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		own := int64(123_000)
		e.receiveSerials(e.wh1, "H-1")
		if _, err := e.svc.Receive(e.ctx, stocksvc.ReceiveInput{IdempotencyKey: key(), WarehouseID: e.wh1,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.helmet, Serials: []string{"H-2"}, UnitCost: &own}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.helmet, Serials: []string{"H-1", "H-2"}}}}); err != nil {
			t.Fatal(err)
		}
		typeCost := e.db.Client.EquipmentType.GetX(authtest.Sys(), e.helmet).UnitCost
		// As a unit from before units kept their own cost.
		if _, err := e.db.SQL.Exec(`UPDATE items SET unit_cost = 0 WHERE serial = 'H-1'`); err != nil {
			t.Fatal(err)
		}
		held, err := e.svc.Held(e.ctx, e.active)
		if err != nil || len(held) != 1 {
			t.Fatalf("held: %v %+v", err, held)
		}
		if want := typeCost + own; held[0].Value != want {
			t.Errorf("value of H-1 (no own cost) and H-2 (%d): %d, want %d", own, held[0].Value, want)
		}
	})
}

// The stock report lists every balance the viewer sees, or one
// warehouse's when asked.
func TestStockReportOfAllOrOneWarehouse(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 3)
		e.receive(e.wh2, e.bag, 4)
		warehouses := func(w *int) []int {
			t.Helper()
			lines, err := e.svc.Report(e.ctx, w, false, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var out []int
			for _, l := range lines {
				out = append(out, l.Balance.WarehouseID)
			}
			return out
		}
		if got := warehouses(nil); !slices.Equal(got, []int{e.wh1, e.wh2}) {
			t.Errorf("all warehouses: %v, want [%d %d]", got, e.wh1, e.wh2)
		}
		if got := warehouses(&e.wh2); !slices.Equal(got, []int{e.wh2}) {
			t.Errorf("one warehouse: %v, want [%d]", got, e.wh2)
		}
	})
}

// The report's movement columns count the days from through to, both
// included, either end open; a window without movements counts nothing;
// lowOnly keeps the balances below a minimum level (none is "no minimum").
func TestStockReportWindowAndLowOnly(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 5)
		e.receive(e.wh1, e.jackM, 1)
		if _, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(2)}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.WriteOff(e.ctx, stocksvc.WriteOffInput{IdempotencyKey: key(), WarehouseID: e.wh1, Reason: stocksvc.ReasonWornOut,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}}); err != nil {
			t.Fatal(err)
		}
		today := time.Now().UTC().Truncate(24 * time.Hour)
		yesterday, tomorrow := today.AddDate(0, 0, -1), today.AddDate(0, 0, 1)
		bag := func(from, to *time.Time) [3]int {
			t.Helper()
			lines, err := e.svc.Report(e.ctx, &e.wh1, false, from, to)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range lines {
				if l.Balance.EquipmentTypeID == e.bag {
					return [3]int{l.Received, l.Issued, l.WrittenOff}
				}
			}
			t.Fatalf("no bag line in %+v", lines)
			return [3]int{}
		}
		moved := [3]int{5, 2, 1}
		for name, c := range map[string]struct {
			from, to *time.Time
			want     [3]int
		}{
			"today":              {&today, &today, moved},
			"from yesterday":     {&yesterday, nil, moved},
			"until tomorrow":     {nil, &tomorrow, moved},
			"until yesterday":    {nil, &yesterday, [3]int{}},
			"from tomorrow":      {&tomorrow, nil, [3]int{}},
			"no window: no sums": {nil, nil, [3]int{}},
		} {
			if got := bag(c.from, c.to); got != c.want {
				t.Errorf("%s: received/issued/written off %v, want %v", name, got, c.want)
			}
		}

		all, err := e.svc.Report(e.ctx, nil, false, &today, &today)
		if err != nil || len(all) != 2 {
			t.Fatalf("every warehouse, today: %v %+v", err, all)
		}

		// Bags: 3 on hand, 1 of them quarantined, so 2 available, under a
		// minimum of 3; jackets: 1 available, exactly their minimum (not low).
		damaged := item.ConditionDamaged
		if _, err := e.svc.Return(e.ctx, stocksvc.ReturnInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1), Condition: &damaged}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SetMinLevel(e.ctx, e.wh1, e.bag, 3); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SetMinLevel(e.ctx, e.wh1, e.jackM, 1); err != nil {
			t.Fatal(err)
		}
		lines, err := e.svc.Report(e.ctx, nil, true, nil, nil)
		if err != nil || len(lines) != 1 || lines[0].Balance.EquipmentTypeID != e.bag {
			t.Fatalf("low only: %v %+v", err, lines)
		}
	})
}

// Only an issue and a return are handed over with a signed act: their
// results link it, a receipt's or a write-off's do not.
func TestOnlyIssuesAndReturnsLinkAnAct(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		rcv, err := e.svc.Receive(e.ctx, stocksvc.ReceiveInput{IdempotencyKey: key(), WarehouseID: e.wh1,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(5)}}})
		if err != nil || rcv.ActURL != nil {
			t.Fatalf("receipt: %v, act %v", err, rcv.ActURL)
		}
		bags := []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}
		iss, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active, Lines: bags})
		if err != nil || iss.ActURL == nil {
			t.Fatalf("issue: %v, act %v", err, iss.ActURL)
		}
		ret, err := e.svc.Return(e.ctx, stocksvc.ReturnInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active, Lines: bags})
		if err != nil || ret.ActURL == nil || *ret.ActURL != stocksvc.ActURL(ret.DocumentNumber) {
			t.Fatalf("return: %v, act %v", err, ret.ActURL)
		}
		wo, err := e.svc.WriteOff(e.ctx, stocksvc.WriteOffInput{IdempotencyKey: key(), WarehouseID: e.wh1, Reason: stocksvc.ReasonWornOut, Lines: bags})
		if err != nil || wo.ActURL != nil {
			t.Fatalf("write-off: %v, act %v", err, wo.ActURL)
		}
	})
}

// Taking stock is audited with the balance before and after.
func TestTakingStockIsAuditedWithOldAndNewQuantity(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 5)
		if _, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(2)}}}); err != nil {
			t.Fatal(err)
		}
		last := func() map[string]any {
			return e.db.Client.AuditEvent.Query().Where(auditevent.EntityType("StockBalance")).
				Order(ent.Desc(auditevent.FieldID)).FirstX(authtest.Sys()).Changes
		}
		want := func(ch map[string]any, old, new string, quarantined string) {
			t.Helper()
			q, _ := ch["quantity"].(map[string]any)
			qq, _ := ch["quarantined"].(map[string]any)
			if fmt.Sprint(q["old"]) != old || fmt.Sprint(q["new"]) != new || fmt.Sprint(qq["delta"]) != quarantined {
				t.Errorf("audited change: %v, want quantity %s → %s, quarantined %s", ch, old, new, quarantined)
			}
		}
		want(last(), "5", "3", "<nil>")
		held := e.db.Client.AuditEvent.Query().Where(auditevent.EntityType("CourierHolding")).
			Order(ent.Desc(auditevent.FieldID)).FirstX(authtest.Sys()).Changes
		if h, _ := held["quantity"].(map[string]any); fmt.Sprint(h["old"]) != "0" || fmt.Sprint(h["new"]) != "2" {
			t.Errorf("audited holding: %v, want quantity 0 → 2", held)
		}
		// Adding stock, in good condition and damaged (to quarantine).
		damaged := item.ConditionDamaged
		if _, err := e.svc.Return(e.ctx, stocksvc.ReturnInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}}); err != nil {
			t.Fatal(err)
		}
		want(last(), "3", "4", "<nil>")
		held = e.db.Client.AuditEvent.Query().Where(auditevent.EntityType("CourierHolding")).
			Order(ent.Desc(auditevent.FieldID)).FirstX(authtest.Sys()).Changes
		if h, _ := held["quantity"].(map[string]any); fmt.Sprint(h["old"]) != "2" || fmt.Sprint(h["new"]) != "1" {
			t.Errorf("audited holding after a return: %v, want quantity 2 → 1", held)
		}
		if _, err := e.svc.Return(e.ctx, stocksvc.ReturnInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1), Condition: &damaged}}}); err != nil {
			t.Fatal(err)
		}
		want(last(), "4", "5", "1")
		fromQ := true
		if _, err := e.svc.WriteOff(e.ctx, stocksvc.WriteOffInput{IdempotencyKey: key(), WarehouseID: e.wh1, Reason: stocksvc.ReasonDamaged, FromQuarantine: &fromQ,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}}); err != nil {
			t.Fatal(err)
		}
		want(last(), "5", "4", "-1")
	})
}

// A balance may hold exactly limits.MaxBalance units, not one more.
func TestABalanceHoldsExactlyTheMaximum(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		if _, err := e.svc.Count(e.ctx, stocksvc.CountInput{IdempotencyKey: key(), WarehouseID: e.wh1, Reason: "инвентаризация",
			Lines: []*stocksvc.CountLine{{EquipmentTypeID: e.bag, Counted: limits.MaxBalance}}}); err != nil {
			t.Fatalf("a count of exactly the maximum: %v", err)
		}
		_, err := e.svc.Receive(e.ctx, stocksvc.ReceiveInput{IdempotencyKey: key(), WarehouseID: e.wh1,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}})
		wantCode(t, err, apperr.CodeBadUserInput, limits.KeyBalanceTooLarge)
		if got := e.balance(e.wh1, e.bag); got != limits.MaxBalance {
			t.Errorf("balance %d", got)
		}
	})
}

// A count may equal the quarantined units (all else is gone), not fall
// below them; a courier may hold exactly limits.MaxBalance units of a type.
func TestCountAndHoldingAtTheirBounds(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 5)
		if _, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(3)}}}); err != nil {
			t.Fatal(err)
		}
		damaged := item.ConditionDamaged
		if _, err := e.svc.Return(e.ctx, stocksvc.ReturnInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1), Condition: &damaged}}}); err != nil {
			t.Fatal(err)
		}
		count := func(n int) error {
			_, err := e.svc.Count(e.ctx, stocksvc.CountInput{IdempotencyKey: key(), WarehouseID: e.wh1, Reason: "инвентаризация",
				Lines: []*stocksvc.CountLine{{EquipmentTypeID: e.bag, Counted: n}}})
			return err
		}
		if err := count(1); err != nil {
			t.Errorf("a count equal to the quarantined units: %v", err)
		}
		wantCode(t, count(0), apperr.CodeBadUserInput, "stock.countBelowQuarantine")

		// The courier holds 2; make it one short of the maximum.
		if _, err := e.db.SQL.Exec(`UPDATE courier_holdings SET quantity = `+fmt.Sprint(limits.MaxBalance-1)); err != nil {
			t.Fatal(err)
		}
		e.receive(e.wh1, e.bag, 2)
		issue := func() error {
			_, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
				Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}})
			return err
		}
		if err := issue(); err != nil {
			t.Errorf("a holding of exactly the maximum: %v", err)
		}
		wantCode(t, issue(), apperr.CodeBadUserInput, limits.KeyBalanceTooLarge)
	})
}
