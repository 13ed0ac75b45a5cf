package httpserver_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/httpserver"
)

func newServer(t *testing.T, db *database.DB, playground bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(apptest.Handler(t, app.Options{DB: db, Playground: playground, Logger: zerolog.Nop(), Auth: authtest.Service(t, db)}))
	t.Cleanup(srv.Close)
	return srv
}

// ownerHeader carries an owner's API token, so operations get past the
// access check and reach the database.
func ownerHeader(t *testing.T, db *database.DB) http.Header {
	t.Helper()
	return http.Header{"Authorization": {"Bearer " + authtest.Token(t, authtest.Service(t, db), authz.Owner, authz.Scope{})}}
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestHealthAndReadiness(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		db := dbtest.New(t, d)
		srv := newServer(t, db, false)

		if res, _ := get(t, srv.URL+"/healthz"); res.StatusCode != http.StatusOK {
			t.Errorf("/healthz = %d, want 200", res.StatusCode)
		}
		if res, _ := get(t, srv.URL+"/readyz"); res.StatusCode != http.StatusOK {
			t.Errorf("/readyz = %d, want 200", res.StatusCode)
		}
		db.SQL.Close()
		res, body := get(t, srv.URL+"/readyz")
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("/readyz after the database closed = %d, want 503", res.StatusCode)
		}
		if strings.Contains(body, "closed") {
			t.Errorf("/readyz leaks the cause: %s", body)
		}
		// Liveness does not depend on the database: a restart would not fix it.
		if res, _ := get(t, srv.URL+"/healthz"); res.StatusCode != http.StatusOK {
			t.Errorf("/healthz after the database closed = %d, want 200", res.StatusCode)
		}
	})
}

func postGraphQL(t *testing.T, url, body string, header http.Header) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func TestMetricsCountGraphQLOperationsByName(t *testing.T) {
	db := dbtest.New(t, "sqlite3")
	srv := newServer(t, db, false)

	owner := ownerHeader(t, db)
	postGraphQL(t, srv.URL, `{"query":"query ListRegions { regions { totalCount } }"}`, owner)
	postGraphQL(t, srv.URL, `{"query":"{ regions { totalCount } }"}`, owner)
	postGraphQL(t, srv.URL, `{"query":"mutation AddRegion { createRegion(input: {name: \"\", code: \"X\"}) { id } }"}`, owner)

	_, body := get(t, srv.URL+"/metrics")
	for _, want := range []string{
		`mycourier_graphql_operations_total{operation="ListRegions",outcome="ok",type="query"} 1`,
		`mycourier_graphql_operations_total{operation="anonymous",outcome="ok",type="query"} 1`,
		`mycourier_graphql_operations_total{operation="AddRegion",outcome="error",type="mutation"} 1`,
		`mycourier_graphql_operation_duration_seconds_count{operation="ListRegions",type="query"} 1`,
		`mycourier_http_requests_total{method="POST",route="/graphql",status="200"} 3`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestRequestIDIsEchoed(t *testing.T) {
	db := dbtest.New(t, "sqlite3")
	srv := newServer(t, db, false)

	res, _ := get(t, srv.URL+"/healthz")
	if res.Header.Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID on the response")
	}
	res = postGraphQL(t, srv.URL, `{"query":"{ regions { totalCount } }"}`, http.Header{"X-Request-Id": {"lb-1234"}})
	if got := res.Header.Get("X-Request-ID"); got != "lb-1234" {
		t.Errorf("caller's request id echoed as %q, want lb-1234", got)
	}
	res = postGraphQL(t, srv.URL, `{"query":"{ regions { totalCount } }"}`, http.Header{"X-Request-Id": {"x\" injected=1"}})
	if got := res.Header.Get("X-Request-ID"); got == "" || strings.Contains(got, "injected") {
		t.Errorf("unsafe request id echoed as %q, want a fresh one", got)
	}
}

func TestRequestLogHasIDAndNoBody(t *testing.T) {
	db := dbtest.New(t, "sqlite3")
	var buf bytes.Buffer
	srv := httptest.NewServer(apptest.Handler(t, app.Options{DB: db, Logger: zerolog.New(&buf), Auth: authtest.Service(t, db)}))
	defer srv.Close()
	owner := ownerHeader(t, db)
	res := postGraphQL(t, srv.URL, `{"query":"{ regions { totalCount } }","variables":{"secret":"hunter2"}}`, owner)
	srv.Close()
	log := buf.String()
	id := res.Header.Get("X-Request-ID")
	for _, want := range []string{`"request_id":"` + id + `"`, `"method":"POST"`, `"path":"/graphql"`, `"status":200`, `"bytes":`, `"duration":`} {
		if !strings.Contains(log, want) {
			t.Errorf("request log lacks %s:\n%s", want, log)
		}
	}
	if strings.Contains(log, "hunter2") || strings.Contains(log, "regions") || strings.Contains(log, owner.Get("Authorization")[len("Bearer "):]) {
		t.Errorf("request body or credentials logged:\n%s", log)
	}
}

func TestPlaygroundOnlyWhenEnabled(t *testing.T) {
	db := dbtest.New(t, "sqlite3")
	if res, _ := get(t, newServer(t, db, false).URL+"/playground"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/playground disabled = %d, want 404", res.StatusCode)
	}
	res, body := get(t, newServer(t, db, true).URL+"/playground")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "/graphql") {
		t.Errorf("/playground enabled = %d, body mentions /graphql: %v", res.StatusCode, strings.Contains(body, "/graphql"))
	}
}

func TestIntrospectionOnlyWhenEnabled(t *testing.T) {
	db := dbtest.New(t, "sqlite3")
	for _, on := range []bool{false, true} {
		srv := httptest.NewServer(apptest.Handler(t, app.Options{DB: db, Introspection: on, Logger: zerolog.Nop(), Auth: authtest.Service(t, db)}))
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", strings.NewReader(`{"query":"{ __schema { queryType { name } } }"}`))
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		srv.Close()
		if got := strings.Contains(string(b), `"name":"Query"`); got != on {
			t.Errorf("introspection %v: schema returned = %v (%s)", on, got, b)
		}
	}
}

// TestServeFinishesInFlightRequestsOnShutdown starts a real server, cancels
// its context while a slow request is in flight, and checks that new
// connections are refused at once while the slow request still completes.
// With srv.Close instead of Shutdown the slow request would fail.
func TestServeFinishesInFlightRequestsOnShutdown(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(started)
		<-release
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	srv := httpserver.NewServer(addr, h, httpserver.ServerOptions{ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- httpserver.Serve(ctx, srv, ln, 5*time.Second) }()

	type result struct {
		status int
		body   string
		err    error
	}
	slow := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		slow <- result{status: res.StatusCode, body: string(b)}
	}()
	<-started
	cancel()

	// New connections are refused while the slow request is still running.
	deadline := time.Now().Add(2 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("listener still accepts connections after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) before the in-flight request finished", err)
	default:
	}

	close(release)
	r := <-slow
	if r.err != nil || r.status != http.StatusOK || r.body != "finished" {
		t.Errorf("in-flight request: status %d body %q err %v; want 200 finished", r.status, r.body, r.err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the last request")
	}
	_, err = http.Get("http://" + addr + "/")
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		t.Errorf("request after shutdown: err = %v, want a refused connection", err)
	}
}
