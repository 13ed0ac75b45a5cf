package authz_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/ent/migrate"
	"github.com/mycourier/mycourier/ent/privacy"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/uniqueguard"
)

var update = flag.Bool("update", false, "rewrite docs/rbac.md's matrix from authz.MatrixMarkdown")

const (
	rbacDoc     = "../../docs/rbac.md"
	matrixBegin = "<!-- matrix:begin (generated: go test ./internal/authz -run RBACDoc -update) -->\n"
	matrixEnd   = "<!-- matrix:end -->"
)

// TestRBACDocShowsTheMatrix keeps docs/rbac.md's table identical to the
// matrix the guard enforces.
func TestRBACDocShowsTheMatrix(t *testing.T) {
	raw, err := os.ReadFile(rbacDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	begin, end := strings.Index(doc, matrixBegin), strings.Index(doc, matrixEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the markers %q … %q", rbacDoc, matrixBegin, matrixEnd)
	}
	got, want := doc[begin+len(matrixBegin):end], authz.MatrixMarkdown()
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(rbacDoc, []byte(doc[:begin+len(matrixBegin)]+want+doc[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's table differs from authz.MatrixMarkdown(); run go test ./internal/authz -run RBACDoc -update\n--- doc\n%s\n--- matrix\n%s", rbacDoc, got, want)
}

// TestMatrixMarkdownMarksExactlyTheAllowedRoles pins the renderer the doc
// test relies on: a ✓ for each allowed role, in the order of Roles.
func TestMatrixMarkdownMarksExactlyTheAllowedRoles(t *testing.T) {
	table := authz.MatrixMarkdown()
	rows := 0
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		rows++
		cells := strings.Split(strings.Trim(line, "|"), "|")
		op := strings.Trim(strings.TrimSpace(cells[0]), "`")
		for i, r := range authz.Roles {
			if got, want := strings.TrimSpace(cells[i+1]) == "✓", authz.Allowed(op, r); got != want {
				t.Errorf("%s/%s: marked %v, allowed %v", op, r, got, want)
			}
		}
	}
	if rows != len(authz.Operations) {
		t.Errorf("%d rows for %d operations", rows, len(authz.Operations))
	}
}

// TestEveryEntityHasAnAccessRule: an entity missing from authz.Entities is
// readable and writable by nobody but the system — fail-safe, but a new
// entity should be a decision, not an accident.
func TestEveryEntityHasAnAccessRule(t *testing.T) {
	for _, tb := range migrate.Tables {
		if len(tb.PrimaryKey) != 1 || tb.PrimaryKey[0].Name != "id" {
			continue // join tables
		}
		typ := uniqueguard.TypeOf(tb.Name)
		_, ruled := authz.Entities[typ]
		_, unguarded := authz.Unguarded[typ]
		if ruled == unguarded {
			t.Errorf("entity %s (table %s) must be in exactly one of authz.Entities (%v) and authz.Unguarded (%v)", typ, tb.Name, ruled, unguarded)
		}
	}
}

// TestEveryAccessRuleIsEnforcedByAPolicy: a rule in authz.Entities that no
// privacy policy reads is a rule nobody enforces (DocumentCounter was one).
// Every entity of the matrix refuses a query without a viewer; every
// entity declared unguarded is really read without one, so a policy added
// later moves it back into the matrix.
func TestEveryAccessRuleIsEnforcedByAPolicy(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		client := reflect.ValueOf(dbtest.New(t, d).Client).Elem()
		ctx := context.Background() // no viewer
		for _, tb := range migrate.Tables {
			if len(tb.PrimaryKey) != 1 || tb.PrimaryKey[0].Name != "id" {
				continue // join tables
			}
			typ := uniqueguard.TypeOf(tb.Name)
			c := client.FieldByName(typ)
			if !c.IsValid() {
				t.Fatalf("ent.Client has no %s", typ)
			}
			q := c.MethodByName("Query").Call(nil)[0]
			out := q.MethodByName("Exist").Call([]reflect.Value{reflect.ValueOf(ctx)})
			err, _ := out[1].Interface().(error)
			_, ruled := authz.Entities[typ]
			switch denied := errors.Is(err, privacy.Deny); {
			case ruled && !denied:
				t.Errorf("%s has a rule in authz.Entities but no privacy policy: a query without a viewer answered (err %v)", typ, err)
			case !ruled && denied:
				t.Errorf("%s is in authz.Unguarded but a privacy policy guards it: move it to authz.Entities", typ)
			case !ruled && err != nil:
				t.Errorf("%s: %v", typ, err)
			}
		}
	})
}

func TestEmptyScopeMeaningIsDecidedForEveryRole(t *testing.T) {
	for _, r := range authz.Roles {
		if _, ok := authz.EmptyScopeMeansAll[r]; !ok {
			t.Errorf("authz.EmptyScopeMeansAll has no entry for %s", r)
		}
	}
	for _, r := range []authz.Role{authz.Owner, authz.Security} {
		if !authz.EmptyScopeMeansAll[r] || !(&authz.Viewer{Role: r, Scope: authz.Scope{Partners: []int{1}}}).Unrestricted() {
			t.Errorf("%s must see everything, with or without a scope", r)
		}
	}
	if (&authz.Viewer{Role: authz.Manager}).Unrestricted() {
		t.Error("a manager without a scope is unrestricted; the issue says an empty scope means none")
	}
}
