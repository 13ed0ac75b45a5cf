package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// One request id ties a request's log line, the audit event it wrote and
// the error it answered with: a failed sign-in sent with a caller's
// X-Request-ID finds all three under that id.
func TestRequestIDTiesLogLineAuditEventAndErrorResponse(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		const id = "support-ticket-4711"
		body, _ := json.Marshal(map[string]any{"query": `mutation { login(login: "nobody-here", password: "wrong-password-1") { accessToken } }`})
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Request-ID", id)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var r response
		if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		if got := res.Header.Get("X-Request-ID"); got != id {
			t.Errorf("X-Request-ID header: got %q, want %q", got, id)
		}
		if len(r.Errors) != 1 || r.Errors[0].Extensions["requestId"] != id {
			t.Errorf("error response: want one error with extensions.requestId %q, got %+v", id, r.Errors)
		}

		var events []*ent.AuditEvent
		authtest.Tx(t, a.db, func(ctx context.Context, c *ent.Client) error {
			var err error
			events, err = c.AuditEvent.Query().Where(auditevent.RequestID(id)).All(ctx)
			return err
		})
		if len(events) != 1 || events[0].Operation != "auth.login_failed" {
			t.Errorf("audit events under %q: got %d (%v), want the failed sign-in", id, len(events), events)
		}

		lines := 0
		for _, l := range strings.Split(strings.TrimSpace(a.log.String()), "\n") {
			var entry map[string]any
			if json.Unmarshal([]byte(l), &entry) == nil && entry["request_id"] == id {
				lines++
				if entry["path"] != "/graphql" {
					t.Errorf("log line under %q: %s", id, l)
				}
			}
		}
		if lines != 1 {
			t.Errorf("log lines under %q: got %d, want the request's one line:\n%s", id, lines, a.log.String())
		}
	})
}
