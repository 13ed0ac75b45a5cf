package authsvc_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/mycourier/mycourier/ent/apitoken"
	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/ent/session"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

const racers = 8

// raceAll runs f from racers goroutines released at once.
func raceAll(f func(i int) error) []error {
	errs := make([]error, racers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// One refresh token presented by several requests at once: exactly one
// gets new tokens, the others ErrInvalidToken, and the family gains one
// session, not one per racer.
func TestRefreshTokenRotatesOnceUnderConcurrency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d, authsvc.Config{})
		for range 3 {
			u, tok := e.signIn(t, authz.Onboarding)
			errs := raceAll(func(int) error { _, err := e.svc.Refresh(context.Background(), tok.RefreshToken); return err })
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, authsvc.ErrInvalidToken):
					t.Errorf("a loser got %v, want ErrInvalidToken", err)
				}
			}
			if wins != 1 {
				t.Errorf("%d refreshes of one token succeeded, want 1", wins)
			}
			if n := e.db.Client.Session.Query().Where(session.UserID(u.ID)).CountX(authtest.Sys()); n != 2 {
				t.Errorf("%d sessions after the race, want 2 (the first and its one rotation)", n)
			}
		}
	})
}

// One API token revoked by several requests at once: exactly one revokes
// it, the others get CONFLICT apiToken.alreadyRevoked; the first revocation
// time stands and is audited once.
func TestAPITokenRevokedOnceUnderConcurrency(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d, authsvc.Config{})
		secret := authtest.Token(t, e.svc, authz.Integrator, authz.Scope{})
		v, err := e.svc.Authenticate(context.Background(), secret)
		if err != nil {
			t.Fatal(err)
		}
		owner := authtest.User(t, e.svc, authz.Owner, authz.Scope{})
		ctx := authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: owner.ID, Name: owner.Login, Role: authz.Owner})
		errs := raceAll(func(int) error { _, err := e.svc.RevokeAPIToken(ctx, v.ID); return err })
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, authsvc.ErrAPITokenRevoked):
				t.Errorf("a loser got %v, want %v", err, authsvc.ErrAPITokenRevoked)
			}
		}
		if wins != 1 {
			t.Errorf("%d revocations succeeded, want 1", wins)
		}
		if e.accepts(t, secret) {
			t.Error("the revoked token is still accepted")
		}
		first := e.db.Client.ApiToken.Query().Where(apitoken.ID(v.ID)).OnlyX(authtest.Sys()).RevokedAt
		e.clock.Advance(1)
		if _, err := e.svc.RevokeAPIToken(ctx, v.ID); !errors.Is(err, authsvc.ErrAPITokenRevoked) {
			t.Errorf("revoking again: got %v, want %v", err, authsvc.ErrAPITokenRevoked)
		}
		if again := e.db.Client.ApiToken.Query().Where(apitoken.ID(v.ID)).OnlyX(authtest.Sys()).RevokedAt; again == nil || !again.Equal(*first) {
			t.Errorf("revocation time moved from %v to %v", first, again)
		}
		if n := e.db.Client.AuditEvent.Query().Where(auditevent.EntityType("ApiToken"), auditevent.EntityID(v.ID),
			auditevent.Operation("ApiToken.update")).CountX(authtest.Sys()); n != 1 {
			t.Errorf("%d audited revocations, want 1", n)
		}
	})
}
