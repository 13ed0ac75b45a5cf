package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// api is the real HTTP handler over a fresh database, with its log captured.
// Requests carry an owner's API token unless sent with postAs.
type api struct {
	t     *testing.T
	db    *database.DB
	srv   *httptest.Server
	log   *syncBuffer
	auth  *authsvc.Service
	owner string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newAPI(t *testing.T, d string) *api {
	t.Helper()
	db := dbtest.New(t, d)
	return newAPIWith(t, db, authtest.Service(t, db))
}

// newAPIWith serves db with the sign-in service svc.
func newAPIWith(t *testing.T, db *database.DB, svc *authsvc.Service) *api {
	t.Helper()
	log := &syncBuffer{}
	h := apptest.Handler(t, app.Options{DB: db, Logger: zerolog.New(log), Auth: svc})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &api{t: t, db: db, srv: srv, log: log, auth: svc, owner: authtest.Token(t, svc, authz.Owner, authz.Scope{})}
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data      json.RawMessage `json:"data"`
	Errors    []gqlError      `json:"errors"`
	Body      string          `json:"-"`
	Status    int             `json:"-"`
	RequestID string          `json:"-"`
}

// post sends a GraphQL request as the owner and returns the decoded response.
func (a *api) post(query string, vars map[string]any) response {
	a.t.Helper()
	return a.postAs(a.owner, query, vars)
}

// postAs sends a GraphQL request with bearer (none when empty) and returns
// the decoded response, whatever its HTTP status.
func (a *api) postAs(bearer, query string, vars map[string]any) response {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		authtest.Bearer(req, bearer)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("post: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		a.t.Fatalf("decode %s: %v", raw, err)
	}
	r.Body = string(raw)
	r.Status = res.StatusCode
	r.RequestID = res.Header.Get("X-Request-ID")
	return r
}

// ok posts and fails the test on any error, decoding data into out.
func (a *api) ok(query string, vars map[string]any, out any) {
	a.t.Helper()
	r := a.post(query, vars)
	if len(r.Errors) > 0 {
		a.t.Fatalf("unexpected errors: %s", r.Body)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			a.t.Fatalf("decode data %s: %v", r.Data, err)
		}
	}
}

// createID runs a create mutation and returns the new node's id.
func (a *api) createID(mutation, input string) string {
	a.t.Helper()
	var out map[string]struct{ ID string }
	a.ok(fmt.Sprintf(`mutation { %s(input: %s) { id } }`, mutation, input), nil, &out)
	return out[mutation].ID
}

// pinfl builds a valid PINFL: century/sex digit, birth date DDMMYY, six
// digits, and the check digit (weights 7,3,1 repeating, modulo 10).
func pinfl(birth time.Time, male bool, serial int) string {
	first := 3
	if birth.Year() >= 2000 {
		first = 5
	}
	if !male {
		first++
	}
	s := fmt.Sprintf("%d%s%06d", first, birth.Format("020106"), serial)
	weights := []int{7, 3, 1}
	sum := 0
	for i, r := range s {
		sum += int(r-'0') * weights[i%3]
	}
	return s + fmt.Sprint(sum%10)
}

type refData struct {
	regionTAS, regionSAM, branchA, branchB, warehouse, partnerA, partnerB, equipment string
}

func createRefData(a *api) refData {
	var r refData
	r.regionTAS = a.createID("createRegion", `{name: "Ташкент", code: "TAS"}`)
	r.regionSAM = a.createID("createRegion", `{name: "Самарканд", code: "SAM"}`)
	r.branchA = a.createID("createBranch", fmt.Sprintf(`{name: "Юнусабад", code: "TAS-YU", regionID: %q}`, r.regionTAS))
	r.branchB = a.createID("createBranch", fmt.Sprintf(`{name: "Самарканд центр", code: "SAM-C", regionID: %q}`, r.regionSAM))
	r.warehouse = a.createID("createWarehouse", fmt.Sprintf(`{name: "Склад Юнусабад", code: "WH-YU", branchID: %q}`, r.branchA))
	r.partnerA = a.createID("createPartner", `{name: "Express Logistics", inn: "301234567"}`)
	r.partnerB = a.createID("createPartner", `{name: "Tez Yetkazish"}`)
	r.equipment = a.createID("createEquipmentType", `{name: "Термосумка", sku: "BAG-THERMO", category: BAG}`)
	return r
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

var lastNames = []string{"Алимов", "Бакиров", "Валиев", "Газиев", "Давлатов", "Ergashev", "Жураев", "Зокиров", "Исмоилов", "Каримов", "Латипов", "Махмудов", "Назаров", "Олимов", "Пулатов", "Рахимов", "Сафаров", "Тошев", "Umarov", "Фозилов", "Хакимов", "Чориев", "Шарипов", "Юсупов", "Ёдгоров"}

type seededCourier struct {
	id       int
	lastName string
	status   courier.Status
	partner  string
}

// insertCouriers writes couriers with the ent client, as the system in one
// transaction: there is no onboard mutation yet.
func insertCouriers(t *testing.T, db *database.DB, ref refData) []seededCourier {
	t.Helper()
	var out []seededCourier
	authtest.Tx(t, db, func(ctx context.Context, tx *ent.Client) error {
		out = insertCouriersTx(t, ctx, tx, ref)
		return nil
	})
	return out
}

func insertCouriersTx(t *testing.T, ctx context.Context, client *ent.Client, ref refData) []seededCourier {
	t.Helper()
	statuses := []courier.Status{courier.StatusActive, courier.StatusNew, courier.StatusActive, courier.StatusBlocked}
	var out []seededCourier
	for i, ln := range lastNames {
		partner, branch := ref.partnerA, ref.branchA
		if i%3 == 2 {
			partner, branch = ref.partnerB, ref.branchB
		}
		birth := time.Date(1985+i%15, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		c, err := client.Courier.Create().
			SetLastName(ln).
			SetFirstName("Азиз").
			SetPhone(fmt.Sprintf("+99890%07d", 1000000+i)).
			SetPinfl(pinfl(birth, true, 100+i)).
			SetBirthDate(birth).
			SetTransportType(courier.TransportTypeScooter).
			SetStatus(statuses[i%len(statuses)]).
			SetPartnerID(atoi(t, partner)).
			SetBranchID(atoi(t, branch)).
			Save(ctx)
		if err != nil {
			t.Fatalf("insert courier %d: %v", i, err)
		}
		out = append(out, seededCourier{id: c.ID, lastName: ln, status: c.Status, partner: partner})
	}
	return out
}

type courierPage struct {
	Couriers struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
		Edges []struct {
			Node struct {
				ID       string
				LastName string
				Status   string
				Partner  struct{ ID, Name string }
				Branch   struct {
					Name   string
					Region struct{ Code string }
				}
			}
		}
	}
}

const couriersQuery = `query Couriers($first: Int, $after: Cursor, $where: CourierWhereInput, $order: CourierOrder) {
  couriers(first: $first, after: $after, where: $where, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id lastName status partner { id name } branch { name region { code } } } }
  }
}`

func TestE2E_CouriersFilterOrderPaginateWithNestedEdges(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		ref := createRefData(a)
		seeded := insertCouriers(t, a.db, ref)

		// Expected: active couriers of partner A, by last name (byte order,
		// which both databases use for these strings).
		var want []string
		for _, c := range seeded {
			if c.status == courier.StatusActive && c.partner == ref.partnerA {
				want = append(want, c.lastName)
			}
		}
		sort.Strings(want)
		if len(want) < 6 {
			t.Fatalf("fixture has %d matching couriers; need several pages", len(want))
		}

		where := map[string]any{"status": "ACTIVE", "partnerID": ref.partnerA}
		order := map[string]any{"field": "LAST_NAME", "direction": "ASC"}
		var got []string
		var after any
		pages := 0
		for {
			var p courierPage
			a.ok(couriersQuery, map[string]any{"first": 3, "after": after, "where": where, "order": order}, &p)
			pages++
			if p.Couriers.TotalCount != len(want) {
				t.Fatalf("page %d: totalCount = %d, want %d", pages, p.Couriers.TotalCount, len(want))
			}
			if len(p.Couriers.Edges) > 3 {
				t.Fatalf("page %d has %d edges, want at most 3", pages, len(p.Couriers.Edges))
			}
			for _, e := range p.Couriers.Edges {
				n := e.Node
				if n.Status != "ACTIVE" || n.Partner.ID != ref.partnerA || n.Partner.Name != "Express Logistics" {
					t.Errorf("courier %s: status %s partner %+v; filter not applied", n.LastName, n.Status, n.Partner)
				}
				if n.Branch.Name != "Юнусабад" || n.Branch.Region.Code != "TAS" {
					t.Errorf("courier %s: branch %+v; nested edge wrong", n.LastName, n.Branch)
				}
				got = append(got, n.LastName)
			}
			if !p.Couriers.PageInfo.HasNextPage {
				break
			}
			after = *p.Couriers.PageInfo.EndCursor
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("paged couriers = %v, want %v", got, want)
		}
		if wantPages := (len(want) + 2) / 3; pages != wantPages {
			t.Errorf("pages = %d, want %d", pages, wantPages)
		}

		// Descending order, another filter, one page.
		var p courierPage
		a.ok(couriersQuery, map[string]any{"first": 50, "where": map[string]any{"partnerID": ref.partnerB},
			"order": map[string]any{"field": "LAST_NAME", "direction": "DESC"}}, &p)
		var gotB, wantB []string
		for _, c := range seeded {
			if c.partner == ref.partnerB {
				wantB = append(wantB, c.lastName)
			}
		}
		sort.Sort(sort.Reverse(sort.StringSlice(wantB)))
		for _, e := range p.Couriers.Edges {
			gotB = append(gotB, e.Node.LastName)
		}
		if !slices.Equal(gotB, wantB) || p.Couriers.TotalCount != len(wantB) {
			t.Errorf("partner B couriers DESC = %v (total %d), want %v", gotB, p.Couriers.TotalCount, wantB)
		}
	})
}

func TestE2E_NodeAndNodesLookups(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		ref := createRefData(a)
		seeded := insertCouriers(t, a.db, ref)
		cid := fmt.Sprint(seeded[0].id)

		var one struct {
			Node struct {
				Typename string `json:"__typename"`
				ID       string
				LastName string
				Partner  struct{ Name string }
			}
		}
		a.ok(`query($id: ID!) { node(id: $id) { __typename id ... on Courier { lastName partner { name } } } }`,
			map[string]any{"id": cid}, &one)
		if one.Node.Typename != "Courier" || one.Node.ID != cid || one.Node.LastName != seeded[0].lastName || one.Node.Partner.Name != "Express Logistics" {
			t.Errorf("node(%s) = %+v", cid, one.Node)
		}

		var many struct {
			Nodes []struct {
				Typename string `json:"__typename"`
				ID       string
				Code     string
				Name     string
			}
		}
		a.ok(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Region { code } ... on Partner { name } ... on Warehouse { code } } }`,
			map[string]any{"ids": []string{ref.regionSAM, ref.partnerB, ref.warehouse}}, &many)
		type tn struct{ typ, id, label string }
		var got []tn
		for _, n := range many.Nodes {
			got = append(got, tn{n.Typename, n.ID, n.Code + n.Name})
		}
		want := []tn{{"Region", ref.regionSAM, "SAM"}, {"Partner", ref.partnerB, "Tez Yetkazish"}, {"Warehouse", ref.warehouse, "WH-YU"}}
		if !slices.Equal(got, want) {
			t.Errorf("nodes = %+v, want %+v", got, want)
		}
	})
}

func TestE2E_UpdateMutationsPersist(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		ref := createRefData(a)

		var up struct {
			UpdateRegion  struct{ ID, Name, Code string }
			UpdatePartner struct {
				Name         string
				ContactPhone *string
			}
			UpdateBranch struct{ Region struct{ Code string } }
		}
		a.ok(`mutation($r: ID!, $p: ID!, $b: ID!, $sam: ID!) {
			updateRegion(id: $r, input: {name: "Toshkent", code: "TSH"}) { id name code }
			updatePartner(id: $p, input: {name: "Express Logistics UZ", contactPhone: "+998901112233"}) { name contactPhone }
			updateBranch(id: $b, input: {regionID: $sam}) { region { code } }
		}`, map[string]any{"r": ref.regionTAS, "p": ref.partnerA, "b": ref.branchA, "sam": ref.regionSAM}, &up)
		if up.UpdateRegion.ID != ref.regionTAS || up.UpdateRegion.Name != "Toshkent" || up.UpdateRegion.Code != "TSH" {
			t.Errorf("updateRegion = %+v", up.UpdateRegion)
		}
		if up.UpdatePartner.Name != "Express Logistics UZ" || up.UpdatePartner.ContactPhone == nil || *up.UpdatePartner.ContactPhone != "+998901112233" {
			t.Errorf("updatePartner = %+v", up.UpdatePartner)
		}
		if up.UpdateBranch.Region.Code != "SAM" {
			t.Errorf("updateBranch region = %q, want SAM", up.UpdateBranch.Region.Code)
		}

		// Read back from the database, not the mutation's echo.
		ctx := authtest.Sys()
		r, err := a.db.Client.Region.Get(ctx, atoi(t, ref.regionTAS))
		if err != nil || r.Code != "TSH" || r.Name != "Toshkent" {
			t.Errorf("region in database = %+v, %v", r, err)
		}
		b, err := a.db.Client.Branch.Get(ctx, atoi(t, ref.branchA))
		if err != nil || fmt.Sprint(b.RegionID) != ref.regionSAM {
			t.Errorf("branch in database = %+v, %v; want region %s", b, err, ref.regionSAM)
		}
		if n := strings.Count(a.log.String(), "internal error"); n != 0 {
			t.Errorf("log has %d internal errors:\n%s", n, a.log.String())
		}
	})
}
