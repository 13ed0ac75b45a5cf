package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	gen "github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/predicate"
	"github.com/mycourier/mycourier/ent/webhookdelivery"
	"github.com/mycourier/mycourier/ent/webhookendpoint"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// Options tune a Dispatcher; zero values take the defaults.
type Options struct {
	// Now is the clock (tests move it instead of sleeping).
	Now func() time.Time
	// AllowPrivate lets deliveries reach loopback, private, link-local and
	// other non-public addresses. Off in production: an endpoint URL must
	// not become a way into the internal network.
	AllowPrivate bool
	// Timeout bounds one attempt (default 10s).
	Timeout time.Duration
	// Lease is how long a claimed delivery is held before another
	// instance may take it over (default 1m, longer than Timeout).
	Lease time.Duration
	// Batch is how many deliveries one round claims (default 50).
	Batch int
	// MaxAge is how long a delivery is retried (default 24h).
	MaxAge time.Duration
	// Transport replaces the guarded HTTP transport (tests of the guard only).
	Transport http.RoundTripper
	// OnError hears about a round that failed (logging).
	OnError func(error)
}

// Dispatcher delivers pending deliveries. Any number may run against one
// PostgreSQL (claims use FOR UPDATE SKIP LOCKED and a lease); on SQLite run one.
type Dispatcher struct {
	client   *gen.Client
	postgres bool
	opts     Options
	http     *http.Client
}

// NewDispatcher returns a dispatcher over db.
func NewDispatcher(db *database.DB, opts Options) *Dispatcher {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Lease <= 0 {
		opts.Lease = time.Minute
	}
	if opts.Batch <= 0 {
		opts.Batch = 50
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 24 * time.Hour
	}
	tr := opts.Transport
	if tr == nil {
		tr = guardedTransport(opts.AllowPrivate)
	}
	return &Dispatcher{
		client:   db.Client,
		postgres: db.Dialect == dialect.Postgres,
		opts:     opts,
		http: &http.Client{
			Transport: tr,
			Timeout:   opts.Timeout,
			// A redirect could point anywhere; the receiver must answer itself.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// Backoff is the wait after the n-th failed attempt: 30s doubling up to 2h.
func Backoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < 2*time.Hour; i++ {
		d *= 2
	}
	return min(d, 2*time.Hour)
}

// Run delivers every interval until ctx ends.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil && d.opts.OnError != nil {
			d.opts.OnError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce claims the deliveries that are due and sends them, and reports
// how many were attempted. A delivery whose attempt is cut off by ctx is
// not recorded: its lease runs out and it is sent again.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	ctx = authz.SystemContext(ctx, "webhooks")
	ds, err := d.claim(ctx)
	if err != nil || len(ds) == 0 {
		return 0, err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(ds))
	sem := make(chan struct{}, 8)
	for i, dl := range ds {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = d.deliver(ctx, dl)
		}()
	}
	wg.Wait()
	return len(ds), errors.Join(errs...)
}

// claim leases the first pending delivery of every (endpoint, ordering
// key) that is due: a later event of a courier waits until the earlier one
// is delivered or given up, while other couriers' events go on.
func (d *Dispatcher) claim(ctx context.Context) ([]*gen.WebhookDelivery, error) {
	now := d.opts.Now().UTC()
	var out []*gen.WebhookDelivery
	err := database.WithTx(ctx, d.client, func(tx *gen.Tx) error {
		q := tx.WebhookDelivery.Query().
			Where(
				webhookdelivery.StatusEQ(webhookdelivery.StatusPending),
				webhookdelivery.NextAttemptAtLTE(now),
				webhookdelivery.Or(webhookdelivery.LeaseUntilIsNil(), webhookdelivery.LeaseUntilLT(now)),
				webhookdelivery.HasEndpointWith(webhookendpoint.Enabled(true)),
				headOfItsKey,
			).
			Order(gen.Asc(webhookdelivery.FieldID)).
			Limit(d.opts.Batch)
		if d.postgres {
			q.ForUpdate(sql.WithLockAction(sql.SkipLocked), sql.WithLockTables(webhookdelivery.Table))
		}
		ids, err := q.IDs(ctx)
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := tx.WebhookDelivery.Update().Where(webhookdelivery.IDIn(ids...)).
			SetLeaseUntil(now.Add(d.opts.Lease)).Exec(ctx); err != nil {
			return err
		}
		out, err = tx.WebhookDelivery.Query().Where(webhookdelivery.IDIn(ids...)).
			WithEndpoint().WithEvent().Order(gen.Asc(webhookdelivery.FieldID)).All(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("webhook: claim: %w", err)
	}
	return out, nil
}

// headOfItsKey keeps a delivery only when no earlier delivery of the same
// endpoint and ordering key is still pending.
func headOfItsKey(s *sql.Selector) {
	b := sql.Dialect(s.Dialect())
	p := b.Table(webhookdelivery.Table).As("earlier")
	s.Where(sql.Not(sql.Exists(
		b.Select(p.C(webhookdelivery.FieldID)).From(p).Where(sql.And(
			sql.ColumnsEQ(p.C(webhookdelivery.EndpointColumn), s.C(webhookdelivery.EndpointColumn)),
			sql.ColumnsEQ(p.C(webhookdelivery.FieldOrderingKey), s.C(webhookdelivery.FieldOrderingKey)),
			sql.EQ(p.C(webhookdelivery.FieldStatus), webhookdelivery.StatusPending.String()),
			sql.ColumnsLT(p.C(webhookdelivery.FieldID), s.C(webhookdelivery.FieldID)),
		)),
	)))
}

// Envelope is the JSON body integrators receive.
type Envelope struct {
	ID        int            `json:"id"`
	Type      string         `json:"type"`
	CreatedAt time.Time      `json:"createdAt"`
	Data      map[string]any `json:"data"`
}

// deliver makes one attempt and records it.
func (d *Dispatcher) deliver(ctx context.Context, dl *gen.WebhookDelivery) error {
	ev, ep := dl.Edges.Event, dl.Edges.Endpoint
	body, err := json.Marshal(Envelope{ID: ev.ID, Type: ev.Type, CreatedAt: ev.CreatedAt.UTC(), Data: ev.Payload})
	if err != nil {
		return fmt.Errorf("webhook: delivery[%d]: %w", dl.ID, err)
	}
	start := d.opts.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	var code *int
	var failure string
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "mycourier-webhooks/1")
		req.Header.Set(HeaderTimestamp, strconv.FormatInt(start.Unix(), 10))
		req.Header.Set(HeaderSignature, Sign(ep.SigningSecret, start, body))
		req.Header.Set(HeaderEventID, strconv.Itoa(ev.ID))
		req.Header.Set(HeaderEventType, ev.Type)
		var resp *http.Response
		resp, err = d.http.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			_ = resp.Body.Close()
			c := resp.StatusCode
			code = &c
			if c < 200 || c > 299 {
				failure = "HTTP " + strconv.Itoa(c)
			}
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopping: the lease runs out and the delivery is sent again
		}
		failure = err.Error()
	}
	return d.record(context.WithoutCancel(ctx), dl, start, code, failure)
}

// ErrLeaseLost: a dispatcher finished an attempt after its lease ran out
// and another dispatcher took the delivery over (and may have finished it).
// The late attempt is not recorded: the delivery's state is the holder's.
var ErrLeaseLost = errors.New("webhook: the delivery's lease ran out during the attempt")

// record stores the attempt and what happens next: delivered, another try
// after the backoff, or failed once MaxAge has passed. The change is
// conditional on the delivery being as claimed (pending, the same attempts,
// this claim's lease): of two dispatchers finishing the same delivery only
// the lease holder's outcome counts.
func (d *Dispatcher) record(ctx context.Context, dl *gen.WebhookDelivery, start time.Time, code *int, failure string) error {
	now := d.opts.Now().UTC()
	ms := max(int(now.Sub(start)/time.Millisecond), 0)
	if r := []rune(failure); len(r) > 500 { // the column holds 500 characters
		failure = string(r[:500])
	}
	err := database.WithTx(ctx, d.client, func(tx *gen.Tx) error {
		n := dl.Attempts + 1
		u := tx.WebhookDelivery.Update().Where(
			webhookdelivery.ID(dl.ID),
			webhookdelivery.StatusEQ(webhookdelivery.StatusPending),
			webhookdelivery.Attempts(dl.Attempts),
			leaseIs(dl.LeaseUntil),
		).SetAttempts(n).ClearLeaseUntil()
		switch next := now.Add(Backoff(n)); {
		case failure == "":
			u.SetStatus(webhookdelivery.StatusDelivered).SetDeliveredAt(now)
		case next.After(dl.CreatedAt.Add(d.opts.MaxAge)):
			u.SetStatus(webhookdelivery.StatusFailed)
		default:
			u.SetNextAttemptAt(next)
		}
		touched, err := u.Save(ctx)
		if err != nil {
			return err
		}
		if touched == 0 {
			return ErrLeaseLost
		}
		return tx.WebhookAttempt.Create().SetDeliveryID(dl.ID).SetNillableStatusCode(code).
			SetError(failure).SetDurationMs(ms).SetCreatedAt(now).Exec(ctx)
	})
	if err != nil {
		return fmt.Errorf("webhook: record delivery[%d]: %w", dl.ID, err)
	}
	return nil
}

// leaseIs matches the lease a claim set.
func leaseIs(t *time.Time) predicate.WebhookDelivery {
	if t == nil {
		return webhookdelivery.LeaseUntilIsNil()
	}
	return webhookdelivery.LeaseUntil(*t)
}

// ErrAddressRefused: the endpoint resolved to an address deliveries may not reach.
var ErrAddressRefused = errors.New("address not allowed for webhooks (loopback, private, link-local or unspecified)")

// guardedTransport dials only public addresses unless allowPrivate. The
// check runs on the address actually dialled, after DNS, so a name that
// resolves (or later rebinds) to an internal address is refused too.
func guardedTransport(allowPrivate bool) http.RoundTripper {
	dialer := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			if allowPrivate {
				return nil
			}
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !Public(ip) {
				return fmt.Errorf("%w: %s", ErrAddressRefused, host)
			}
			return nil
		},
	}
	return &http.Transport{
		Proxy:                 nil, // never through an environment proxy
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       30 * time.Second,
	}
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598).
var cgnat = &net.IPNet{IP: net.IPv4(100, 64, 0, 0), Mask: net.CIDRMask(10, 32)}

// Public tells an address a delivery may reach by default.
func Public(ip net.IP) bool {
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || cgnat.Contains(ip))
}
