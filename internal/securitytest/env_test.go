package securitytest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/platform/database"
)

// env is a running server over a fresh database.
type env struct {
	t    *testing.T
	db   *database.DB
	auth *authsvc.Service
	url  string
}

func newEnv(t *testing.T, d string, opts ...func(*app.Options)) *env {
	t.Helper()
	db := dbtest.New(t, d)
	auth := authtest.Service(t, db)
	store, err := blobstore.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o := app.Options{DB: db, Auth: auth, Logger: zerolog.Nop(), Documents: store}
	for _, f := range opts {
		f(&o)
	}
	srv := httptest.NewServer(apptest.Handler(t, o))
	t.Cleanup(srv.Close)
	return &env{t: t, db: db, auth: auth, url: srv.URL}
}

func (e *env) token(role authz.Role, scope authz.Scope) string {
	return authtest.Token(e.t, e.auth, role, scope)
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResp struct {
	Status int
	Data   map[string]json.RawMessage `json:"data"`
	Errors []gqlError                 `json:"errors"`
	Raw    []byte
}

func (r gqlResp) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// do sends req with token and returns the response and its body.
func (e *env) do(req *http.Request, token string) (*http.Response, []byte) {
	e.t.Helper()
	if token != "" {
		authtest.Bearer(req, token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func (e *env) get(path, token string) (*http.Response, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.url+path, nil)
	return e.do(req, token)
}

// post sends a raw body to /graphql.
func (e *env) post(contentType string, body []byte, token string) gqlResp {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	res, b := e.do(req, token)
	r := gqlResp{Status: res.StatusCode, Raw: b}
	_ = json.Unmarshal(b, &r)
	return r
}

func (e *env) gql(token, query string, vars ...map[string]any) gqlResp {
	e.t.Helper()
	body := map[string]any{"query": query}
	if len(vars) > 0 {
		body["variables"] = vars[0]
	}
	b, _ := json.Marshal(body)
	return e.post("application/json", b, token)
}

// mustGQL runs query and fails the test on any error.
func (e *env) mustGQL(token, query string) gqlResp {
	e.t.Helper()
	r := e.gql(token, query)
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		e.t.Fatalf("%s: %d %s", query, r.Status, r.Raw)
	}
	return r
}

var pinSeq atomic.Int64

// onboard creates a courier as the owner and returns its id and PINFL.
func (e *env) onboard(owner string, partnerID string) (id, pin string) {
	return e.onboardIn(owner, partnerID, "")
}

// onboardIn creates a courier of a partner and a branch (ids may be empty).
func (e *env) onboardIn(owner, partnerID, branchID string) (id, pin string) {
	e.t.Helper()
	n := pinSeq.Add(1)
	pin, _ = pinfl.Make(time.Date(1990, 1, 1+int(n%27), 0, 0, 0, 0, time.UTC), pinfl.Male, int(1000+n))
	partner := ""
	if partnerID != "" {
		partner = fmt.Sprintf(", partnerID: %q", partnerID)
	}
	if branchID != "" {
		partner += fmt.Sprintf(", branchID: %q", branchID)
	}
	r := e.mustGQL(owner, fmt.Sprintf(`mutation { onboardCourier(input: {lastName: "Каримов", firstName: "Азиз", phone: "+99890%07d", pinfl: %q, transportType: FOOT%s}) { id } }`, 1000000+n, pin, partner))
	var c struct{ ID string }
	_ = json.Unmarshal(r.Data["onboardCourier"], &c)
	return c.ID, pin
}

// fixture writes rows as the system.
func (e *env) fixture(fn func(ctx context.Context, c *ent.Client) error) {
	e.t.Helper()
	authtest.Tx(e.t, e.db, fn)
}

// geo is a region with a branch, a warehouse and a partner.
type geo struct{ region, branch, warehouse, partner int }

var geoSeq atomic.Int64

func (e *env) geo() geo {
	e.t.Helper()
	n := geoSeq.Add(1)
	var g geo
	e.fixture(func(ctx context.Context, c *ent.Client) error {
		r, err := c.Region.Create().SetName(fmt.Sprint("Регион ", n)).SetCode(fmt.Sprint("R", n)).Save(ctx)
		if err != nil {
			return err
		}
		b, err := c.Branch.Create().SetName(fmt.Sprint("Филиал ", n)).SetCode(fmt.Sprint("B", n)).SetRegionID(r.ID).Save(ctx)
		if err != nil {
			return err
		}
		w, err := c.Warehouse.Create().SetName(fmt.Sprint("Склад ", n)).SetCode(fmt.Sprint("W", n)).SetBranchID(b.ID).Save(ctx)
		if err != nil {
			return err
		}
		p, err := c.Partner.Create().SetName(fmt.Sprint("Партнёр ", n)).Save(ctx)
		if err != nil {
			return err
		}
		g = geo{r.ID, b.ID, w.ID, p.ID}
		return nil
	})
	return g
}
