package authz

import (
	"context"
	"errors"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	gen "github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/branch"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/partner"
	"github.com/mycourier/mycourier/ent/predicate"
	"github.com/mycourier/mycourier/ent/privacy"
	"github.com/mycourier/mycourier/ent/warehouse"
)

// Errors the privacy layer returns (wrapped in ent's privacy decision).
var (
	// ErrNoViewer: nobody is signed in.
	ErrNoViewer = errors.New("authz: no viewer")
	// ErrForbidden: the viewer may not do this.
	ErrForbidden = errors.New("authz: forbidden")
	// ErrAppendOnly: history records are never changed or deleted.
	ErrAppendOnly = errors.New("authz: append-only record")
)

// appendOnly entities take inserts only, whoever asks.
var appendOnly = map[string]bool{"AuditEvent": true, "Movement": true, "CourierStatusChange": true, "WebhookEvent": true, "WebhookAttempt": true}

// Policy is the privacy policy of every entity: attached once through the
// schema's policy mixin, it guards the API, the bot and the CLI alike, and
// every path into the data — connections, counts, node(id:), nested edges.
func Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.ContextQueryMutationRule(denyIfNoViewer),
			privacy.FilterFunc(filterReads),
		},
		Mutation: privacy.MutationPolicy{
			privacy.MutationRuleFunc(denyHistoryChanges),
			privacy.ContextQueryMutationRule(allowIfSystem),
			privacy.ContextQueryMutationRule(denyIfNoViewer),
			privacy.MutationRuleFunc(checkWrite),
		},
	}
}

func denyIfNoViewer(ctx context.Context) error {
	if FromContext(ctx) == nil {
		return privacy.Denyf("%w", ErrNoViewer)
	}
	return privacy.Skip
}

func allowIfSystem(ctx context.Context) error {
	if FromContext(ctx).System() {
		return privacy.Allow
	}
	return privacy.Skip
}

// denyHistoryChanges keeps the audit trail, the stock ledger and status
// history append-only, and refuses every delete: records with history are
// archived instead.
func denyHistoryChanges(_ context.Context, m ent.Mutation) error {
	switch {
	case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
		if m.Type() == "Session" || m.Type() == "LoginThrottle" {
			return privacy.Skip
		}
		return privacy.Denyf("%w: %s records are archived, never deleted", ErrAppendOnly, m.Type())
	case appendOnly[m.Type()] && !m.Op().Is(ent.OpCreate):
		return privacy.Denyf("%w: %s", ErrAppendOnly, m.Type())
	}
	return privacy.Skip
}

// checkWrite enforces the record-level write matrix, then narrows updates
// to rows in scope and checks that created rows point into the scope.
func checkWrite(ctx context.Context, m ent.Mutation) error {
	v := FromContext(ctx)
	if !CanWrite(m.Type(), v.Role) {
		return privacy.Denyf("%w: %s may not change %s", ErrForbidden, v.Role, m.Type())
	}
	if v.Unrestricted() {
		return privacy.Allow
	}
	if m.Op().Is(ent.OpCreate) {
		if err := checkCreateScope(ctx, v, m); err != nil {
			return err
		}
		return privacy.Allow
	}
	// Generated mutations expose their filter through a method whose type
	// differs per entity; FilterFunc knows how to get it (and denies a
	// mutation that has none).
	return privacy.FilterFunc(func(_ context.Context, f privacy.Filter) error {
		if err := applyScope(v, f); err != nil {
			return err
		}
		return privacy.Allow
	}).EvalMutation(ctx, m)
}

func filterReads(ctx context.Context, f privacy.Filter) error {
	v := FromContext(ctx)
	if v.System() {
		return privacy.Allow
	}
	entity := entityOf(f)
	if !CanRead(entity, v.Role) {
		return privacy.Denyf("%w: %s may not read %s", ErrForbidden, v.Role, entity)
	}
	if v.Unrestricted() {
		return privacy.Allow
	}
	if err := applyScope(v, f); err != nil {
		return err
	}
	return privacy.Allow
}

// nothing narrows f to no row (ids are positive).
func nothing(f privacy.Filter) { f.Where(entql.FieldLT("id", 0)) }

// reach is what part of one dimension (couriers or warehouses) a viewer sees.
type reach int

const (
	reachAll reach = iota
	reachSome
	reachNone
)

// courierReach: couriers of the viewer's partners and regions; the warehouse
// role sees every courier (it issues to anyone), with PII masked.
func courierReach(v *Viewer) reach {
	switch {
	case v.Role == Warehouse:
		return reachAll
	case len(v.Scope.Partners) == 0 && len(v.Scope.Regions) == 0:
		return reachNone
	}
	return reachSome
}

// warehouseReach: warehouses assigned, or in the viewer's regions;
// onboarding staff may still read every warehouse's name.
func warehouseReach(v *Viewer) reach {
	switch {
	case v.Role == Onboarding:
		return reachAll
	case len(v.Scope.Warehouses) == 0 && len(v.Scope.Regions) == 0:
		return reachNone
	}
	return reachSome
}

// courierPreds are the typed predicates for reaching couriers through an edge.
func courierPreds(s Scope) []predicate.Courier {
	var ps []predicate.Courier
	if len(s.Partners) > 0 {
		ps = append(ps, courier.PartnerIDIn(s.Partners...))
	}
	if len(s.Regions) > 0 {
		ps = append(ps, courier.HasBranchWith(branch.RegionIDIn(s.Regions...)))
	}
	return ps
}

// warehousePreds are the typed predicates for reaching warehouses through an edge.
func warehousePreds(s Scope) []predicate.Warehouse {
	var ps []predicate.Warehouse
	if len(s.Warehouses) > 0 {
		ps = append(ps, warehouse.IDIn(s.Warehouses...))
	}
	if len(s.Regions) > 0 {
		ps = append(ps, warehouse.HasBranchWith(branch.RegionIDIn(s.Regions...)))
	}
	return ps
}

// applyScope narrows a query or an update to the rows in v's scope. Each
// entity's scope follows from the courier or the warehouse it belongs to.
func applyScope(v *Viewer, f privacy.Filter) error {
	s := v.Scope
	// through narrows f by the dimension's reach, calling some when partial.
	through := func(r reach, some func()) {
		switch r {
		case reachNone:
			nothing(f)
		case reachSome:
			some()
		}
	}
	cr, wr := courierReach(v), warehouseReach(v)
	switch f := f.(type) {
	case *gen.CourierFilter:
		through(cr, func() {
			if len(s.Partners) > 0 {
				f.Where(entql.FieldIn(courier.FieldPartnerID, ints(s.Partners)...))
			}
			if len(s.Regions) > 0 {
				f.WhereHasBranchWith(branch.RegionIDIn(s.Regions...))
			}
		})
	case *gen.CourierDocumentFilter:
		through(cr, func() { f.WhereHasCourierWith(courierPreds(s)...) })
	case *gen.CourierStatusChangeFilter:
		through(cr, func() { f.WhereHasCourierWith(courierPreds(s)...) })
	case *gen.WarehouseFilter:
		through(wr, func() {
			if len(s.Warehouses) > 0 {
				f.Where(entql.FieldIn("id", ints(s.Warehouses)...))
			}
			if len(s.Regions) > 0 {
				f.WhereHasBranchWith(branch.RegionIDIn(s.Regions...))
			}
		})
	case *gen.StockBalanceFilter:
		through(wr, func() { f.WhereHasWarehouseWith(warehousePreds(s)...) })
	case *gen.ItemFilter:
		through(wr, func() { f.WhereHasWarehouseWith(warehousePreds(s)...) })
	case *gen.MovementFilter:
		through(wr, func() { f.WhereHasWarehouseWith(warehousePreds(s)...) })
	case *gen.PartnerFilter:
		if cr == reachSome && len(s.Partners) > 0 {
			f.Where(entql.FieldIn("id", ints(s.Partners)...))
		}
	case *gen.RegionFilter:
		if len(s.Regions) > 0 {
			f.Where(entql.FieldIn("id", ints(s.Regions)...))
		}
	case *gen.BranchFilter:
		if len(s.Regions) > 0 {
			f.Where(entql.FieldIn(branch.FieldRegionID, ints(s.Regions)...))
		}
	case *gen.EquipmentTypeFilter, *gen.UserFilter, *gen.AuditEventFilter, *gen.ApiTokenFilter:
		// Not scoped: the role matrix alone decides.
	default:
		return privacy.Denyf("%w: no scope rule for %T", ErrForbidden, f)
	}
	return nil
}

func ints(xs []int) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// RequireVisible refuses a write that points at a record (what, id) the
// viewer cannot read: exist is a query for that record run under the
// viewer's own read policy, so "in scope" has one definition.
func RequireVisible(ctx context.Context, exist func(context.Context) (bool, error), what string, id int) error {
	ok, err := exist(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return privacy.Denyf("%w: %s %d is outside your scope", ErrForbidden, what, id)
	}
	return nil
}

// RequireCourier refuses a write that points at a courier the viewer cannot read.
func RequireCourier(ctx context.Context, c *gen.Client, id int) error {
	return RequireVisible(ctx, c.Courier.Query().Where(courier.ID(id)).Exist, "courier", id)
}

// RequireWarehouse refuses a write that points at a warehouse the viewer cannot read.
func RequireWarehouse(ctx context.Context, c *gen.Client, id int) error {
	return RequireVisible(ctx, c.Warehouse.Query().Where(warehouse.ID(id)).Exist, "warehouse", id)
}

// checkCreateScope makes a restricted viewer's new record point into its
// scope. "In scope" is asked of the database under the viewer's own read
// policy, so the two can never disagree.
func checkCreateScope(ctx context.Context, v *Viewer, m ent.Mutation) error {
	switch m := m.(type) {
	case *gen.CourierMutation:
		pid, hasP := m.PartnerID()
		bid, hasB := m.BranchID()
		if courierReach(v) != reachSome {
			if courierReach(v) == reachNone {
				return privacy.Denyf("%w: no couriers in your scope", ErrForbidden)
			}
			return nil
		}
		if len(v.Scope.Partners) > 0 && !hasP {
			return privacy.Denyf("%w: a courier you register must have one of your partners", ErrForbidden)
		}
		if len(v.Scope.Regions) > 0 && !hasB {
			return privacy.Denyf("%w: a courier you register must have a branch in your regions", ErrForbidden)
		}
		if hasP {
			if err := RequireVisible(ctx, m.Client().Partner.Query().Where(partner.ID(pid)).Exist, "partner", pid); err != nil {
				return err
			}
		}
		if hasB {
			return RequireVisible(ctx, m.Client().Branch.Query().Where(branch.ID(bid)).Exist, "branch", bid)
		}
	case *gen.CourierDocumentMutation:
		if id, ok := m.CourierID(); ok {
			return RequireCourier(ctx, m.Client(), id)
		}
	case *gen.CourierStatusChangeMutation:
		if id, ok := m.CourierID(); ok {
			return RequireCourier(ctx, m.Client(), id)
		}
	case *gen.ItemMutation:
		if id, ok := m.WarehouseID(); ok {
			return RequireWarehouse(ctx, m.Client(), id)
		}
	case *gen.StockBalanceMutation:
		if id, ok := m.WarehouseID(); ok {
			return RequireWarehouse(ctx, m.Client(), id)
		}
	case *gen.MovementMutation:
		if id, ok := m.WarehouseID(); ok {
			return RequireWarehouse(ctx, m.Client(), id)
		}
	}
	return nil
}

// entityOf names the entity a filter belongs to, as ent's Mutation.Type does.
func entityOf(f privacy.Filter) string {
	switch f.(type) {
	case *gen.RegionFilter:
		return "Region"
	case *gen.BranchFilter:
		return "Branch"
	case *gen.WarehouseFilter:
		return "Warehouse"
	case *gen.PartnerFilter:
		return "Partner"
	case *gen.EquipmentTypeFilter:
		return "EquipmentType"
	case *gen.CourierFilter:
		return "Courier"
	case *gen.CourierDocumentFilter:
		return "CourierDocument"
	case *gen.CourierStatusChangeFilter:
		return "CourierStatusChange"
	case *gen.ItemFilter:
		return "Item"
	case *gen.StockBalanceFilter:
		return "StockBalance"
	case *gen.MovementFilter:
		return "Movement"
	case *gen.UserFilter:
		return "User"
	case *gen.ApiTokenFilter:
		return "ApiToken"
	case *gen.AuditEventFilter:
		return "AuditEvent"
	case *gen.SessionFilter:
		return "Session"
	case *gen.LoginThrottleFilter:
		return "LoginThrottle"
	case *gen.IdempotencyKeyFilter:
		return "IdempotencyKey"
	case *gen.WebhookEndpointFilter:
		return "WebhookEndpoint"
	case *gen.WebhookDeliveryFilter:
		return "WebhookDelivery"
	case *gen.WebhookEventFilter:
		return "WebhookEvent"
	case *gen.WebhookAttemptFilter:
		return "WebhookAttempt"
	}
	return ""
}
