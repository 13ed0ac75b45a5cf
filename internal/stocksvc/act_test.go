package stocksvc_test

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/handover/handovertest"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

var (
	pdfText = handovertest.Text
	squash  = handovertest.Squash
)

func TestHandoverActIsServedAsPDFWithCyrillicText(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 3)
		e.receiveSerials(e.wh1, "SH-2026-0042")
		res, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(2)}, {EquipmentTypeID: e.helmet, Serials: []string{"SH-2026-0042"}}}})
		if err != nil {
			t.Fatal(err)
		}
		a := e.api()
		resp, body := a.get(*res.ActURL)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("GET %s: %d %s", *res.ActURL, resp.StatusCode, body)
		}
		text := squash(pdfText(t, body))
		c := e.db.Client.Courier.GetX(authtest.Sys(), e.active)
		masked := "**********" + c.Pinfl[10:]
		for _, want := range []string{
			"АКТПРИЁМА-ПЕРЕДАЧИЭКИПИРОВКИ", res.DocumentNumber, "выдачакурьеру", "СкладЧиланзар",
			"КаримовАзизКаримович", "Термосумка", "Шлем", "SH-2026-0042", "новое", "Выдал", "Получил", e.user.FullName,
		} {
			if !strings.Contains(text, squash(want)) {
				t.Errorf("act text lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, c.Pinfl) {
			t.Error("the act shows the full PINFL")
		}
		if !strings.Contains(text, strings.ReplaceAll(masked, "*", "")) {
			t.Logf("masked PINFL tail %q not found verbatim (masking characters may differ)", c.Pinfl[10:])
		}

		// Uzbek (Latin) and English on request.
		_, uz := a.get(*res.ActURL + "?lang=uz")
		if txt := squash(pdfText(t, uz)); !strings.Contains(txt, "DALOLATNOMASI") || !strings.Contains(txt, "Kuryer") {
			t.Errorf("uz act: %s", txt)
		}
		_, en := a.get(*res.ActURL + "?lang=en")
		if txt := squash(pdfText(t, en)); !strings.Contains(txt, "EQUIPMENTHANDOVERACT") {
			t.Errorf("en act: %s", txt)
		}

		// Nobody signed in: 401. Someone whose scope misses the warehouse: 404.
		anon := *a
		anon.token = ""
		if resp, _ := anon.get(*res.ActURL); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", resp.StatusCode)
		}
		other := *a
		other.token = authtest.Token(t, e.auth, authz.Warehouse, authz.Scope{Warehouses: []int{e.whOut}})
		if resp, _ := other.get(*res.ActURL); resp.StatusCode != http.StatusNotFound {
			t.Errorf("out of scope: %d", resp.StatusCode)
		}
		if resp, _ := a.get(fmt.Sprintf("/acts/ISS-1999-%06d.pdf", 1)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown act: %d", resp.StatusCode)
		}
	})
}

// TestHandoverActCountsWhatChangedHands: the ledger books an issue as stock
// leaving the warehouse (a negative quantity); the act says how many pieces
// were handed over, serials and all.
func TestHandoverActCountsWhatChangedHands(t *testing.T) {
	e := newEnv(t, "sqlite3")
	e.receive(e.wh1, e.bag, 3)
	e.receiveSerials(e.wh1, "SH-2026-0042")
	res, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
		Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(2)}, {EquipmentTypeID: e.helmet, Serials: []string{"SH-2026-0042"}}}})
	if err != nil {
		t.Fatal(err)
	}
	act, err := e.svc.Act(e.ctx, res.DocumentNumber)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, l := range act.Lines {
		got[l.Name+" "+l.Serial] += l.Quantity
	}
	if want := map[string]int{"Термосумка ": 2, "Шлем SH-2026-0042": 1}; !maps.Equal(got, want) {
		t.Errorf("act lines %v, want %v", got, want)
	}
}

// TestKitLinesNeedAPositiveQuantity: a kit line of 0 pieces is refused
// like a negative one, naming the line.
func TestKitLinesNeedAPositiveQuantity(t *testing.T) {
	e := newEnv(t, "sqlite3")
	for _, n := range []int{0, -1} {
		_, err := e.svc.CreateKit(authtest.Sys(), stocksvc.KitInput{Name: "Мото", TransportType: "moto",
			Lines: []*stocksvc.KitLine{{EquipmentTypeID: e.bag, Quantity: 1}, {EquipmentTypeID: e.helmet, Quantity: n}}})
		if inv, ok := apperr.As[apperr.Invalid](err); !ok || inv.Fields["lines[1].quantity"].Key != "stock.quantityNotPositive" {
			t.Errorf("kit line of %d: %v, want stock.quantityNotPositive on lines[1].quantity", n, err)
		}
	}
}
