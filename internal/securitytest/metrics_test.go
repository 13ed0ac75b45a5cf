package securitytest_test

import (
	"net/http"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/authz"
)

// Weakness: /metrics was open to anyone who reached the API. It is behind
// a bearer token, or left to a separate address (and off the API's).
func TestMetricsNeedTheirTokenOrTheirOwnAddress(t *testing.T) {
	const token = "metrics-token-0123456789-abcdefghijklmnop"
	e := newEnv(t, dialect.SQLite, func(o *app.Options) { o.MetricsToken = token })
	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"wrong token", token + "x", http.StatusUnauthorized},
		{"a user's token", e.token(authz.Owner, authz.Scope{}), http.StatusUnauthorized},
		{"its token", token, http.StatusOK},
	} {
		if res, body := e.get("/metrics", tc.token); res.StatusCode != tc.want {
			t.Errorf("%s: %d %.200s, want %d", tc.name, res.StatusCode, body, tc.want)
		}
	}
	off := newEnv(t, dialect.SQLite, func(o *app.Options) { o.MetricsOff = true })
	if res, _ := off.get("/metrics", ""); res.StatusCode == http.StatusOK {
		t.Errorf("/metrics served on the API's address while it has its own: %d", res.StatusCode)
	}
}
