package perf_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
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

// post sends one GraphQL request to h and decodes the answer.
func post(tb testing.TB, h http.Handler, query string, vars map[string]any) gqlResponse {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		tb.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		tb.Fatalf("decode %d response %q: %v", rec.Code, rec.Body.String(), err)
	}
	if rec.Code != http.StatusOK || len(out.Errors) > 0 {
		tb.Fatalf("GraphQL status %d, errors %s", rec.Code, out.Errors)
	}
	return out
}
