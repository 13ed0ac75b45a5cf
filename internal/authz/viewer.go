// Package authz decides who may see and do what: the viewer in the context,
// the role matrix (kept as data in one place), and the ent privacy rules
// that filter every query and refuse every write outside a viewer's scope.
//
// Row-level scope is written once per predicate, as data (scope.go:
// CourierReach, WarehouseReach, PartnerReach, RegionReach, BranchReach, and
// Scoped for the records that follow them). The ent privacy filter, the raw
// SQL fragments of the stock and analytics queries and the Go predicate are
// all derived from it, and a test checks that they select the same rows.
//
// The lists assigned to a viewer (partners, regions, warehouses) combine
// with AND: each assigned list narrows, an unassigned one does not. A user
// scoped to warehouses and regions sees the warehouses of their list that
// are also in their regions; a courier is seen when its partner is one of
// the viewer's partners and its branch is in one of the viewer's regions.
package authz

import (
	"context"
	"slices"
)

// Kind is what kind of principal a viewer is.
type Kind string

// Kinds of viewer.
const (
	KindUser   Kind = "user"
	KindToken  Kind = "api_token"
	KindSystem Kind = "system"
)

// Scope is a viewer's row-level assignment. An empty list does not restrict
// that dimension; whether an empty scope means "all" or "none" depends on
// the role (see EmptyScopeMeansAll).
type Scope struct {
	Partners   []int
	Regions    []int
	Warehouses []int
}

// Empty tells whether nothing is assigned.
func (s Scope) Empty() bool {
	return len(s.Partners) == 0 && len(s.Regions) == 0 && len(s.Warehouses) == 0
}

// Viewer is the principal a request or command acts for.
type Viewer struct {
	Kind  Kind
	ID    int    // user or token id; 0 for the system
	Name  string // login, token name or system component
	Role  Role
	Scope Scope
	// PII is set when the viewer may see full PINFL and phone numbers.
	PII bool
	// Session is the sign-in (refresh-token family) a user acts through.
	Session string
}

// Is tells whether the viewer has one of the roles.
func (v *Viewer) Is(roles ...Role) bool {
	return v != nil && slices.Contains(roles, v.Role)
}

// System tells whether the viewer is mycourier itself (CLI, seed, sign-in).
func (v *Viewer) System() bool { return v != nil && v.Kind == KindSystem }

// Unrestricted tells whether the viewer's reads are not narrowed by scope.
func (v *Viewer) Unrestricted() bool {
	if v == nil {
		return false
	}
	if v.System() || v.Role == Owner || v.Role == Security {
		return true
	}
	return v.Scope.Empty() && EmptyScopeMeansAll[v.Role]
}

type viewerKey struct{}

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// FromContext returns the viewer in ctx, or nil.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	return v
}

// SystemContext returns ctx acting as mycourier itself, named for the audit
// trail (e.g. "cli", "seed"). Use it only where no person is acting.
func SystemContext(ctx context.Context, name string) context.Context {
	return NewContext(ctx, &Viewer{Kind: KindSystem, Name: name, Role: Owner, PII: true})
}
