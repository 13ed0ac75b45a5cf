// Package audit records every change in the audit trail: an ent hook writes
// one AuditEvent per mutation, inside the mutation's own transaction, so a
// change that rolls back leaves no event and a change that commits always
// has one.
package audit

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"entgo.io/ent"

	gen "github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/reqinfo"
)

// ErrNoTransaction: an audited change was attempted outside a transaction,
// where its audit event could not be written atomically with it.
var ErrNoTransaction = errors.New("audit: change outside a transaction")

// Redacted stands for a secret's value in the trail.
const Redacted = "[redacted]"

// secret fields are recorded as changed, never with their values.
var secret = []string{"password_hash", "token_hash", "signing_secret"}

// unaudited entities: the trail itself, and sign-in bookkeeping (sign-ins,
// failures and lockouts are recorded as events of their own by the auth service).
// The webhook outbox and its delivery bookkeeping are records of their own.
var unaudited = []string{"AuditEvent", "Session", "LoginThrottle", "WebhookEvent", "WebhookDelivery", "WebhookAttempt"}

// bookkeeping are fields the system keeps up to date as a side effect of
// use, not changes anyone makes: an API token's last use, touched at most
// once a minute by whichever request presents the token, and a user's last
// sign-in. An update that
// sets these fields and nothing else is written without an event and needs
// no transaction (the touch is one UPDATE statement, so a refused request
// still opens none); any other change to the same rows is audited as usual.
var bookkeeping = map[string][]string{
	"ApiToken": {"last_used_at", "updated_at"},
	// The sign-in itself is in the trail as auth.login, by the user.
	"User": {"last_sign_in_at", "updated_at"},
}

// isBookkeeping reports whether m only touches bookkeeping fields.
func isBookkeeping(m ent.Mutation) bool {
	allowed, ok := bookkeeping[m.Type()]
	if !ok || !m.Op().Is(ent.OpUpdate|ent.OpUpdateOne) || len(m.Fields()) == 0 ||
		len(m.AddedFields())+len(m.ClearedFields())+len(m.AddedEdges())+len(m.RemovedEdges())+len(m.ClearedEdges()) > 0 {
		return false
	}
	for _, f := range m.Fields() {
		if !slices.Contains(allowed, f) {
			return false
		}
	}
	return true
}

// Hook returns the ent hook that audits every mutation.
func Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if slices.Contains(unaudited, m.Type()) || isBookkeeping(m) {
				return next.Mutate(ctx, m)
			}
			client, err := txClient(m)
			if err != nil {
				return nil, err
			}
			changes, err := diff(ctx, m)
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			// A bulk update or delete that matched no row changed nothing:
			// an event would record a change that did not happen.
			if n, ok := v.(int); ok && n == 0 && (m.Op().Is(ent.OpUpdate) || m.Op().Is(ent.OpDelete)) {
				return v, nil
			}
			id := entityID(m, v)
			if err := write(ctx, client, m, id, changes); err != nil {
				return nil, err
			}
			return v, nil
		})
	}
}

// txClient returns the client of the transaction m runs in.
func txClient(m ent.Mutation) (*gen.Client, error) {
	tm, ok := m.(interface {
		Client() *gen.Client
		Tx() (*gen.Tx, error)
	})
	if !ok {
		return nil, fmt.Errorf("audit: %T has no client", m)
	}
	if _, err := tm.Tx(); err != nil {
		return nil, fmt.Errorf("%w: %s %s", ErrNoTransaction, m.Op(), m.Type())
	}
	return tm.Client(), nil
}

// diff reads each changed field's old and new value (old values only for a
// single-row update, the only case where there is one row to read them from).
func diff(ctx context.Context, m ent.Mutation) (map[string]any, error) {
	changes := map[string]any{}
	oneRow := m.Op().Is(ent.OpUpdateOne)
	for _, f := range m.Fields() {
		nv, _ := m.Field(f)
		c := map[string]any{"new": nv}
		if oneRow {
			ov, err := m.OldField(ctx, f)
			if err != nil {
				return nil, fmt.Errorf("audit: old %s.%s: %w", m.Type(), f, err)
			}
			if reflect.DeepEqual(ov, nv) {
				continue
			}
			c["old"] = ov
		}
		if slices.Contains(secret, f) {
			c = map[string]any{"new": Redacted}
		}
		if f == "updated_at" {
			continue
		}
		changes[f] = normalize(c)
	}
	for _, f := range m.ClearedFields() {
		c := map[string]any{"new": nil}
		if oneRow {
			if ov, err := m.OldField(ctx, f); err == nil {
				c["old"] = ov
			}
		}
		changes[f] = normalize(c)
	}
	for _, e := range m.AddedEdges() {
		changes[e+".added"] = m.AddedIDs(e)
	}
	for _, e := range m.RemovedEdges() {
		changes[e+".removed"] = m.RemovedIDs(e)
	}
	for _, e := range m.ClearedEdges() {
		changes[e+".cleared"] = true
	}
	return changes, nil
}

// normalize makes values JSON-stable: times in UTC, pointers dereferenced.
func normalize(c map[string]any) map[string]any {
	for k, v := range c {
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				c[k] = nil
				continue
			}
			v = rv.Elem().Interface()
		}
		if t, ok := v.(time.Time); ok {
			v = t.UTC().Format(time.RFC3339Nano)
		}
		c[k] = v
	}
	return c
}

// entityID finds the id of the changed row: the mutation knows it for an
// update; a create's returned entity carries it.
func entityID(m ent.Mutation, v ent.Value) *int {
	if im, ok := m.(interface{ ID() (int, bool) }); ok {
		if id, ok := im.ID(); ok {
			return &id
		}
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Struct {
		if f := rv.Elem().FieldByName("ID"); f.IsValid() && f.CanInt() {
			id := int(f.Int())
			return &id
		}
	}
	return nil
}

// write records a change: Record with the operation defaulting to the
// entity and kind of change when no GraphQL operation or command named one.
func write(ctx context.Context, client *gen.Client, m ent.Mutation, id *int, changes map[string]any) error {
	op := reqinfo.From(ctx).Operation
	if op == "" {
		op = m.Type() + "." + opName(m.Op())
	}
	return Record(ctx, client, op, m.Type(), id, changes)
}

func opName(op ent.Op) string {
	switch {
	case op.Is(ent.OpCreate):
		return "create"
	case op.Is(ent.OpUpdateOne), op.Is(ent.OpUpdate):
		return "update"
	case op.Is(ent.OpDeleteOne), op.Is(ent.OpDelete):
		return "delete"
	}
	return op.String()
}

// Record writes an event that is not a change — a sensitive read such as a
// security officer opening a courier's full dossier, a sign-in, a lockout.
// client should be the transaction's client when there is one.
func Record(ctx context.Context, client *gen.Client, operation, entityType string, entityID *int, details map[string]any) error {
	v := authz.FromContext(ctx)
	info := reqinfo.From(ctx)
	c := client.AuditEvent.Create().
		SetOperation(operation).
		SetEntityType(entityType).
		SetNillableEntityID(entityID).
		SetRequestID(info.RequestID).
		SetClientIP(info.ClientIP)
	if details != nil {
		c.SetChanges(details)
	}
	if v == nil {
		c.SetActorKind(auditevent.ActorKindSystem).SetActorName("anonymous")
	} else {
		c.SetActorKind(auditevent.ActorKind(v.Kind)).SetActorName(v.Name).SetActorRole(string(v.Role))
		if v.ID != 0 {
			c.SetActorID(v.ID)
		}
	}
	if err := c.Exec(ctx); err != nil {
		return fmt.Errorf("audit: record %s: %w", operation, err)
	}
	return nil
}

// pendingKey carries a *Pending in a context.
type pendingKey struct{}

// Pending holds the events of refused attempts made inside a transaction
// someone else owns (a GraphQL mutation's): the refusal rolls that
// transaction back, so its owner writes them once it has ended.
type Pending struct {
	mu     sync.Mutex
	events []pendingEvent
}

type pendingEvent struct {
	operation, entityType string
	entityID              *int
	details               map[string]any
}

// WithPending returns ctx in which RecordAttempt keeps its events in the
// returned Pending, for the owner of a shared transaction to Flush after
// it commits or rolls back.
func WithPending(ctx context.Context) (context.Context, *Pending) {
	p := &Pending{}
	return context.WithValue(ctx, pendingKey{}, p), p
}

// Flush writes the kept events with client (outside any transaction) as
// ctx's viewer, and forgets them.
func (p *Pending) Flush(ctx context.Context, client *gen.Client) error {
	p.mu.Lock()
	events := p.events
	p.events = nil
	p.mu.Unlock()
	var errs []error
	for _, e := range events {
		errs = append(errs, Record(ctx, client, e.operation, e.entityType, e.entityID, e.details))
	}
	return errors.Join(errs...)
}

// RecordAttempt records an attempt that was refused for a reason the
// owner and the security service should know of (onboarding a PINFL that
// another partner's courier holds). Unlike a change's event it must outlive
// the rollback of the refusal: call it after the operation's own
// transaction has ended. When that transaction is shared (ctx carries a
// Pending) the event is written once the shared one has ended; otherwise
// it is written now with client.
func RecordAttempt(ctx context.Context, client *gen.Client, operation, entityType string, entityID *int, details map[string]any) error {
	if p, ok := ctx.Value(pendingKey{}).(*Pending); ok {
		p.mu.Lock()
		p.events = append(p.events, pendingEvent{operation, entityType, entityID, details})
		p.mu.Unlock()
		return nil
	}
	return Record(ctx, client, operation, entityType, entityID, details)
}
