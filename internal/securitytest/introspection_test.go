package securitytest_test

import (
	"testing"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/authz"
)

// Weakness: with introspection off (production), __schema and __type were
// refused as INTERNAL, like a bug (and logged as one). The refusal has its
// own code.
func TestIntrospectionRefusalHasItsOwnCode(t *testing.T) {
	e := newEnv(t, dialect.SQLite)
	owner := e.token(authz.Owner, authz.Scope{})
	for _, tok := range []string{"", owner} {
		for _, q := range []string{`{ __schema { queryType { name } } }`, `{ __type(name: "Courier") { name } }`} {
			r := e.gql(tok, q)
			if r.code() != "INTROSPECTION_DISABLED" || r.Data["__schema"] != nil && string(r.Data["__schema"]) != "null" {
				t.Errorf("%s (signed in %v): %s, want INTROSPECTION_DISABLED", q, tok != "", r.Raw)
			}
		}
	}
	if r := e.gql(owner, `{ __typename regions(first: 1) { __typename totalCount } }`); len(r.Errors) > 0 {
		t.Errorf("__typename refused: %s", r.Raw)
	}
	dev := newEnv(t, dialect.SQLite, func(o *app.Options) { o.Introspection = true })
	if r := dev.gql("", `{ __schema { queryType { name } } }`); len(r.Errors) > 0 {
		t.Errorf("introspection refused where it is on: %s", r.Raw)
	}
}
