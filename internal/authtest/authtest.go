// Package authtest gives tests real credentials: a sign-in service over a
// test database, API tokens and signed-in users of any role and scope, and
// a system context for writing fixtures.
package authtest

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// Secret signs the tests' access tokens.
var Secret = []byte("test-secret-test-secret-test-secret-0123456789")

// Service returns a sign-in service over db.
func Service(t testing.TB, db *database.DB) *authsvc.Service {
	t.Helper()
	s, err := authsvc.New(db.Client, authsvc.Config{Secret: Secret})
	if err != nil {
		t.Fatalf("authtest: %v", err)
	}
	return s
}

// Sys is a context acting as the system, for writing fixtures.
func Sys() context.Context { return authz.SystemContext(context.Background(), "test") }

// Tx runs fn in a transaction as the system: fixtures go through the same
// hooks (audit, unique guard) as every other write.
func Tx(t testing.TB, db *database.DB, fn func(ctx context.Context, tx *ent.Client) error) {
	t.Helper()
	ctx := Sys()
	if err := database.WithTx(ctx, db.Client, func(tx *ent.Tx) error { return fn(ctx, tx.Client()) }); err != nil {
		t.Fatalf("authtest: fixture: %v", err)
	}
}

var seq atomic.Int64

// Token creates an API token of role with scope and returns its secret.
func Token(t testing.TB, s *authsvc.Service, role authz.Role, scope authz.Scope) string {
	t.Helper()
	secret, _, err := s.CreateAPIToken(Sys(), authsvc.APITokenInput{
		Name:         fmt.Sprintf("test-%s-%d", role, seq.Add(1)),
		Role:         role,
		ExpiresAt:    time.Now().Add(time.Hour),
		PartnerIDs:   scope.Partners,
		RegionIDs:    scope.Regions,
		WarehouseIDs: scope.Warehouses,
	})
	if err != nil {
		t.Fatalf("authtest: token: %v", err)
	}
	return secret
}

// Password is the password of users made by User.
const Password = "Correct-Horse-Battery-7"

// User creates an active user of role with scope and returns it.
func User(t testing.TB, s *authsvc.Service, role authz.Role, scope authz.Scope) *ent.User {
	t.Helper()
	name := fmt.Sprintf("user-%s-%d", role, seq.Add(1))
	u, err := s.CreateUser(Sys(), authsvc.UserInput{
		Login: name, FullName: &name, Role: &role,
		PartnerIDs: &scope.Partners, RegionIDs: &scope.Regions, WarehouseIDs: &scope.Warehouses,
	}, Password)
	if err != nil {
		t.Fatalf("authtest: user: %v", err)
	}
	return u
}

// Bearer sets the Authorization header of r.
func Bearer(r *http.Request, token string) {
	r.Header.Set("Authorization", "Bearer "+token)
}
