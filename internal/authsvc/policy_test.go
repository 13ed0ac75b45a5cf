package authsvc_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authz"
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
