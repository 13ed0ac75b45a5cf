package webui_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mycourier/mycourier/internal/webui"
)

func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

var build = fstest.MapFS{
	"index.html":          {Data: []byte("<html>admin-ui</html>")},
	"playground.html":     {Data: []byte("<html>graphiql</html>")},
	"assets/index-abc.js": {Data: []byte("console.log(1)")},
}

func TestClientRoutesFallBackToIndex(t *testing.T) {
	h := webui.NewFS(build)
	for _, p := range []string{"/", "/couriers", "/couriers/42/show", "/index.html"} {
		res, body := get(t, h, p)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "admin-ui") {
			t.Errorf("GET %s = %d %q, want index.html", p, res.StatusCode, body)
		}
		if res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s Cache-Control = %q, want no-cache (a new build must show at once)", p, res.Header.Get("Cache-Control"))
		}
	}
}

func TestAssetsAreImmutableAndMissingOnesAre404(t *testing.T) {
	h := webui.NewFS(build)
	res, body := get(t, h, "/assets/index-abc.js")
	if res.StatusCode != http.StatusOK || body != "console.log(1)" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("asset = %d %q cache %q", res.StatusCode, body, res.Header.Get("Cache-Control"))
	}
	// A stale hashed name must not get index.html served as JavaScript.
	if res, _ := get(t, h, "/assets/index-old.js"); res.StatusCode != http.StatusNotFound {
		t.Errorf("missing asset = %d, want 404", res.StatusCode)
	}
}

func TestEveryPageCarriesTheStrictPolicy(t *testing.T) {
	h := webui.NewFS(build)
	for _, p := range []string{"/", "/playground", "/assets/index-abc.js"} {
		res, _ := get(t, h, p)
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-eval") || strings.Contains(strings.SplitN(strings.SplitN(csp, "script-src", 2)[1], ";", 2)[0], "unsafe-inline") {
			t.Errorf("GET %s CSP %q allows inline or eval'd scripts", p, csp)
		}
	}
	if res, body := get(t, h, "/playground"); !strings.Contains(body, "graphiql") {
		t.Errorf("/playground = %d %q, want the bundled GraphiQL page", res.StatusCode, body)
	}
}

func TestWithoutABuildTheRootSaysHowToBuildIt(t *testing.T) {
	h := webui.NewFS(fstest.MapFS{})
	if h.Built() {
		t.Fatal("an empty build reports Built")
	}
	res, body := get(t, h, "/")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "npm run build") || !strings.Contains(body, "make ui") {
		t.Errorf("no build: %d %q", res.StatusCode, body)
	}
}

func TestOnlyGetAndHead(t *testing.T) {
	rec := httptest.NewRecorder()
	webui.NewFS(build).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", rec.Code)
	}
}
