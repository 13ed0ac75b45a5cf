package stocksvc_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

const receiveTransferMutation = `mutation($in: ReceiveTransferInput!) { receiveTransfer(input: $in) { documentNumber } }`

// Eight requests with different idempotency keys race to receive one
// transfer through the real HTTP handler: exactly one wins, the others are
// told it was already received, and the receiver's stock grows by what was
// sent, once. Five transfers in a row, so a race that slips through shows.
func TestTransferReceivedOnceUnderConcurrency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 50)
		a := e.api()
		for round := range 5 {
			disp, err := e.svc.Dispatch(e.ctx, stocksvc.DispatchInput{IdempotencyKey: key(), FromWarehouseID: e.wh1, ToWarehouseID: e.wh2,
				Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(3)}}})
			if err != nil {
				t.Fatal(err)
			}
			before := e.balance(e.wh2, e.bag)
			outcomes := map[string]int{}
			var mu sync.Mutex
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, err := a.post(receiveTransferMutation, map[string]any{"in": map[string]any{
						"idempotencyKey": fmt.Sprintf("rcv-%d-%d", round, i), "transferID": fmt.Sprint(disp.Transfer.ID),
					}})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err != nil:
						outcomes["transport: "+err.Error()]++
					case len(r.Errors) > 0:
						outcomes[fmt.Sprint(r.Errors[0].Extensions["code"], " ", r.Errors[0].Extensions["key"])]++
					default:
						outcomes["OK"]++
					}
				}()
			}
			wg.Wait()
			if outcomes["OK"] != 1 || outcomes["INVALID_TRANSITION stock.transferReceived"] != 7 {
				t.Errorf("round %d: outcomes %v, want 1 OK and 7 INVALID_TRANSITION stock.transferReceived", round, outcomes)
			}
			if got := e.balance(e.wh2, e.bag) - before; got != 3 {
				t.Errorf("round %d: the receiver gained %d units of the 3 sent", round, got)
			}
		}
		e.verifyClean()
	})
}
