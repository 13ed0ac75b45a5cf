package securitytest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// FuzzGraphQLRequest sends random bodies and documents to the real handler
// as an anonymous caller: never a panic or a 500, always a JSON answer, and
// always within the limits' time (the budget is generous: it is a bound, not
// a benchmark).
func FuzzGraphQLRequest(f *testing.F) {
	db := dbtest.New(f, "sqlite3")
	h := apptest.Handler(f, app.Options{DB: db, Auth: authtest.Service(f, db), Logger: zerolog.Nop()})
	for _, s := range []string{
		`{"query":"{ __typename }"}`, `[{"query":"{ me { id } }"}]`, `{"query":"mutation { login(login: \"a\", password: \"b\") { accessToken } }"}`,
		`{"query":"query($a:Int){ __typename }","variables":{"a":1}}`, `{"query":` + jsonString(fragmentBomb(12)) + `}`,
		`{"query":"{ couriers(first: 100000) { totalCount } }"}`, `{"query": "{`, `null`, ``,
	} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte(fragmentBomb(20)), true)
	f.Add([]byte("{"+strings.Repeat(" __typename", 600)+"}"), true)
	f.Fuzz(func(t *testing.T, body []byte, document bool) {
		// The converse: a valid request built from the input (an alias
		// made of its letters) is answered with data, so a handler
		// refusing everything fails here.
		alias := validAlias(body)
		ok := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ `+alias+`: __typename }"}`))
		ok.Header.Set("Content-Type", "application/json")
		okRec := httptest.NewRecorder()
		h.ServeHTTP(okRec, ok)
		var answer struct{ Data map[string]string }
		if okRec.Code != http.StatusOK || json.Unmarshal(okRec.Body.Bytes(), &answer) != nil || answer.Data[alias] != "Query" {
			t.Fatalf("valid request { %s: __typename }: status %d: %s", alias, okRec.Code, okRec.Body)
		}
		if document { // the input is a GraphQL document, not a JSON body
			body, _ = json.Marshal(map[string]string{"query": string(body)})
		}
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		if took := time.Since(start); took > 5*time.Second {
			t.Fatalf("answered after %v: %q", took, body)
		}
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("not JSON for %q: %s", body, rec.Body)
		}
	})
}

// validAlias is a GraphQL name made of the letters of b (at most 40).
func validAlias(b []byte) string {
	out := []byte{'a'}
	for _, c := range b {
		if len(out) == 40 {
			break
		}
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
			out = append(out, c)
		}
	}
	return string(out)
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
