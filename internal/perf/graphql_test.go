package perf_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/perf"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// gqlResponse is the part of a GraphQL response the tests read.
type gqlResponse struct {
	Data struct {
		Couriers struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID       string
					LastName string
					Partner  *struct{ ID, Name string }
					Branch   *struct {
						ID, Name string
						Region   *struct{ ID, Name string }
					}
				}
			}
		}
	}
	Errors []json.RawMessage
}

// api is the GraphQL handler behind the sign-in middleware, as served, with
// an owner's API token to call it and a tally of the statements the GraphQL
// execution itself issues.
type api struct {
	h     http.Handler
	token string
	// statements counts only what runs after authentication: looking up
	// the bearer token costs a fixed few statements per request that say
	// nothing about how a list query loads its edges.
	statements atomic.Int64
}

// newAPI serves db's GraphQL API with statements counted by counter (the
// counter wrapping db's driver).
func newAPI(tb testing.TB, db *database.DB, counter *perf.Counter) *api {
	tb.Helper()
	svc := authtest.Service(tb, db)
	a := &api{token: authtest.Token(tb, svc, authz.Owner, authz.Scope{})}
	gql := apptest.New(tb, app.Options{DB: db, Auth: svc}).GraphQL
	a.h = svc.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		before := counter.Count()
		gql.ServeHTTP(w, r)
		a.statements.Add(int64(counter.Count() - before))
	}))
	return a
}

// post sends one GraphQL request as the owner and decodes the answer.
func (a *api) post(tb testing.TB, query string, vars map[string]any) gqlResponse {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		tb.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	authtest.Bearer(req, a.token)
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	var out gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		tb.Fatalf("decode %d response %q: %v", rec.Code, rec.Body.String(), err)
	}
	if rec.Code != http.StatusOK || len(out.Errors) > 0 {
		tb.Fatalf("GraphQL status %d, errors %s", rec.Code, out.Errors)
	}
	return out
}
