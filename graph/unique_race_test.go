package graph_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mycourier/mycourier/internal/dbtest"
)

// TestOnboardRace_SameValueExactlyOneWins sends two onboardCourier requests
// at once, through the real handler, that share a phone (then a PINFL).
// Exactly one may win; the other must get the courier-specific conflict
// naming the winner, not a generic one and not a second courier. Before the
// phone became a unique index, PostgreSQL let both through in 9 of 10 tries.
func TestOnboardRace_SameValueExactlyOneWins(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		const mutation = `mutation($in: OnboardCourierInput!) { onboardCourier(input: $in) { id } }`
		birth := time.Date(1994, 5, 17, 0, 0, 0, 0, time.UTC)
		serial := 0
		for round := range 6 {
			field := "phone"
			if round%2 == 1 {
				field = "pinfl"
			}
			inputs := make([]map[string]any, 2)
			for i := range inputs {
				serial++
				inputs[i] = map[string]any{
					"lastName": "Каримов", "firstName": "Азиз", "transportType": "FOOT",
					"phone": fmt.Sprintf("+99890%07d", 1000+serial), "pinfl": pinfl(birth, true, serial),
				}
			}
			inputs[1][field] = inputs[0][field]
			var wg sync.WaitGroup
			res := make([]response, 2)
			start := make(chan struct{})
			for i := range inputs {
				wg.Go(func() {
					<-start
					res[i] = a.post(mutation, map[string]any{"in": inputs[i]})
				})
			}
			close(start)
			wg.Wait()
			var winner string
			var losers []gqlError
			for _, r := range res {
				if len(r.Errors) == 0 {
					var out struct{ OnboardCourier struct{ ID string } }
					if err := json.Unmarshal(r.Data, &out); err != nil {
						t.Fatal(err)
					}
					if winner != "" {
						t.Fatalf("round %d (%s): both requests registered a courier: %s and %s", round, field, winner, out.OnboardCourier.ID)
					}
					winner = out.OnboardCourier.ID
					continue
				}
				losers = append(losers, r.Errors...)
			}
			if winner == "" || len(losers) != 1 {
				t.Fatalf("round %d (%s): winner %q, errors %+v; want exactly one winner and one error", round, field, winner, losers)
			}
			ext := losers[0].Extensions
			if ext["code"] != "CONFLICT" || ext["key"] != "courier.duplicate" || ext["field"] != field || ext["holderId"] != winner {
				t.Errorf("round %d (%s): loser got %v; want CONFLICT courier.duplicate on %s held by %s", round, field, ext, field, winner)
			}
		}
	})
}
