package stocksvc_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

const issueMutation = `mutation($in: IssueEquipmentInput!) { issueEquipment(input: $in) { documentNumber replayed movements { quantity } } }`

// Fifty requests race for ten units through the real HTTP handler, each in
// its own GraphQL transaction: exactly ten win, forty get INSUFFICIENT_STOCK.
func TestConcurrentIssuesNeverOversell(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 10)
		a := e.api()
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[string]int{}
		docs := map[string]bool{}
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := a.post(issueMutation, map[string]any{"in": map[string]any{
					"idempotencyKey": fmt.Sprintf("race-%d", i), "warehouseID": fmt.Sprint(e.wh1), "courierID": fmt.Sprint(e.active),
					"lines": []map[string]any{{"equipmentTypeID": fmt.Sprint(e.bag), "quantity": 1}},
				}})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					codes["transport: "+err.Error()]++
				case len(r.Errors) > 0:
					codes[fmt.Sprint(r.Errors[0].Extensions["code"])]++
				default:
					codes["OK"]++
					var out struct {
						IssueEquipment struct{ DocumentNumber string }
					}
					_ = json.Unmarshal(r.Data, &out)
					docs[out.IssueEquipment.DocumentNumber] = true
				}
			}()
		}
		wg.Wait()
		if codes["OK"] != 10 || codes["INSUFFICIENT_STOCK"] != 40 || len(codes) != 2 {
			t.Fatalf("outcomes %v, want 10 OK and 40 INSUFFICIENT_STOCK", codes)
		}
		if len(docs) != 10 {
			t.Errorf("%d distinct document numbers for 10 issues", len(docs))
		}
		if got, ledger := e.balance(e.wh1, e.bag), e.ledger(e.wh1, e.bag); got != 0 || ledger != 0 {
			t.Errorf("balance %d, ledger %d; want 0 and 0", got, ledger)
		}
		if e.holding(e.active, e.bag) != 10 {
			t.Errorf("courier holds %d, want 10", e.holding(e.active, e.bag))
		}
		e.verifyClean()
	})
}

// The same serial unit issued by two requests at once: one wins.
func TestSerialItemIssuedTwiceConcurrentlyOneSucceeds(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receiveSerials(e.wh1, "H-100", "H-101")
		a := e.api()
		var wg sync.WaitGroup
		results := make([]string, 2)
		for i, c := range []int{e.active, e.active} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := a.post(issueMutation, map[string]any{"in": map[string]any{
					"idempotencyKey": fmt.Sprintf("serial-%d", i), "warehouseID": fmt.Sprint(e.wh1), "courierID": fmt.Sprint(c),
					"lines": []map[string]any{{"equipmentTypeID": fmt.Sprint(e.helmet), "serials": []string{"H-100"}}},
				}})
				switch {
				case err != nil:
					results[i] = err.Error()
				case len(r.Errors) > 0:
					results[i] = fmt.Sprint(r.Errors[0].Extensions["code"])
				default:
					results[i] = "OK"
				}
			}()
		}
		wg.Wait()
		ok := 0
		for _, r := range results {
			if r == "OK" {
				ok++
			} else if r != "BAD_USER_INPUT" && r != "INSUFFICIENT_STOCK" {
				t.Errorf("loser got %s", r)
			}
		}
		if ok != 1 {
			t.Fatalf("results %v, want exactly one OK", results)
		}
		if e.balance(e.wh1, e.helmet) != 1 || e.holding(e.active, e.helmet) != 1 {
			t.Errorf("balance %d holding %d", e.balance(e.wh1, e.helmet), e.holding(e.active, e.helmet))
		}
		e.verifyClean()
	})
}

// Through the service, each call in its own transaction: the same race.
func TestConcurrentIssuesThroughTheService(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 10)
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[apperr.Code]int{}
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: fmt.Sprintf("svc-%d", i), WarehouseID: e.wh1, CourierID: e.active,
					Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(1)}}})
				mu.Lock()
				codes[apperr.CodeOf(err)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if codes[""] != 10 || codes[apperr.CodeInsufficientStock] != 40 {
			t.Fatalf("outcomes %v, want 10 ok and 40 INSUFFICIENT_STOCK", codes)
		}
		e.verifyClean()
	})
}
