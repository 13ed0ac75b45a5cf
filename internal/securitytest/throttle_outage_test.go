package securitytest_test

import (
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/ent/loginthrottle"
	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// faultDriver fails, as a dropped connection does, every statement for
// which fail (when set) says so.
type faultDriver struct {
	dialect.Driver
	fail atomic.Pointer[func(query string, args any) bool]
}

var errConnReset = &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}

func (d *faultDriver) broken(query string, args any) bool {
	f := d.fail.Load()
	return f != nil && (*f)(query, args)
}

func (d *faultDriver) Exec(ctx context.Context, query string, args, v any) error {
	if d.broken(query, args) {
		return errConnReset
	}
	return d.Driver.Exec(ctx, query, args, v)
}

func (d *faultDriver) Query(ctx context.Context, query string, args, v any) error {
	if d.broken(query, args) {
		return errConnReset
	}
	return d.Driver.Query(ctx, query, args, v)
}

// hasArg tells whether a statement's arguments include a string for which
// match holds.
func hasArg(args any, match func(string) bool) bool {
	list, _ := args.([]any)
	for _, a := range list {
		if s, ok := a.(string); ok && match(s) {
			return true
		}
	}
	return false
}

// Weakness "sign-in throttle and outages": the throttle books an attempt
// before the password is checked; when the database dropped after the
// booking (the user lookup, or the booking of the second key, failing),
// the booking stayed, and once the database was back a correct password
// got RATE_LIMITED. An attempt that fails for a database reason is now not
// a failed sign-in: it books nothing, or gives its booking back.
func TestSignInsCutOffByTheDatabaseDoNotCountAsFailures(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		fd := &faultDriver{}
		db := dbtest.New(t, d, dbtest.Options{Database: database.Options{Wrap: func(drv dialect.Driver) dialect.Driver {
			fd.Driver = drv
			return fd
		}}})
		// Delays long enough that any leftover booking refuses the next
		// sign-in whenever the test runs.
		auth, err := authsvc.New(db.Client, authsvc.Config{Secret: authtest.Secret, Throttle: authsvc.ThrottleConfig{
			FreeFailures: 2, BaseDelay: time.Hour, MaxDelay: time.Hour}})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(apptest.Handler(t, app.Options{DB: db, Auth: auth, Logger: zerolog.Nop()}))
		t.Cleanup(srv.Close)
		e := &env{t: t, db: db, auth: auth, url: srv.URL}
		u := authtest.User(t, auth, authz.Manager, authz.Scope{})
		login := fmt.Sprintf(`mutation { login(login: %q, password: %q) { accessToken } }`, u.Login, authtest.Password)

		outages := map[string]func(query string, args any) bool{
			"the user lookup fails": func(q string, args any) bool {
				return strings.Contains(q, "users") && hasArg(args, func(s string) bool { return s == u.Login })
			},
			"the address's booking fails after the login's": func(_ string, args any) bool {
				return hasArg(args, func(s string) bool { return strings.HasPrefix(s, "ip:") })
			},
		}
		for name, fail := range outages {
			fd.fail.Store(&fail)
			for i := range 4 {
				if r := e.gql("", login); r.code() != "UNAVAILABLE" {
					t.Fatalf("%s, sign-in %d: %s, want UNAVAILABLE", name, i+1, r.Raw)
				}
			}
			fd.fail.Store(nil)
			if r := e.gql("", login); len(r.Errors) > 0 {
				t.Errorf("%s four times, then the right password: %s", name, r.Raw)
			}
			rows, err := db.Client.LoginThrottle.Query().Where(loginthrottle.FailuresGT(0)).All(authtest.Sys())
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				t.Errorf("%s: %s still counts %d failures", name, r.Key, r.Failures)
			}
		}
		// Real failures still count: two free, then refused.
		wrong := fmt.Sprintf(`mutation { login(login: %q, password: "wrong") { accessToken } }`, u.Login)
		for i, want := range []string{"UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"} {
			if r := e.gql("", wrong); r.code() != want {
				t.Errorf("wrong password %d: %s, want %s", i+1, r.code(), want)
			}
		}
	})
}
