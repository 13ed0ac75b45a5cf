package securitytest_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// Defect 5: the throttle checked, hashed, then recorded, so 30 parallel
// wrong passwords for one login got 24 password checks. The attempt is now
// booked before hashing: at most the free failures (3 by default) are
// checked, whatever the concurrency. Each password check that fails leaves
// one auth.login_failed event; each refusal an auth.login_throttled one.
func TestParallelWrongLoginsCannotBypassTheThrottle(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		u := authtest.User(t, e.auth, authz.Manager, authz.Scope{})
		const parallel = 30
		var wg sync.WaitGroup
		codes := make([]string, parallel)
		for i := range parallel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.gql("", fmt.Sprintf(`mutation { login(login: %q, password: "wrong-%d") { accessToken } }`, u.Login, i))
				codes[i] = r.code()
			}()
		}
		wg.Wait()
		ctx := authtest.Sys()
		checked, err := e.db.Client.AuditEvent.Query().Where(auditevent.Operation("auth.login_failed")).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		throttled, _ := e.db.Client.AuditEvent.Query().Where(auditevent.Operation("auth.login_throttled")).Count(ctx)
		t.Logf("%d parallel wrong passwords: %d checked, %d throttled", parallel, checked, throttled)
		if checked > 3 {
			t.Errorf("%d passwords were checked; the throttle allows 3", checked)
		}
		if checked+throttled != parallel {
			t.Errorf("%d checked + %d throttled, want %d attempts accounted for (codes %v)", checked, throttled, parallel, codes)
		}
	})
}
