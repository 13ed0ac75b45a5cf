package securitytest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/go-chi/jwtauth/v5"

	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// Weakness: an access token without exp was accepted (the verifier checks
// exp only when it is there), so a token signed without one never expired.
func TestAccessTokenWithoutExpiryIsRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		u := authtest.User(t, e.auth, authz.Owner, authz.Scope{})
		r := e.mustGQL("", fmt.Sprintf(`mutation { login(login: %q, password: %q) { accessToken } }`, u.Login, authtest.Password))
		var p struct{ AccessToken string }
		_ = json.Unmarshal(r.Data["login"], &p)
		ja := jwtauth.New("HS256", authtest.Secret, nil)
		tok, err := jwtauth.VerifyToken(ja, p.AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		sid, _ := tok.Get("sid")
		claims := map[string]any{"sub": tok.Subject(), "sid": sid, "typ": "access", "iat": tok.IssuedAt().Unix()}
		_, forever, err := ja.Encode(claims)
		if err != nil {
			t.Fatal(err)
		}
		// The same claims with exp are a good token: only exp is missing.
		claims["exp"] = tok.Expiration().Unix()
		_, good, _ := ja.Encode(claims)
		if r := e.gql(good, `{ me { id } }`); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("the token with exp: %d %s", r.Status, r.Raw)
		}
		r = e.gql(forever, `{ me { id } }`)
		if r.Status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
			t.Errorf("a token without exp: %d %s, want 401 UNAUTHENTICATED", r.Status, r.Raw)
		}
	})
}
