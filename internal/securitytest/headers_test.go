package securitytest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// Weakness: GraphQL answers (personal data included) carried no
// Cache-Control, so a browser or a proxy could keep them. Every API and
// file answer says no-store.
func TestAPIAndFileAnswersAreNotStored(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		owner := e.token(authz.Owner, authz.Scope{})
		e.onboard(owner, "")
		check := func(what string, res *http.Response) {
			t.Helper()
			if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("%s: %d Cache-Control %q, want no-store", what, res.StatusCode, cc)
			}
		}
		for _, tc := range []struct{ name, token, query string }{
			{"query", owner, `{ couriers(first: 5) { edges { node { pinfl phone } } } }`},
			{"query error", owner, `{ node(id: "999999999") { id } }`},
			{"anonymous", "", `{ couriers(first: 1) { totalCount } }`},
			{"bad token", "nope", `{ me { id } }`},
		} {
			req, _ := http.NewRequest(http.MethodPost, e.url+"/graphql", strings.NewReader(`{"query":`+quote(tc.query)+`}`))
			req.Header.Set("Content-Type", "application/json")
			res, _ := e.do(req, tc.token)
			check(tc.name, res)
		}
		req, _ := http.NewRequest(http.MethodGet, e.url+"/graphql?query="+strings.ReplaceAll(`{ me { id } }`, " ", "%20"), nil)
		res, _ := e.do(req, owner)
		check("GET query", res)
		for _, path := range []string{"/export/couriers?format=csv", "/export/couriers?format=xlsx", "/export/dashboard?format=csv&section=headcount", "/files/courier-documents/1", "/acts/X.pdf", "/healthz", "/metrics"} {
			res, _ := e.get(path, owner)
			check(path, res)
		}
	})
}

func quote(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}
