package stocksvc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/ent/item"
	"github.com/mycourier/mycourier/ent/movement"
	"github.com/mycourier/mycourier/ent/privacy"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/handover"
	"github.com/mycourier/mycourier/internal/pii"
)

// CompanyName is printed on handover acts.
var CompanyName = "MyCourier"

// Act assembles the handover act of an issue or return for the viewer in
// ctx. Every record on it is read under the viewer's own privacy rules, so
// the act shows exactly what the API shows them: a document outside their
// scope is not found, a role without stock access is refused, and a
// courier (or item, or staff member) the API hides from them is left blank
// on paper. The courier's PINFL is always masked on paper.
func (s *Service) Act(ctx context.Context, documentNumber string) (*handover.Act, error) {
	c := s.clientFor(ctx)
	ms, err := c.Movement.Query().
		Where(movement.DocumentNumber(documentNumber), movement.KindIn(movement.KindIssue, movement.KindReturn)).
		Order(ent.Asc(movement.FieldID)).All(ctx)
	if errors.Is(err, privacy.Deny) {
		return nil, fmt.Errorf("act %s: %w", documentNumber, apperr.ErrForbidden)
	}
	if err != nil {
		return nil, fmt.Errorf("act %s: %w", documentNumber, err)
	}
	if len(ms) == 0 {
		return nil, apperr.NotFound{Entity: "Act", ID: documentNumber}
	}
	first := ms[0]
	if first.CourierID == nil {
		return nil, apperr.NotFound{Entity: "Act", ID: documentNumber}
	}
	act := &handover.Act{
		Kind:           handover.KindIssue,
		Company:        CompanyName,
		Date:           first.CreatedAt,
		DocumentNumber: documentNumber,
		Comment:        first.Comment,
	}
	if first.Kind == movement.KindReturn {
		act.Kind = handover.KindReturn
	}
	w, err := c.Warehouse.Get(ctx, first.WarehouseID)
	if err = hidden(err); err != nil {
		return nil, fmt.Errorf("act %s: warehouse: %w", documentNumber, err)
	}
	if w != nil {
		act.Warehouse, act.WarehouseAddress = w.Name, w.Address
	}
	cr, err := c.Courier.Get(ctx, *first.CourierID)
	if err = hidden(err); err != nil {
		return nil, fmt.Errorf("act %s: courier: %w", documentNumber, err)
	}
	if cr != nil {
		act.CourierName = strings.TrimSpace(strings.Join([]string{cr.LastName, cr.FirstName, cr.MiddleName}, " "))
		act.CourierPINFL = pii.MaskPINFL(cr.Pinfl)
	}
	if first.ActorID != nil {
		u, err := c.User.Get(ctx, *first.ActorID)
		if err = hidden(err); err != nil {
			return nil, fmt.Errorf("act %s: staff: %w", documentNumber, err)
		}
		if u != nil {
			act.StaffName = u.FullName
		}
	}
	var typeIDs, itemIDs []int
	for _, m := range ms {
		typeIDs = append(typeIDs, m.EquipmentTypeID)
		if m.ItemID != nil {
			itemIDs = append(itemIDs, *m.ItemID)
		}
	}
	types, err := c.EquipmentType.Query().Where(equipmenttype.IDIn(typeIDs...)).All(ctx)
	if err = hidden(err); err != nil {
		return nil, fmt.Errorf("act %s: types: %w", documentNumber, err)
	}
	typeByID := map[int]*ent.EquipmentType{}
	for _, t := range types {
		typeByID[t.ID] = t
	}
	serials := map[int]string{}
	if len(itemIDs) > 0 {
		its, err := c.Item.Query().Where(item.IDIn(itemIDs...)).All(ctx)
		if err = hidden(err); err != nil {
			return nil, fmt.Errorf("act %s: items: %w", documentNumber, err)
		}
		for _, it := range its {
			serials[it.ID] = it.Serial
		}
	}
	for _, m := range ms {
		t := typeByID[m.EquipmentTypeID]
		l := handover.Line{Quantity: abs(m.Quantity), UnitCost: m.UnitCost, Condition: "new"}
		if t != nil {
			l.Name, l.Size = t.Name, t.Size
		}
		if m.Condition != nil {
			l.Condition = string(*m.Condition)
		}
		if m.ItemID != nil {
			l.Serial = serials[*m.ItemID]
		}
		act.Lines = append(act.Lines, l)
	}
	return act, nil
}

// hidden clears the errors of a record the viewer may not see: the act
// leaves it blank, as the API leaves the edge null.
func hidden(err error) error {
	if ent.IsNotFound(err) || errors.Is(err, privacy.Deny) {
		return nil
	}
	return err
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
