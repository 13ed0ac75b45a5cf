package securitytest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// Defect 7: a malformed body or a JSON array (batch) panicked in the
// transaction middleware and answered 400 INTERNAL.
func TestMalformedRequestsGetBadRequest(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		owner := e.token(authz.Owner, authz.Scope{})
		bodies := map[string]string{
			"truncated":      `{"query": "{ me { id } }"`,
			"not json":       `query { me { id } }`,
			"batch":          `[{"query": "{ me { id } }"}, {"query": "{ me { id } }"}]`,
			"mutation batch": `[{"query": "mutation { logout }"}]`,
			"string":         `"{ me { id } }"`,
			"number":         `42`,
			"null":           `null`,
			"empty":          ``,
			"wrong types":    `{"query": 5, "variables": "x"}`,
			"no query":       `{"variables": {}}`,
		}
		for _, tok := range []string{"", owner} {
			for name, body := range bodies {
				r := e.post("application/json", []byte(body), tok)
				if r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
					t.Errorf("%s (signed in %v): status %d %s", name, tok != "", r.Status, r.Raw)
				}
				if c := r.code(); c != "BAD_REQUEST" {
					t.Errorf("%s (signed in %v): code %q, want BAD_REQUEST: %s", name, tok != "", c, r.Raw)
				}
			}
		}
		for _, qs := range []string{"query=%7Bme%7Bid%7D%7D&variables=%5B", "query=%7Bme%7Bid%7D%7D&extensions=x", "query="} {
			for _, tok := range []string{"", owner} {
				res, b := e.get("/graphql?"+qs, tok)
				var r gqlResp
				_ = json.Unmarshal(b, &r)
				if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity || r.code() != "BAD_REQUEST" {
					t.Errorf("GET %s: %d %s", qs, res.StatusCode, b)
				}
			}
		}
	})
}
