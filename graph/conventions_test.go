package graph_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/mycourier/mycourier/ent/apitoken"
	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/courierdebt"
	"github.com/mycourier/mycourier/ent/courierdocument"
	"github.com/mycourier/mycourier/ent/courierstatuschange"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/ent/item"
	"github.com/mycourier/mycourier/ent/kit"
	"github.com/mycourier/mycourier/ent/movement"
	"github.com/mycourier/mycourier/ent/statusreason"
	"github.com/mycourier/mycourier/ent/transfer"
	"github.com/mycourier/mycourier/ent/transferline"
	"github.com/mycourier/mycourier/ent/user"
	"github.com/mycourier/mycourier/ent/webhookdelivery"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// enumCodec is what gqlgen calls on every ent enum value crossing the API.
type enumCodec interface {
	graphql.Marshaler
	graphql.Unmarshaler
}

// entEnums are pointers to every ent enum type the schema binds; the test
// below fails when the schema gains one missing here.
var entEnums = []enumCodec{
	new(apitoken.Role), new(auditevent.ActorKind), new(courier.Gender), new(courier.TransportType),
	new(courier.DocumentStatus), new(courier.Status), new(courierdebt.Status), new(courierdocument.Kind),
	new(courierdocument.Verification), new(courierstatuschange.FromStatus), new(courierstatuschange.ToStatus),
	new(equipmenttype.Category), new(equipmenttype.Tracking), new(item.State), new(item.Condition),
	new(kit.TransportType), new(movement.Kind), new(movement.Condition), new(statusreason.Kind),
	new(transfer.Status), new(transferline.ShortageResolution), new(user.Role), new(webhookdelivery.Status),
}

// Every ent enum is UPPER_SNAKE_CASE in the schema, and each schema name
// reads into a stored lower_snake value and writes back as the same name:
// the generator's mapping covers every value of every enum.
func TestEntEnumsAreUpperSnakeAndRoundTrip(t *testing.T) {
	src, err := os.ReadFile("ent.graphql")
	if err != nil {
		t.Fatal(err)
	}
	doc, gerr := parser.ParseSchema(&ast.Source{Name: "ent.graphql", Input: string(src)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	byModel := map[string]enumCodec{}
	for _, e := range entEnums {
		rt := reflect.TypeOf(e).Elem()
		byModel[rt.PkgPath()+"."+rt.Name()] = e
	}
	seen := 0
	for _, def := range doc.Definitions {
		gm := def.Directives.ForName("goModel")
		if def.Kind != ast.Enum || gm == nil {
			continue
		}
		seen++
		model := gm.Arguments.ForName("model").Value.Raw
		codec, ok := byModel[model]
		if !ok {
			t.Errorf("enum %s (%s) is not in entEnums: add it", def.Name, model)
			continue
		}
		for _, v := range def.EnumValues {
			if v.Name != strings.ToUpper(v.Name) {
				t.Errorf("%s.%s is not UPPER_SNAKE_CASE", def.Name, v.Name)
			}
			fresh := reflect.New(reflect.TypeOf(codec).Elem()).Interface().(enumCodec)
			if err := fresh.UnmarshalGQL(v.Name); err != nil {
				t.Errorf("%s: reading %s: %v", def.Name, v.Name, err)
				continue
			}
			if stored := reflect.ValueOf(fresh).Elem().String(); stored != strings.ToLower(v.Name) {
				t.Errorf("%s.%s is stored as %q, want %q", def.Name, v.Name, stored, strings.ToLower(v.Name))
			}
			var out bytes.Buffer
			fresh.MarshalGQL(&out)
			if out.String() != `"`+v.Name+`"` {
				t.Errorf("%s.%s writes back as %s", def.Name, v.Name, out.String())
			}
			if err := fresh.UnmarshalGQL(strings.ToLower(v.Name)); err == nil {
				t.Errorf("%s accepts the stored spelling %q: only the GraphQL name is API", def.Name, strings.ToLower(v.Name))
			}
		}
	}
	if seen != len(entEnums) {
		t.Errorf("schema binds %d ent enums, entEnums lists %d", seen, len(entEnums))
	}
}

// Date-only values travel as Date ("1990-05-17") in results, inputs and
// where-filters; an instant where a day is expected is refused and creates
// nothing. Enum values are UPPER_SNAKE_CASE both ways, and the stored
// spelling is not accepted.
func TestAPIDatesAndEnumsFollowGraphQLConventions(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		birth := time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)
		pin := pinfl(birth, true, 4242)
		onboard := `mutation($pinfl: String!, $birth: Date) { onboardCourier(input: {lastName: "Каримов", firstName: "Азиз",
			phone: "+998901234567", pinfl: $pinfl, birthDate: $birth, transportType: SCOOTER}) { id birthDate transportType status } }`

		e := oneError(t, a.post(onboard, map[string]any{"pinfl": pin, "birth": "1990-05-17T00:00:00Z"}), "BAD_USER_INPUT")
		if _, ok := fieldsOf(t, e)["birthDate"]; !ok {
			t.Fatalf("an RFC 3339 instant as a Date: want an error on birthDate, got %v", e)
		}
		var none struct{ Couriers struct{ TotalCount int } }
		a.ok(`{ couriers { totalCount } }`, nil, &none)
		if none.Couriers.TotalCount != 0 {
			t.Fatalf("a refused onboarding created %d couriers", none.Couriers.TotalCount)
		}

		var created struct {
			OnboardCourier struct{ ID, BirthDate, TransportType, Status string }
		}
		a.ok(onboard, map[string]any{"pinfl": pin, "birth": "1990-05-17"}, &created)
		c := created.OnboardCourier
		if c.BirthDate != "1990-05-17" || c.TransportType != "SCOOTER" || c.Status != "NEW" {
			t.Fatalf("onboarded courier: got %+v, want birthDate 1990-05-17, SCOOTER, NEW", c)
		}

		var doc struct {
			AddCourierDocument struct{ IssuedAt, ExpiresAt, Kind, Verification string }
		}
		a.ok(`mutation($id: ID!) { addCourierDocument(input: {courierID: $id, kind: DRIVER_LICENSE, number: "AB1234567",
			issuedAt: "2020-01-31", expiresAt: "2030-01-30"}) { issuedAt expiresAt kind verification } }`, map[string]any{"id": c.ID}, &doc)
		if got := doc.AddCourierDocument; got.IssuedAt != "2020-01-31" || got.ExpiresAt != "2030-01-30" || got.Kind != "DRIVER_LICENSE" || got.Verification != "PENDING" {
			t.Fatalf("document: got %+v", got)
		}

		for _, f := range []struct {
			where string
			want  int
		}{
			{`{birthDate: "1990-05-17"}`, 1},
			{`{birthDateGT: "1990-05-17"}`, 0},
			{`{birthDateLT: "1990-05-18", status: NEW, transportTypeIn: [SCOOTER, CAR]}`, 1},
			{`{status: ACTIVE}`, 0},
			{`{hasDocumentsWith: {expiresAtLTE: "2030-01-30", kind: DRIVER_LICENSE}}`, 1},
			{`{hasDocumentsWith: {expiresAtLT: "2030-01-30"}}`, 0},
		} {
			var got struct{ Couriers struct{ TotalCount int } }
			a.ok(`{ couriers(where: `+f.where+`) { totalCount } }`, nil, &got)
			if got.Couriers.TotalCount != f.want {
				t.Errorf("couriers(where: %s): got %d, want %d", f.where, got.Couriers.TotalCount, f.want)
			}
		}

		for name, q := range map[string]struct {
			query string
			vars  map[string]any
		}{
			"stored spelling as a literal":  {`{ couriers(where: {status: new}) { totalCount } }`, nil},
			"stored spelling in a variable": {`query($s: CourierStatus) { couriers(where: {status: $s}) { totalCount } }`, map[string]any{"s": "new"}},
			"instant in a date filter":      {`{ couriers(where: {birthDate: "1990-05-17T00:00:00Z"}) { totalCount } }`, nil},
		} {
			if r := a.post(q.query, q.vars); len(r.Errors) == 0 {
				t.Errorf("%s: accepted: %s", name, r.Body)
			}
		}
	})
}

// /schema.graphql serves the published schema, role directives included, to
// signed-in callers only; a refusal carries the request id.
func TestPublishedSchemaIsServedToSignedInUsers(t *testing.T) {
	a := newAPI(t, dialect.SQLite)
	get := func(bearer string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/schema.graphql", nil)
		if bearer != "" {
			authtest.Bearer(req, bearer)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	want, err := os.ReadFile("../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	res, body := get(a.userToken(authz.Integrator, authz.Scope{}))
	if res.StatusCode != http.StatusOK || body != string(want) || !strings.Contains(body, "@hasRole(roles: [OWNER])") {
		t.Fatalf("signed in: HTTP %d, %d bytes, want the %d bytes of schema.graphql", res.StatusCode, len(body), len(want))
	}
	res, body = get("")
	id := res.Header.Get("X-Request-ID")
	if res.StatusCode != http.StatusUnauthorized || strings.Contains(body, "type Query") || id == "" || !strings.Contains(body, `"requestId":"`+id+`"`) {
		t.Fatalf("anonymous: HTTP %d (request id %q): %s", res.StatusCode, id, body)
	}
}
