package graph_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/graph/generated"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// rootFields lists every root field of the executable schema as the matrix
// names it ("Query.couriers", "Mutation.login").
func rootFields() []string {
	s := generated.NewExecutableSchema(generated.Config{}).Schema()
	var out []string
	for _, def := range []*ast.Definition{s.Query, s.Mutation, s.Subscription} {
		if def == nil {
			continue
		}
		for _, f := range def.Fields {
			if !strings.HasPrefix(f.Name, "__") {
				out = append(out, def.Name+"."+f.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// matrixFixture is what the calls of the matrix test point at.
type matrixFixture struct {
	region, branch, warehouse, partner, equipment, apiToken int
	victim                                                  *ent.User // target of user management, and signs in for login/refresh
	svc                                                     *authsvc.Service
}

// matrixCalls holds, for every root field, a call with minimal valid
// arguments and a selection. A new root field needs an entry here (and in
// authz.Operations) or the matrix test fails.
var matrixCalls = map[string]func(t *testing.T, f *matrixFixture) string{
	"Query.node":                 func(_ *testing.T, f *matrixFixture) string { return fmt.Sprintf(`node(id: "%d") { id }`, f.region) },
	"Query.nodes":                func(_ *testing.T, f *matrixFixture) string { return fmt.Sprintf(`nodes(ids: ["%d"]) { id }`, f.region) },
	"Query.me":                   fixed(`me { id }`),
	"Query.regions":              fixed(`regions { totalCount }`),
	"Query.branches":             fixed(`branches { totalCount }`),
	"Query.warehouses":           fixed(`warehouses { totalCount }`),
	"Query.partners":             fixed(`partners { totalCount }`),
	"Query.equipmentTypes":       fixed(`equipmentTypes { totalCount }`),
	"Query.couriers":             fixed(`couriers { totalCount }`),
	"Query.courierDocuments":     fixed(`courierDocuments { totalCount }`),
	"Query.courierStatusChanges": fixed(`courierStatusChanges { totalCount }`),
	"Query.items":                fixed(`items { totalCount }`),
	"Query.stockBalances":        fixed(`stockBalances { totalCount }`),
	"Query.movements":            fixed(`movements { totalCount }`),
	"Query.users":                fixed(`users { totalCount }`),
	"Query.apiTokens":            fixed(`apiTokens { totalCount }`),
	"Query.auditEvents":          fixed(`auditEvents { totalCount }`),

	"Mutation.createRegion": fixed(`createRegion(input: {name: "Matrix", code: "MXR"}) { id }`),
	"Mutation.updateRegion": func(_ *testing.T, f *matrixFixture) string {
		return fmt.Sprintf(`updateRegion(id: "%d", input: {name: "Matrix 2"}) { id }`, f.region)
	},
	"Mutation.createBranch": func(_ *testing.T, f *matrixFixture) string {
		return fmt.Sprintf(`createBranch(input: {name: "Matrix", code: "MX-B", regionID: "%d"}) { id }`, f.region)
	},
	"Mutation.updateBranch": func(_ *testing.T, f *matrixFixture) string {
		return fmt.Sprintf(`updateBranch(id: "%d", input: {name: "Matrix 2"}) { id }`, f.branch)
	},
	"Mutation.createWarehouse": func(_ *testing.T, f *matrixFixture) string {
		return fmt.Sprintf(`createWarehouse(input: {name: "Matrix", code: "MX-W", branchID: "%d"}) { id }`, f.branch)
	},
	"Mutation.updateWarehouse": func(_ *testing.T, f *matrixFixture) string {
		return fmt.Sprintf(`updateWarehouse(id: "%d", input: {name: "Matrix 2"}) { id }`, f.warehouse)
	},
	"Mutation.createPartner": fixed(`createPartner(input: {name: "Matrix partner"}) { id }`),
	"Mutation.updatePartner": func(_ *testing.T, f *matrixFixture) string {
		return fmt.Sprintf(`updatePartner(id: "%d", input: {name: "Matrix 2"}) { id }`, f.partner)
	},
	"Mutation.createEquipmentType": fixed(`createEquipmentType(input: {name: "Matrix", sku: "MX-SKU", category: BAG}) { id }`),
	"Mutation.updateEquipmentType": func(_ *testing.T, f *matrixFixture) string {
		return fmt.Sprintf(`updateEquipmentType(id: "%d", input: {name: "Matrix 2"}) { id }`, f.equipment)
	},

	"Mutation.login": func(_ *testing.T, f *matrixFixture) string {
		return fmt.Sprintf(`login(login: %q, password: %q) { accessToken }`, f.victim.Login, authtest.Password)
	},
	"Mutation.refresh": func(t *testing.T, f *matrixFixture) string {
		tok, err := f.svc.Login(context.Background(), f.victim.Login, authtest.Password)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf(`refresh(refreshToken: %q) { accessToken }`, tok.RefreshToken)
	},
	"Mutation.logout":           fixed(`logout`),
	"Mutation.logoutEverywhere": fixed(`logoutEverywhere`),
	// A wrong current password: allowed callers get BAD_USER_INPUT and keep
	// their password (the change itself is tested in authsvc).
	"Mutation.changePassword": fixed(`changePassword(oldPassword: "not-the-password", newPassword: "Fresh-Lantern-Quartz-5")`),
	"Mutation.createUser": func(_ *testing.T, _ *matrixFixture) string {
		return fmt.Sprintf(`createUser(input: {login: "matrix-%d", fullName: "Matrix", role: MANAGER, password: %q}) { id }`, time.Now().UnixNano(), authtest.Password)
	},
	"Mutation.updateUser": func(_ *testing.T, f *matrixFixture) string {
		return fmt.Sprintf(`updateUser(id: "%d", input: {fullName: "Matrix 2"}) { id }`, f.victim.ID)
	},
	"Mutation.resetUserPassword": func(_ *testing.T, f *matrixFixture) string {
		return fmt.Sprintf(`resetUserPassword(id: "%d", password: %q)`, f.victim.ID, authtest.Password)
	},
	"Mutation.createApiToken": func(_ *testing.T, _ *matrixFixture) string {
		return fmt.Sprintf(`createApiToken(input: {name: "matrix", role: INTEGRATOR, expiresAt: %q}) { token }`, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	},
	"Mutation.revokeApiToken": func(_ *testing.T, f *matrixFixture) string {
		return fmt.Sprintf(`revokeApiToken(id: "%d") { id }`, f.apiToken)
	},
}

func fixed(call string) func(*testing.T, *matrixFixture) string {
	return func(*testing.T, *matrixFixture) string { return call }
}

// endsSession are calls that end the caller's session: they get a session
// of their own, and logoutEverywhere a fresh main session afterwards.
var endsSession = map[string]bool{"Mutation.logout": true, "Mutation.logoutEverywhere": true}

func TestEveryRootFieldHasAMatrixEntryAndACall(t *testing.T) {
	fields := rootFields()
	if len(fields) < 30 {
		t.Fatalf("found %d root fields; the schema walk is broken", len(fields))
	}
	for _, op := range fields {
		if _, ok := authz.Operations[op]; !ok {
			t.Errorf("%s is in the schema but not in authz.Operations: decide who may call it", op)
		}
		if _, ok := matrixCalls[op]; !ok {
			t.Errorf("%s has no call in matrixCalls (graph/matrix_test.go): add one with minimal arguments", op)
		}
	}
	for op := range authz.Operations {
		if !slices.Contains(fields, op) {
			t.Errorf("authz.Operations lists %s, which the schema does not have", op)
		}
	}
}

// principal is who calls: a role's user, nobody, or a disabled user.
type principal struct {
	name  string
	role  authz.Role // empty for anonymous and disabled
	user  *ent.User
	token string
}

// want is what the published schema's @hasRole says a principal gets from
// an operation (TestRoleDirectivesEqualTheMatrix ties it to the matrix).
func (p principal) want(roles []authz.Role, op string) string {
	switch {
	case p.name == "disabled":
		return "UNAUTHENTICATED" // the bearer is refused before any operation
	case slices.Contains(roles, authz.Public):
		return "allowed"
	case p.role == "":
		return "UNAUTHENTICATED"
	case slices.Contains(roles, p.role):
		return "allowed"
	}
	return "FORBIDDEN"
}

// publishedRoles reads every root field's @hasRole roles from the published
// schema.graphql; a root field without the directive maps to nil.
func publishedRoles(t *testing.T) map[string][]authz.Role {
	t.Helper()
	src, err := os.ReadFile("../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	doc, gerr := parser.ParseSchema(&ast.Source{Name: "schema.graphql", Input: string(src)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	out := map[string][]authz.Role{}
	for _, def := range doc.Definitions {
		if def.Name != "Query" && def.Name != "Mutation" && def.Name != "Subscription" {
			continue
		}
		for _, f := range def.Fields {
			out[def.Name+"."+f.Name] = directiveRoles(t, f.Directives)
		}
	}
	return out
}

// directiveRoles decodes the roles of a @hasRole directive (nil if none).
func directiveRoles(t *testing.T, l ast.DirectiveList) []authz.Role {
	d := l.ForName("hasRole")
	if d == nil {
		return nil
	}
	roles := []authz.Role{}
	for _, v := range d.Arguments.ForName("roles").Value.Children {
		var r authz.Role
		if err := r.UnmarshalGQL(v.Value.Raw); err != nil {
			t.Errorf("@hasRole: %v", err)
		}
		roles = append(roles, r)
	}
	return roles
}

// Every root field carries @hasRole in the published schema and in the
// schema the server executes, and its roles are exactly the field's row of
// the matrix: the schema, the guard (which enforces the directive) and
// docs/rbac.md cannot drift apart.
func TestRoleDirectivesEqualTheMatrix(t *testing.T) {
	published := publishedRoles(t)
	exec := generated.NewExecutableSchema(generated.Config{}).Schema()
	for _, op := range rootFields() {
		typ, name, _ := strings.Cut(op, ".")
		executed := directiveRoles(t, exec.Types[typ].Fields.ForName(name).Directives)
		got := published[op]
		switch {
		case got == nil:
			t.Errorf("%s has no @hasRole in schema.graphql", op)
			continue
		case executed == nil:
			t.Errorf("%s has no @hasRole in the executed schema", op)
			continue
		}
		want := authz.Operations[op]
		for _, roles := range [][]authz.Role{got, executed} {
			if !sameRoles(roles, want) {
				t.Errorf("%s: @hasRole roles %v, matrix %v", op, roles, want)
			}
		}
	}
	if len(published) != len(rootFields()) {
		t.Errorf("schema.graphql has %d root fields, the server %d: run make generate", len(published), len(rootFields()))
	}
}

func sameRoles(a, b []authz.Role) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// verdict checks a response against the expectation: "allowed" means the
// operation ran (it may still fail on its input: NOT_FOUND, CONFLICT and
// BAD_USER_INPUT are fine, an access error or an internal error is not);
// otherwise the response must carry that access code and no data.
func verdict(r response, want string) error {
	var codes []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		codes = append(codes, c)
	}
	switch want {
	case "allowed":
		if r.Status != http.StatusOK {
			return fmt.Errorf("HTTP %d, want 200: %s", r.Status, r.Body)
		}
		for _, c := range codes {
			if c == "FORBIDDEN" || c == "UNAUTHENTICATED" || c == "INTERNAL" {
				return fmt.Errorf("allowed by the matrix but got %s: %s", c, r.Body)
			}
		}
		return nil
	default:
		if !slices.Contains(codes, want) {
			return fmt.Errorf("got codes %v, want %s: %s", codes, want, r.Body)
		}
		if d := strings.TrimSpace(string(r.Data)); d != "" && d != "null" && !strings.Contains(d, ":null") {
			return fmt.Errorf("refused with %s but data leaked: %s", want, d)
		}
		return nil
	}
}

// TestVerdictTellsRefusalsFromRuns pins the classifier the matrix test
// rests on: it must fail an allowed call that was refused, and a refusal
// that was not.
func TestVerdictTellsRefusalsFromRuns(t *testing.T) {
	forbidden := response{Status: 200, Data: []byte(`null`), Errors: []gqlError{{Extensions: map[string]any{"code": "FORBIDDEN"}}}}
	notFound := response{Status: 200, Data: []byte(`{"node":null}`), Errors: []gqlError{{Extensions: map[string]any{"code": "NOT_FOUND"}}}}
	ran := response{Status: 200, Data: []byte(`{"regions":{"totalCount":3}}`)}
	unauth := response{Status: 401, Errors: []gqlError{{Extensions: map[string]any{"code": "UNAUTHENTICATED"}}}}
	for _, tt := range []struct {
		name string
		r    response
		want string
		ok   bool
	}{
		{"allowed and ran", ran, "allowed", true},
		{"allowed, failed on input", notFound, "allowed", true},
		{"allowed but refused", forbidden, "allowed", false},
		{"allowed but 401", unauth, "allowed", false},
		{"forbidden and refused", forbidden, "FORBIDDEN", true},
		{"forbidden but ran", ran, "FORBIDDEN", false},
		{"forbidden but not found", notFound, "FORBIDDEN", false},
		{"unauthenticated and refused", unauth, "UNAUTHENTICATED", true},
		{"unauthenticated but forbidden", forbidden, "UNAUTHENTICATED", false},
	} {
		if err := verdict(tt.r, tt.want); (err == nil) != tt.ok {
			t.Errorf("%s: verdict = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

// TestMatrix_EveryRootFieldForEveryRole calls every GraphQL root field as
// every role, as nobody, and as a disabled user, through the real HTTP
// handler, and checks each answer against the field's @hasRole in the
// published schema.
func TestMatrix_EveryRootFieldForEveryRole(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		svc := a.auth
		f := &matrixFixture{svc: svc}
		authtest.Tx(t, a.db, func(ctx context.Context, tx *ent.Client) error {
			f.region = tx.Region.Create().SetName("Ташкент").SetCode("TAS").SaveX(ctx).ID
			f.branch = tx.Branch.Create().SetName("Юнусабад").SetCode("TAS-YU").SetRegionID(f.region).SaveX(ctx).ID
			f.warehouse = tx.Warehouse.Create().SetName("Склад").SetCode("WH-YU").SetBranchID(f.branch).SaveX(ctx).ID
			f.partner = tx.Partner.Create().SetName("Express").SaveX(ctx).ID
			f.equipment = tx.EquipmentType.Create().SetName("Сумка").SetSku("BAG").SetCategory("bag").SaveX(ctx).ID
			return nil
		})
		f.victim = authtest.User(t, svc, authz.Integrator, authz.Scope{})
		_, tok, err := svc.CreateAPIToken(authtest.Sys(), authsvc.APITokenInput{Name: "victim", Role: authz.Integrator, ExpiresAt: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		f.apiToken = tok.ID

		signIn := func(u *ent.User) string {
			t.Helper()
			tok, err := svc.Login(context.Background(), u.Login, authtest.Password)
			if err != nil {
				t.Fatalf("sign in %s: %v", u.Login, err)
			}
			return tok.AccessToken
		}
		var principals []*principal
		for _, r := range authz.Roles {
			u := authtest.User(t, svc, r, authz.Scope{})
			principals = append(principals, &principal{name: string(r), role: r, user: u, token: signIn(u)})
		}
		principals = append(principals, &principal{name: "anonymous"})
		disabled := authtest.User(t, svc, authz.Owner, authz.Scope{})
		dp := &principal{name: "disabled", user: disabled, token: signIn(disabled)}
		off := false
		if _, err := svc.UpdateUser(authtest.Sys(), disabled.ID, authsvc.UserInput{Active: &off}); err != nil {
			t.Fatal(err)
		}
		principals = append(principals, dp)

		roles := publishedRoles(t)
		for _, op := range rootFields() {
			call, ok := matrixCalls[op]
			if !ok {
				continue // reported by TestEveryRootFieldHasAMatrixEntryAndACall
			}
			kind := "query"
			if strings.HasPrefix(op, "Mutation.") {
				kind = "mutation"
			}
			for _, p := range principals {
				t.Run(op+"/"+p.name, func(t *testing.T) {
					token := p.token
					if endsSession[op] && p.role != "" {
						token = signIn(p.user)
						if op == "Mutation.logoutEverywhere" {
							defer func() { p.token = signIn(p.user) }()
						}
					}
					r := a.postAs(token, kind+" { "+call(t, f)+" }", nil)
					if err := verdict(r, p.want(roles[op], op)); err != nil {
						t.Errorf("%s as %s: %v", op, p.name, err)
					}
				})
			}
		}
	})
}
