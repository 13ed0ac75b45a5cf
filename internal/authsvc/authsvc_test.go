package authsvc_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/jwtauth/v5"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// clock is a settable time source for authsvc.Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a sign-in service over a fresh database with a settable clock.
type env struct {
	db    *database.DB
	svc   *authsvc.Service
	clock *clock
}

func newEnv(t testing.TB, d string, cfg authsvc.Config) *env {
	t.Helper()
	db := dbtest.New(t, d)
	c := newClock()
	cfg.Secret = authtest.Secret
	cfg.Now = c.Now
	svc, err := authsvc.New(db.Client, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{db: db, svc: svc, clock: c}
}

// signIn creates a user of role and signs it in.
func (e *env) signIn(t testing.TB, role authz.Role) (*ent.User, *authsvc.Tokens) {
	t.Helper()
	u := authtest.User(t, e.svc, role, authz.Scope{})
	return u, e.login(t, u.Login, authtest.Password)
}

func (e *env) login(t testing.TB, login, password string) *authsvc.Tokens {
	t.Helper()
	tok, err := e.svc.Login(context.Background(), login, password)
	if err != nil {
		t.Fatalf("Login(%q): %v", login, err)
	}
	return tok
}

// viewerCtx authenticates bearer and returns a context acting as it.
func (e *env) viewerCtx(t testing.TB, bearer string) context.Context {
	t.Helper()
	v, err := e.svc.Authenticate(context.Background(), bearer)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	return authz.NewContext(context.Background(), v)
}

// accepts tells whether Authenticate takes bearer; any failure other than
// ErrInvalidToken fails the test.
func (e *env) accepts(t testing.TB, bearer string) bool {
	t.Helper()
	_, err := e.svc.Authenticate(context.Background(), bearer)
	if err != nil && !errors.Is(err, authsvc.ErrInvalidToken) {
		t.Fatalf("Authenticate: %v, want nil or ErrInvalidToken", err)
	}
	return err == nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// claimsOf decodes the payload of a JWT without verifying it.
func claimsOf(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("%q is not a JWS", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// forge builds a JWT with header alg, claims and an HMAC-SHA256 signature
// under key (nil key: empty signature).
func forge(t *testing.T, alg string, claims map[string]any, key []byte) string {
	t.Helper()
	h, _ := json.Marshal(map[string]string{"alg": alg, "typ": "JWT"})
	p, _ := json.Marshal(claims)
	signing := b64(h) + "." + b64(p)
	if key == nil {
		return signing + "."
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(signing))
	return signing + "." + b64(m.Sum(nil))
}

func TestAccessTokenForgeriesAreRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d, authsvc.Config{})
		_, tok := e.signIn(t, authz.Manager)
		if !e.accepts(t, tok.AccessToken) {
			t.Fatal("the genuine access token is refused; the refusals below would prove nothing")
		}
		claims := claimsOf(t, tok.AccessToken)
		// The forger's own claims: the same session, and a genuine HS256
		// signature over them must be accepted (this pins forge itself).
		if !e.accepts(t, forge(t, "HS256", claims, authtest.Secret)) {
			t.Fatal("a correctly signed HS256 token built by forge is refused; forge is broken")
		}
		expired := map[string]any{}
		for k, v := range claims {
			expired[k] = v
		}
		expired["iat"] = e.clock.Now().Add(-2 * time.Hour).Unix()
		expired["exp"] = e.clock.Now().Add(-time.Hour).Unix()
		promoted := map[string]any{}
		for k, v := range claims {
			promoted[k] = v
		}
		promoted["sub"] = "1"
		parts := strings.Split(tok.AccessToken, ".")
		flipped := []byte(parts[2])
		if flipped[0] == 'A' {
			flipped[0] = 'B'
		} else {
			flipped[0] = 'A'
		}
		hs512, err := func() (string, error) {
			_, s, err := jwtauth.New("HS512", authtest.Secret, nil).Encode(claims)
			return s, err
		}()
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ name, token string }{
			{"expired, correctly signed", forge(t, "HS256", expired, authtest.Secret)},
			{"signature bytes tampered", parts[0] + "." + parts[1] + "." + string(flipped)},
			{"claims changed under the old signature", parts[0] + "." + b64(must(json.Marshal(promoted))) + "." + parts[2]},
			{"alg none, no signature", forge(t, "none", claims, nil)},
			{"alg none, original signature", strings.TrimSuffix(forge(t, "none", claims, nil), ".") + "." + parts[2]},
			{"HS512 with the real secret", hs512},
			{"RS256 header over an HMAC of the secret", forge(t, "RS256", claims, authtest.Secret)},
			{"signed with another secret", forge(t, "HS256", claims, []byte("another-secret-another-secret-0123456789"))},
			{"a refresh token used as access token", tok.RefreshToken},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if e.accepts(t, tt.token) {
					t.Errorf("Authenticate accepted %q", tt.token)
				}
			})
		}
		// The clock decides expiry: the genuine token dies after its TTL.
		e.clock.Advance(15*time.Minute + 10*time.Second)
		if e.accepts(t, tok.AccessToken) {
			t.Error("access token accepted after its 15-minute lifetime")
		}
	})
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestRefreshRotatesAndReuseRevokesTheWholeFamily(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d, authsvc.Config{})
		ctx := context.Background()
		_, first := e.signIn(t, authz.Onboarding)
		second, err := e.svc.Refresh(ctx, first.RefreshToken)
		if err != nil {
			t.Fatalf("first refresh: %v", err)
		}
		if second.RefreshToken == first.RefreshToken {
			t.Fatal("refresh did not rotate the refresh token")
		}
		if !e.accepts(t, second.AccessToken) {
			t.Fatal("the rotated access token is refused")
		}
		// The old refresh token shows up again: stolen or replayed.
		if _, err := e.svc.Refresh(ctx, first.RefreshToken); !errors.Is(err, authsvc.ErrInvalidToken) {
			t.Fatalf("reused refresh token: got %v, want ErrInvalidToken", err)
		}
		if _, err := e.svc.Refresh(ctx, second.RefreshToken); !errors.Is(err, authsvc.ErrInvalidToken) {
			t.Errorf("the newer refresh token after reuse of the old one: got %v, want ErrInvalidToken", err)
		}
		for name, tok := range map[string]string{"first": first.AccessToken, "second": second.AccessToken} {
			if e.accepts(t, tok) {
				t.Errorf("%s access token still accepted after the family was revoked", name)
			}
		}
		// Another sign-in of the same user is another family, untouched.
		_, other := e.signIn(t, authz.Onboarding)
		if !e.accepts(t, other.AccessToken) {
			t.Error("an unrelated session was revoked with the family")
		}
	})
}

func TestRefreshTokenExpires(t *testing.T) {
	e := newEnv(t, "sqlite3", authsvc.Config{RefreshTTL: time.Hour})
	_, tok := e.signIn(t, authz.Security)
	e.clock.Advance(time.Hour + time.Second)
	if _, err := e.svc.Refresh(context.Background(), tok.RefreshToken); !errors.Is(err, authsvc.ErrInvalidToken) {
		t.Errorf("expired refresh token: got %v, want ErrInvalidToken", err)
	}
}

func TestDisabledUserIsRefusedWithAStillValidAccessToken(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d, authsvc.Config{})
		u, tok := e.signIn(t, authz.Warehouse)
		off := false
		if _, err := e.svc.UpdateUser(authtest.Sys(), u.ID, authsvc.UserInput{Active: &off}); err != nil {
			t.Fatal(err)
		}
		if e.accepts(t, tok.AccessToken) {
			t.Error("a disabled user's unexpired access token is accepted")
		}
		if _, err := e.svc.Refresh(context.Background(), tok.RefreshToken); !errors.Is(err, authsvc.ErrInvalidToken) {
			t.Errorf("a disabled user's refresh token: got %v, want ErrInvalidToken", err)
		}
		if _, err := e.svc.Login(context.Background(), u.Login, authtest.Password); !errors.Is(err, authsvc.ErrInvalidCredentials) {
			t.Errorf("a disabled user signing in: got %v, want ErrInvalidCredentials", err)
		}
	})
}

func TestAPITokensRevokedOrExpiredAreRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d, authsvc.Config{})
		revoked := authtest.Token(t, e.svc, authz.Integrator, authz.Scope{})
		expiring := authtest.Token(t, e.svc, authz.Integrator, authz.Scope{})
		kept := authtest.Token(t, e.svc, authz.Integrator, authz.Scope{})
		for _, tok := range []string{revoked, expiring, kept} {
			if !strings.HasPrefix(tok, authsvc.APITokenPrefix) || !e.accepts(t, tok) {
				t.Fatalf("fresh API token %q refused or unprefixed", tok)
			}
		}
		v, _ := e.svc.Authenticate(context.Background(), revoked)
		if _, err := e.svc.RevokeAPIToken(authtest.Sys(), v.ID); err != nil {
			t.Fatal(err)
		}
		if e.accepts(t, revoked) {
			t.Error("revoked API token accepted")
		}
		// authtest.Token makes tokens that live an hour.
		e.clock.Advance(59 * time.Minute)
		if !e.accepts(t, expiring) {
			t.Fatal("API token refused before its expiry")
		}
		e.clock.Advance(2 * time.Minute)
		if e.accepts(t, expiring) {
			t.Error("expired API token accepted")
		}
		if e.accepts(t, kept[:len(kept)-1]) || e.accepts(t, kept+"x") {
			t.Error("an API token with a character removed or added is accepted")
		}
	})
}

func TestLogoutEndsTheSessionAndLogoutEverywhereEndsAll(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d, authsvc.Config{})
		u, a := e.signIn(t, authz.Manager)
		b := e.login(t, u.Login, authtest.Password)
		c := e.login(t, u.Login, authtest.Password)

		if err := e.svc.Logout(e.viewerCtx(t, a.AccessToken)); err != nil {
			t.Fatal(err)
		}
		if e.accepts(t, a.AccessToken) {
			t.Error("access token accepted after logout")
		}
		if _, err := e.svc.Refresh(context.Background(), a.RefreshToken); err == nil {
			t.Error("refresh token works after logout")
		}
		if !e.accepts(t, b.AccessToken) || !e.accepts(t, c.AccessToken) {
			t.Fatal("logout ended the user's other sessions too")
		}

		if err := e.svc.LogoutEverywhere(e.viewerCtx(t, b.AccessToken)); err != nil {
			t.Fatal(err)
		}
		for name, tok := range map[string]*authsvc.Tokens{"b": b, "c": c} {
			if e.accepts(t, tok.AccessToken) {
				t.Errorf("session %s: access token accepted after logoutEverywhere", name)
			}
			if _, err := e.svc.Refresh(context.Background(), tok.RefreshToken); err == nil {
				t.Errorf("session %s: refresh works after logoutEverywhere", name)
			}
		}
	})
}

func TestChangePasswordKeepsTheCurrentSessionAndEndsTheOthers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d, authsvc.Config{})
		// A manager: changing one's own password needs no right to edit users.
		u, current := e.signIn(t, authz.Manager)
		other := e.login(t, u.Login, authtest.Password)
		const newPassword = "Another-Staple-Orbit-42"

		err := e.svc.ChangePassword(e.viewerCtx(t, current.AccessToken), "not-the-password", newPassword)
		if err == nil {
			t.Fatal("ChangePassword accepted a wrong current password")
		}
		if err := e.svc.ChangePassword(e.viewerCtx(t, current.AccessToken), authtest.Password, newPassword); err != nil {
			t.Fatalf("ChangePassword: %v", err)
		}
		if !e.accepts(t, current.AccessToken) {
			t.Error("the session that changed the password was ended")
		}
		if e.accepts(t, other.AccessToken) {
			t.Error("another session survived the password change")
		}
		if _, err := e.svc.Login(context.Background(), u.Login, authtest.Password); !errors.Is(err, authsvc.ErrInvalidCredentials) {
			t.Errorf("old password: got %v, want ErrInvalidCredentials", err)
		}
		e.login(t, u.Login, newPassword)
	})
}
