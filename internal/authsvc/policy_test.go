package authsvc_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/reqinfo"
)

// TestPasswordPolicyAtItsEdges: each rule of the password policy at the
// value where it starts and stops refusing, with the key the UI translates.
func TestPasswordPolicyAtItsEdges(t *testing.T) {
	tests := []struct {
		name, login, pw string
		wantKey         string // "" accepted
	}{
		{"10 characters", "ivanov", "Kx9#mQ2$vL", ""},
		{"9 characters", "ivanov", "Kx9#mQ2$v", "password.tooShort"},
		{"10 Cyrillic letters are 10 characters, not 20 bytes", "ivanov", "Пароль-Кх9", ""},
		{"256 bytes", "ivanov", strings.Repeat("aB3$", 64), ""},
		{"257 bytes", "ivanov", strings.Repeat("aB3$", 64) + "x", "password.tooLong"},
		{"contains the login, any case", "ivanov", "xIVANOV#2024z", "password.containsLogin"},
		{"no login to compare with", "", "Kx9#mQ2$vL", ""},
		{"common", "ivanov", "qwertyuiop", "password.common"},
		{"common with digits and ! appended", "ivanov", "Password123!!", "password.common"},
		{"3 different characters", "ivanov", "aaaabbbbcccc", "password.trivial"},
		{"4 different characters", "ivanov", "aaaabbbbccccd", ""},
	}
	for _, tt := range tests {
		err := authsvc.CheckPasswordPolicy("password", tt.login, tt.pw)
		var inv apperr.Invalid
		got := ""
		if errors.As(err, &inv) {
			got = inv.Fields["password"].Key
		}
		if got != tt.wantKey || (err == nil) != (tt.wantKey == "") {
			t.Errorf("%s: CheckPasswordPolicy(%q) = %v (key %q), want key %q", tt.name, tt.pw, err, got, tt.wantKey)
		}
	}
}

func TestNewRefusesASecretShorterThan32Bytes(t *testing.T) {
	if _, err := authsvc.New(nil, authsvc.Config{Secret: []byte(strings.Repeat("s", 31))}); !errors.Is(err, authsvc.ErrWeakSecret) {
		t.Errorf("31-byte secret: %v, want %v", err, authsvc.ErrWeakSecret)
	}
	if _, err := authsvc.New(nil, authsvc.Config{Secret: []byte(strings.Repeat("s", 32))}); err != nil {
		t.Errorf("32-byte secret: %v, want accepted", err)
	}
}

// TestTokenLifetimes: an access token lasts 15 minutes and a refresh token
// 30 days unless configured; configured lifetimes are kept.
func TestTokenLifetimes(t *testing.T) {
	e := newEnv(t, "sqlite3", authsvc.Config{})
	start := e.clock.Now()
	_, tok := e.signIn(t, authz.Security)
	if want := start.Add(15 * time.Minute); !tok.ExpiresAt.Equal(want) {
		t.Errorf("default access token expires at %v, want %v (15 minutes)", tok.ExpiresAt, want)
	}
	e.clock.Advance(30*24*time.Hour - time.Minute)
	tok, err := e.svc.Refresh(context.Background(), tok.RefreshToken)
	if err != nil {
		t.Fatalf("refresh token 1 minute before 30 days: %v, want accepted", err)
	}
	e.clock.Advance(30*24*time.Hour + time.Second)
	if _, err := e.svc.Refresh(context.Background(), tok.RefreshToken); !errors.Is(err, authsvc.ErrInvalidToken) {
		t.Errorf("refresh token after 30 days: %v, want %v", err, authsvc.ErrInvalidToken)
	}

	e = newEnv(t, "sqlite3", authsvc.Config{AccessTTL: time.Hour})
	start = e.clock.Now()
	if _, tok := e.signIn(t, authz.Security); !tok.ExpiresAt.Equal(start.Add(time.Hour)) {
		t.Errorf("configured access token expires at %v, want %v (1 hour)", tok.ExpiresAt, start.Add(time.Hour))
	}
}

// TestAccessTokenToleratesAFewSecondsOfClockSkew: instances' clocks differ
// by a little, so an access token is still taken just after it expires
// (up to 5 seconds), and not later.
func TestAccessTokenToleratesAFewSecondsOfClockSkew(t *testing.T) {
	e := newEnv(t, "sqlite3", authsvc.Config{AccessTTL: time.Minute})
	_, tok := e.signIn(t, authz.Security)
	e.clock.Advance(time.Minute + 3*time.Second)
	if !e.accepts(t, tok.AccessToken) {
		t.Error("access token 3 s after expiry refused, want accepted (clock skew)")
	}
	e.clock.Advance(4 * time.Second)
	if e.accepts(t, tok.AccessToken) {
		t.Error("access token 7 s after expiry accepted, want refused")
	}
}

// TestAPITokenLastUseIsKeptToTheMinute: the first use is recorded, uses
// within a minute of the recorded one are not written again, a later use is;
// the touch is bookkeeping and leaves no audit event.
func TestAPITokenLastUseIsKeptToTheMinute(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d, authsvc.Config{})
		secret := authtest.Token(t, e.svc, authz.Integrator, authz.Scope{})
		events := func() int {
			t.Helper()
			return e.db.Client.AuditEvent.Query().Where(auditevent.EntityType("ApiToken")).CountX(authtest.Sys())
		}
		created := events()
		lastUsed := func() time.Time {
			t.Helper()
			v, err := e.svc.Authenticate(context.Background(), secret)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := e.db.Client.ApiToken.Get(authtest.Sys(), v.ID)
			if err != nil || tok.LastUsedAt == nil {
				t.Fatalf("token %d: %v, last used %v", v.ID, err, tok)
			}
			return *tok.LastUsedAt
		}
		near := func(a, b time.Time) bool { return a.Sub(b).Abs() < time.Millisecond }
		first := e.clock.Now()
		if got := lastUsed(); !near(got, first) {
			t.Errorf("first use recorded at %v, want %v", got, first)
		}
		e.clock.Advance(30 * time.Second)
		if got := lastUsed(); !near(got, first) {
			t.Errorf("use 30 s later rewrote last use to %v, want it kept at %v", got, first)
		}
		e.clock.Advance(time.Minute)
		if got, want := lastUsed(), e.clock.Now(); !near(got, want) {
			t.Errorf("use 90 s later: last use %v, want %v", got, want)
		}
		if n := events(); n != created {
			t.Errorf("ApiToken audit events: %d after three uses, want %d (a use is not a change)", n, created)
		}
		// The escape covers the touch alone: a change riding along with it
		// is still refused outside a transaction.
		v, err := e.svc.Authenticate(context.Background(), secret)
		if err != nil {
			t.Fatal(err)
		}
		err = e.db.Client.ApiToken.UpdateOneID(v.ID).SetLastUsedAt(e.clock.Now()).SetName("renamed").Exec(authtest.Sys())
		if !errors.Is(err, audit.ErrNoTransaction) {
			t.Errorf("last use and a new name outside a transaction: %v, want audit.ErrNoTransaction", err)
		}
	})
}

// TestAPITokenSeesFullPersonalDataByRoleOrGrant: a token of a role that sees
// full PINFL sees it; an integrator token only when granted.
func TestAPITokenSeesFullPersonalDataByRoleOrGrant(t *testing.T) {
	e := newEnv(t, "sqlite3", authsvc.Config{})
	for role, want := range map[authz.Role]bool{authz.Manager: true, authz.Integrator: false, authz.Warehouse: false} {
		v, err := e.svc.Authenticate(context.Background(), authtest.Token(t, e.svc, role, authz.Scope{}))
		if err != nil || v.PII != want {
			t.Errorf("%s token: PII %v (%v), want %v", role, v.PII, err, want)
		}
	}
}

// TestDefaultLockoutLastsFifteenMinutes: with the default throttle, the
// tenth failure in a row locks the login for 15 minutes.
func TestDefaultLockoutLastsFifteenMinutes(t *testing.T) {
	e := newEnv(t, "sqlite3", authsvc.Config{})
	ctx := context.Background()
	u := authtest.User(t, e.svc, authz.Manager, authz.Scope{})
	for failures := 0; failures < 10; {
		_, err := e.svc.Login(ctx, u.Login, "wrong-password-123")
		var ae *apperr.Error
		switch {
		case errors.Is(err, authsvc.ErrInvalidCredentials):
			failures++
		case errors.As(err, &ae) && ae.Key == "auth.tooManyAttempts":
			e.clock.Advance(time.Duration(ae.Details["retryAfterSeconds"].(int)) * time.Second)
		default:
			t.Fatalf("after %d failures: %v", failures, err)
		}
	}
	_, err := e.svc.Login(ctx, u.Login, authtest.Password)
	if secs := rateLimit(t, err, "auth.locked"); secs != 15*60 {
		t.Errorf("locked for %d s, want %d", secs, 15*60)
	}
}

// TestFailuresCountForExactlyTheWindow: a failure counts towards the
// lockout until it is older than Window.
func TestFailuresCountForExactlyTheWindow(t *testing.T) {
	for _, tt := range []struct {
		after  time.Duration
		locked bool
	}{
		{10 * time.Minute, true},
		{10*time.Minute + time.Second, false},
	} {
		e := newEnv(t, "sqlite3", authsvc.Config{Throttle: authsvc.ThrottleConfig{
			FreeFailures: 5, LoginLockout: 2, AddressLockout: 1000, Window: 10 * time.Minute,
		}})
		ctx := context.Background()
		u := authtest.User(t, e.svc, authz.Manager, authz.Scope{})
		for range 2 {
			if _, err := e.svc.Login(ctx, u.Login, "wrong-password-123"); !errors.Is(err, authsvc.ErrInvalidCredentials) {
				t.Fatalf("failure: %v, want ErrInvalidCredentials", err)
			}
			e.clock.Advance(tt.after)
		}
		_, err := e.svc.Login(ctx, u.Login, authtest.Password)
		if tt.locked {
			rateLimit(t, err, "auth.locked")
		} else if err != nil {
			t.Errorf("second failure %v after the first: %v, want it to count alone (no lockout)", tt.after, err)
		}
	}
}

// TestSuccessfulSignInsDoNotAddUpAgainstTheirAddress: every attempt books a
// failure against its address before the password is checked; a successful
// one gives it back, so an office signing in all day is never locked out.
func TestSuccessfulSignInsDoNotAddUpAgainstTheirAddress(t *testing.T) {
	e := newEnv(t, "sqlite3", authsvc.Config{Throttle: authsvc.ThrottleConfig{
		FreeFailures: 100, LoginLockout: 100, AddressLockout: 3, LockoutFor: time.Minute,
	}})
	office := reqinfo.With(context.Background(), reqinfo.Info{ClientIP: "203.0.113.9"})
	u := authtest.User(t, e.svc, authz.Manager, authz.Scope{})
	if _, err := e.svc.Login(office, u.Login, "wrong-password-123"); !errors.Is(err, authsvc.ErrInvalidCredentials) {
		t.Fatalf("wrong password: %v, want ErrInvalidCredentials", err)
	}
	for i := range 5 {
		if _, err := e.svc.Login(office, u.Login, authtest.Password); err != nil {
			t.Fatalf("sign-in %d from the office: %v, want accepted", i+1, err)
		}
	}
}

// TestCreateUserKeepsItsScopeAndRefusesAWeakPassword: the partners,
// regions and warehouses a user is created with are the scope they sign in
// with; a user created without lists has none; a password the policy
// refuses creates no user and names the field.
func TestCreateUserKeepsItsScopeAndRefusesAWeakPassword(t *testing.T) {
	e := newEnv(t, "sqlite3", authsvc.Config{})
	sys := authtest.Sys()
	c := e.db.Client
	var region, partner, wh int
	authtest.Tx(t, e.db, func(ctx context.Context, c *ent.Client) error {
		region = c.Region.Create().SetName("Ташкент").SetCode("TAS").SaveX(ctx).ID
		partner = c.Partner.Create().SetName("Партнёр").SaveX(ctx).ID
		branch := c.Branch.Create().SetName("Филиал").SetCode("TAS-1").SetRegionID(region).SaveX(ctx)
		wh = c.Warehouse.Create().SetName("Склад").SetCode("W1").SetBranchID(branch.ID).SaveX(ctx).ID
		return nil
	})

	scoped := authtest.User(t, e.svc, authz.Manager, authz.Scope{Partners: []int{partner}, Regions: []int{region}, Warehouses: []int{wh}})
	v, err := e.svc.Authenticate(context.Background(), e.login(t, scoped.Login, authtest.Password).AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	want := authz.Scope{Partners: []int{partner}, Regions: []int{region}, Warehouses: []int{wh}}
	if !slices.Equal(v.Scope.Partners, want.Partners) || !slices.Equal(v.Scope.Regions, want.Regions) || !slices.Equal(v.Scope.Warehouses, want.Warehouses) {
		t.Errorf("signed-in scope %+v, want %+v", v.Scope, want)
	}

	name, role := "Без области", authz.Owner
	if _, err := e.svc.CreateUser(sys, authsvc.UserInput{Login: "no-scope", FullName: &name, Role: &role}, authtest.Password); err != nil {
		t.Errorf("user without scope lists: %v, want created", err)
	}

	_, err = e.svc.CreateUser(sys, authsvc.UserInput{Login: "weak", FullName: &name, Role: &role}, "short")
	if inv, ok := apperr.As[apperr.Invalid](err); !ok || inv.Fields["password"].Key != "password.tooShort" {
		t.Errorf("weak password: %v, want password.tooShort on field password", err)
	}
	if n := c.User.Query().CountX(sys); n != 2 {
		t.Errorf("%d users, want 2 (the weak password created none)", n)
	}
}

// TestDisablingAUserEndsTheirSessionsAndOtherEditsDoNot: a user disabled and
// enabled again must sign in afresh (their refresh tokens were revoked); a
// rename leaves their sessions alone.
func TestDisablingAUserEndsTheirSessionsAndOtherEditsDoNot(t *testing.T) {
	e := newEnv(t, "sqlite3", authsvc.Config{})
	sys, ctx := authtest.Sys(), context.Background()
	u, tok := e.signIn(t, authz.Warehouse)
	name := "Новое имя"
	if _, err := e.svc.UpdateUser(sys, u.ID, authsvc.UserInput{FullName: &name}); err != nil {
		t.Fatal(err)
	}
	tok, err := e.svc.Refresh(ctx, tok.RefreshToken)
	if err != nil {
		t.Fatalf("refresh after a rename: %v, want accepted", err)
	}
	off, on := false, true
	for _, active := range []*bool{&off, &on} {
		if _, err := e.svc.UpdateUser(sys, u.ID, authsvc.UserInput{Active: active}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.Refresh(ctx, tok.RefreshToken); !errors.Is(err, authsvc.ErrInvalidToken) {
		t.Errorf("refresh token from before the user was disabled: %v, want %v", err, authsvc.ErrInvalidToken)
	}
	e.login(t, u.Login, authtest.Password)
}

// TestAPITokenRecordsTheUserWhoCreatedIt: made by a signed-in user, the
// token names them; made by mycourier itself (CLI), nobody.
func TestAPITokenRecordsTheUserWhoCreatedIt(t *testing.T) {
	e := newEnv(t, "sqlite3", authsvc.Config{})
	_, tok := e.signIn(t, authz.Owner)
	in := authsvc.APITokenInput{Name: "1C", Role: authz.Integrator, ExpiresAt: e.clock.Now().Add(time.Hour)}
	owner := e.viewerCtx(t, tok.AccessToken)
	_, byUser, err := e.svc.CreateAPIToken(owner, in)
	if err != nil {
		t.Fatal(err)
	}
	if v := authz.FromContext(owner); byUser.CreatedByID == nil || *byUser.CreatedByID != v.ID {
		t.Errorf("token made by user %d records creator %v", v.ID, byUser.CreatedByID)
	}
	in.Name = "CLI"
	_, bySystem, err := e.svc.CreateAPIToken(authtest.Sys(), in)
	if err != nil {
		t.Fatal(err)
	}
	if bySystem.CreatedByID != nil {
		t.Errorf("token made by the system records creator %d, want none", *bySystem.CreatedByID)
	}
}
