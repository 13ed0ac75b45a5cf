package stocksvc

import (
	"context"
	"fmt"
	"slices"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courierholding"
	"github.com/mycourier/mycourier/ent/item"
	"github.com/mycourier/mycourier/ent/movement"
	"github.com/mycourier/mycourier/internal/authz"
)

// SettleAsLost writes off everything a courier still holds as lost and
// records the debt at unit cost, in the caller's transaction: the courier
// lifecycle calls it when a manager forces the firing of a courier who has
// not returned equipment. Each unit is booked back at the warehouse that
// issued it and written off there. The caller has authorised the firing;
// the ledger rows are written as the system on its behalf ("lifecycle:"
// and the caller's name), since the caller's scope may not reach those
// warehouses. key makes a retry harmless.
func (s *Service) SettleAsLost(ctx context.Context, courierID int, key string) (*Result, error) {
	name := "system"
	if v := authz.FromContext(ctx); v != nil {
		name = v.Name
	}
	sys := authz.SystemContext(ctx, "lifecycle:"+name)
	return s.run(sys, "writeOffEquipment", key, map[string]any{"settleCourier": courierID}, func(o *op) error {
		hs, err := o.tx.CourierHolding.Query().
			Where(courierholding.CourierID(courierID), courierholding.QuantityGT(0)).
			WithEquipmentType().Order(ent.Asc(courierholding.FieldEquipmentTypeID)).All(o.ctx)
		if err != nil {
			return fmt.Errorf("settle: holdings: %w", err)
		}
		for _, h := range hs {
			t := h.Edges.EquipmentType
			// Where the courier got this type most recently.
			last, err := o.tx.Movement.Query().
				Where(movement.CourierID(courierID), movement.EquipmentTypeID(t.ID), movement.KindEQ(movement.KindIssue)).
				Order(ent.Desc(movement.FieldID)).First(o.ctx)
			if err != nil {
				return fmt.Errorf("settle: issuing warehouse of type %d: %w", t.ID, err)
			}
			in := WriteOffInput{WarehouseID: last.WarehouseID, Reason: ReasonLost, CourierID: &courierID}
			u := unit{t: t, qty: h.Quantity, field: "holdings"}
			if t.Tracking == "serial" {
				its, err := o.tx.Item.Query().Where(item.CourierID(courierID), item.EquipmentTypeID(t.ID), item.StateEQ(item.StateIssued)).All(o.ctx)
				if err != nil {
					return fmt.Errorf("settle: items: %w", err)
				}
				for _, it := range its {
					u.serials = append(u.serials, it.Serial)
				}
				slices.Sort(u.serials)
				u.qty = len(u.serials)
				if u.qty == 0 {
					continue
				}
			}
			if err := o.writeOffHeld(in, []unit{u}, item.StateLost); err != nil {
				return err
			}
		}
		return nil
	})
}
