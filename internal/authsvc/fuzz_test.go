package authsvc_test

import (
	"context"
	"errors"
	"testing"

	"github.com/alexedwards/argon2id"

	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
)

// FuzzAuthenticate feeds arbitrary bearer strings to Authenticate: it must
// never panic, and only the two real credentials may authenticate.
func FuzzAuthenticate(f *testing.F) {
	e := newEnv(f, "sqlite3", authsvc.Config{})
	_, tok := e.signIn(f, authz.Manager)
	api := authtest.Token(f, e.svc, authz.Integrator, authz.Scope{})
	for _, s := range []string{tok.AccessToken, api, tok.RefreshToken, "", "mc_", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", api[:len(api)-1] + "A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, bearer string) {
		v, err := e.svc.Authenticate(context.Background(), bearer)
		real := bearer == tok.AccessToken || bearer == api
		switch {
		case err == nil && !real:
			t.Fatalf("Authenticate(%q) = %+v, want ErrInvalidToken", bearer, v)
		case err != nil && real:
			t.Fatalf("Authenticate(real credential) = %v", err)
		case err != nil && !errors.Is(err, authsvc.ErrInvalidToken):
			t.Fatalf("Authenticate(%q): %v, want ErrInvalidToken", bearer, err)
		}
	})
}

// FuzzLogin feeds arbitrary logins and passwords to Login: it must never
// panic, and only the real pair may sign in (logins are case-insensitive
// and trimmed). argon2id is made cheap here — the fuzzer needs thousands of
// attempts in its ten seconds — and throttling is set out of reach, so each
// attempt is judged on its credentials alone.
func FuzzLogin(f *testing.F) {
	saved := *authsvc.PasswordParams
	*authsvc.PasswordParams = argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	f.Cleanup(func() { *authsvc.PasswordParams = saved })
	e := newEnv(f, "sqlite3", authsvc.Config{Throttle: authsvc.ThrottleConfig{
		FreeFailures: 1 << 30, LoginLockout: 1 << 30, AddressLockout: 1 << 30,
	}})
	u := authtest.User(f, e.svc, authz.Owner, authz.Scope{})
	for _, s := range [][2]string{{u.Login, authtest.Password}, {u.Login, ""}, {"", authtest.Password}, {" " + u.Login + " ", authtest.Password}, {u.Login, authtest.Password + " "}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, login, password string) {
		tok, err := e.svc.Login(context.Background(), login, password)
		real := authsvc.NormalizeLogin(login) == u.Login && password == authtest.Password
		switch {
		case err == nil && !real:
			t.Fatalf("Login(%q, %q) signed in as %s", login, password, tok.User.Login)
		case err != nil && real:
			t.Fatalf("Login with the real pair: %v", err)
		case err != nil && !errors.Is(err, authsvc.ErrInvalidCredentials):
			t.Fatalf("Login(%q, %q): %v, want ErrInvalidCredentials", login, password, err)
		}
	})
}
