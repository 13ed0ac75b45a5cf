package stocksvc

import (
	"context"
	"fmt"
	"strings"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/ent/stockbalance"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/limits"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// clientFor is the transaction's client when ctx carries one.
func (s *Service) clientFor(ctx context.Context) *ent.Client {
	if tx := ent.TxFromContext(ctx); tx != nil {
		return tx.Client()
	}
	return s.client
}

// CreateKit creates a kit with its lines.
func (s *Service) CreateKit(ctx context.Context, in KitInput) (*ent.Kit, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return nil, apperr.InvalidField("name", "validation.required", "a kit needs a name")
	}
	if len(in.Lines) == 0 {
		return nil, apperr.InvalidField("lines", "stock.noLines", "a kit needs at least one line")
	}
	var k *ent.Kit
	err := database.InTx(ctx, s.client, func(tx *ent.Tx) error {
		ids := make([]int, len(in.Lines))
		for i, l := range in.Lines {
			if l.Quantity <= 0 {
				return apperr.InvalidField(fmt.Sprintf("lines[%d].quantity", i), "stock.quantityNotPositive", "quantity must be a positive number")
			}
			if fe := limits.Quantity(l.Quantity); fe != nil {
				return apperr.InvalidField(fmt.Sprintf("lines[%d].quantity", i), fe.Key, fe.Message)
			}
			ids[i] = l.EquipmentTypeID
		}
		n, err := tx.EquipmentType.Query().Where(equipmenttype.IDIn(ids...)).Count(ctx)
		if err != nil {
			return err
		}
		if n != len(ids) {
			return apperr.InvalidField("lines", "stock.unknownEquipmentType", "a line names an unknown equipment type, or one type twice")
		}
		k, err = tx.Kit.Create().SetName(name).SetTransportType(in.TransportType).SetDescription(text(in.Description)).Save(ctx)
		if err != nil {
			return err
		}
		for _, l := range in.Lines {
			if err := tx.KitItem.Create().SetKitID(k.ID).SetEquipmentTypeID(l.EquipmentTypeID).SetQuantity(l.Quantity).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("createKit: %w", err)
	}
	return k, nil
}

// SetMinLevel sets the low-stock threshold of a type in a warehouse,
// creating an empty balance when the warehouse never had the type.
func (s *Service) SetMinLevel(ctx context.Context, warehouseID, typeID, minLevel int) (*ent.StockBalance, error) {
	if minLevel < 0 {
		return nil, apperr.InvalidField("minLevel", "stock.quantityNegative", "a minimum level cannot be negative")
	}
	if fe := limits.Balance(minLevel); fe != nil {
		return nil, apperr.InvalidField("minLevel", fe.Key, fe.Message)
	}
	var b *ent.StockBalance
	err := database.InTx(ctx, s.client, func(tx *ent.Tx) error {
		o := &op{s: s, ctx: ctx, tx: tx, name: "setStockMinLevel", id: "min-level"}
		if _, err := o.warehouse(warehouseID, "warehouseID"); err != nil {
			return err
		}
		if _, err := tx.EquipmentType.Get(ctx, typeID); err != nil {
			if ent.IsNotFound(err) {
				return apperr.InvalidField("equipmentTypeID", "stock.unknownEquipmentType", fmt.Sprintf("equipment type %d does not exist", typeID))
			}
			return err
		}
		var id int
		if _, err := o.queryRow(`INSERT INTO stock_balances (created_at, updated_at, warehouse_id, equipment_type_id, quantity, quarantined, min_level)
			VALUES ($1, $1, $2, $3, 0, 0, $4)
			ON CONFLICT (warehouse_id, equipment_type_id) DO UPDATE SET min_level = excluded.min_level, updated_at = excluded.updated_at
			RETURNING id`, []any{s.cfg.Now().UTC(), warehouseID, typeID, minLevel}, &id); err != nil {
			return err
		}
		if err := o.record("StockBalance", id, map[string]any{"min_level": map[string]any{"new": minLevel}}); err != nil {
			return err
		}
		var err error
		b, err = tx.StockBalance.Query().Where(stockbalance.WarehouseID(warehouseID), stockbalance.EquipmentTypeID(typeID)).Only(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("setStockMinLevel: %w", err)
	}
	return b, nil
}
