package stocksvc

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/ent/item"
	"github.com/mycourier/mycourier/ent/kititem"
	"github.com/mycourier/mycourier/ent/movement"
	"github.com/mycourier/mycourier/ent/transfer"
	"github.com/mycourier/mycourier/ent/transferline"
	"github.com/mycourier/mycourier/ent/warehouse"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/limits"
)

// unit is a validated line: a type and its quantity, or its serial items.
type unit struct {
	t       *ent.EquipmentType
	qty     int
	serials []string
	items   []*ent.Item // looked up for serials that must exist
	cond    item.Condition
	cost    int64
	field   string
}

func (u unit) serial() bool { return u.t.Tracking == equipmenttype.TrackingSerial }

// warehouse checks that the warehouse exists and is in the viewer's scope.
func (o *op) warehouse(id int, field string) (*ent.Warehouse, error) {
	w, err := o.tx.Warehouse.Query().Where(warehouse.ID(id)).Only(o.ctx)
	if err == nil {
		return w, nil
	}
	if !ent.IsNotFound(err) {
		return nil, fmt.Errorf("%s: warehouse: %w", o.name, err)
	}
	if exists, _ := o.tx.Warehouse.Query().Where(warehouse.ID(id)).Exist(o.sys()); exists {
		return nil, ErrWarehouseOutOfScope.WithDetail("warehouseID", id).WithDetail("field", field)
	}
	return nil, apperr.InvalidField(field, "stock.unknownWarehouse", fmt.Sprintf("warehouse %d does not exist", id))
}

// courierFor finds a courier the viewer sees; issue additionally wants an
// active (or, if configured, new) one.
func (o *op) courierFor(id int, issuing bool) (*ent.Courier, error) {
	c, err := o.tx.Courier.Query().Where(courier.ID(id)).Only(o.ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.InvalidField("courierID", "stock.unknownCourier", fmt.Sprintf("courier %d does not exist", id))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: courier: %w", o.name, err)
	}
	if issuing {
		ok := c.Status == courier.StatusActive || (o.s.cfg.IssueToNew && c.Status == courier.StatusNew)
		if !ok {
			return nil, apperr.InvalidField("courierID", "stock.courierNotActive",
				fmt.Sprintf("courier %d is %s: equipment is issued only to active couriers", id, c.Status))
		}
	}
	return c, nil
}

// units validates lines: known types, positive quantities, serials for
// serial-tracked types and only for them, no serial twice.
func (o *op) units(lines []*Line, field string) ([]unit, error) {
	inv := apperr.Invalid{}
	if len(lines) == 0 {
		return nil, apperr.InvalidField(field, "stock.noLines", "at least one line is required")
	}
	ids := make([]int, 0, len(lines))
	for _, l := range lines {
		ids = append(ids, l.EquipmentTypeID)
	}
	types, err := o.tx.EquipmentType.Query().Where(equipmenttype.IDIn(ids...)).All(o.ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: types: %w", o.name, err)
	}
	byID := map[int]*ent.EquipmentType{}
	for _, t := range types {
		byID[t.ID] = t
	}
	seen := map[string]bool{}
	var out []unit
	total := 0 // units of the whole operation, each line bounded first
	for i, l := range lines {
		f := fmt.Sprintf("%s[%d]", field, i)
		t, ok := byID[l.EquipmentTypeID]
		if !ok {
			inv = inv.Add(f+".equipmentTypeID", "stock.unknownEquipmentType", fmt.Sprintf("equipment type %d does not exist", l.EquipmentTypeID))
			continue
		}
		if t.ArchivedAt != nil {
			inv = inv.Add(f+".equipmentTypeID", "stock.archivedEquipmentType", fmt.Sprintf("equipment type %q is archived", t.Name))
			continue
		}
		u := unit{t: t, field: f, cost: t.UnitCost}
		if l.Condition != nil {
			u.cond = *l.Condition
		}
		if l.UnitCost != nil {
			if *l.UnitCost < 0 {
				inv = inv.Add(f+".unitCost", "stock.negativeCost", "unit cost cannot be negative")
				continue
			}
			if fe := limits.UnitCost(*l.UnitCost); fe != nil {
				inv = inv.Add(f+".unitCost", fe.Key, fe.Message)
				continue
			}
			u.cost = *l.UnitCost
		}
		if u.serial() {
			if len(l.Serials) == 0 {
				inv = inv.Add(f+".serials", "stock.serialsRequired", fmt.Sprintf("%q is tracked by serial number: list the serials", t.Name))
				continue
			}
			if fe := limits.Quantity(len(l.Serials)); fe != nil {
				inv = inv.Add(f+".serials", fe.Key, fe.Message)
				continue
			}
			if l.Quantity != nil && *l.Quantity != len(l.Serials) {
				inv = inv.Add(f+".quantity", "stock.quantityMismatch", "quantity must equal the number of serials")
				continue
			}
			bad := false
			for _, s := range l.Serials {
				s = strings.TrimSpace(s)
				if s == "" || seen[s] {
					inv = inv.Add(f+".serials", "stock.duplicateSerial", fmt.Sprintf("serial %q is empty or listed twice", s))
					bad = true
					break
				}
				seen[s] = true
				u.serials = append(u.serials, s)
			}
			if bad {
				continue
			}
			u.qty = len(u.serials)
		} else {
			if len(l.Serials) > 0 {
				inv = inv.Add(f+".serials", "stock.serialsNotTracked", fmt.Sprintf("%q is counted by quantity, not by serial", t.Name))
				continue
			}
			if l.Quantity == nil || *l.Quantity <= 0 {
				inv = inv.Add(f+".quantity", "stock.quantityNotPositive", "quantity must be a positive number")
				continue
			}
			if fe := limits.Quantity(*l.Quantity); fe != nil {
				inv = inv.Add(f+".quantity", fe.Key, fe.Message)
				continue
			}
			u.qty = *l.Quantity
		}
		total += u.qty
		out = append(out, u)
	}
	if fe := limits.Quantity(total); fe != nil && inv.Empty() {
		inv = inv.Add(field, fe.Key, fe.Message)
	}
	if !inv.Empty() {
		return nil, inv
	}
	// One lock order for every operation: by type.
	slices.SortStableFunc(out, func(a, b unit) int { return a.t.ID - b.t.ID })
	return out, nil
}

// lookupItems finds the units named by serials, which must exist and be of
// the line's type.
func (o *op) lookupItems(u *unit) error {
	items, err := o.tx.Item.Query().Where(item.SerialIn(u.serials...)).All(o.sys())
	if err != nil {
		return fmt.Errorf("%s: items: %w", o.name, err)
	}
	bySerial := map[string]*ent.Item{}
	for _, it := range items {
		bySerial[it.Serial] = it
	}
	for _, s := range u.serials {
		it, ok := bySerial[s]
		if !ok {
			return apperr.InvalidField(u.field+".serials", "stock.unknownSerial", fmt.Sprintf("no unit with serial %q", s))
		}
		if it.EquipmentTypeID != u.t.ID {
			return apperr.InvalidField(u.field+".serials", "stock.serialTypeMismatch", fmt.Sprintf("serial %q is not a %q", s, u.t.Name))
		}
		u.items = append(u.items, it)
	}
	slices.SortFunc(u.items, func(a, b *ent.Item) int { return a.ID - b.ID })
	return nil
}

func errItemNotInStock(u unit, it *ent.Item) error {
	where := string(it.State)
	if it.State == item.StateInStock || it.State == item.StateQuarantined {
		where += " at another warehouse"
	}
	return apperr.InvalidField(u.field+".serials", "stock.itemNotInStock",
		fmt.Sprintf("unit %q is not in stock at this warehouse (it is %s)", it.Serial, where))
}

func text(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

// Receive books a supplier's delivery into a warehouse.
func (s *Service) Receive(ctx context.Context, in ReceiveInput) (*Result, error) {
	return s.run(ctx, "receiveStock", in.IdempotencyKey, in, func(o *op) error {
		if _, err := o.warehouse(in.WarehouseID, "warehouseID"); err != nil {
			return err
		}
		us, err := o.units(in.Lines, "lines")
		if err != nil {
			return err
		}
		for _, u := range us {
			if u.serial() {
				for _, sn := range u.serials {
					it, err := o.tx.Item.Create().SetSerial(sn).SetEquipmentTypeID(u.t.ID).
						SetWarehouseID(in.WarehouseID).SetState(item.StateInStock).SetCondition(item.ConditionNew).
						SetUnitCost(u.cost).Save(o.ctx)
					if err != nil {
						return fmt.Errorf("%s: serial %q: %w", o.name, sn, err)
					}
					o.movement(movement.KindReceipt, in.WarehouseID, u.t.ID, 1).SetItemID(it.ID).
						SetUnitCost(u.cost).SetCondition(movement.ConditionNew).SetReason(text(in.Supplier)).SetComment(text(in.Comment))
				}
			} else {
				o.movement(movement.KindReceipt, in.WarehouseID, u.t.ID, u.qty).
					SetUnitCost(u.cost).SetCondition(movement.ConditionNew).SetReason(text(in.Supplier)).SetComment(text(in.Comment))
			}
			if err := o.addStock(in.WarehouseID, u.t.ID, u.qty, 0, u.field+".quantity"); err != nil {
				return err
			}
		}
		return nil
	})
}

// Issue hands equipment to a courier: lines, a kit with size choices, or both.
func (s *Service) Issue(ctx context.Context, in IssueInput) (*Result, error) {
	return s.run(ctx, "issueEquipment", in.IdempotencyKey, in, func(o *op) error {
		if _, err := o.warehouse(in.WarehouseID, "warehouseID"); err != nil {
			return err
		}
		if _, err := o.courierFor(in.CourierID, true); err != nil {
			return err
		}
		lines := slices.Clone(in.Lines)
		if in.KitID != nil {
			kl, err := o.kitLines(*in.KitID, in.Sizes, in.KitSerials)
			if err != nil {
				return err
			}
			lines = append(lines, kl...)
		} else if len(in.Sizes) > 0 || len(in.KitSerials) > 0 {
			return apperr.InvalidField("sizes", "stock.sizesWithoutKit", "sizes and kitSerials go with a kitID")
		}
		us, err := o.units(lines, "lines")
		if err != nil {
			return err
		}
		c := in.CourierID
		for _, u := range us {
			if u.serial() {
				if err := o.lookupItems(&u); err != nil {
					return err
				}
			}
			if err := o.takeStock(in.WarehouseID, u.t.ID, u.qty, false); err != nil {
				return err
			}
			if u.serial() {
				for _, it := range u.items {
					w := in.WarehouseID
					moved, err := o.moveItem(it.ID, string(item.StateInStock), &w, nil, string(item.StateIssued), &w, &c, nil)
					if err != nil {
						return err
					}
					if !moved {
						return errItemNotInStock(u, it)
					}
					o.movement(movement.KindIssue, in.WarehouseID, u.t.ID, -1).SetItemID(it.ID).SetCourierID(c).
						SetUnitCost(it.UnitCost).SetCondition(movement.Condition(it.Condition)).SetComment(text(in.Comment))
				}
			} else {
				o.movement(movement.KindIssue, in.WarehouseID, u.t.ID, -u.qty).SetCourierID(c).
					SetUnitCost(u.t.UnitCost).SetComment(text(in.Comment))
			}
			if err := o.addHolding(c, u.t.ID, u.qty, u.field+".quantity"); err != nil {
				return err
			}
		}
		return nil
	})
}

// kitLines expands a kit into lines, replacing a line's type by a chosen
// size of the same variant group.
func (o *op) kitLines(kitID int, sizes []int, serials []string) ([]*Line, error) {
	k, err := o.tx.Kit.Get(o.ctx, kitID)
	if ent.IsNotFound(err) {
		return nil, apperr.InvalidField("kitID", "stock.unknownKit", fmt.Sprintf("kit %d does not exist", kitID))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: kit: %w", o.name, err)
	}
	kis, err := o.tx.KitItem.Query().Where(kititem.KitID(k.ID)).WithEquipmentType().Order(ent.Asc(kititem.FieldID)).All(o.ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: kit: %w", o.name, err)
	}
	chosen, err := o.tx.EquipmentType.Query().Where(equipmenttype.IDIn(sizes...)).All(o.ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: sizes: %w", o.name, err)
	}
	if len(chosen) != len(slices.Compact(slices.Sorted(slices.Values(sizes)))) {
		return nil, apperr.InvalidField("sizes", "stock.unknownEquipmentType", "a chosen size is not an equipment type")
	}
	used := map[int]bool{}
	pool := slices.Clone(serials)
	var out []*Line
	for _, ki := range kis {
		t := ki.Edges.EquipmentType
		for _, c := range chosen {
			if t.VariantGroup != "" && c.VariantGroup == t.VariantGroup {
				t = c
				used[c.ID] = true
				break
			}
		}
		q := ki.Quantity
		l := &Line{EquipmentTypeID: t.ID, Quantity: &q}
		if t.Tracking == equipmenttype.TrackingSerial {
			if len(pool) < q {
				return nil, apperr.InvalidField("kitSerials", "stock.serialsRequired",
					fmt.Sprintf("kit line %q needs %d serial(s)", t.Name, q))
			}
			l.Serials, pool = pool[:q], pool[q:]
		}
		out = append(out, l)
	}
	for _, c := range chosen {
		if !used[c.ID] {
			return nil, apperr.InvalidField("sizes", "stock.sizeNotInKit",
				fmt.Sprintf("%q is not a size of any line of kit %q", c.Name, k.Name))
		}
	}
	if len(pool) > 0 {
		return nil, apperr.InvalidField("kitSerials", "stock.extraSerials", "more serials than the kit's serial lines take")
	}
	return out, nil
}

// Return takes equipment back from a courier; damaged units go to quarantine.
func (s *Service) Return(ctx context.Context, in ReturnInput) (*Result, error) {
	return s.run(ctx, "returnEquipment", in.IdempotencyKey, in, func(o *op) error {
		if _, err := o.warehouse(in.WarehouseID, "warehouseID"); err != nil {
			return err
		}
		if _, err := o.courierFor(in.CourierID, false); err != nil {
			return err
		}
		us, err := o.units(in.Lines, "lines")
		if err != nil {
			return err
		}
		c, w := in.CourierID, in.WarehouseID
		for _, u := range us {
			cond := u.cond
			if cond == "" {
				cond = item.ConditionUsed // what comes back has been worn
			}
			quarantine := 0
			state := item.StateInStock
			if cond == item.ConditionDamaged {
				quarantine, state = u.qty, item.StateQuarantined
			}
			if err := o.takeHolding(c, u.t.ID, u.qty, u.field+".quantity"); err != nil {
				return err
			}
			if err := o.addStock(w, u.t.ID, u.qty, quarantine, u.field+".quantity"); err != nil {
				return err
			}
			if u.serial() {
				if err := o.lookupItems(&u); err != nil {
					return err
				}
				for _, it := range u.items {
					cs := string(cond)
					moved, err := o.moveItem(it.ID, string(item.StateIssued), nil, &c, string(state), &w, nil, &cs)
					if err != nil {
						return err
					}
					if !moved {
						return apperr.InvalidField(u.field+".serials", "stock.itemNotHeld",
							fmt.Sprintf("unit %q is not held by this courier", it.Serial))
					}
					o.movement(movement.KindReturn, w, u.t.ID, 1).SetItemID(it.ID).SetCourierID(c).
						SetUnitCost(it.UnitCost).SetCondition(movement.Condition(cond)).SetComment(text(in.Comment))
				}
			} else {
				o.movement(movement.KindReturn, w, u.t.ID, u.qty).SetCourierID(c).
					SetUnitCost(u.t.UnitCost).SetCondition(movement.Condition(cond)).SetComment(text(in.Comment))
			}
		}
		return nil
	})
}

// WriteOff disposes of stock (worn out, damaged, lost, stolen), or of units
// a courier lost: those come back onto the books and leave them in the same
// operation, and "lost" records a debt against the courier at unit cost.
func (s *Service) WriteOff(ctx context.Context, in WriteOffInput) (*Result, error) {
	return s.run(ctx, "writeOffEquipment", in.IdempotencyKey, in, func(o *op) error {
		if !slices.Contains(WriteOffReasons, in.Reason) {
			return apperr.InvalidField("reason", "stock.unknownReason",
				"reason must be one of "+strings.Join(WriteOffReasons, ", "))
		}
		if _, err := o.warehouse(in.WarehouseID, "warehouseID"); err != nil {
			return err
		}
		us, err := o.units(in.Lines, "lines")
		if err != nil {
			return err
		}
		w := in.WarehouseID
		fromQ := in.FromQuarantine != nil && *in.FromQuarantine
		endState := item.StateWrittenOff
		if in.Reason == ReasonLost || in.Reason == ReasonStolen {
			endState = item.StateLost
		}
		if in.CourierID != nil {
			if fromQ {
				return apperr.InvalidField("fromQuarantine", "stock.quarantineWithCourier", "a courier's units are not in quarantine")
			}
			if _, err := o.courierFor(*in.CourierID, false); err != nil {
				return err
			}
			return o.writeOffHeld(in, us, endState)
		}
		for _, u := range us {
			if u.serial() {
				if err := o.lookupItems(&u); err != nil {
					return err
				}
				for _, it := range u.items {
					from := item.StateInStock
					if it.State == item.StateQuarantined {
						from = item.StateQuarantined
					}
					moved, err := o.moveItem(it.ID, string(from), &w, nil, string(endState), &w, nil, nil)
					if err != nil {
						return err
					}
					if !moved {
						return errItemNotInStock(u, it)
					}
					if err := o.takeStock(w, u.t.ID, 1, from == item.StateQuarantined); err != nil {
						return err
					}
					o.movement(movement.KindWriteOff, w, u.t.ID, -1).SetItemID(it.ID).SetReason(in.Reason).
						SetUnitCost(it.UnitCost).SetCondition(movement.Condition(it.Condition)).SetComment(text(in.Comment))
				}
				continue
			}
			if err := o.takeStock(w, u.t.ID, u.qty, fromQ); err != nil {
				return err
			}
			m := o.movement(movement.KindWriteOff, w, u.t.ID, -u.qty).SetReason(in.Reason).
				SetUnitCost(u.t.UnitCost).SetComment(text(in.Comment))
			if fromQ {
				m.SetCondition(movement.ConditionDamaged)
			}
		}
		return nil
	})
}

// writeOffHeld writes off units a courier holds.
func (o *op) writeOffHeld(in WriteOffInput, us []unit, endState item.State) error {
	c, w := *in.CourierID, in.WarehouseID
	debt := in.Reason == ReasonLost
	for _, u := range us {
		if err := o.takeHolding(c, u.t.ID, u.qty, u.field+".quantity"); err != nil {
			return err
		}
		book := func(itemID *int, cost int64) {
			o.movement(movement.KindReturn, w, u.t.ID, 1*unitsOf(itemID, u.qty)).SetNillableItemID(itemID).SetCourierID(c).
				SetReason("written_off_" + in.Reason).SetUnitCost(cost).SetComment(text(in.Comment))
			o.movement(movement.KindWriteOff, w, u.t.ID, -unitsOf(itemID, u.qty)).SetNillableItemID(itemID).SetCourierID(c).
				SetReason(in.Reason).SetUnitCost(cost).SetComment(text(in.Comment))
			if debt {
				n := unitsOf(itemID, u.qty)
				typeID := u.t.ID
				o.after = append(o.after, func() error {
					amount, err := limits.Mul(int64(n), cost) // a unit cost from before the bounds may be huge
					if err != nil {
						return fmt.Errorf("%s: debt: %w", o.name, err)
					}
					d, err := o.tx.CourierDebt.Create().SetCreatedAt(o.now).SetUpdatedAt(o.now).SetCourierID(c).SetEquipmentTypeID(typeID).SetNillableItemID(itemID).
						SetQuantity(n).SetAmount(amount).SetReason(in.Reason).SetDocumentNumber(o.doc).
						SetNillableActorID(o.actorID()).Save(o.ctx)
					if err != nil {
						return fmt.Errorf("%s: debt: %w", o.name, err)
					}
					o.res.Debts = append(o.res.Debts, d)
					return nil
				})
			}
		}
		if !u.serial() {
			book(nil, u.t.UnitCost)
			continue
		}
		if err := o.lookupItems(&u); err != nil {
			return err
		}
		for _, it := range u.items {
			moved, err := o.moveItem(it.ID, string(item.StateIssued), nil, &c, string(endState), &w, nil, nil)
			if err != nil {
				return err
			}
			if !moved {
				return apperr.InvalidField(u.field+".serials", "stock.itemNotHeld",
					fmt.Sprintf("unit %q is not held by this courier", it.Serial))
			}
			id := it.ID
			cost := it.UnitCost
			if cost == 0 {
				cost = u.t.UnitCost
			}
			book(&id, cost)
		}
	}
	return nil
}

// unitsOf is 1 for a serial unit, else the line's quantity.
func unitsOf(itemID *int, qty int) int {
	if itemID != nil {
		return 1
	}
	return qty
}

// Dispatch sends stock to another warehouse: it leaves the sender now and
// is in transit until received.
func (s *Service) Dispatch(ctx context.Context, in DispatchInput) (*Result, error) {
	return s.run(ctx, "dispatchTransfer", in.IdempotencyKey, in, func(o *op) error {
		if in.FromWarehouseID == in.ToWarehouseID {
			return apperr.InvalidField("toWarehouseID", "stock.sameWarehouse", "a transfer goes to another warehouse")
		}
		if _, err := o.warehouse(in.FromWarehouseID, "fromWarehouseID"); err != nil {
			return err
		}
		if ok, err := o.tx.Warehouse.Query().Where(warehouse.ID(in.ToWarehouseID)).Exist(o.sys()); err != nil || !ok {
			if err != nil {
				return fmt.Errorf("%s: warehouse: %w", o.name, err)
			}
			return apperr.InvalidField("toWarehouseID", "stock.unknownWarehouse", fmt.Sprintf("warehouse %d does not exist", in.ToWarehouseID))
		}
		us, err := o.units(in.Lines, "lines")
		if err != nil {
			return err
		}
		from, to := in.FromWarehouseID, in.ToWarehouseID
		type sent struct {
			typeID, qty int
			itemID      *int
		}
		var lines []sent
		for _, u := range us {
			if err := o.takeStock(from, u.t.ID, u.qty, false); err != nil {
				return err
			}
			if !u.serial() {
				o.movement(movement.KindTransferOut, from, u.t.ID, -u.qty).SetCounterpartWarehouseID(to).
					SetUnitCost(u.t.UnitCost).SetComment(text(in.Comment))
				lines = append(lines, sent{u.t.ID, u.qty, nil})
				continue
			}
			if err := o.lookupItems(&u); err != nil {
				return err
			}
			for _, it := range u.items {
				moved, err := o.moveItem(it.ID, string(item.StateInStock), &from, nil, string(item.StateInTransit), &to, nil, nil)
				if err != nil {
					return err
				}
				if !moved {
					return errItemNotInStock(u, it)
				}
				id := it.ID
				o.movement(movement.KindTransferOut, from, u.t.ID, -1).SetItemID(id).SetCounterpartWarehouseID(to).
					SetUnitCost(it.UnitCost).SetComment(text(in.Comment))
				lines = append(lines, sent{u.t.ID, 1, &id})
			}
		}
		o.after = append(o.after, func() error {
			t, err := o.tx.Transfer.Create().SetCreatedAt(o.now).SetUpdatedAt(o.now).SetDocumentNumber(o.doc).SetFromWarehouseID(from).SetToWarehouseID(to).
				SetDispatchOperationID(o.id).SetNillableDispatchedByID(o.actorID()).SetComment(text(in.Comment)).Save(o.ctx)
			if err != nil {
				return fmt.Errorf("%s: transfer: %w", o.name, err)
			}
			bulk := make([]*ent.TransferLineCreate, len(lines))
			for i, l := range lines {
				bulk[i] = o.tx.TransferLine.Create().SetTransferID(t.ID).SetEquipmentTypeID(l.typeID).
					SetQuantitySent(l.qty).SetNillableItemID(l.itemID)
			}
			if _, err := o.tx.TransferLine.CreateBulk(bulk...).Save(o.ctx); err != nil {
				return fmt.Errorf("%s: transfer lines: %w", o.name, err)
			}
			o.res.Transfer = t
			return nil
		})
		return nil
	})
}

// ReceiveTransfer accepts a transfer at its destination. Units that did
// not arrive are written off there (transit shortage) or go back onto the
// sender's books; either way the transfer records the discrepancy.
func (s *Service) ReceiveTransfer(ctx context.Context, in ReceiveTransferInput) (*Result, error) {
	return s.run(ctx, "receiveTransfer", in.IdempotencyKey, in, func(o *op) error {
		t, err := o.tx.Transfer.Query().Where(transfer.ID(in.TransferID)).WithLines().Only(o.ctx)
		if ent.IsNotFound(err) {
			return apperr.InvalidField("transferID", "stock.unknownTransfer", fmt.Sprintf("transfer %d does not exist", in.TransferID))
		}
		if err != nil {
			return fmt.Errorf("%s: transfer: %w", o.name, err)
		}
		if t.Status != transfer.StatusInTransit {
			return errTransferReceived(t)
		}
		if _, err := o.warehouse(t.ToWarehouseID, "transferID"); err != nil {
			return err
		}
		// Claimed first, by a conditional update: of two receipts racing
		// past the check above only one finds the transfer in transit (on
		// PostgreSQL the other waits for the row and then matches nothing).
		claimed, err := o.tx.Transfer.UpdateOneID(t.ID).Where(transfer.StatusEQ(transfer.StatusInTransit)).
			SetStatus(transfer.StatusReceived).SetReceivedAt(o.now).
			SetReceiveOperationID(o.id).SetNillableReceivedByID(o.actorID()).Save(o.ctx)
		if ent.IsNotFound(err) {
			return errTransferReceived(t)
		}
		if err != nil {
			return fmt.Errorf("%s: transfer: %w", o.name, err)
		}
		o.res.Transfer = claimed
		shortage := transferline.ShortageResolutionWrittenOff
		if in.Shortage != nil {
			shortage = *in.Shortage
		}
		from, to := t.FromWarehouseID, t.ToWarehouseID
		got := map[int]*ReceivedLine{}
		for i, l := range in.Lines {
			if got[l.EquipmentTypeID] != nil {
				return apperr.InvalidField(fmt.Sprintf("lines[%d].equipmentTypeID", i), "stock.duplicateLine", "one line per equipment type")
			}
			if !slices.ContainsFunc(t.Edges.Lines, func(tl *ent.TransferLine) bool { return tl.EquipmentTypeID == l.EquipmentTypeID }) {
				return apperr.InvalidField(fmt.Sprintf("lines[%d].equipmentTypeID", i), "stock.notInTransfer", "this type was not sent in the transfer")
			}
			if l.QuantityReceived != nil && *l.QuantityReceived < 0 {
				return apperr.InvalidField(fmt.Sprintf("lines[%d].quantityReceived", i), "stock.quantityNegative", "received quantity cannot be negative")
			}
			if l.QuantityReceived != nil {
				if fe := limits.Quantity(*l.QuantityReceived); fe != nil {
					return apperr.InvalidField(fmt.Sprintf("lines[%d].quantityReceived", i), fe.Key, fe.Message)
				}
			}
			got[l.EquipmentTypeID] = l
		}
		itemSerials := map[int]string{}
		var itemIDs []int
		for _, tl := range t.Edges.Lines {
			if tl.ItemID != nil {
				itemIDs = append(itemIDs, *tl.ItemID)
			}
		}
		if len(itemIDs) > 0 {
			its, err := o.tx.Item.Query().Where(item.IDIn(itemIDs...)).All(o.sys())
			if err != nil {
				return fmt.Errorf("%s: items: %w", o.name, err)
			}
			for _, it := range its {
				itemSerials[it.ID] = it.Serial
			}
		}
		// Per quantity line: how many of the sent units arrived.
		remaining := map[int]int{} // type → units still to accept from input quantity
		for typeID, l := range got {
			if l.QuantityReceived != nil {
				remaining[typeID] = *l.QuantityReceived
			}
		}
		type change struct{ warehouse, typeID, n int }
		var adds []change
		discrepancy := false
		lines := slices.Clone(t.Edges.Lines)
		slices.SortFunc(lines, func(a, b *ent.TransferLine) int { return a.ID - b.ID })
		for _, tl := range lines {
			l := got[tl.EquipmentTypeID]
			arrived := tl.QuantitySent
			switch {
			case tl.ItemID != nil && l != nil && l.SerialsReceived != nil:
				if !slices.Contains(l.SerialsReceived, itemSerials[*tl.ItemID]) {
					arrived = 0
				}
			case l != nil && l.QuantityReceived != nil:
				arrived = min(tl.QuantitySent, remaining[tl.EquipmentTypeID])
				remaining[tl.EquipmentTypeID] -= arrived
			}
			short := tl.QuantitySent - arrived
			upd := o.tx.TransferLine.UpdateOneID(tl.ID).SetQuantityReceived(arrived)
			if l != nil && l.Note != nil {
				upd.SetNote(text(l.Note))
			}
			if arrived > 0 {
				o.movement(movement.KindTransferIn, to, tl.EquipmentTypeID, arrived).SetNillableItemID(tl.ItemID).
					SetCounterpartWarehouseID(from).SetComment(text(in.Comment))
				adds = append(adds, change{to, tl.EquipmentTypeID, arrived})
				if tl.ItemID != nil {
					if _, err := o.moveItem(*tl.ItemID, string(item.StateInTransit), &to, nil, string(item.StateInStock), &to, nil, nil); err != nil {
						return err
					}
				}
			}
			if short > 0 {
				discrepancy = true
				upd.SetShortageResolution(shortage)
				switch shortage {
				case transferline.ShortageResolutionReturned:
					o.movement(movement.KindTransferIn, from, tl.EquipmentTypeID, short).SetNillableItemID(tl.ItemID).
						SetCounterpartWarehouseID(to).SetReason("transfer_returned").SetComment(text(in.Comment))
					adds = append(adds, change{from, tl.EquipmentTypeID, short})
					if tl.ItemID != nil {
						if _, err := o.moveItem(*tl.ItemID, string(item.StateInTransit), &to, nil, string(item.StateInStock), &from, nil, nil); err != nil {
							return err
						}
					}
				default:
					// On the receiver's books and off them again: the
					// ledger shows the shortage where it was found.
					o.movement(movement.KindTransferIn, to, tl.EquipmentTypeID, short).SetNillableItemID(tl.ItemID).
						SetCounterpartWarehouseID(from).SetReason("transit_shortage").SetComment(text(in.Comment))
					o.movement(movement.KindWriteOff, to, tl.EquipmentTypeID, -short).SetNillableItemID(tl.ItemID).
						SetCounterpartWarehouseID(from).SetReason("transit_shortage").SetComment(text(in.Comment))
					adds = append(adds, change{to, tl.EquipmentTypeID, 0})
					if tl.ItemID != nil {
						if _, err := o.moveItem(*tl.ItemID, string(item.StateInTransit), &to, nil, string(item.StateLost), &to, nil, nil); err != nil {
							return err
						}
					}
				}
			}
			if err := upd.Exec(o.ctx); err != nil {
				return fmt.Errorf("%s: transfer line: %w", o.name, err)
			}
		}
		for typeID, n := range remaining {
			if n > 0 {
				return apperr.InvalidField("lines", "stock.receivedMoreThanSent",
					fmt.Sprintf("received %d more units of type %d than were sent", n, typeID))
			}
		}
		// Balances in one order (warehouse, type), whatever the lines' order.
		slices.SortFunc(adds, func(a, b change) int {
			if a.warehouse != b.warehouse {
				return a.warehouse - b.warehouse
			}
			return a.typeID - b.typeID
		})
		for _, a := range adds {
			if err := o.addStock(a.warehouse, a.typeID, a.n, 0, "transferID"); err != nil {
				return err
			}
		}
		if discrepancy {
			u, err := o.tx.Transfer.UpdateOneID(t.ID).SetHasDiscrepancy(true).Save(o.ctx)
			if err != nil {
				return fmt.Errorf("%s: transfer: %w", o.name, err)
			}
			o.res.Transfer = u
		}
		return nil
	})
}

// errTransferReceived: the transfer is no longer in transit, whether it
// was received before this request looked or while it ran.
func errTransferReceived(t *ent.Transfer) error {
	return apperr.New(apperr.CodeInvalidTransition, "stock.transferReceived",
		fmt.Sprintf("transfer %s was already received", t.DocumentNumber)).WithRu("Перемещение уже принято")
}

// Count records a stock count: every difference becomes an adjustment with
// the count's reason. Serial-tracked types are counted by their units.
func (s *Service) Count(ctx context.Context, in CountInput) (*Result, error) {
	return s.run(ctx, "countStock", in.IdempotencyKey, in, func(o *op) error {
		reason := strings.TrimSpace(in.Reason)
		if reason == "" {
			return apperr.InvalidField("reason", "stock.reasonRequired", "a count needs a reason for its adjustments")
		}
		if _, err := o.warehouse(in.WarehouseID, "warehouseID"); err != nil {
			return err
		}
		if len(in.Lines) == 0 {
			return apperr.InvalidField("lines", "stock.noLines", "at least one line is required")
		}
		lines := make([]*Line, len(in.Lines))
		for i, l := range in.Lines {
			if l.Counted < 0 {
				return apperr.InvalidField(fmt.Sprintf("lines[%d].counted", i), "stock.quantityNegative", "a counted quantity cannot be negative")
			}
			if fe := limits.Balance(l.Counted); fe != nil {
				return apperr.InvalidField(fmt.Sprintf("lines[%d].counted", i), fe.Key, fe.Message)
			}
			one := 1
			lines[i] = &Line{EquipmentTypeID: l.EquipmentTypeID, Quantity: &one}
		}
		us, err := o.units(lines, "lines")
		if err != nil {
			return err
		}
		counted := map[int]int{}
		for _, l := range in.Lines {
			if _, dup := counted[l.EquipmentTypeID]; dup {
				return apperr.InvalidField("lines", "stock.duplicateLine", "one line per equipment type")
			}
			counted[l.EquipmentTypeID] = l.Counted
		}
		for _, u := range us {
			if u.serial() {
				return apperr.InvalidField(u.field+".equipmentTypeID", "stock.countSerial",
					fmt.Sprintf("%q is tracked by serial number: write off or receive its units by serial", u.t.Name))
			}
			diff, err := o.setStock(in.WarehouseID, u.t.ID, counted[u.t.ID])
			if err != nil {
				return err
			}
			if diff != 0 {
				o.movement(movement.KindAdjustment, in.WarehouseID, u.t.ID, diff).SetReason(reason).
					SetUnitCost(u.t.UnitCost).SetComment(text(in.Comment))
			}
		}
		return nil
	})
}
