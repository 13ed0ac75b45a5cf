package graph_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// TestMutationIsRetriedAfterATransientDatabaseFailure: PostgreSQL refuses a
// mutation's transaction with a real serialization failure (40001) or
// deadlock (40P01), raised by a trigger on couriers for the first n
// updates. The mutation is run again from the start in a new transaction:
// the change is made once and audited once; a document of two mutations
// is repeated whole; a failure that outlasts database.MaxAttempts attempts
// is 503 UNAVAILABLE with Retry-After and changes nothing.
func TestMutationIsRetriedAfterATransientDatabaseFailure(t *testing.T) {
	dbtest.RequirePostgres(t)
	a := newAPI(t, dialect.Postgres)
	raw, err := sql.Open("postgres", a.db.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// A sequence is not transactional: the count of attempts survives the
	// rollbacks the trigger causes.
	exec(`CREATE SEQUENCE retry_probe`)
	failFirst := func(n int, code string) {
		t.Helper()
		exec(`ALTER SEQUENCE retry_probe RESTART`)
		exec(fmt.Sprintf(`CREATE OR REPLACE FUNCTION retry_probe_fail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF nextval('retry_probe') <= %d THEN
		RAISE EXCEPTION 'forced by the test' USING ERRCODE = '%s';
	END IF;
	RETURN NEW;
END $$`, n, code))
	}
	attempts := func() int {
		t.Helper()
		var n int
		var called bool
		if err := raw.QueryRow(`SELECT last_value, is_called FROM retry_probe`).Scan(&n, &called); err != nil {
			t.Fatal(err)
		}
		if !called {
			return 0
		}
		return n
	}

	ref := createRefData(a)
	onboard := func(i int) string {
		var out struct{ OnboardCourier struct{ ID string } }
		a.ok(`mutation($in: OnboardCourierInput!) { onboardCourier(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"lastName": "Ретраев", "firstName": "Исходный", "phone": fmt.Sprintf("+99893100%04d", i),
			"pinfl": pinfl(time.Date(1991, 3, i, 0, 0, 0, 0, time.UTC), true, 7000+i), "transportType": "FOOT", "partnerID": ref.partnerA,
		}}, &out)
		return out.OnboardCourier.ID
	}
	c1, c2 := onboard(1), onboard(2)
	failFirst(0, "40001")
	exec(`CREATE TRIGGER retry_probe BEFORE UPDATE ON couriers FOR EACH ROW EXECUTE FUNCTION retry_probe_fail()`)

	events := func(id string) int {
		t.Helper()
		return a.db.Client.AuditEvent.Query().Where(auditevent.EntityID(atoi(t, id)), auditevent.EntityType("Courier")).CountX(authtest.Sys())
	}
	firstName := func(id string) string {
		t.Helper()
		c, err := a.db.Client.Courier.Get(authtest.Sys(), atoi(t, id))
		if err != nil {
			t.Fatal(err)
		}
		return c.FirstName
	}
	send := func(query string) (int, http.Header, response) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query})
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		authtest.Bearer(req, a.owner)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var r response
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		r.Body = string(b)
		return res.StatusCode, res.Header, r
	}
	update := func(id, name string) string {
		return fmt.Sprintf(`updateCourier(id: %q, input: {firstName: %q}) { id firstName }`, id, name)
	}

	t.Run("serialization failure once", func(t *testing.T) {
		failFirst(1, "40001")
		before := events(c1)
		status, _, r := send(`mutation { ` + update(c1, "Повторённый") + ` }`)
		if status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("HTTP %d: %s", status, r.Body)
		}
		if got := attempts(); got != 2 {
			t.Errorf("the courier update ran %d times, want 2 (one refused, one retried)", got)
		}
		if got := firstName(c1); got != "Повторённый" {
			t.Errorf("first name %q after the retried mutation", got)
		}
		if n := events(c1) - before; n != 1 {
			t.Errorf("%d audit events for one retried update, want 1", n)
		}
	})

	t.Run("deadlock twice in a document of two mutations", func(t *testing.T) {
		failFirst(2, "40P01")
		before1, before2 := events(c1), events(c2)
		status, _, r := send(`mutation { a: ` + update(c1, "Первый") + ` b: ` + update(c2, "Второй") + ` }`)
		if status != http.StatusOK || len(r.Errors) > 0 {
			t.Fatalf("HTTP %d: %s", status, r.Body)
		}
		// Two refused attempts, then the third updates both couriers.
		if got := attempts(); got != 4 {
			t.Errorf("courier updates ran %d times, want 4", got)
		}
		if firstName(c1) != "Первый" || firstName(c2) != "Второй" {
			t.Errorf("first names %q, %q after the retried document", firstName(c1), firstName(c2))
		}
		if n1, n2 := events(c1)-before1, events(c2)-before2; n1 != 1 || n2 != 1 {
			t.Errorf("audit events %d and %d for the two updates, want 1 each", n1, n2)
		}
	})

	t.Run("failure outlasting the retries", func(t *testing.T) {
		failFirst(1000, "40001")
		before, name := events(c1), firstName(c1)
		status, header, r := send(`mutation { ` + update(c1, "Никогда") + ` }`)
		if status != http.StatusServiceUnavailable || header.Get("Retry-After") == "" {
			t.Errorf("HTTP %d, Retry-After %q; want 503 with Retry-After", status, header.Get("Retry-After"))
		}
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UNAVAILABLE" {
			t.Errorf("errors: %s; want one UNAVAILABLE", r.Body)
		}
		if got := attempts(); got != database.MaxAttempts {
			t.Errorf("the mutation ran %d times, want database.MaxAttempts = %d", got, database.MaxAttempts)
		}
		if got := firstName(c1); got != name {
			t.Errorf("first name %q after a refused mutation, want it unchanged (%q)", got, name)
		}
		if n := events(c1) - before; n != 0 {
			t.Errorf("%d audit events for a refused mutation, want 0", n)
		}
	})
}
