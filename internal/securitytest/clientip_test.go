package securitytest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/ent/loginthrottle"
	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// Weakness: the client address was always the peer's, so behind a reverse
// proxy every sign-in was booked under the proxy's address; believing
// X-Forwarded-For from anyone would let a client pick its own. With
// MYCOURIER_TRUSTED_PROXIES the header is believed from those proxies only,
// and the audit trail and the sign-in throttle use the resolved address.
func TestClientAddressBelievesOnlyTrustedProxies(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		cases := []struct {
			name    string
			trusted []string
			xff     []string
			want    string
		}{
			{"no proxies trusted", nil, []string{"203.0.113.7"}, "127.0.0.1"},
			{"other proxies trusted", []string{"10.0.0.0/8"}, []string{"203.0.113.7"}, "127.0.0.1"},
			{"trusted peer", []string{"127.0.0.0/8"}, []string{"203.0.113.7"}, "203.0.113.7"},
			{"spoofed left of the proxy's hop", []string{"127.0.0.0/8"}, []string{"198.51.100.66, 203.0.113.7"}, "203.0.113.7"},
			{"two trusted hops", []string{"127.0.0.1/32", "10.0.0.0/8"}, []string{"198.51.100.66, 203.0.113.8, 10.1.2.3"}, "203.0.113.8"},
			{"two headers", []string{"127.0.0.0/8"}, []string{"198.51.100.66", "203.0.113.9"}, "203.0.113.9"},
			{"garbage", []string{"127.0.0.0/8"}, []string{"not-an-address"}, "127.0.0.1"},
			{"IPv6 client", []string{"127.0.0.0/8"}, []string{"2001:db8::1"}, "2001:db8::1"},
		}
		db := dbtest.New(t, d)
		for i, tc := range cases {
			var trusted []netip.Prefix
			for _, p := range tc.trusted {
				trusted = append(trusted, netip.MustParsePrefix(p))
			}
			auth, err := authsvc.New(db.Client, authsvc.Config{Secret: authtest.Secret, TrustedProxies: trusted})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(apptest.Handler(t, app.Options{DB: db, Auth: auth, Logger: zerolog.Nop()}))
			login := fmt.Sprintf("nobody-%d", i)
			body, _ := json.Marshal(map[string]any{"query": fmt.Sprintf(`mutation { login(login: %q, password: "wrong-password") { accessToken } }`, login)})
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			for _, h := range tc.xff {
				req.Header.Add("X-Forwarded-For", h)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			srv.Close()
			authtest.Tx(t, db, func(ctx context.Context, c *ent.Client) error {
				ev, err := c.AuditEvent.Query().Where(auditevent.Operation("auth.login_failed")).Order(ent.Desc(auditevent.FieldID)).First(ctx)
				if err != nil {
					return err
				}
				if ev.ClientIP != tc.want {
					t.Errorf("%s: audit client address %q, want %q", tc.name, ev.ClientIP, tc.want)
				}
				if n, err := c.LoginThrottle.Query().Where(loginthrottle.Key("ip:" + tc.want)).Count(ctx); err != nil || n != 1 {
					t.Errorf("%s: no throttle for %s (%v)", tc.name, tc.want, err)
				}
				return nil
			})
		}
	})
}
