package stocksvc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courierdebt"
	"github.com/mycourier/mycourier/ent/movement"
	"github.com/mycourier/mycourier/ent/transfer"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/idempotency"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/reqinfo"
)

// op is one running operation: its transaction, ids and what it wrote.
type op struct {
	s         *Service
	ctx       context.Context
	tx        *ent.Tx
	name      string // e.g. "issueEquipment"
	id        string // operation id
	doc       string // document number
	now       time.Time
	viewer    *authz.Viewer
	movements []*ent.MovementCreate
	// after runs once the document number is known (records carrying it).
	after []func() error
	res   *Result
}

// Document number prefixes per operation.
var prefixes = map[string]string{
	"receiveStock":      "RCV",
	"issueEquipment":    "ISS",
	"returnEquipment":   "RET",
	"writeOffEquipment": "WOF",
	"dispatchTransfer":  "TRF",
	"receiveTransfer":   "TRR",
	"countStock":        "CNT",
}

// run executes fn as operation name in one transaction, honouring the
// idempotency key. In a caller's transaction (a GraphQL mutation) it runs
// once: a transient conflict aborts it and the client retries with the
// same key. In its own transaction it retries transient conflicts a bounded
// number of times.
func (s *Service) run(ctx context.Context, name, key string, input any, fn func(o *op) error) (*Result, error) {
	v := authz.FromContext(ctx)
	if v == nil {
		return nil, apperr.ErrUnauthenticated
	}
	if !authz.MayWrite(v, "Movement") {
		return nil, fmt.Errorf("%s: %w", name, apperr.ErrForbidden)
	}
	req, err := idempotency.New(ctx, name, key, input)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	attempt := func(tx *ent.Tx) (*Result, error) {
		o := &op{s: s, ctx: ctx, tx: tx, name: name, viewer: v, now: s.cfg.Now().UTC()}
		if res, err := o.replay(req); res != nil || err != nil {
			return res, err
		}
		o.id = newOperationID()
		o.res = &Result{OperationID: o.id}
		if err := fn(o); err != nil {
			return nil, err
		}
		// The number is taken last: the counter row is then the last lock
		// every operation takes, and a refused operation never waits for it.
		if err := o.allocateDocument(); err != nil {
			return nil, err
		}
		o.res.DocumentNumber = o.doc
		o.res.ActURL = actURLOf(o.name, o.doc)
		for _, f := range o.after {
			if err := f(); err != nil {
				return nil, err
			}
		}
		if err := o.flush(); err != nil {
			return nil, err
		}
		// Remembered last, with the result; a twin that got here first
		// makes this insert fail and the whole operation roll back.
		if err := req.Record(o.sys(), tx.Client(), map[string]any{"operationID": o.id, "documentNumber": o.doc}); err != nil {
			return nil, err
		}
		return o.res, nil
	}
	if tx := ent.TxFromContext(ctx); tx != nil {
		res, err := attempt(tx)
		if err != nil && database.Transient(err) {
			// The cause stays reachable: the caller's transaction is
			// run again from the start (graph.Transactioner).
			return nil, fmt.Errorf("%s: %w (%w)", name, ErrBusy, err)
		}
		return res, database.MapError(err)
	}
	var res *Result
	for i := 1; ; i++ {
		err := database.WithTx(ctx, s.client, func(tx *ent.Tx) error {
			var err error
			res, err = attempt(tx)
			return err
		})
		if err == nil {
			return res, nil
		}
		// WithTx has retried transient failures already; what is left
		// worth waiting for is another request holding the same key.
		if !idempotency.IsInFlight(err) {
			if errors.Is(err, database.ErrBusy) {
				return nil, fmt.Errorf("%s: %w (%v)", name, ErrBusy, err)
			}
			return nil, err
		}
		if i >= s.cfg.MaxAttempts {
			return nil, fmt.Errorf("%s: %w (%d attempts: %v)", name, ErrBusy, i, err)
		}
		backoff := time.Duration(i*i) * 5 * time.Millisecond
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff + time.Duration(mrand.Int64N(int64(5*time.Millisecond)))): // #nosec G404 -- retry jitter, not a secret
		}
	}
}

func newOperationID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// sys is the operation's context acting as the system, for bookkeeping
// (idempotency keys) and for looking up records before the viewer's scope
// is checked explicitly.
func (o *op) sys() context.Context {
	ctx := authz.SystemContext(o.ctx, "stock")
	return reqinfo.WithOperation(ctx, reqinfo.From(o.ctx).Operation)
}

// replay answers a repeated key with the first result.
func (o *op) replay(req idempotency.Request) (*Result, error) {
	prev, ok, err := req.Lookup(o.sys(), o.tx.Client())
	if !ok || err != nil {
		return nil, err
	}
	opID, _ := prev["operationID"].(string)
	doc, _ := prev["documentNumber"].(string)
	res, err := o.s.load(o.ctx, o.tx.Client(), o.name, opID, doc)
	if err != nil {
		return nil, err
	}
	res.Replayed = true
	return res, nil
}

// load rebuilds the result of a finished operation.
func (s *Service) load(ctx context.Context, c *ent.Client, name, opID, doc string) (*Result, error) {
	res := &Result{OperationID: opID, DocumentNumber: doc}
	var err error
	res.Movements, err = c.Movement.Query().Where(movement.OperationID(opID)).Order(ent.Asc(movement.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: load movements: %w", name, err)
	}
	res.Debts, err = c.CourierDebt.Query().Where(courierdebt.DocumentNumber(doc)).Order(ent.Asc(courierdebt.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: load debts: %w", name, err)
	}
	switch name {
	case "dispatchTransfer", "receiveTransfer":
		t, err := c.Transfer.Query().Where(transfer.Or(transfer.DispatchOperationID(opID), transfer.ReceiveOperationID(opID))).Only(ctx)
		if err != nil && !ent.IsNotFound(err) {
			return nil, fmt.Errorf("%s: load transfer: %w", name, err)
		}
		res.Transfer = t
	}
	res.ActURL = actURLOf(name, doc)
	return res, nil
}

func actURLOf(name, doc string) *string {
	if name == "issueEquipment" || name == "returnEquipment" {
		u := ActURL(doc)
		return &u
	}
	return nil
}

// ActURL is where the handover act of an issue or return is served.
func ActURL(documentNumber string) string { return "/acts/" + documentNumber + ".pdf" }

// allocateDocument takes the next number of the operation's kind and year,
// e.g. ISS-2026-000123. The counter row is bumped in one upsert, so numbers
// are unique; a rolled-back operation gives its number back.
func (o *op) allocateDocument() error {
	prefix := prefixes[o.name]
	year := o.now.Year()
	rows, err := o.tx.QueryContext(o.ctx,
		`INSERT INTO document_counters (prefix, year, last) VALUES ($1, $2, 1)
		 ON CONFLICT (prefix, year) DO UPDATE SET last = document_counters.last + 1
		 RETURNING last`, prefix, year)
	if err != nil {
		return fmt.Errorf("%s: document number: %w", o.name, err)
	}
	defer rows.Close()
	var n int64
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return fmt.Errorf("%s: document number: %w", o.name, err)
		}
		return fmt.Errorf("%s: document number: no row", o.name)
	}
	if err := rows.Scan(&n); err != nil {
		return fmt.Errorf("%s: document number: %w", o.name, err)
	}
	o.doc = fmt.Sprintf("%s-%d-%06d", prefix, year, n)
	return rows.Close()
}

// isPostgres tells the dialect, from the driver the transaction runs on.
func (o *op) isPostgres() bool { return o.tx.Client().Dialect() == dialect.Postgres }

// record writes an audit event for a change made by a statement of ours
// (balances, holdings and items move by conditional updates, which ent's
// hooks do not see).
func (o *op) record(entity string, id int, changes map[string]any) error {
	opName := reqinfo.From(o.ctx).Operation
	if opName == "" {
		opName = "Mutation." + o.name
	}
	changes["operation_id"] = o.id
	return audit.Record(o.ctx, o.tx.Client(), opName, entity, &id, changes)
}

// actorID is the user behind the operation, for ledger rows.
func (o *op) actorID() *int {
	if o.viewer.Kind == authz.KindUser && o.viewer.ID != 0 {
		id := o.viewer.ID
		return &id
	}
	return nil
}

// movement queues a ledger row with the operation's common fields.
func (o *op) movement(kind movement.Kind, warehouseID, typeID, qty int) *ent.MovementCreate {
	m := o.tx.Movement.Create().
		SetKind(kind).SetWarehouseID(warehouseID).SetEquipmentTypeID(typeID).SetQuantity(qty).
		SetOperationID(o.id).SetCreatedAt(o.now).
		SetNillableActorID(o.actorID())
	o.movements = append(o.movements, m)
	return m
}

// flush writes the queued ledger rows (through ent: privacy and audit).
func (o *op) flush() error {
	if len(o.movements) == 0 {
		return nil
	}
	for _, m := range o.movements {
		m.SetDocumentNumber(o.doc)
	}
	ms, err := o.tx.Movement.CreateBulk(o.movements...).Save(o.ctx)
	if err != nil {
		return fmt.Errorf("%s: ledger: %w", o.name, err)
	}
	o.res.Movements = ms
	return nil
}
