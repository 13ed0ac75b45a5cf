package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/mixin"

	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/uniqueguard"
)

// StockAccessMixin is AccessMixin for the warehouse's own records (kits,
// transfers, courier holdings and debts): the same privacy policy (scopes
// following their warehouses or couriers, authz.Scoped), the same unique
// guard and audit hooks, no integrator events.
type StockAccessMixin struct{ mixin.Schema }

// Policy of the StockAccessMixin.
func (StockAccessMixin) Policy() ent.Policy { return authz.Policy() }

// Hooks of the StockAccessMixin.
func (StockAccessMixin) Hooks() []ent.Hook {
	return []ent.Hook{uniqueguard.Hook(), audit.Hook()}
}
