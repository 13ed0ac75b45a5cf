package analyticssvc

import (
	"context"
	"database/sql"
	"reflect"
	"slices"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
)

// countableFields are the courier filter fields the summary cells hold
// (partner, branch, status, transport type; the region through the cell's
// branch): a list filtered by these alone can be counted from courier_counts.
var countableFields = map[string]bool{
	"PartnerID": true, "PartnerIDIn": true, "BranchID": true, "BranchIDIn": true,
	"Status": true, "StatusIn": true, "TransportType": true, "TransportTypeIn": true,
	"HasBranchWith": true,
}

// regionFields are the branch filter fields a countable hasBranchWith may
// set: the list's region filter is "the courier's branch is in region R".
var regionFields = map[string]bool{"RegionID": true, "RegionIDIn": true}

// CourierTotal is how many couriers the list filtered by where shows the
// viewer, read from the summary rows instead of counting the couriers (a
// COUNT over a large partner costs more than the page itself). It answers
// ok=false when where uses anything the summary cells do not hold; the
// caller then counts. The viewer's scope applies as it does to the list:
// a partner or branch outside it counts nothing.
func (s *Service) CourierTotal(ctx context.Context, where *ent.CourierWhereInput) (n int, ok bool, err error) {
	if !CourierFilterCountable(where) {
		return 0, false, nil
	}
	var f struct{ PartnerIDs, BranchIDs []int }
	var statuses, transports []string
	var regions []int // nil: no region filter
	if where != nil {
		regions = regionsOf(where.HasBranchWith)
		f.PartnerIDs = both(where.PartnerID, where.PartnerIDIn)
		f.BranchIDs = both(where.BranchID, where.BranchIDIn)
		statuses = names(both(where.Status, where.StatusIn))
		transports = names(both(where.TransportType, where.TransportTypeIn))
		if (where.PartnerID != nil || len(where.PartnerIDIn) > 0) && len(f.PartnerIDs) == 0 ||
			(where.BranchID != nil || len(where.BranchIDIn) > 0) && len(f.BranchIDs) == 0 ||
			(where.Status != nil || len(where.StatusIn) > 0) && len(statuses) == 0 ||
			(where.TransportType != nil || len(where.TransportTypeIn) > 0) && len(transports) == 0 ||
			regions != nil && len(regions) == 0 {
			return 0, true, nil // equality and IN that exclude each other
		}
	}
	// The scope, then the filter within it: the list ANDs the two, so a
	// partner outside the scope narrows to nothing rather than failing. Only
	// the viewer's reach is needed here, not the dashboard's reference data:
	// a list page must stay a handful of statements.
	v := authz.FromContext(ctx)
	if v == nil {
		return 0, false, apperr.ErrUnauthenticated
	}
	cr := authz.CourierReach.For(v)
	if cr.None {
		return 0, true, nil
	}
	sc := &scope{partners: f.PartnerIDs, branches: f.BranchIDs, transports: transports, courier: cr, dialect: s.client.Dialect()}
	cond, args := sc.where(nil)
	if len(statuses) > 0 {
		a := &authz.SQLArgs{Dialect: sc.dialect, Values: args}
		cond += " AND status IN " + authz.List(a, statuses)
		args = a.Values
	}
	if regions != nil {
		// As ent's hasBranchWith: a cell without a branch is in no region.
		a := &authz.SQLArgs{Dialect: sc.dialect, Values: args}
		cond += " AND branch_id IN (SELECT id FROM branches WHERE region_id IN " + authz.List(a, regions) + ")"
		args = a.Values
	}
	err = s.query(ctx, `SELECT COALESCE(SUM(n), 0) FROM courier_counts WHERE `+cond, args, func(rows *sql.Rows) error {
		return rows.Scan(&n)
	})
	return n, err == nil, err
}

// CourierFilterCountable tells whether CourierTotal answers for where: it
// sets only countableFields (and no and/or/not),
// its hasBranchWith entries only a region each.
func CourierFilterCountable(where *ent.CourierWhereInput) bool {
	if where == nil {
		return true
	}
	if !only(*where, countableFields) {
		return false
	}
	for _, b := range where.HasBranchWith {
		// An entry naming no region is an error in ent's filter: leave it
		// to the list to report.
		if b == nil || b.RegionID == nil && len(b.RegionIDIn) == 0 || !only(*b, regionFields) {
			return false
		}
	}
	return true
}

// only tells whether the where input w sets no field outside allowed.
func only(w any, allowed map[string]bool) bool {
	v := reflect.ValueOf(w)
	for i := range v.NumField() {
		if name := v.Type().Field(i).Name; !allowed[name] && !v.Field(i).IsZero() {
			return false
		}
	}
	return true
}

// regionsOf is the regions a countable hasBranchWith lets through: nil when
// it is not set, empty when its entries exclude each other (ent ANDs them).
func regionsOf(ws []*ent.BranchWhereInput) []int {
	var out []int
	for _, w := range ws {
		out = intersect(out, both(w.RegionID, w.RegionIDIn))
	}
	return out
}

// both is the values an equality and an IN filter on one field let through
// together: nil when neither is set, empty when they exclude each other.
func both[T comparable](eq *T, in []T) []T {
	switch {
	case eq == nil && len(in) == 0:
		return nil
	case eq == nil:
		return in
	case len(in) == 0 || slices.Contains(in, *eq):
		return []T{*eq}
	}
	return []T{}
}

// names turns enum values into their stored strings.
func names[T ~string](xs []T) []string {
	if xs == nil {
		return nil
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
