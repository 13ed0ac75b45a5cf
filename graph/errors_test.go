package graph_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/privacy"
	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/graph"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/logging"
)

// oneError asserts the response carries exactly one error with code and
// returns it.
func oneError(t *testing.T, r response, code string) gqlError {
	t.Helper()
	if len(r.Errors) != 1 {
		t.Fatalf("got %d errors, want 1 %s: %s", len(r.Errors), code, r.Body)
	}
	e := r.Errors[0]
	if got := e.Extensions["code"]; got != code {
		t.Fatalf("extensions.code = %v, want %s: %s", got, code, r.Body)
	}
	return e
}

func fieldsOf(t *testing.T, e gqlError) map[string]any {
	t.Helper()
	f, ok := e.Extensions["fields"].(map[string]any)
	if !ok {
		t.Fatalf("extensions.fields missing: %+v", e.Extensions)
	}
	return f
}

func TestErrors_UnknownIDIsNotFound(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		id := a.createID("createRegion", `{name: "Ташкент", code: "TAS"}`)
		missing := fmt.Sprint(atoi(t, id) + 1000)

		oneError(t, a.post(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": missing}), "NOT_FOUND")
		e := oneError(t, a.post(`mutation($id: ID!) { updateRegion(id: $id, input: {name: "X"}) { id } }`,
			map[string]any{"id": missing}), "NOT_FOUND")
		if e.Message != "region not found" {
			t.Errorf("message = %q, want %q", e.Message, "region not found")
		}
		// An id outside every type's range is just as unknown.
		oneError(t, a.post(`{ node(id: "999999999999999") { id } }`, nil), "NOT_FOUND")
	})
}

func TestErrors_BadInputNamesTheField(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		tests := []struct {
			name, query string
			vars        map[string]any
			field, key  string
		}{
			{"empty required name", `mutation { createRegion(input: {name: "", code: "TAS"}) { id } }`, nil, "name", "validation.tooShort"},
			{"too long code", `mutation { createRegion(input: {name: "Tashkent", code: "TASHKENT-CITY-XYZ"}) { id } }`, nil, "code", "validation.tooLong"},
			{"enum not in list", `mutation($in: CreateEquipmentTypeInput!) { createEquipmentType(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"name": "Bag", "sku": "B1", "category": "spaceship"}}, "category", "validation.invalidValue"},
			{"malformed ID argument", `{ node(id: "abc") { id } }`, nil, "id", "validation.badFormat"},
			{"malformed ID variable", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": "12x"}, "id", "validation.badFormat"},
			{"malformed ID in input", `mutation { createBranch(input: {name: "B", code: "B1", regionID: "zzz"}) { id } }`, nil, "regionID", "validation.badFormat"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := a.post(tt.query, tt.vars)
				e := oneError(t, r, "BAD_USER_INPUT")
				fields := fieldsOf(t, e)
				if _, ok := fields[tt.field]; !ok || len(fields) != 1 {
					t.Errorf("fields = %v, want only %q", fields, tt.field)
				}
				keys, _ := e.Extensions["fieldKeys"].(map[string]any)
				if keys[tt.field] != tt.key {
					t.Errorf("fieldKeys[%s] = %v, want %s", tt.field, keys[tt.field], tt.key)
				}
				if strings.Contains(r.Body, "strconv") || strings.Contains(r.Body, "ent:") {
					t.Errorf("internal text leaked: %s", r.Body)
				}
			})
		}
		// Nothing was written by the rejected mutations.
		if n := a.db.Client.Region.Query().CountX(authtest.Sys()); n != 0 {
			t.Errorf("%d regions written by rejected input", n)
		}
	})
}

func TestErrors_QueryErrorsKeepGqlgenCodes(t *testing.T) {
	a := newAPI(t, "sqlite3")
	oneError(t, a.post(`{ regions { `, nil), "GRAPHQL_PARSE_FAILED")
	oneError(t, a.post(`{ regions { noSuchField } }`, nil), "GRAPHQL_VALIDATION_FAILED")
}

func TestErrors_DuplicateUniqueValueIsConflictNamingTheHolder(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		tas := a.createID("createRegion", `{name: "Ташкент", code: "TAS"}`)
		sam := a.createID("createRegion", `{name: "Самарканд", code: "SAM"}`)

		check := func(r response) {
			t.Helper()
			e := oneError(t, r, "CONFLICT")
			if e.Extensions["field"] != "code" || e.Extensions["entity"] != "Region" || e.Extensions["holderId"] != tas {
				t.Errorf("extensions = %v, want field code, entity Region, holderId %s", e.Extensions, tas)
			}
			if msg, _ := fieldsOf(t, e)["code"].(string); !strings.Contains(msg, tas) {
				t.Errorf("fields.code = %q, want it to name holder %s", msg, tas)
			}
			if e.Extensions["key"] != "error.conflict" || e.Extensions["holderLabel"] != "Ташкент" {
				t.Errorf("key/holderLabel = %v/%v", e.Extensions["key"], e.Extensions["holderLabel"])
			}
		}
		check(a.post(`mutation { createRegion(input: {name: "Другой", code: "TAS"}) { id } }`, nil))
		check(a.post(`mutation($id: ID!) { updateRegion(id: $id, input: {code: "TAS"}) { id } }`, map[string]any{"id": sam}))

		// Saving a record with the value it already holds is not a conflict.
		a.ok(`mutation($id: ID!) { updateRegion(id: $id, input: {code: "TAS", name: "Toshkent"}) { id } }`, map[string]any{"id": tas}, nil)
	})
}

// unguarded hides QueryContext from the unique guard (which then leaves a
// duplicate to the database, as for a driver that cannot run raw queries).
type unguarded struct{ dialect.Driver }

func (d unguarded) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return struct{ dialect.Tx }{tx}, nil
}

// TestErrors_DatabaseUniqueViolationFallsBackToConflict covers the race the
// guard cannot see: the violation comes from the database itself (here a
// client whose driver the guard cannot query), and still becomes CONFLICT
// naming the field.
func TestErrors_DatabaseUniqueViolationFallsBackToConflict(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		db := dbtest.New(t, d)
		ctx := authtest.Sys()
		raw := ent.NewClient(ent.Driver(unguarded{entsql.OpenDB(d, db.SQL)}))
		// create runs one create in its own transaction (audited changes
		// need one) and returns its error.
		create := func(fn func(tx *ent.Client) error) error {
			return database.WithTx(ctx, raw, func(tx *ent.Tx) error { return fn(tx.Client()) })
		}
		if err := create(func(tx *ent.Client) error {
			return tx.Region.Create().SetName("Tashkent").SetCode("TAS").Exec(ctx)
		}); err != nil {
			t.Fatal(err)
		}
		err := create(func(tx *ent.Client) error {
			return tx.Region.Create().SetName("Other").SetCode("TAS").Exec(ctx)
		})
		if !ent.IsConstraintError(err) {
			t.Fatalf("got %v, want a constraint error from the database", err)
		}
		e := graph.Presenter(ctx, err)
		if e.Extensions["code"] != "CONFLICT" || e.Extensions["field"] != "code" || e.Extensions["entity"] != "Region" {
			t.Errorf("presented %v, want CONFLICT on Region.code", e.Extensions)
		}
		if strings.Contains(e.Message, "UNIQUE") || strings.Contains(e.Message, "duplicate key") {
			t.Errorf("driver text leaked: %q", e.Message)
		}

		// A reference to a missing record is the client's input error.
		err = create(func(tx *ent.Client) error {
			return tx.Branch.Create().SetName("B").SetCode("B1").SetRegionID(1 << 40).Exec(ctx)
		})
		if !ent.IsConstraintError(err) {
			t.Fatalf("got %v, want a foreign key violation", err)
		}
		e = graph.Presenter(ctx, err)
		if e.Extensions["code"] != "BAD_USER_INPUT" || e.Extensions["key"] != "error.reference" {
			t.Errorf("presented %v, want BAD_USER_INPUT error.reference", e.Extensions)
		}
		if d == "postgres" {
			// Only PostgreSQL names the failing constraint.
			if f, _ := e.Extensions["fields"].(map[string]any); f["regionID"] == nil {
				t.Errorf("fields = %v, want regionID", e.Extensions["fields"])
			}
		}
	})
}

var leakPattern = regexp.MustCompile(`(?i)select|sql|closed|driver|goroutine|\.go:\d+`)

func TestErrors_InternalErrorHidesTheCauseAndLogsItOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		a.createID("createRegion", `{name: "Ташкент", code: "TAS"}`)
		a.db.SQL.Close()

		r := a.post(`query Regions { regions { totalCount edges { node { code } } } }`, nil)
		e := oneError(t, r, "INTERNAL")
		if e.Message != "internal error" {
			t.Errorf("message = %q, want %q", e.Message, "internal error")
		}
		if leakPattern.MatchString(r.Body) {
			t.Errorf("response leaks internals: %s", r.Body)
		}
		// The real cause is in the log, once, with the request id the client
		// got: that is what an operator greps for.
		log := a.log.String()
		const cause = "sql: database is closed"
		if n := strings.Count(log, cause); n != 1 {
			t.Errorf("cause logged %d times, want 1:\n%s", n, log)
		}
		if r.RequestID == "" || !strings.Contains(log, `"request_id":"`+r.RequestID+`"`) {
			t.Errorf("log lacks request id %q:\n%s", r.RequestID, log)
		}
		// The assertion above can fail: the cause really is in the error,
		// so a presenter passing err.Error() through would put it in the body.
		if strings.Contains(r.Body, cause) {
			t.Errorf("cause %q reached the client", cause)
		}
	})
}

func TestPresenter_MapsTheVocabulary(t *testing.T) {
	var buf bytes.Buffer
	ctx := logging.WithContext(context.Background(), zerolog.New(&buf))
	tests := []struct {
		name    string
		err     error
		code    string
		message string
	}{
		{"forbidden", fmt.Errorf("block: courier[7]: %w", apperr.ErrForbidden), "FORBIDDEN", "you are not allowed to do this"},
		{"unauthenticated", apperr.ErrUnauthenticated, "UNAUTHENTICATED", "sign in to continue"},
		{"insufficient stock", fmt.Errorf("issue: %w", apperr.New(apperr.CodeInsufficientStock, "stock.insufficient", "only 3 left")), "INSUFFICIENT_STOCK", "only 3 left"},
		{"invalid transition", fmt.Errorf("fire: %w", apperr.ErrInvalidTransition), "INVALID_TRANSITION", "this change of status is not allowed"},
		{"rate limited", apperr.ErrRateLimited, "RATE_LIMITED", "too many requests, try again later"},
		{"not found", fmt.Errorf("get: %w", apperr.NotFound{Entity: "Courier", ID: 5}), "NOT_FOUND", "courier 5 not found"},
		{"invalid", fmt.Errorf("onboard: %w", apperr.InvalidField("pinfl", "pinfl.checksum", "check digit does not match")), "BAD_USER_INPUT", "the input is invalid"},
		{"privacy deny", fmt.Errorf("query: %w", privacy.Deny), "FORBIDDEN", "you are not allowed to do this"},
		{"anything else", errors.New("pq: relation \"x\" does not exist"), "INTERNAL", "internal error"},
		{"panic", graph.Recover(ctx, "boom"), "INTERNAL", "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := graph.Presenter(ctx, tt.err)
			if e.Extensions["code"] != tt.code || e.Message != tt.message {
				t.Errorf("got %v %q, want %s %q", e.Extensions["code"], e.Message, tt.code, tt.message)
			}
			if e.Extensions["key"] == nil || e.Extensions["key"] == "" {
				t.Errorf("no message key: %v", e.Extensions)
			}
		})
	}
	e := graph.Presenter(ctx, apperr.InvalidField("pinfl", "pinfl.checksum", "check digit does not match"))
	if f, _ := e.Extensions["fields"].(map[string]any); f["pinfl"] != "check digit does not match" {
		t.Errorf("fields = %v", e.Extensions["fields"])
	}
	log := buf.String()
	if !strings.Contains(log, "boom") || !strings.Contains(log, "stack") {
		t.Errorf("panic not logged with its stack: %s", log)
	}
	if strings.Count(log, "boom") != 1 || strings.Count(log, `relation \"x\"`) != 1 {
		t.Errorf("each internal error must be logged exactly once:\n%s", log)
	}
}
