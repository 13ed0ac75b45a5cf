package summary

import (
	"context"
	"fmt"

	"entgo.io/ent"

	gen "github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/movement"
)

// The hooks run inside the writer's transaction (ent hands a mutation the
// client of its transaction), so a summary row commits or rolls back with
// the change it counts. They are attached in ent/schema, so no service call
// site needs to know about them.

// StatusChangeHook counts each new CourierStatusChange. The share before is
// the courier's history up to the row before this one, the share after
// includes it: a bulk insert of several rows of one courier then adds up
// exactly once.
func StatusChangeHook(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		v, err := next.Mutate(ctx, m)
		if err != nil || !m.Op().Is(ent.OpCreate) {
			return v, err
		}
		row, ok := v.(*gen.CourierStatusChange)
		sm, ok2 := m.(*gen.CourierStatusChangeMutation)
		if !ok || !ok2 {
			return nil, fmt.Errorf("summary: unexpected status change mutation %T", m)
		}
		q := sm.Client()
		d, _, found, err := courierDims(ctx, q, row.CourierID)
		if err != nil || !found {
			return v, err
		}
		hist, err := history(ctx, q, row.CourierID, row.ID)
		if err != nil {
			return nil, err
		}
		before, after := NewCouriers(), NewCouriers()
		after.AddHistory(d, hist, 1)
		if len(hist) > 0 && hist[len(hist)-1].ID == row.ID {
			before.AddHistory(d, hist[:len(hist)-1], 1)
		}
		return v, after.Minus(before).Apply(ctx, q)
	})
}

// dimsTouched tells whether a courier mutation may move the courier between
// summary cells.
func dimsTouched(m *gen.CourierMutation) bool {
	for _, f := range []string{courier.FieldStatus, courier.FieldPartnerID, courier.FieldBranchID, courier.FieldTransportType} {
		if _, ok := m.Field(f); ok || m.FieldCleared(f) {
			return true
		}
	}
	return false
}

// CourierHook keeps courier_counts current on create and on a change of
// status, and moves a courier's history between cells when its partner,
// branch or transport type changes.
func CourierHook(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		cm, ok := m.(*gen.CourierMutation)
		if !ok {
			return nil, fmt.Errorf("summary: unexpected courier mutation %T", m)
		}
		q := cm.Client()
		switch {
		case m.Op().Is(ent.OpCreate):
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			c, ok := v.(*gen.Courier)
			if !ok {
				return nil, fmt.Errorf("summary: unexpected courier value %T", v)
			}
			// A courier just created has no status history and no ledger
			// rows yet (both point at it): its share is its count alone.
			d := Dims{Transport: string(c.TransportType)}
			if c.PartnerID != nil {
				d.Partner = *c.PartnerID
			}
			if c.BranchID != nil {
				d.Branch = *c.BranchID
			}
			share := NewCouriers()
			share.AddCourier(d, string(c.Status), 1)
			return v, share.Apply(ctx, q)
		case m.Op().Is(ent.OpUpdate|ent.OpUpdateOne) && dimsTouched(cm):
			ids, err := cm.IDs(ctx)
			if err != nil {
				return nil, fmt.Errorf("summary: %w", err)
			}
			before := make([]*Couriers, len(ids))
			for i, id := range ids {
				if before[i], err = Courier(ctx, q, id); err != nil {
					return nil, err
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			for i, id := range ids {
				after, err := Courier(ctx, q, id)
				if err != nil {
					return nil, err
				}
				if err := after.Minus(before[i]).Apply(ctx, q); err != nil {
					return nil, err
				}
			}
			return v, nil
		}
		return next.Mutate(ctx, m)
	})
}

// MovementHook counts each new ledger row, and a write-off of a unit a
// courier held in the courier's loss cell too.
func MovementHook(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		v, err := next.Mutate(ctx, m)
		if err != nil || !m.Op().Is(ent.OpCreate) {
			return v, err
		}
		row, ok := v.(*gen.Movement)
		mm, ok2 := m.(*gen.MovementMutation)
		if !ok || !ok2 {
			return nil, fmt.Errorf("summary: unexpected movement mutation %T", m)
		}
		q := mm.Client()
		if err := AddMovement(ctx, q, row.CreatedAt, row.WarehouseID, row.EquipmentTypeID,
			string(row.Kind), row.Reason, row.Quantity, row.UnitCost); err != nil {
			return nil, err
		}
		if row.Kind != movement.KindWriteOff || row.CourierID == nil {
			return v, nil
		}
		d, _, found, err := courierDims(ctx, q, *row.CourierID)
		if err != nil || !found {
			return v, err
		}
		loss := NewCouriers()
		loss.AddLoss(d, row.CreatedAt, row.WarehouseID, row.Quantity, row.UnitCost, 1)
		return v, loss.Apply(ctx, q)
	})
}
