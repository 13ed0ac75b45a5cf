package couriersvc_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/courierdocument"
	"github.com/mycourier/mycourier/ent/courierstatuschange"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// racers is how many requests race for one transition.
const racers = 8

// race runs f from racers goroutines at once and returns how many won and
// the error key of every loser.
func race(f func(i int) error) (wins int, lost map[string]int) {
	errs := make([]error, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	lost = map[string]int{}
	for _, err := range errs {
		var ae *apperr.Error
		switch {
		case err == nil:
			wins++
		case errors.As(err, &ae):
			lost[string(ae.Code)+" "+ae.Key]++
		default:
			lost["unclear: "+err.Error()]++
		}
	}
	return wins, lost
}

// Every lifecycle transition raced by requests with different idempotency
// keys: exactly one wins, every other is told the status moved on
// (INVALID_TRANSITION: the status it found, or the change it lost to), and
// the history holds exactly one entry for it.
func TestEachLifecycleTransitionHasOneWinner(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		cases := []struct {
			action couriersvc.Action
			from   courier.Status
			to     courier.Status
			call   func(id int) (*ent.Courier, error)
		}{
			{couriersvc.ActActivate, courier.StatusNew, courier.StatusActive, func(id int) (*ent.Courier, error) {
				return e.svc.Activate(e.ctx, id, couriersvc.TransitionInput{})
			}},
			{couriersvc.ActBlock, courier.StatusActive, courier.StatusBlocked, func(id int) (*ent.Courier, error) {
				return e.svc.Block(e.ctx, id, couriersvc.TransitionInput{Reason: "no_show", Comment: "c"})
			}},
			{couriersvc.ActUnblock, courier.StatusBlocked, courier.StatusActive, func(id int) (*ent.Courier, error) {
				return e.svc.Unblock(e.ctx, id, couriersvc.TransitionInput{})
			}},
			{couriersvc.ActFire, courier.StatusActive, courier.StatusFired, func(id int) (*ent.Courier, error) {
				return e.svc.Fire(e.ctx, id, couriersvc.TransitionInput{Reason: "own_wish", Comment: "c"})
			}},
			{couriersvc.ActRehire, courier.StatusFired, courier.StatusNew, func(id int) (*ent.Courier, error) {
				return e.svc.Rehire(e.ctx, id, couriersvc.TransitionInput{})
			}},
		}
		for _, tc := range cases {
			t.Run(string(tc.action), func(t *testing.T) {
				c := e.to(t, tc.from)
				if tc.from == courier.StatusNew {
					e.ready(t, c)
				}
				before := e.db.Client.CourierStatusChange.Query().Where(courierstatuschange.CourierID(c.ID)).CountX(authtest.Sys())
				wins, lost := race(func(int) error { _, err := tc.call(c.ID); return err })
				refused := lost["INVALID_TRANSITION courier.invalidTransition"] + lost["INVALID_TRANSITION courier.concurrentChange"]
				if wins != 1 || refused != racers-1 {
					t.Errorf("%d won, losers %v; want 1 winner and %d told the status moved on", wins, lost, racers-1)
				}
				if got := e.db.Client.Courier.GetX(authtest.Sys(), c.ID).Status; got != tc.to {
					t.Errorf("status %s, want %s", got, tc.to)
				}
				h := e.db.Client.CourierStatusChange.Query().Where(courierstatuschange.CourierID(c.ID)).
					Order(ent.Desc(courierstatuschange.FieldID)).AllX(authtest.Sys())
				if len(h) != before+1 || h[0].FromStatus == nil || string(*h[0].FromStatus) != string(tc.from) || string(h[0].ToStatus) != string(tc.to) {
					t.Errorf("history: %d entries after %d, want one more %s → %s", len(h), before, tc.from, tc.to)
				}
			})
		}
	})
}

// A pending document reviewed by several reviewers at once (verifying,
// rejecting, or both): exactly one review is recorded, every other is told
// the document was already reviewed. A decided document is reviewed again
// only after a new scan.
func TestDocumentReviewHasOneWinner(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		c := e.onboard(t)
		add := func(kind courierdocument.Kind) *ent.CourierDocument {
			t.Helper()
			doc, err := e.svc.AddDocument(e.ctx, couriersvc.DocumentInput{CourierID: c.ID, Kind: kind, File: scan()})
			if err != nil {
				t.Fatal(err)
			}
			return doc
		}
		verify := func(id int) func(int) error {
			return func(int) error { _, err := e.svc.VerifyDocument(e.ctx, id); return err }
		}
		reject := func(id int) func(int) error {
			return func(i int) error {
				_, err := e.svc.RejectDocument(e.ctx, id, fmt.Sprint("нечитаемо ", i))
				return err
			}
		}
		mixed := func(id int) func(int) error {
			return func(i int) error {
				if i%2 == 0 {
					return verify(id)(i)
				}
				return reject(id)(i)
			}
		}
		cases := []struct {
			name string
			doc  *ent.CourierDocument
			race func(id int) func(int) error
		}{
			{"verify", add(courierdocument.KindPassport), verify},
			{"reject", add(courierdocument.KindMedicalCertificate), reject},
			{"verify and reject", add(courierdocument.KindContract), mixed},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				wins, lost := race(tc.race(tc.doc.ID))
				if wins != 1 || lost["INVALID_TRANSITION document.alreadyReviewed"] != racers-1 {
					t.Errorf("%d won, losers %v; want 1 winner and %d INVALID_TRANSITION document.alreadyReviewed", wins, lost, racers-1)
				}
				got := e.db.Client.CourierDocument.GetX(authtest.Sys(), tc.doc.ID)
				if got.Verification == courierdocument.VerificationPending || got.VerifiedAt == nil {
					t.Errorf("after the race: %s", got.Verification)
				}
				if got.Verification == courierdocument.VerificationVerified && got.RejectionReason != "" {
					t.Errorf("verified with a rejection reason %q: two reviews mixed", got.RejectionReason)
				}
			})
		}
		// Decided is decided: a rejected document is not verified over the
		// rejection, until a new scan puts it back to pending.
		doc := add(courierdocument.KindPhoto)
		if _, err := e.svc.RejectDocument(e.ctx, doc.ID, "нечитаемо"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.VerifyDocument(e.ctx, doc.ID); !errors.Is(err, couriersvc.ErrDocumentReviewed) {
			t.Errorf("verifying a rejected document: got %v, want %v", err, couriersvc.ErrDocumentReviewed)
		}
		if _, err := e.svc.AttachFile(e.ctx, doc.ID, *scan()); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.VerifyDocument(e.ctx, doc.ID); err != nil {
			t.Errorf("verifying after a new scan: %v", err)
		}
	})
}
