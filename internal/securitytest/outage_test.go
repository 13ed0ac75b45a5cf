package securitytest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/perf"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/migrate"
)

// Defect 11: the transaction middleware opened a transaction before the
// role check, so an anonymous mutation reached the database before it was
// refused. Refused mutations now do no database work at all (a signed-in
// caller's token is looked up, nothing more).
func TestRefusedMutationDoesNoDatabaseWork(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		var c perf.Counter
		c.Record = true
		db := dbtest.New(t, d, dbtest.Options{Database: database.Options{Wrap: c.Wrap}})
		auth := authtest.Service(t, db)
		srv := httptest.NewServer(apptest.Handler(t, app.Options{DB: db, Auth: auth, Logger: zerolog.Nop()}))
		t.Cleanup(srv.Close)
		e := &env{t: t, db: db, auth: auth, url: srv.URL}
		mutations := []string{
			`mutation { onboardCourier(input: {lastName: "Каримов", firstName: "Азиз", phone: "+998901234567", pinfl: "31234567890123", transportType: FOOT}) { id } }`,
			`mutation { blockCourier(id: "1", reason: "x") { id } }`,
			`mutation { createRegion(input: {name: "R", code: "R"}) { id } }`,
			`mutation { createPartner(input: {name: "P"}) { id } }`,
			`mutation { a: createPartner(input: {name: "P"}) { id } b: createRegion(input: {name: "R", code: "R"}) { id } }`,
		}
		for _, m := range mutations {
			c.Reset()
			r := e.gql("", m)
			if r.code() != "UNAUTHENTICATED" {
				t.Errorf("%s: code %q, want UNAUTHENTICATED: %s", m, r.code(), r.Raw)
			}
			if n, tx := c.Count(), c.Transactions(); n != 0 || tx != 0 {
				t.Errorf("%s: refused, yet %d statements and %d transactions reached the database: %q", m, n, tx, c.Statements())
			}
		}
		// A signed-in caller without the role: only its token is looked up,
		// no transaction is opened.
		warehouse := e.token(authz.Warehouse, authz.Scope{})
		for _, m := range mutations[2:] {
			c.Reset()
			r := e.gql(warehouse, m)
			if r.code() != "FORBIDDEN" {
				t.Errorf("%s as warehouse: code %q, want FORBIDDEN: %s", m, r.code(), r.Raw)
			}
			if tx := c.Transactions(); tx != 0 {
				t.Errorf("%s as warehouse: refused, yet %d transactions opened: %q", m, tx, c.Statements())
			}
		}
	})
}

// tcpProxy stands between the server and PostgreSQL: cut drops every open
// connection and refuses new ones (as a database that went away does),
// restore lets them through again.
type tcpProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	conns  map[net.Conn]bool
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.setCut(true)
	})
	return p
}

func (p *tcpProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.forward(c)
	}
}

func (p *tcpProxy) forward(c net.Conn) {
	p.mu.Lock()
	if p.cut {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.mu.Unlock()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.cut {
		p.mu.Unlock()
		c.Close()
		up.Close()
		return
	}
	p.conns[c], p.conns[up] = true, true
	p.mu.Unlock()
	done := func() {
		c.Close()
		up.Close()
		p.mu.Lock()
		delete(p.conns, c)
		delete(p.conns, up)
		p.mu.Unlock()
	}
	go func() { _, _ = io.Copy(up, c); done() }()
	go func() { _, _ = io.Copy(c, up); done() }()
}

func (p *tcpProxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for c := range p.conns {
			c.Close()
		}
	}
}

// outageCall is one kind of request the load sends: ok tells a normal
// answer (with the database up) from a failure.
type outageCall struct {
	name string
	do   func(i int) (*http.Response, []byte)
	ok   func(res *http.Response, body []byte) bool
}

// Defect 11: with PostgreSQL down, answers were the raw driver error
// (naming the host, port, user and database) with 200 INTERNAL, or 500
// INTERNAL from the token lookup. Under load, while the database is cut off,
// every failure is now 503 UNAVAILABLE with Retry-After and names nothing,
// and service resumes without a restart once it is back.
func TestDatabaseOutageIsUnavailable(t *testing.T) {
	dbURL := dbtest.URL(t, dialect.Postgres)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	dbName := strings.TrimPrefix(u.Path, "/")
	u.Host = proxy.ln.Addr().String()
	ctx := context.Background()
	db, err := database.Open(ctx, u.String(), database.Options{MaxOpenConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := migrate.Up(ctx, db, migrate.Options{NoBackup: true}); err != nil {
		t.Fatal(err)
	}
	// A sign-in cut off after booking its attempt gives the booking back,
	// but only if the database answers by then (best effort; otherwise it
	// expires with the throttle's window): a generous throttle keeps that
	// out of this test.
	auth, err := authsvc.New(db.Client, authsvc.Config{Secret: authtest.Secret, Throttle: authsvc.ThrottleConfig{
		FreeFailures: 1000, LoginLockout: 1000, AddressLockout: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	store, err := blobstore.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(apptest.Handler(t, app.Options{DB: db, Auth: auth, Logger: zerolog.Nop(), Documents: store}))
	t.Cleanup(srv.Close)
	e := &env{t: t, db: db, auth: auth, url: srv.URL}
	apiToken := e.token(authz.Owner, authz.Scope{})
	user := authtest.User(t, auth, authz.Owner, authz.Scope{})
	login := e.mustGQL("", fmt.Sprintf(`mutation { login(login: %q, password: %q) { accessToken } }`, user.Login, authtest.Password))
	var lp struct{ AccessToken string }
	_ = json.Unmarshal(login.Data["login"], &lp)
	if lp.AccessToken == "" {
		t.Fatalf("no access token: %s", login.Raw)
	}
	e.onboard(apiToken, "")

	send := func(method, path, token string, body []byte) (*http.Response, []byte) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(string(body)))
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			authtest.Bearer(req, token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("%s %s: %v", method, path, err)
			return &http.Response{StatusCode: 0, Header: http.Header{}}, nil
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	gql := func(token, query string) (*http.Response, []byte) {
		b, _ := json.Marshal(map[string]any{"query": query})
		return send(http.MethodPost, "/graphql", token, b)
	}
	noErrors := func(res *http.Response, body []byte) bool {
		var r gqlResp
		_ = json.Unmarshal(body, &r)
		return res.StatusCode == http.StatusOK && len(r.Errors) == 0
	}
	var seq atomic.Int64
	calls := []outageCall{
		{"query (API token)", func(int) (*http.Response, []byte) {
			return gql(apiToken, `{ couriers(first: 5) { totalCount edges { node { id lastName } } } }`)
		}, noErrors},
		{"query (access token)", func(int) (*http.Response, []byte) {
			return gql(lp.AccessToken, `{ me { id } regions(first: 5) { totalCount } }`)
		}, noErrors},
		{"mutation", func(int) (*http.Response, []byte) {
			n := seq.Add(1)
			pin, _ := pinfl.Make(time.Date(1991, 2, 1+int(n%27), 0, 0, 0, 0, time.UTC), pinfl.Female, int(3000+n))
			return gql(apiToken, fmt.Sprintf(`mutation { onboardCourier(input: {lastName: "Юсупова", firstName: "Малика", phone: "+99891%07d", pinfl: %q, transportType: FOOT}) { id } }`, 2000000+n, pin))
		}, noErrors},
		{"login", func(int) (*http.Response, []byte) {
			return gql("", fmt.Sprintf(`mutation { login(login: %q, password: %q) { accessToken } }`, user.Login, authtest.Password))
		}, noErrors},
		{"anonymous mutation", func(int) (*http.Response, []byte) {
			return gql("", `mutation { createPartner(input: {name: "P"}) { id } }`)
		}, func(_ *http.Response, body []byte) bool {
			// Refused before any database work, outage or not.
			var r gqlResp
			_ = json.Unmarshal(body, &r)
			return r.code() == "UNAUTHENTICATED"
		}},
		{"export", func(int) (*http.Response, []byte) {
			return send(http.MethodGet, "/export/couriers?format=csv", apiToken, nil)
		}, func(res *http.Response, _ []byte) bool { return res.StatusCode == http.StatusOK }},
		{"dashboard export", func(int) (*http.Response, []byte) {
			return send(http.MethodGet, "/export/dashboard?format=csv&section=headcount", apiToken, nil)
		}, func(res *http.Response, _ []byte) bool { return res.StatusCode == http.StatusOK }},
		{"document file", func(int) (*http.Response, []byte) {
			return send(http.MethodGet, "/files/courier-documents/999999", apiToken, nil)
		}, func(res *http.Response, _ []byte) bool { return res.StatusCode == http.StatusNotFound }},
		{"act", func(int) (*http.Response, []byte) {
			return send(http.MethodGet, "/acts/NO-SUCH-ACT.pdf", apiToken, nil)
		}, func(res *http.Response, _ []byte) bool { return res.StatusCode == http.StatusNotFound }},
	}
	leaks := []string{"127.0.0.1", u.Port(), "5432", "user=", "postgres", dbName, "dial", "connect", "refused", "EOF", "transaction"}
	// check holds one answer to the rule: a normal answer, or 503
	// UNAVAILABLE with Retry-After naming nothing of the database (a normal
	// export may hold digits that spell a port).
	check := func(c outageCall, res *http.Response, body []byte) (failed bool) {
		if c.ok(res, body) {
			return false
		}
		for _, l := range leaks {
			if l != "" && strings.Contains(string(body), l) {
				t.Errorf("%s: the answer names %q: %d %s", c.name, l, res.StatusCode, body)
			}
		}
		var r gqlResp
		_ = json.Unmarshal(body, &r)
		if res.StatusCode != http.StatusServiceUnavailable || r.code() != "UNAVAILABLE" || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s: a failure that is not 503 UNAVAILABLE with Retry-After: %d Retry-After=%q %s",
				c.name, res.StatusCode, res.Header.Get("Retry-After"), body)
		}
		return true
	}
	for _, c := range calls {
		if res, body := c.do(0); !c.ok(res, body) {
			t.Fatalf("%s with the database up: %d %s", c.name, res.StatusCode, body)
		}
	}

	// Load: workers loop over every kind of request; the database is cut
	// while they run and restored after enough requests met the outage.
	var done, failures, duringCut atomic.Int64
	var cut atomic.Bool
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c := calls[i%len(calls)]
				res, body := c.do(i)
				if check(c, res, body) {
					failures.Add(1)
				}
				if cut.Load() {
					duringCut.Add(1)
				}
				done.Add(1)
			}
		}()
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for i := 0; i < 3000 && !cond(); i++ {
			time.Sleep(10 * time.Millisecond)
		}
		if !cond() {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
	waitFor("load before the cut", func() bool { return done.Load() >= 24 })
	proxy.setCut(true)
	cut.Store(true)
	waitFor("load during the cut", func() bool { return duringCut.Load() >= 120 })
	cut.Store(false)
	proxy.setCut(false)
	close(stop)
	wg.Wait()
	if failures.Load() == 0 {
		t.Fatal("no request failed while the database was cut off: the outage was not exercised")
	}
	t.Logf("%d requests, %d answered 503 UNAVAILABLE", done.Load(), failures.Load())

	// Restored: every kind of request is served again by the same server.
	for _, c := range calls {
		var res *http.Response
		var body []byte
		waitFor(c.name+" after the restore", func() bool {
			res, body = c.do(0)
			if !c.ok(res, body) {
				t.Logf("%s after the restore: %d %s", c.name, res.StatusCode, body)
				return false
			}
			return true
		})
	}
}

// Defect 11: a request whose deadline passed answered INTERNAL (or an empty
// 200); it is UNAVAILABLE like any other retry-safe failure.
func TestRequestPastDeadlineIsUnavailable(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d, func(o *app.Options) { o.RequestTimeout = time.Nanosecond })
		owner := e.token(authz.Owner, authz.Scope{})
		for _, tok := range []string{"", owner} {
			for _, q := range []string{`{ regions(first: 1) { totalCount } }`, `mutation { login(login: "nobody", password: "nothing") { accessToken } }`} {
				r := e.gql(tok, q)
				if r.Status != http.StatusServiceUnavailable || r.code() != "UNAVAILABLE" {
					t.Errorf("%s (signed in %v): %d %s, want 503 UNAVAILABLE", q, tok != "", r.Status, r.Raw)
				}
			}
		}
		for _, path := range []string{"/export/couriers?format=csv", "/export/dashboard?format=csv&section=headcount", "/files/courier-documents/1", "/acts/X.pdf"} {
			res, body := e.get(path, owner)
			if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
				t.Errorf("%s: %d %s, want 503 with Retry-After", path, res.StatusCode, body)
			}
		}
	})
}
