package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/webhookattempt"
	"github.com/mycourier/mycourier/ent/webhookdelivery"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/webhook"
	"github.com/mycourier/mycourier/internal/webhook/outbox"
)

// clock is the injectable clock: tests move it instead of sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// receiver is a real HTTP server on 127.0.0.1 that records what arrives.
type receiver struct {
	mu     sync.Mutex
	srv    *httptest.Server
	secret string
	now    func() time.Time
	got    []webhook.Envelope // accepted, in arrival order
	tries  map[int]int        // attempts per event id
	// fail tells, per event and attempt, whether to answer 500.
	fail func(eventID, attempt int) bool
	// hold, when holding is set, blocks the next request until it is closed.
	hold    chan struct{}
	holding atomic.Bool
	arrived chan int
	badSigs int
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{tries: map[int]int{}, arrived: make(chan int, 100), fail: func(int, int) bool { return false }}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var ev webhook.Envelope
		_ = json.Unmarshal(body, &ev)
		r.arrived <- ev.ID
		if r.hold != nil && r.holding.CompareAndSwap(true, false) {
			// Cut off mid-delivery: this request never completes.
			<-r.hold
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if err := verifyWebhook(r.secret, req.Header, body, r.now()); err != nil {
			r.badSigs++
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		r.tries[ev.ID]++
		if r.fail(ev.ID, r.tries[ev.ID]) {
			http.Error(w, "try later", http.StatusInternalServerError)
			return
		}
		r.got = append(r.got, ev)
	}))
	t.Cleanup(r.srv.Close)
	if !strings.HasPrefix(r.srv.URL, "http://127.0.0.1:") {
		t.Fatalf("receiver must listen on 127.0.0.1, got %s", r.srv.URL)
	}
	return r
}

func (r *receiver) accepted() []webhook.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

type env struct {
	db    *database.DB
	owner context.Context
	clock *clock
	rcv   *receiver
	ep    *ent.WebhookEndpoint
}

func newEnv(t *testing.T, d string) *env {
	db := dbtest.New(t, d)
	auth := authtest.Service(t, db)
	u := authtest.User(t, auth, authz.Owner, authz.Scope{})
	e := &env{db: db, clock: &clock{t: time.Now().UTC().Add(time.Second)}}
	e.owner = authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: u.ID, Name: u.Login, Role: authz.Owner})
	e.rcv = newReceiver(t)
	e.rcv.now = e.clock.Now
	created, err := webhook.NewService(db.Client).CreateEndpoint(e.owner, webhook.CreateEndpointInput{URL: e.rcv.srv.URL + "/hook"})
	if err != nil {
		t.Fatal(err)
	}
	e.ep, e.rcv.secret = created.Endpoint, created.Secret
	return e
}

func (e *env) dispatcher(opts webhook.Options) *webhook.Dispatcher {
	opts.Now = e.clock.Now
	opts.AllowPrivate = true // the receiver is on 127.0.0.1
	return webhook.NewDispatcher(e.db, opts)
}

// emit writes events to the outbox as a domain change would.
func (e *env) emit(t *testing.T, keys ...string) []int {
	var ids []int
	for _, k := range keys {
		authtest.Tx(t, e.db, func(ctx context.Context, c *ent.Client) error {
			return outbox.Enqueue(ctx, c, "courier.blocked", k, map[string]any{"key": k})
		})
	}
	evs := e.db.Client.WebhookEvent.Query().Order(ent.Asc("id")).AllX(authtest.Sys())
	for _, ev := range evs[len(evs)-len(keys):] {
		ids = append(ids, ev.ID)
	}
	return ids
}

func (e *env) run(t *testing.T, d *webhook.Dispatcher) int {
	t.Helper()
	n, err := d.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return n
}

func ids(evs []webhook.Envelope) []int {
	out := make([]int, len(evs))
	for i, ev := range evs {
		out[i] = ev.ID
	}
	return out
}

// A receiver that fails the first attempts gets the event again after the
// backoff; the courier's later events wait, other couriers' do not; every
// attempt is recorded.
func TestRetriesWithBackoffKeepOrderPerCourier(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		ev := e.emit(t, "courier:1", "courier:1", "courier:1", "courier:2")
		e.rcv.fail = func(id, attempt int) bool { return id == ev[0] && attempt <= 2 }
		disp := e.dispatcher(webhook.Options{})

		if n := e.run(t, disp); n != 2 { // heads of courier:1 and courier:2
			t.Fatalf("first round attempted %d, want 2", n)
		}
		if n := e.run(t, disp); n != 0 {
			t.Fatalf("nothing is due before the backoff, attempted %d", n)
		}
		e.clock.Add(webhook.Backoff(1))
		e.run(t, disp) // second failure
		e.clock.Add(webhook.Backoff(2) - time.Second)
		if n := e.run(t, disp); n != 0 {
			t.Fatalf("attempted %d before the second backoff ran out", n)
		}
		e.clock.Add(time.Second)
		for e.run(t, disp) > 0 {
		}
		if got, want := ids(e.rcv.accepted()), []int{ev[3], ev[0], ev[1], ev[2]}; !slices.Equal(got, want) {
			t.Fatalf("accepted %v, want %v (courier:2 first, courier:1 in order)", got, want)
		}
		sys := authtest.Sys()
		first := e.db.Client.WebhookDelivery.Query().Where(webhookdelivery.EventID(ev[0])).OnlyX(sys)
		if first.Status != webhookdelivery.StatusDelivered || first.Attempts != 3 {
			t.Errorf("first delivery: %s after %d attempts, want delivered after 3", first.Status, first.Attempts)
		}
		codes := []int{}
		for _, a := range e.db.Client.WebhookAttempt.Query().Where(webhookattempt.DeliveryID(first.ID)).Order(ent.Asc("id")).AllX(sys) {
			codes = append(codes, *a.StatusCode)
		}
		if !slices.Equal(codes, []int{500, 500, 200}) {
			t.Errorf("attempts recorded %v, want [500 500 200]", codes)
		}
		if e.rcv.badSigs != 0 {
			t.Errorf("%d deliveries failed the documented signature check", e.rcv.badSigs)
		}
	})
}

// The documented recipe refuses a wrong secret, a changed body and an old timestamp.
func TestSignatureVerifiesOnlyWithTheEndpointsSecret(t *testing.T) {
	now := time.Now()
	body := []byte(`{"id":1}`)
	h := http.Header{}
	h.Set(webhook.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	h.Set(webhook.HeaderSignature, webhook.Sign("whsec_right", now, body))
	if err := verifyWebhook("whsec_right", h, body, now); err != nil {
		t.Fatalf("right secret: %v", err)
	}
	if err := verifyWebhook("whsec_wrong", h, body, now); err == nil {
		t.Error("a wrong secret verified")
	}
	if err := verifyWebhook("whsec_right", h, []byte(`{"id":2}`), now); err == nil {
		t.Error("a changed body verified")
	}
	if err := verifyWebhook("whsec_right", h, body, now.Add(10*time.Minute)); err == nil {
		t.Error("a ten-minute-old delivery verified")
	}
}

// The recipe in docs/webhooks.md is the one the tests run.
func TestDocumentedRecipeIsTheTestedOne(t *testing.T) {
	src, err := os.ReadFile("recipe_test.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/webhooks.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	recipe := s[strings.Index(s, "// recipe:begin\n")+len("// recipe:begin\n") : strings.Index(s, "// recipe:end")]
	if !strings.Contains(string(doc), strings.TrimSpace(recipe)) {
		t.Error("docs/webhooks.md does not carry the recipe of recipe_test.go verbatim")
	}
}

// A receiver wrongly configured with another secret refuses every delivery:
// they are retried, never marked delivered.
func TestWrongSecretIsNeverDelivered(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.rcv.secret = "whsec_not_the_one"
		ev := e.emit(t, "courier:7")
		e.run(t, e.dispatcher(webhook.Options{}))
		dl := e.db.Client.WebhookDelivery.Query().Where(webhookdelivery.EventID(ev[0])).OnlyX(authtest.Sys())
		if e.rcv.badSigs != 1 || dl.Status != webhookdelivery.StatusPending || dl.Attempts != 1 {
			t.Errorf("bad signatures %d, delivery %s after %d attempts; want 1, pending, 1", e.rcv.badSigs, dl.Status, dl.Attempts)
		}
	})
}

// After 24 hours of failures a delivery is given up (failed, every attempt
// on record) and the courier's next event goes out.
func TestGivesUpAfterADayThenTheNextEventProceeds(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		ev := e.emit(t, "courier:3", "courier:3")
		e.rcv.fail = func(id, _ int) bool { return id == ev[0] }
		disp := e.dispatcher(webhook.Options{})
		attempts := 0
		for range 100 {
			attempts += e.run(t, disp)
			e.clock.Add(2 * time.Hour)
			if len(e.rcv.accepted()) > 0 {
				break
			}
		}
		sys := authtest.Sys()
		dl := e.db.Client.WebhookDelivery.Query().Where(webhookdelivery.EventID(ev[0])).OnlyX(sys)
		if dl.Status != webhookdelivery.StatusFailed {
			t.Fatalf("status %s, want failed", dl.Status)
		}
		n := e.db.Client.WebhookAttempt.Query().Where(webhookattempt.DeliveryID(dl.ID)).CountX(sys)
		if n != dl.Attempts || n < 10 || n > 30 {
			t.Errorf("%d attempts recorded, delivery says %d; want the same, 10–30 over a day", n, dl.Attempts)
		}
		if got := ids(e.rcv.accepted()); !slices.Equal(got, []int{ev[1]}) {
			t.Errorf("accepted %v, want the next event %d", got, ev[1])
		}
	})
}

// A dispatcher stopped mid-delivery records nothing; the outbox keeps the
// event, and after a restart (once the lease runs out) it is delivered.
func TestStopMidDeliveryLosesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		ev := e.emit(t, "courier:5")
		e.rcv.hold = make(chan struct{})
		e.rcv.holding.Store(true)
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { _, err := e.dispatcher(webhook.Options{}).RunOnce(ctx); done <- err }()
		<-e.rcv.arrived
		stop()
		if err := <-done; err != nil {
			t.Fatalf("stopped dispatcher: %v", err)
		}
		close(e.rcv.hold)
		sys := authtest.Sys()
		dl := e.db.Client.WebhookDelivery.Query().Where(webhookdelivery.EventID(ev[0])).OnlyX(sys)
		if dl.Status != webhookdelivery.StatusPending || dl.Attempts != 0 {
			t.Fatalf("after the stop: %s, %d attempts; want pending, 0", dl.Status, dl.Attempts)
		}
		restarted := e.dispatcher(webhook.Options{})
		if n := e.run(t, restarted); n != 0 {
			t.Fatalf("the lease still holds, yet %d were attempted", n)
		}
		e.clock.Add(2 * time.Minute)
		e.run(t, restarted)
		if got := ids(e.rcv.accepted()); !slices.Equal(got, []int{ev[0]}) {
			t.Fatalf("accepted %v after restart, want [%d]", got, ev[0])
		}
	})
}

// Two dispatchers at once deliver every event exactly once and in order per
// courier (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite serialises writers).
func TestTwoDispatchersDeliverEachEventOnceInOrder(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		var keys []string
		for i := range 40 {
			keys = append(keys, fmt.Sprintf("courier:%d", i%4))
		}
		e.emit(t, keys...)
		a, b := e.dispatcher(webhook.Options{Batch: 3}), e.dispatcher(webhook.Options{Batch: 3})
		for range 60 {
			var wg sync.WaitGroup
			for _, disp := range []*webhook.Dispatcher{a, b} {
				wg.Add(1)
				go func() { defer wg.Done(); _, _ = disp.RunOnce(context.Background()) }()
			}
			wg.Wait()
			if len(e.rcv.accepted()) >= len(keys) {
				break
			}
		}
		got := e.rcv.accepted()
		if len(got) != len(keys) {
			t.Fatalf("accepted %d events, want %d exactly once", len(got), len(keys))
		}
		last := map[string]int{}
		for _, ev := range got {
			k := ev.Data["key"].(string)
			if ev.ID <= last[k] {
				t.Errorf("%s: event %d after %d", k, ev.ID, last[k])
			}
			last[k] = ev.ID
		}
	})
}

// Without AllowPrivate a delivery never reaches a loopback address: the
// refusal is recorded as a failed attempt.
func TestPrivateAddressesAreRefusedByDefault(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		ev := e.emit(t, "courier:9")
		disp := webhook.NewDispatcher(e.db, webhook.Options{Now: e.clock.Now})
		if _, err := disp.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		sys := authtest.Sys()
		dl := e.db.Client.WebhookDelivery.Query().Where(webhookdelivery.EventID(ev[0])).OnlyX(sys)
		a := e.db.Client.WebhookAttempt.Query().Where(webhookattempt.DeliveryID(dl.ID)).OnlyX(sys)
		if len(e.rcv.accepted()) != 0 || a.StatusCode != nil || !strings.Contains(a.Error, "not allowed") {
			t.Errorf("loopback delivery: accepted %d, attempt %v %q", len(e.rcv.accepted()), a.StatusCode, a.Error)
		}
	})
}

// Two dispatchers finishing the same delivery: A's attempt outlasts its
// lease, B takes the delivery over and delivers it; A's late outcome (a
// failure, past MaxAge) must not overwrite B's. The state change is
// conditional on the claim, so one wins and the other is told it lost.
func TestLateDispatcherCannotOverwriteTheDeliveryItLost(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		release := make(chan struct{})
		arrived := make(chan struct{}, 2)
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			arrived <- struct{}{}
			if calls.Add(1) == 1 { // A's attempt: held, then refused
				<-release
				http.Error(w, "too late", http.StatusServiceUnavailable)
			}
		}))
		t.Cleanup(srv.Close)
		sys := authtest.Sys()
		authtest.Tx(t, e.db, func(ctx context.Context, c *ent.Client) error {
			return c.WebhookEndpoint.UpdateOneID(e.ep.ID).SetURL(srv.URL).Exec(ctx)
		})
		ev := e.emit(t, "courier:7")

		a := e.dispatcher(webhook.Options{MaxAge: time.Minute, Timeout: time.Hour})
		b := e.dispatcher(webhook.Options{})
		lateA := make(chan error, 1)
		go func() { _, err := a.RunOnce(context.Background()); lateA <- err }()
		<-arrived
		e.clock.Add(2 * time.Minute) // A's lease (1 min) has run out
		if n, err := b.RunOnce(context.Background()); n != 1 || err != nil {
			t.Fatalf("B took over: %d attempted, %v", n, err)
		}
		close(release)
		if err := <-lateA; !errors.Is(err, webhook.ErrLeaseLost) {
			t.Errorf("A finishing after B: %v, want ErrLeaseLost", err)
		}
		dl := e.db.Client.WebhookDelivery.Query().Where(webhookdelivery.EventID(ev[0])).OnlyX(sys)
		attempts := e.db.Client.WebhookAttempt.Query().Where(webhookattempt.DeliveryID(dl.ID)).CountX(sys)
		if dl.Status != webhookdelivery.StatusDelivered || dl.Attempts != 1 || attempts != 1 || dl.DeliveredAt == nil {
			t.Errorf("after both finished: %s, %d attempts (%d recorded), delivered at %v; want B's delivery alone",
				dl.Status, dl.Attempts, attempts, dl.DeliveredAt)
		}
	})
}
