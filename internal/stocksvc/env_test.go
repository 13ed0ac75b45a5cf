package stocksvc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// env is a warehouse with reference data: two warehouses in the staff
// member's scope and one outside it, couriers in each status, and types.
type env struct {
	t      testing.TB
	db     *database.DB
	svc    *stocksvc.Service
	auth   *authsvc.Service
	user   *ent.User
	ctx    context.Context // the warehouse staff member
	wh1    int
	wh2    int
	whOut  int
	active int
	fresh  int // status new
	block  int
	bag    int // quantity-tracked
	jackM  int // quantity-tracked, group jacket
	jackL  int
	helmet int // serial-tracked
	scope  authz.Scope
}

var pinflSeq atomic.Int64

// validPINFL builds a PINFL that passes the check digit.
func validPINFL() string {
	s := fmt.Sprintf("3010190%06d", pinflSeq.Add(1)%1000000)
	w := []int{7, 3, 1}
	sum := 0
	for i, r := range s {
		sum += int(r-'0') * w[i%3]
	}
	return s + fmt.Sprint(sum%10)
}

func newEnv(t testing.TB, d string) *env {
	t.Helper()
	e := &env{t: t, db: dbtest.New(t, d)}
	e.svc = stocksvc.New(e.db.Client, stocksvc.Config{})
	e.auth = authtest.Service(t, e.db)
	authtest.Tx(t, e.db, func(ctx context.Context, c *ent.Client) error {
		r := c.Region.Create().SetName("Toshkent").SetCode("TAS").SaveX(ctx)
		b := c.Branch.Create().SetName("Chilonzor").SetCode("TAS-CH").SetRegionID(r.ID).SaveX(ctx)
		e.wh1 = c.Warehouse.Create().SetName("Склад Чиланзар").SetCode("W1").SetAddress("ул. Бунёдкор, 1").SetBranchID(b.ID).SaveX(ctx).ID
		e.wh2 = c.Warehouse.Create().SetName("Склад Юнусабад").SetCode("W2").SetBranchID(b.ID).SaveX(ctx).ID
		e.whOut = c.Warehouse.Create().SetName("Склад Самарканд").SetCode("W3").SetBranchID(b.ID).SaveX(ctx).ID
		p := c.Partner.Create().SetName("Yandex Logistics").SaveX(ctx)
		n := 0
		mk := func(last string, st courier.Status) int {
			n++ // a live phone belongs to one courier
			return c.Courier.Create().SetLastName(last).SetFirstName("Азиз").SetMiddleName("Каримович").
				SetPhone(fmt.Sprintf("+99890123456%d", n)).SetPinfl(validPINFL()).SetBirthDate(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)).
				SetTransportType(courier.TransportTypeMoto).SetStatus(st).SetPartnerID(p.ID).SetBranchID(b.ID).SaveX(ctx).ID
		}
		e.active = mk("Каримов", courier.StatusActive)
		e.fresh = mk("Новиков", courier.StatusNew)
		e.block = mk("Блоков", courier.StatusBlocked)
		e.bag = c.EquipmentType.Create().SetName("Термосумка").SetSku("BAG").SetCategory(equipmenttype.CategoryBag).
			SetUnitCost(250000).SaveX(ctx).ID
		e.jackM = c.EquipmentType.Create().SetName("Куртка").SetSku("JACKET-M").SetSize("M").SetVariantGroup("jacket").
			SetCategory(equipmenttype.CategoryUniform).SetUnitCost(300000).SaveX(ctx).ID
		e.jackL = c.EquipmentType.Create().SetName("Куртка").SetSku("JACKET-L").SetSize("L").SetVariantGroup("jacket").
			SetCategory(equipmenttype.CategoryUniform).SetUnitCost(300000).SaveX(ctx).ID
		e.helmet = c.EquipmentType.Create().SetName("Шлем").SetSku("HELMET").SetCategory(equipmenttype.CategoryHelmet).
			SetTracking(equipmenttype.TrackingSerial).SetUnitCost(400000).SaveX(ctx).ID
		return nil
	})
	e.scope = authz.Scope{Warehouses: []int{e.wh1, e.wh2}}
	e.user = authtest.User(t, e.auth, authz.Warehouse, e.scope)
	e.ctx = authz.NewContext(context.Background(), &authz.Viewer{
		Kind: authz.KindUser, ID: e.user.ID, Name: e.user.Login, Role: authz.Warehouse, Scope: e.scope,
	})
	return e
}

var keySeq atomic.Int64

func key() string { return fmt.Sprintf("key-%d", keySeq.Add(1)) }

func qty(n int) *int { return &n }

// sqlInt runs a query returning one integer (0 when no row).
func (e *env) sqlInt(q string, args ...any) int {
	e.t.Helper()
	var n int
	rows, err := e.db.SQL.Query(q, args...)
	if err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	if rows.Next() {
		var v *int
		if err := rows.Scan(&v); err != nil {
			e.t.Fatalf("%s: %v", q, err)
		}
		if v != nil {
			n = *v
		}
	}
	return n
}

func (e *env) balance(w, typ int) int {
	return e.sqlInt(`SELECT quantity FROM stock_balances WHERE warehouse_id = $1 AND equipment_type_id = $2`, w, typ)
}

func (e *env) quarantined(w, typ int) int {
	return e.sqlInt(`SELECT quarantined FROM stock_balances WHERE warehouse_id = $1 AND equipment_type_id = $2`, w, typ)
}

func (e *env) ledger(w, typ int) int {
	return e.sqlInt(`SELECT SUM(quantity) FROM movements WHERE warehouse_id = $1 AND equipment_type_id = $2`, w, typ)
}

func (e *env) holding(c, typ int) int {
	return e.sqlInt(`SELECT quantity FROM courier_holdings WHERE courier_id = $1 AND equipment_type_id = $2`, c, typ)
}

func (e *env) count(table string) int { return e.sqlInt(`SELECT COUNT(*) FROM ` + table) }

// snapshot counts every table an operation may touch, to prove a refused
// one changed nothing.
func (e *env) snapshot() map[string]int {
	s := map[string]int{}
	for _, tb := range []string{"movements", "audit_events", "items", "courier_debts", "transfers", "idempotency_keys"} {
		s[tb] = e.count(tb)
	}
	s["stock"] = e.sqlInt(`SELECT SUM(quantity) FROM stock_balances`)
	s["held"] = e.sqlInt(`SELECT SUM(quantity) FROM courier_holdings`)
	s["issued"] = e.sqlInt(`SELECT COUNT(*) FROM items WHERE state <> 'in_stock'`)
	return s
}

// verifyClean fails unless every balance and holding equals its ledger.
func (e *env) verifyClean() {
	e.t.Helper()
	ms, err := stocksvc.Verify(context.Background(), e.db.Client)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range ms {
		e.t.Errorf("verify: %s", m)
	}
}

func (e *env) receive(w, typ, n int) {
	e.t.Helper()
	if _, err := e.svc.Receive(e.ctx, stocksvc.ReceiveInput{IdempotencyKey: key(), WarehouseID: w,
		Lines: []*stocksvc.Line{{EquipmentTypeID: typ, Quantity: qty(n)}}}); err != nil {
		e.t.Fatalf("receive: %v", err)
	}
}

func (e *env) receiveSerials(w int, serials ...string) {
	e.t.Helper()
	if _, err := e.svc.Receive(e.ctx, stocksvc.ReceiveInput{IdempotencyKey: key(), WarehouseID: w,
		Lines: []*stocksvc.Line{{EquipmentTypeID: e.helmet, Serials: serials}}}); err != nil {
		e.t.Fatalf("receive serials: %v", err)
	}
}

// wantCode fails unless err carries the code (and, when given, the key).
func wantCode(t testing.TB, err error, code apperr.Code, msgKey string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s %s, got success", code, msgKey)
	}
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("want %s, got %s (%v)", code, got, err)
	}
	if msgKey == "" {
		return
	}
	if inv, ok := apperr.As[apperr.Invalid](err); ok {
		for _, f := range inv.Fields {
			if f.Key == msgKey {
				return
			}
		}
		t.Fatalf("want key %s, got %v", msgKey, inv)
	}
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Key != msgKey {
		t.Fatalf("want key %s, got %s (%v)", msgKey, ae.Key, err)
	}
}

// api is the real HTTP handler with a warehouse token.
type api struct {
	t     testing.TB
	srv   *httptest.Server
	token string
}

func (e *env) api() *api {
	h := apptest.Handler(e.t, app.Options{DB: e.db, Auth: e.auth, Logger: zerolog.Nop()})
	srv := httptest.NewServer(h)
	e.t.Cleanup(srv.Close)
	return &api{t: e.t, srv: srv, token: authtest.Token(e.t, e.auth, authz.Warehouse, e.scope)}
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (a *api) post(query string, vars map[string]any) (gqlResponse, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	authtest.Bearer(req, a.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return gqlResponse{}, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("decode %s: %w", raw, err)
	}
	return r, nil
}

func (a *api) get(path string) (*http.Response, []byte) {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
	if a.token != "" {
		authtest.Bearer(req, a.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func viewerContext(id int, name string, scope authz.Scope) context.Context {
	return authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: id, Name: name, Role: authz.Warehouse, Scope: scope})
}
