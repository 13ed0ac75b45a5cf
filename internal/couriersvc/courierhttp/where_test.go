package courierhttp_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
)

// TestExportWhereIsTheListsWhere sends the same where to couriers(where:)
// and to the export and expects the same couriers, or the same refusal: the
// export decodes its where as GraphQL does, ids as strings or numbers, enums
// as GraphQL spells them, nested not/and/or and edge filters.
func TestExportWhereIsTheListsWhere(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		srv := newServer(t, d)
		owner := srv.token(t, authz.Owner)

		create := func(query string, vars map[string]any) map[string]json.RawMessage {
			t.Helper()
			r := gqlVars(t, srv.url, owner, query, vars)
			if len(r.Errors) > 0 {
				t.Fatalf("%s: %+v", query, r.Errors)
			}
			return r.Data
		}
		id := func(data map[string]json.RawMessage, field string) string {
			t.Helper()
			var n struct{ ID string }
			_ = json.Unmarshal(data[field], &n)
			if n.ID == "" {
				t.Fatalf("%s: no id in %s", field, data[field])
			}
			return n.ID
		}
		partner := func(name string) string {
			return id(create(`mutation($n: String!) { createPartner(input: {name: $n}) { id } }`, map[string]any{"n": name}), "createPartner")
		}
		alpha, beta := partner("Alpha Logistics"), partner("Beta Express")
		courier := func(i int, last, transport, partnerID string) string {
			pin, _ := pinfl.Make(time.Date(1990, 1, 1+i, 0, 0, 0, 0, time.UTC), pinfl.Male, 1000+i)
			input := map[string]any{"lastName": last, "firstName": "Test", "phone": fmt.Sprintf("+99890100%04d", i),
				"pinfl": pin, "transportType": transport}
			if partnerID != "" {
				input["partnerID"] = partnerID
			}
			return id(create(`mutation($in: OnboardCourierInput!) { onboardCourier(input: $in) { id } }`, map[string]any{"in": input}), "onboardCourier")
		}
		c1 := courier(1, "Алиев", "BICYCLE", alpha)
		c2 := courier(2, "Бакиров", "FOOT", alpha)
		c3 := courier(3, "Валиев", "SCOOTER", beta)
		c4 := courier(4, "Гафуров", "FOOT", "")
		number := func(id string) int64 {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				t.Fatalf("id %q is not a number", id)
			}
			return n
		}

		list := func(where string) []string {
			t.Helper()
			r := gqlVars(t, srv.url, owner, `query($w: CourierWhereInput) { couriers(where: $w, first: 100) { edges { node { id } } } }`,
				map[string]any{"w": json.RawMessage(where)})
			if len(r.Errors) > 0 {
				t.Fatalf("couriers(where: %s): %+v", where, r.Errors)
			}
			var conn struct {
				Edges []struct{ Node struct{ ID string } }
			}
			_ = json.Unmarshal(r.Data["couriers"], &conn)
			ids := []string{}
			for _, e := range conn.Edges {
				ids = append(ids, e.Node.ID)
			}
			slices.Sort(ids)
			return ids
		}
		export := func(where string) (int, []string, string) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, srv.url+"/export/couriers?"+url.Values{"format": {"csv"}, "where": {where}}.Encode(), nil)
			res, b := do(t, req, owner)
			if res.StatusCode != http.StatusOK {
				return res.StatusCode, nil, string(b)
			}
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).ReadAll()
			if err != nil || len(rows) == 0 || rows[0][0] != "id" {
				t.Fatalf("export(%s): not a CSV with an id column: %v\n%s", where, err, b)
			}
			ids := []string{}
			for _, row := range rows[1:] {
				ids = append(ids, row[0])
			}
			slices.Sort(ids)
			return res.StatusCode, ids, string(b)
		}
		sorted := func(ids ...string) []string { slices.Sort(ids); return ids }

		for _, tc := range []struct {
			name, where string
			want        []string
		}{
			{"id as a string", fmt.Sprintf(`{"partnerID": %q}`, alpha), sorted(c1, c2)},
			{"id as a number", fmt.Sprintf(`{"partnerID": %d}`, number(alpha)), sorted(c1, c2)},
			{"ids mixed in a list", fmt.Sprintf(`{"idIn": [%q, %d]}`, c1, number(c3)), sorted(c1, c3)},
			{"enum", `{"transportType": "FOOT"}`, sorted(c2, c4)},
			{"enum lists", `{"statusIn": ["NEW"], "transportTypeNotIn": ["FOOT", "SCOOTER"]}`, sorted(c1)},
			{"or with not", fmt.Sprintf(`{"or": [{"partnerID": %q}, {"transportType": "SCOOTER"}], "not": {"lastName": "Бакиров"}}`, alpha), sorted(c1, c3)},
			{"and, nested not", fmt.Sprintf(`{"and": [{"partnerIDIn": [%q, %d]}, {"not": {"transportType": "BICYCLE"}}]}`, alpha, number(beta)), sorted(c2, c3)},
			{"edge filter", `{"hasPartnerWith": [{"nameHasPrefix": "Beta"}]}`, sorted(c3)},
			{"no partner", `{"partnerIDIsNil": true}`, sorted(c4)},
			{"empty", `{}`, sorted(c1, c2, c3, c4)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := list(tc.where)
				if !slices.Equal(got, tc.want) {
					t.Fatalf("couriers(where: %s) = %v, want %v", tc.where, got, tc.want)
				}
				status, ids, body := export(tc.where)
				if status != http.StatusOK || !slices.Equal(ids, got) {
					t.Errorf("export(where: %s): HTTP %d, %v; GraphQL gave %v\n%s", tc.where, status, ids, got, body)
				}
			})
		}

		// What GraphQL refuses the export refuses, naming the field.
		for _, tc := range []struct{ name, where, field string }{
			{"unknown field", `{"partnerID": 1, "nosuchField": 1}`, "nosuchField"},
			{"unknown nested field", `{"or": [{"lastName": "x"}, {"colour": "red"}]}`, "colour"},
			{"bad enum value", `{"transportType": "PLANE"}`, "transportType"},
			{"lower-case enum", `{"transportType": "foot"}`, "transportType"},
			{"id of the wrong type", `{"partnerID": true}`, "partnerID"},
			{"id that is no number", `{"partnerID": "abc"}`, "partnerID"},
			{"not an object", `[1]`, "where"},
		} {
			t.Run("refused/"+tc.name, func(t *testing.T) {
				r := gqlVars(t, srv.url, owner, `query($w: CourierWhereInput) { couriers(where: $w, first: 1) { totalCount } }`,
					map[string]any{"w": json.RawMessage(tc.where)})
				if len(r.Errors) == 0 {
					t.Fatalf("GraphQL accepted where %s", tc.where)
				}
				status, _, body := export(tc.where)
				if status != http.StatusBadRequest || !strings.Contains(body, `"BAD_USER_INPUT"`) || !strings.Contains(body, tc.field) {
					t.Errorf("export(where: %s): HTTP %d, want 400 BAD_USER_INPUT naming %s\n%s", tc.where, status, tc.field, body)
				}
			})
		}
	})
}

// gqlVars posts query with variables.
func gqlVars(t *testing.T, base, token, query string, vars map[string]any) gqlResp {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	_, b := do(t, req, token)
	var r gqlResp
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return r
}
