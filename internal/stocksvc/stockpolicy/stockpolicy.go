// Package stockpolicy is the ent privacy policy of the warehouse's own
// records (kits, transfers, courier holdings and debts). It follows the
// same matrix as every other entity (authz.Entities) and the same scopes:
// transfers are seen through either of their warehouses, holdings and debts
// through their courier.
package stockpolicy

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	gen "github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/privacy"
	"github.com/mycourier/mycourier/ent/warehouse"
	"github.com/mycourier/mycourier/internal/authz"
)

// Policy returns the privacy policy of the warehouse's records.
func Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.ContextQueryMutationRule(denyIfNoViewer),
			privacy.FilterFunc(filterReads),
		},
		Mutation: privacy.MutationPolicy{
			privacy.MutationRuleFunc(denyDeletes),
			privacy.ContextQueryMutationRule(allowIfSystem),
			privacy.ContextQueryMutationRule(denyIfNoViewer),
			privacy.MutationRuleFunc(checkWrite),
		},
	}
}

func denyIfNoViewer(ctx context.Context) error {
	if authz.FromContext(ctx) == nil {
		return privacy.Denyf("%w", authz.ErrNoViewer)
	}
	return privacy.Skip
}

func allowIfSystem(ctx context.Context) error {
	if authz.FromContext(ctx).System() {
		return privacy.Allow
	}
	return privacy.Skip
}

func denyDeletes(_ context.Context, m ent.Mutation) error {
	if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
		return privacy.Denyf("%w: %s records are kept, never deleted", authz.ErrAppendOnly, m.Type())
	}
	return privacy.Skip
}

// anyOf joins predicates with OR; nil when there are none.
func anyOf(ps []entql.P) entql.P {
	switch len(ps) {
	case 0:
		return nil
	case 1:
		return ps[0]
	}
	return entql.Or(ps[0], ps[1], ps[2:]...)
}

func ints(xs []int) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// none matches no row (ids are positive).
var none = entql.FieldLT("id", 0)

// warehousePred matches the warehouses in v's scope: assigned ones and
// those of its regions. Nil when the scope names none.
func warehousePred(v *authz.Viewer) entql.P {
	var ps []entql.P
	if len(v.Scope.Warehouses) > 0 {
		ps = append(ps, entql.FieldIn("id", ints(v.Scope.Warehouses)...))
	}
	if len(v.Scope.Regions) > 0 {
		ps = append(ps, entql.HasEdgeWith(warehouse.EdgeBranch, entql.FieldIn("region_id", ints(v.Scope.Regions)...)))
	}
	return anyOf(ps)
}

// courierPred matches the couriers v sees: every courier for the warehouse
// role (it issues to anyone), else those of its partners and regions.
// all is true when nothing narrows it.
func courierPred(v *authz.Viewer) (p entql.P, all bool) {
	if v.Role == authz.Warehouse {
		return nil, true
	}
	var ps []entql.P
	if len(v.Scope.Partners) > 0 {
		ps = append(ps, entql.FieldIn(courier.FieldPartnerID, ints(v.Scope.Partners)...))
	}
	if len(v.Scope.Regions) > 0 {
		ps = append(ps, entql.HasEdgeWith(courier.EdgeBranch, entql.FieldIn("region_id", ints(v.Scope.Regions)...)))
	}
	switch len(ps) {
	case 0:
		return none, false
	case 1:
		return ps[0], false
	}
	return entql.And(ps[0], ps[1]), false
}

// transferPred: a transfer is seen by either side.
func transferPred(v *authz.Viewer) entql.P {
	w := warehousePred(v)
	if w == nil {
		return none
	}
	return entql.Or(entql.HasEdgeWith("from_warehouse", w), entql.HasEdgeWith("to_warehouse", w))
}

// scopePred is the row filter of entity for a restricted viewer; nil means
// no narrowing (the catalog).
func scopePred(v *authz.Viewer, entity string) entql.P {
	switch entity {
	case "Kit", "KitItem":
		return nil
	case "Transfer":
		return transferPred(v)
	case "TransferLine":
		return entql.HasEdgeWith("transfer", transferPred(v))
	case "CourierHolding", "CourierDebt":
		p, all := courierPred(v)
		if all {
			return nil
		}
		return entql.HasEdgeWith("courier", p)
	}
	return none
}

type whereFilter interface{ Where(entql.P) }

func filterReads(ctx context.Context, f privacy.Filter) error {
	v := authz.FromContext(ctx)
	if v.System() {
		return privacy.Allow
	}
	entity := entityOf(f)
	if !authz.CanRead(entity, v.Role) {
		return privacy.Denyf("%w: %s may not read %s", authz.ErrForbidden, v.Role, entity)
	}
	if v.Unrestricted() {
		return privacy.Allow
	}
	if p := scopePred(v, entity); p != nil {
		wf, ok := f.(whereFilter)
		if !ok {
			return privacy.Denyf("%w: %s cannot be scoped", authz.ErrForbidden, entity)
		}
		wf.Where(p)
	}
	return privacy.Allow
}

func checkWrite(ctx context.Context, m ent.Mutation) error {
	v := authz.FromContext(ctx)
	if !authz.CanWrite(m.Type(), v.Role) {
		return privacy.Denyf("%w: %s may not change %s", authz.ErrForbidden, v.Role, m.Type())
	}
	if v.Unrestricted() {
		return privacy.Allow
	}
	if m.Op().Is(ent.OpCreate) {
		return checkCreate(ctx, m)
	}
	p := scopePred(v, m.Type())
	if p == nil {
		return privacy.Allow
	}
	var f whereFilter
	switch m := m.(type) {
	case *gen.TransferMutation:
		f = m.Filter()
	case *gen.TransferLineMutation:
		f = m.Filter()
	case *gen.CourierHoldingMutation:
		f = m.Filter()
	case *gen.CourierDebtMutation:
		f = m.Filter()
	default:
		return privacy.Denyf("%w: %s cannot be scoped", authz.ErrForbidden, m.Type())
	}
	f.Where(p)
	return privacy.Allow
}

// checkCreate makes a restricted viewer's new record point into its scope,
// asking the database under the viewer's own read policy.
func checkCreate(ctx context.Context, m ent.Mutation) error {
	// allowIf turns "in scope" into the policy's allow decision.
	allowIf := func(err error) error {
		if err != nil {
			return err
		}
		return privacy.Allow
	}
	switch m := m.(type) {
	case *gen.TransferMutation:
		if id, ok := m.FromWarehouseID(); ok {
			return allowIf(authz.RequireWarehouse(ctx, m.Client(), id))
		}
	case *gen.CourierHoldingMutation:
		if id, ok := m.CourierID(); ok {
			return allowIf(authz.RequireCourier(ctx, m.Client(), id))
		}
	case *gen.CourierDebtMutation:
		if id, ok := m.CourierID(); ok {
			return allowIf(authz.RequireCourier(ctx, m.Client(), id))
		}
	}
	return privacy.Allow
}

func entityOf(f privacy.Filter) string {
	switch f.(type) {
	case *gen.KitFilter:
		return "Kit"
	case *gen.KitItemFilter:
		return "KitItem"
	case *gen.TransferFilter:
		return "Transfer"
	case *gen.TransferLineFilter:
		return "TransferLine"
	case *gen.CourierHoldingFilter:
		return "CourierHolding"
	case *gen.CourierDebtFilter:
		return "CourierDebt"
	}
	return ""
}
