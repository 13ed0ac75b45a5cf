package authz_test

import (
	"slices"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/authz"
)

// courierRow is a courier as CourierReach reads it; 0 stands for NULL.
func courierRow(partner, region int) authz.Row {
	return func(key string) (int, bool) {
		switch key {
		case "partner_id":
			return partner, partner != 0
		case "branch.region_id":
			return region, region != 0
		}
		panic("courier has no " + key)
	}
}

// TestCourierReachByHand states who sees which courier, written from the
// design ("a manager sees only the partners / regions assigned to them")
// rather than from the rule: each assigned list narrows, a list left empty
// does not, a manager assigned nothing sees nothing.
func TestCourierReachByHand(t *testing.T) {
	user := func(r authz.Role, s authz.Scope) *authz.Viewer {
		return &authz.Viewer{Kind: authz.KindUser, ID: 7, Role: r, Scope: s}
	}
	partner1 := user(authz.Manager, authz.Scope{Partners: []int{1}})
	region5 := user(authz.Manager, authz.Scope{Regions: []int{5}})
	both := user(authz.Manager, authz.Scope{Partners: []int{1}, Regions: []int{5}})
	tests := []struct {
		name string
		v    *authz.Viewer
		row  authz.Row
		want bool
	}{
		{"manager of partner 1: its courier, any region", partner1, courierRow(1, 9), true},
		{"manager of partner 1: its courier without a branch", partner1, courierRow(1, 0), true},
		{"manager of partner 1: another partner's courier", partner1, courierRow(2, 9), false},
		{"manager of partner 1: a courier without a partner", partner1, courierRow(0, 9), false},
		{"manager of region 5: any partner's courier there", region5, courierRow(2, 5), true},
		{"manager of region 5: a courier elsewhere", region5, courierRow(2, 6), false},
		{"partner and region: both match", both, courierRow(1, 5), true},
		{"partner and region: right partner, other region", both, courierRow(1, 6), false},
		{"partner and region: right region, other partner", both, courierRow(2, 5), false},
		{"manager assigned nothing", user(authz.Manager, authz.Scope{}), courierRow(1, 5), false},
		{"manager assigned only warehouses", user(authz.Manager, authz.Scope{Warehouses: []int{3}}), courierRow(1, 5), false},
		{"warehouse staff see every courier", user(authz.Warehouse, authz.Scope{Warehouses: []int{3}}), courierRow(2, 6), true},
		{"owner", user(authz.Owner, authz.Scope{Partners: []int{1}}), courierRow(2, 6), true},
		{"no viewer", nil, courierRow(1, 5), false},
	}
	for _, tt := range tests {
		if got := authz.CourierReach.For(tt.v).Match(tt.row); got != tt.want {
			t.Errorf("%s: sees courier %v, want %v", tt.name, got, tt.want)
		}
	}

	b := authz.CourierReach.For(partner1)
	if got := b.IDs(authz.Partners); !slices.Equal(got, []int{1}) {
		t.Errorf("IDs(partners) for a manager of partner 1 = %v, want [1]", got)
	}
	if got := b.IDs(authz.Regions); got != nil {
		t.Errorf("IDs(regions) for a manager without regions = %v, want nil (does not narrow)", got)
	}
}

// TestScopeSQLByHand: the raw SQL twin of the rules, written out for one
// viewer on each dialect (PostgreSQL numbers placeholders $n, SQLite ?n,
// after the statement's own arguments).
func TestScopeSQLByHand(t *testing.T) {
	v := &authz.Viewer{Kind: authz.KindUser, ID: 7, Role: authz.Manager, Scope: authz.Scope{Partners: []int{1, 2}, Regions: []int{5}}}
	for d, want := range map[string]string{
		dialect.Postgres: "(c.partner_id IN ($2, $3) AND c.branch_id IN (SELECT id FROM branches WHERE region_id IN ($4)))",
		dialect.SQLite:   "(c.partner_id IN (?2, ?3) AND c.branch_id IN (SELECT id FROM branches WHERE region_id IN (?4)))",
	} {
		a := &authz.SQLArgs{Dialect: d, Values: []any{"own"}}
		got, ok := authz.ScopeSQL(v, "Courier", "c", a)
		if !ok || got != want || !slices.Equal(a.Values, []any{"own", 1, 2, 5}) {
			t.Errorf("%s: ScopeSQL = %q, %v, args %v;\nwant %q, args [own 1 2 5]", d, got, ok, a.Values, want)
		}
	}
	// Through a link: documents follow their courier.
	a := &authz.SQLArgs{Dialect: dialect.Postgres}
	got, ok := authz.ScopeSQL(&authz.Viewer{Kind: authz.KindUser, Role: authz.Manager, Scope: authz.Scope{Partners: []int{4}}}, "CourierDocument", "", a)
	if want := "courier_id IN (SELECT id FROM couriers WHERE (partner_id IN ($1)))"; !ok || got != want {
		t.Errorf("ScopeSQL(CourierDocument) = %q, %v; want %q", got, ok, want)
	}
	for _, tt := range []struct {
		v    *authz.Viewer
		want string
	}{
		{&authz.Viewer{Kind: authz.KindUser, Role: authz.Owner}, "1 = 1"},
		{&authz.Viewer{Kind: authz.KindUser, Role: authz.Manager}, "1 = 0"},
	} {
		if got, ok := authz.ScopeSQL(tt.v, "CourierDocument", "d", &authz.SQLArgs{Dialect: dialect.SQLite}); !ok || got != tt.want {
			t.Errorf("ScopeSQL(CourierDocument) for %s = %q, %v; want %q", tt.v.Role, got, ok, tt.want)
		}
	}
	if _, ok := authz.ScopeSQL(&authz.Viewer{Role: authz.Manager}, "NoSuchEntity", "", &authz.SQLArgs{}); ok {
		t.Error("ScopeSQL of an unknown entity: ok, want refused")
	}
}

func TestScopeEmptyOnlyWhenNothingIsAssigned(t *testing.T) {
	for _, tt := range []struct {
		s    authz.Scope
		want bool
	}{
		{authz.Scope{}, true},
		{authz.Scope{Partners: []int{1}}, false},
		{authz.Scope{Regions: []int{1}}, false},
		{authz.Scope{Warehouses: []int{1}}, false},
	} {
		if got := tt.s.Empty(); got != tt.want {
			t.Errorf("%+v.Empty() = %v, want %v", tt.s, got, tt.want)
		}
	}
	// Onboarding staff with no scope see every courier; assigned a
	// partner, they are narrowed to it.
	if !(&authz.Viewer{Kind: authz.KindUser, Role: authz.Onboarding}).Unrestricted() {
		t.Error("onboarding without a scope is restricted, want unrestricted")
	}
	if (&authz.Viewer{Kind: authz.KindUser, Role: authz.Onboarding, Scope: authz.Scope{Regions: []int{2}}}).Unrestricted() {
		t.Error("onboarding assigned a region is unrestricted, want narrowed")
	}
}

func TestRoleGraphQLNamesRoundTrip(t *testing.T) {
	for _, r := range append(slices.Clone(authz.Roles), authz.Public) {
		var got authz.Role
		if err := got.UnmarshalGQL(r.GraphQLName()); err != nil || got != r {
			t.Errorf("UnmarshalGQL(%q) = %q, %v; want %q", r.GraphQLName(), got, err, r)
		}
	}
	var r authz.Role
	if err := r.UnmarshalGQL("owner"); err == nil {
		t.Errorf("UnmarshalGQL(\"owner\") = %q, nil; want an error (the GraphQL name is OWNER)", r)
	}
}

func TestMayWriteByHand(t *testing.T) {
	if !authz.MayWrite(&authz.Viewer{Kind: authz.KindSystem}, "Courier") {
		t.Error("the system may not write couriers")
	}
	if authz.MayWrite(nil, "Courier") {
		t.Error("no viewer may write couriers")
	}
	if !authz.MayWrite(&authz.Viewer{Kind: authz.KindUser, Role: authz.Onboarding}, "Courier") {
		t.Error("onboarding may not write couriers; the design says they create and edit them")
	}
	if authz.MayWrite(&authz.Viewer{Kind: authz.KindUser, Role: authz.Warehouse}, "Courier") {
		t.Error("warehouse staff may write couriers; the design gives them stock, not couriers")
	}
}

func TestViewerIs(t *testing.T) {
	m := &authz.Viewer{Kind: authz.KindUser, Role: authz.Manager}
	if !m.Is(authz.Owner, authz.Manager) || m.Is(authz.Owner, authz.Security) {
		t.Errorf("manager.Is(owner, manager) = %v, Is(owner, security) = %v; want true, false",
			m.Is(authz.Owner, authz.Manager), m.Is(authz.Owner, authz.Security))
	}
	if (*authz.Viewer)(nil).Is(authz.Owner) {
		t.Error("no viewer has the owner role")
	}
}

// TestEveryReadableEntityHasAScope: an entity some role may read must say
// how its rows fall in a scope; the read policy otherwise refuses it to
// every restricted viewer, which is a rule nobody decided.
func TestEveryReadableEntityHasAScope(t *testing.T) {
	for entity, rule := range authz.Entities {
		if _, ok := authz.Scoped[entity]; !ok && len(rule.Read) > 0 {
			t.Errorf("%s is readable by %v but has no entry in authz.Scoped", entity, rule.Read)
		}
	}
}
