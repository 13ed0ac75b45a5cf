package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/mixin"

	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/platform/uniqueguard"
	"github.com/mycourier/mycourier/internal/stocksvc/stockpolicy"
)

// StockAccessMixin is AccessMixin for the warehouse's own records (kits,
// transfers, courier holdings and debts): the same matrix, scopes following
// their warehouses or couriers, the same unique guard and audit hooks.
type StockAccessMixin struct{ mixin.Schema }

// Policy of the StockAccessMixin.
func (StockAccessMixin) Policy() ent.Policy { return stockpolicy.Policy() }

// Hooks of the StockAccessMixin.
func (StockAccessMixin) Hooks() []ent.Hook {
	return []ent.Hook{uniqueguard.Hook(), audit.Hook()}
}
