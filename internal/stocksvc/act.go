package stocksvc

import (
	"context"
	"fmt"
	"strings"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/ent/item"
	"github.com/mycourier/mycourier/ent/movement"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/handover"
	"github.com/mycourier/mycourier/internal/pii"
)

// CompanyName is printed on handover acts.
var CompanyName = "MyCourier"

// Act assembles the handover act of an issue or return for the viewer in
// ctx: a document the viewer's scope does not reach is not found. The
// courier's PINFL is always masked on paper.
func (s *Service) Act(ctx context.Context, documentNumber string) (*handover.Act, error) {
	c := s.clientFor(ctx)
	ms, err := c.Movement.Query().
		Where(movement.DocumentNumber(documentNumber), movement.KindIn(movement.KindIssue, movement.KindReturn)).
		Order(ent.Asc(movement.FieldID)).All(ctx)
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
	// The viewer sees the document; the names on it are read as the system.
	sys := authz.SystemContext(ctx, "handover")
	w, err := c.Warehouse.Get(sys, first.WarehouseID)
	if err != nil {
		return nil, fmt.Errorf("act %s: warehouse: %w", documentNumber, err)
	}
	cr, err := c.Courier.Get(sys, *first.CourierID)
	if err != nil {
		return nil, fmt.Errorf("act %s: courier: %w", documentNumber, err)
	}
	var typeIDs, itemIDs []int
	for _, m := range ms {
		typeIDs = append(typeIDs, m.EquipmentTypeID)
		if m.ItemID != nil {
			itemIDs = append(itemIDs, *m.ItemID)
		}
	}
	types, err := c.EquipmentType.Query().Where(equipmenttype.IDIn(typeIDs...)).All(sys)
	if err != nil {
		return nil, fmt.Errorf("act %s: types: %w", documentNumber, err)
	}
	typeByID := map[int]*ent.EquipmentType{}
	for _, t := range types {
		typeByID[t.ID] = t
	}
	serials := map[int]string{}
	if len(itemIDs) > 0 {
		its, err := c.Item.Query().Where(item.IDIn(itemIDs...)).All(sys)
		if err != nil {
			return nil, fmt.Errorf("act %s: items: %w", documentNumber, err)
		}
		for _, it := range its {
			serials[it.ID] = it.Serial
		}
	}
	act := &handover.Act{
		Kind:             handover.KindIssue,
		Company:          CompanyName,
		Warehouse:        w.Name,
		WarehouseAddress: w.Address,
		Date:             first.CreatedAt,
		DocumentNumber:   documentNumber,
		CourierName:      strings.TrimSpace(strings.Join([]string{cr.LastName, cr.FirstName, cr.MiddleName}, " ")),
		CourierPINFL:     pii.MaskPINFL(cr.Pinfl),
		Comment:          first.Comment,
	}
	if first.Kind == movement.KindReturn {
		act.Kind = handover.KindReturn
	}
	if first.ActorID != nil {
		if u, err := c.User.Get(sys, *first.ActorID); err == nil {
			act.StaffName = u.FullName
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

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
