package stocksvc_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// Every bad input gets its own code and key, and changes nothing.
func TestBadInputIsRefusedWithItsOwnErrorAndChangesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 5)
		e.receiveSerials(e.wh1, "H-1")
		e.receiveSerials(e.wh2, "H-2")
		line := func(typ, n int) []*stocksvc.Line { return []*stocksvc.Line{{EquipmentTypeID: typ, Quantity: qty(n)}} }
		issue := func(w, c int, lines []*stocksvc.Line) error {
			_, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: w, CourierID: c, Lines: lines})
			return err
		}
		cases := []struct {
			name string
			call func() error
			code apperr.Code
			key  string
		}{
			{"zero quantity", func() error { return issue(e.wh1, e.active, line(e.bag, 0)) }, apperr.CodeBadUserInput, "stock.quantityNotPositive"},
			{"negative quantity", func() error { return issue(e.wh1, e.active, line(e.bag, -3)) }, apperr.CodeBadUserInput, "stock.quantityNotPositive"},
			{"unknown type", func() error { return issue(e.wh1, e.active, line(999999, 1)) }, apperr.CodeBadUserInput, "stock.unknownEquipmentType"},
			{"warehouse outside scope", func() error { return issue(e.whOut, e.active, line(e.bag, 1)) }, apperr.CodeForbidden, "stock.warehouseOutOfScope"},
			{"unknown warehouse", func() error { return issue(999999, e.active, line(e.bag, 1)) }, apperr.CodeBadUserInput, "stock.unknownWarehouse"},
			{"blocked courier", func() error { return issue(e.wh1, e.block, line(e.bag, 1)) }, apperr.CodeBadUserInput, "stock.courierNotActive"},
			{"unknown courier", func() error { return issue(e.wh1, 999999, line(e.bag, 1)) }, apperr.CodeBadUserInput, "stock.unknownCourier"},
			{"more than in stock", func() error { return issue(e.wh1, e.active, line(e.bag, 6)) }, apperr.CodeInsufficientStock, "error.insufficientStock"},
			{"item not in stock here", func() error {
				return issue(e.wh1, e.active, []*stocksvc.Line{{EquipmentTypeID: e.helmet, Serials: []string{"H-2"}}})
			}, apperr.CodeBadUserInput, "stock.itemNotInStock"},
			{"unknown serial", func() error {
				return issue(e.wh1, e.active, []*stocksvc.Line{{EquipmentTypeID: e.helmet, Serials: []string{"NOPE"}}})
			}, apperr.CodeBadUserInput, "stock.unknownSerial"},
			{"serial type without serials", func() error { return issue(e.wh1, e.active, line(e.helmet, 1)) }, apperr.CodeBadUserInput, "stock.serialsRequired"},
			{"duplicate serial on receipt", func() error {
				_, err := e.svc.Receive(e.ctx, stocksvc.ReceiveInput{IdempotencyKey: key(), WarehouseID: e.wh1,
					Lines: []*stocksvc.Line{{EquipmentTypeID: e.helmet, Serials: []string{"H-9", "H-1"}}}})
				return err
			}, apperr.CodeConflict, ""},
			{"serial twice in one request", func() error {
				_, err := e.svc.Receive(e.ctx, stocksvc.ReceiveInput{IdempotencyKey: key(), WarehouseID: e.wh1,
					Lines: []*stocksvc.Line{{EquipmentTypeID: e.helmet, Serials: []string{"H-8", "H-8"}}}})
				return err
			}, apperr.CodeBadUserInput, "stock.duplicateSerial"},
			{"return more than held", func() error {
				_, err := e.svc.Return(e.ctx, stocksvc.ReturnInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active, Lines: line(e.bag, 1)})
				return err
			}, apperr.CodeBadUserInput, "stock.notHeld"},
			{"unknown write-off reason", func() error {
				_, err := e.svc.WriteOff(e.ctx, stocksvc.WriteOffInput{IdempotencyKey: key(), WarehouseID: e.wh1, Reason: "bored", Lines: line(e.bag, 1)})
				return err
			}, apperr.CodeBadUserInput, "stock.unknownReason"},
			{"transfer to itself", func() error {
				_, err := e.svc.Dispatch(e.ctx, stocksvc.DispatchInput{IdempotencyKey: key(), FromWarehouseID: e.wh1, ToWarehouseID: e.wh1, Lines: line(e.bag, 1)})
				return err
			}, apperr.CodeBadUserInput, "stock.sameWarehouse"},
			{"count without reason", func() error {
				_, err := e.svc.Count(e.ctx, stocksvc.CountInput{IdempotencyKey: key(), WarehouseID: e.wh1,
					Lines: []*stocksvc.CountLine{{EquipmentTypeID: e.bag, Counted: 1}}})
				return err
			}, apperr.CodeBadUserInput, "stock.reasonRequired"},
			{"idempotency key too long", func() error {
				_, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: strings.Repeat("k", 101), WarehouseID: e.wh1, CourierID: e.active, Lines: line(e.bag, 1)})
				return err
			}, apperr.CodeBadUserInput, "idempotency.keyTooLong"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := e.snapshot()
				wantCode(t, c.call(), c.code, c.key)
				if after := e.snapshot(); !maps.Equal(before, after) {
					t.Errorf("refused request changed something: before %v, after %v", before, after)
				}
			})
		}
		e.verifyClean()
	})
}

// Twins sent at once with one key apply once: each gets the same document,
// all but one replayed.
func TestConcurrentTwinsWithOneKeyApplyOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 10)
		in := stocksvc.IssueInput{IdempotencyKey: "twin-1", WarehouseID: e.wh1, CourierID: e.active, Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(2)}}}
		const n = 6
		res := make([]*stocksvc.Result, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() { defer wg.Done(); res[i], errs[i] = e.svc.Issue(e.ctx, in) }()
		}
		wg.Wait()
		fresh := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("twin %d: %v", i, errs[i])
			}
			if !res[i].Replayed {
				fresh++
			}
			if res[i].DocumentNumber != res[0].DocumentNumber {
				t.Errorf("twin %d got %s, twin 0 %s", i, res[i].DocumentNumber, res[0].DocumentNumber)
			}
		}
		if fresh != 1 || e.holding(e.active, e.bag) != 2 || e.balance(e.wh1, e.bag) != 8 {
			t.Errorf("applied %d times; holding %d, balance %d; want once, 2, 8", fresh, e.holding(e.active, e.bag), e.balance(e.wh1, e.bag))
		}
		e.verifyClean()
	})
}

// Without a key every call is a new operation (the rule is: keys optional).
func TestWithoutAKeyEveryCallIsNew(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 5)
		in := stocksvc.IssueInput{WarehouseID: e.wh1, CourierID: e.active, Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}}
		for range 2 {
			if res, err := e.svc.Issue(e.ctx, in); err != nil || res.Replayed {
				t.Fatalf("%+v %v", res, err)
			}
		}
		if e.holding(e.active, e.bag) != 2 {
			t.Errorf("holding %d, want 2", e.holding(e.active, e.bag))
		}
	})
}

// A retry with the same key returns the first result and moves nothing; the
// same key with other input is a CONFLICT.
func TestIdempotentRetries(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 5)
		in := stocksvc.IssueInput{IdempotencyKey: "retry-1", WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(2)}}}
		first, err := e.svc.Issue(e.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		before := e.snapshot()
		again, err := e.svc.Issue(e.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Replayed || again.DocumentNumber != first.DocumentNumber || again.OperationID != first.OperationID || len(again.Movements) != len(first.Movements) {
			t.Fatalf("retry: %+v, first: %+v", again, first)
		}
		if after := e.snapshot(); !maps.Equal(before, after) {
			t.Errorf("retry moved something: %v → %v", before, after)
		}
		in.Lines = []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(3)}}
		_, err = e.svc.Issue(e.ctx, in)
		wantCode(t, err, apperr.CodeConflict, "idempotency.mismatch")
		// Keys are per caller: another user may use the same key.
		other := authtest.User(t, e.auth, "warehouse", e.scope)
		octx := viewerOf(other, e)
		in.Lines = []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}
		if res, err := e.svc.Issue(octx, in); err != nil || res.Replayed {
			t.Fatalf("same key, other caller: %+v, %v", res, err)
		}
		if e.balance(e.wh1, e.bag) != 2 {
			t.Errorf("balance %d, want 2", e.balance(e.wh1, e.bag))
		}

		// Through GraphQL too.
		a := e.api()
		vars := map[string]any{"in": map[string]any{"idempotencyKey": "gql-1", "warehouseID": fmt.Sprint(e.wh1), "courierID": fmt.Sprint(e.active),
			"lines": []map[string]any{{"equipmentTypeID": fmt.Sprint(e.bag), "quantity": 1}}}}
		r1, err := a.post(issueMutation, vars)
		if err != nil || len(r1.Errors) > 0 {
			t.Fatalf("%v %v", err, r1.Errors)
		}
		r2, err := a.post(issueMutation, vars)
		if err != nil || len(r2.Errors) > 0 {
			t.Fatalf("%v %v", err, r2.Errors)
		}
		if string(r1.Data) == string(r2.Data) {
			t.Errorf("the replay should say replayed: %s", r2.Data)
		}
		if e.balance(e.wh1, e.bag) != 1 {
			t.Errorf("balance %d after a GraphQL issue and its replay, want 1", e.balance(e.wh1, e.bag))
		}
		e.verifyClean()
	})
}

// verify catches a balance changed behind the ledger's back.
func TestVerifyCatchesABalanceCorruptedInTheDatabase(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 5)
		e.verifyClean()
		if _, err := e.db.SQL.Exec(`UPDATE stock_balances SET quantity = quantity + 3 WHERE warehouse_id = $1 AND equipment_type_id = $2`, e.wh1, e.bag); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.SQL.Exec(`UPDATE courier_holdings SET quantity = 1`); err != nil {
			t.Fatal(err)
		}
		ms, err := stocksvc.Verify(context.Background(), e.db.Client)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0].Kind != "balance" || ms[0].Recorded != 8 || ms[0].Expected != 5 || ms[0].WarehouseID != e.wh1 {
			t.Fatalf("mismatches %v, want one balance 8 vs ledger 5", ms)
		}
		// A ledger row is never changed, whatever the caller.
		if _, err := e.db.SQL.Exec(`UPDATE movements SET quantity = 8`); err == nil {
			t.Fatal("the database let a ledger row change")
		}
	})
}

func viewerOf(u *ent.User, e *env) context.Context {
	return viewerContext(u.ID, u.Login, e.scope)
}

// verify catches a transfer received more than it was sent, however the
// rows got there: a receipt booked twice (ledger and balance agree, so only
// the transfer check sees it), an extra row under the transfer's own
// receipt, and a transfer line claiming more than was sent.
func TestVerifyCatchesATransferReceivedTwice(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 10)
		disp, err := e.svc.Dispatch(e.ctx, stocksvc.DispatchInput{IdempotencyKey: key(), FromWarehouseID: e.wh1, ToWarehouseID: e.wh2,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(4)}}})
		if err != nil {
			t.Fatal(err)
		}
		rcv, err := e.svc.ReceiveTransfer(e.ctx, stocksvc.ReceiveTransferInput{IdempotencyKey: key(), TransferID: disp.Transfer.ID})
		if err != nil {
			t.Fatal(err)
		}
		e.verifyClean()
		kinds := func() map[string]stocksvc.Mismatch {
			t.Helper()
			ms, err := stocksvc.Verify(context.Background(), e.db.Client)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]stocksvc.Mismatch{}
			for _, m := range ms {
				out[m.Kind] = m
			}
			return out
		}
		book := func(opID string, n int) {
			t.Helper()
			if _, err := e.db.SQL.Exec(`INSERT INTO movements (created_at, kind, quantity, operation_id, document_number, equipment_type_id, warehouse_id, counterpart_warehouse_id)
				VALUES ($1, 'transfer_in', $2, $3, 'TRR-X', $4, $5, $6)`, time.Now(), n, opID, e.bag, e.wh2, e.wh1); err != nil {
				t.Fatal(err)
			}
			if _, err := e.db.SQL.Exec(`UPDATE stock_balances SET quantity = quantity + $1 WHERE warehouse_id = $2 AND equipment_type_id = $3`, n, e.wh2, e.bag); err != nil {
				t.Fatal(err)
			}
		}

		// The race of defect 9: a second receipt under its own operation.
		book("a-second-receipt", 4)
		got := kinds()
		if m, ok := got["transfer_route"]; len(got) != 1 || !ok || m.Recorded != 8 || m.Expected != 4 || m.WarehouseID != e.wh2 || m.FromWarehouseID != e.wh1 {
			t.Fatalf("after a second receipt: %v, want one transfer_route 8 received of 4 sent", got)
		}
		// One more unit under the transfer's own receipt.
		book(rcv.OperationID, 1)
		got = kinds()
		if m, ok := got["transfer_received"]; !ok || m.Recorded != 5 || m.Expected != 4 || m.TransferID != disp.Transfer.ID {
			t.Fatalf("after an extra row in the receipt: %v, want transfer_received 5 of 4 on transfer %d", got, disp.Transfer.ID)
		}
		// The transfer's own line claiming more than was sent.
		if _, err := e.db.SQL.Exec(`UPDATE transfer_lines SET quantity_received = 6 WHERE transfer_id = $1`, disp.Transfer.ID); err != nil {
			t.Fatal(err)
		}
		if m, ok := kinds()["transfer_line"]; !ok || m.Recorded != 6 || m.Expected != 4 || m.TransferID != disp.Transfer.ID {
			t.Fatalf("after a line over its quantity sent: want transfer_line 6 of 4, got %v", m)
		}
		if s := fmt.Sprint(kinds()["transfer_line"]); !strings.Contains(s, fmt.Sprintf("transfer %d from warehouse %d", disp.Transfer.ID, e.wh1)) {
			t.Errorf("the report does not name the transfer: %s", s)
		}
	})
}
