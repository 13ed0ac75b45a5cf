// Package outbox writes integrator events: every courier status change and
// stock movement becomes a WebhookEvent in the transaction that makes the
// change, with one pending delivery per enabled endpoint (package webhook
// delivers them). It is its own package because ent's schema imports it.
package outbox

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"entgo.io/ent"

	gen "github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courierstatuschange"
	"github.com/mycourier/mycourier/ent/webhookendpoint"
	"github.com/mycourier/mycourier/internal/authz"
)

// Event types integrators receive.
const (
	CourierOnboarded = "courier.onboarded"
	CourierSubmitted = "courier.submitted"
	CourierActivated = "courier.activated"
	CourierBlocked   = "courier.blocked"
	CourierUnblocked = "courier.unblocked"
	CourierFired     = "courier.fired"
	CourierRehired   = "courier.rehired"
	StockMovement    = "stock.movement"
)

// Hook writes an event for every CourierStatusChange and Movement
// created, in the same transaction, so the event exists exactly when the
// change does. It is attached to every entity through the policy mixin and
// ignores the others.
func Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if !m.Op().Is(ent.OpCreate) || (m.Type() != "CourierStatusChange" && m.Type() != "Movement") {
				return next.Mutate(ctx, m)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			typ, key, payload := describe(v)
			if typ == "" {
				return v, nil
			}
			cm, ok := m.(interface{ Client() *gen.Client })
			if !ok {
				return nil, fmt.Errorf("outbox: %T has no client", m)
			}
			if err := Enqueue(ctx, cm.Client(), typ, key, payload); err != nil {
				return nil, err
			}
			return v, nil
		})
	}
}

// describe turns a created row into an event type, ordering key and payload.
func describe(v ent.Value) (typ, key string, payload map[string]any) {
	switch r := v.(type) {
	case *gen.CourierStatusChange:
		payload = map[string]any{
			"courierId": r.CourierID, "statusChangeId": r.ID, "toStatus": r.ToStatus.String(),
			"reason": r.Reason, "comment": r.Comment, "at": r.CreatedAt.UTC().Format(time.RFC3339Nano),
		}
		if r.FromStatus != nil {
			payload["fromStatus"] = r.FromStatus.String()
		}
		return statusEvent(r.FromStatus, r.ToStatus), courierKey(r.CourierID), payload
	case *gen.Movement:
		payload = map[string]any{
			"movementId": r.ID, "kind": r.Kind.String(), "warehouseId": r.WarehouseID,
			"equipmentTypeId": r.EquipmentTypeID, "quantity": r.Quantity, "documentNumber": r.DocumentNumber,
			"operationId": r.OperationID, "at": r.CreatedAt.UTC().Format(time.RFC3339Nano),
		}
		key = "warehouse:" + strconv.Itoa(r.WarehouseID)
		if r.CourierID != nil {
			payload["courierId"] = *r.CourierID
			key = courierKey(*r.CourierID)
		}
		if r.ItemID != nil {
			payload["itemId"] = *r.ItemID
		}
		return StockMovement, key, payload
	}
	return "", "", nil
}

func courierKey(id int) string { return "courier:" + strconv.Itoa(id) }

// statusEvent names a lifecycle transition.
func statusEvent(from *courierstatuschange.FromStatus, to courierstatuschange.ToStatus) string {
	f := ""
	if from != nil {
		f = from.String()
	}
	switch {
	case f == "":
		return CourierOnboarded
	case to == courierstatuschange.ToStatusNew && f == "fired":
		return CourierRehired
	case to == courierstatuschange.ToStatusNew:
		return CourierSubmitted
	case to == courierstatuschange.ToStatusActive && f == "blocked":
		return CourierUnblocked
	case to == courierstatuschange.ToStatusActive:
		return CourierActivated
	case to == courierstatuschange.ToStatusBlocked:
		return CourierBlocked
	case to == courierstatuschange.ToStatusFired:
		return CourierFired
	}
	return "courier." + to.String()
}

// Enqueue writes the event and one pending delivery per enabled endpoint.
func Enqueue(ctx context.Context, tx *gen.Client, typ, key string, payload map[string]any) error {
	sys := authz.SystemContext(ctx, "webhooks")
	ev, err := tx.WebhookEvent.Create().SetType(typ).SetOrderingKey(key).SetPayload(payload).
		SetCreatedAt(time.Now().UTC()).Save(sys)
	if err != nil {
		return fmt.Errorf("outbox: outbox: %w", err)
	}
	ids, err := tx.WebhookEndpoint.Query().Where(webhookendpoint.Enabled(true)).IDs(sys)
	if err != nil {
		return fmt.Errorf("outbox: endpoints: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	ds := make([]*gen.WebhookDeliveryCreate, len(ids))
	for i, id := range ids {
		ds[i] = tx.WebhookDelivery.Create().SetEndpointID(id).SetEventID(ev.ID).SetOrderingKey(key).
			SetNextAttemptAt(ev.CreatedAt)
	}
	if err := tx.WebhookDelivery.CreateBulk(ds...).Exec(sys); err != nil {
		return fmt.Errorf("outbox: deliveries: %w", err)
	}
	return nil
}
