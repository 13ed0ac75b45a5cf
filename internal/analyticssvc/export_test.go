package analyticssvc_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/internal/analyticssvc"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// TestXLSXExportEqualsTheAPI opens the exported workbook with the
// spreadsheet library: a sheet per section, bold headers, numbers as
// numbers, rates as percentages, days as dates, values equal to the service's.
func TestXLSXExportEqualsTheAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		a := e.courier(at(2026, 4, 1), e.partners[0], e.branches[0], courier.TransportTypeFoot)
		b := e.courier(at(2026, 4, 1), e.partners[1], e.branches[1], courier.TransportTypeCar)
		e.move(a, courier.StatusActive, "", at(2026, 4, 3))
		e.move(b, courier.StatusActive, "", at(2026, 4, 2))
		e.move(b, courier.StatusFired, "own_wish", at(2026, 4, 6))
		f := analyticssvc.Filter{From: date(2026, 4, 1), To: date(2026, 4, 30)}
		var buf bytes.Buffer
		if err := e.svc.Export(e.owner, &buf, "xlsx", f, analyticssvc.Week); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf, excelize.Options{UnzipSizeLimit: 10 << 20, UnzipXMLSizeLimit: 10 << 20})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(x.GetSheetList(), ","); got != strings.Join(analyticssvc.Sections, ",") {
			t.Fatalf("sheets: %s", got)
		}
		v, err := e.svc.Open(e.owner, f)
		if err != nil {
			t.Fatal(err)
		}
		fu, _ := v.Funnel(e.owner)
		cell := func(sheet, ref string) string {
			s, err := x.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		typ := func(sheet, ref string) excelize.CellType {
			ct, err := x.GetCellType(sheet, ref)
			if err != nil {
				t.Fatal(err)
			}
			return ct
		}
		if cell("funnel", "A1") != "registered" || cell("funnel", "A2") != strconv.Itoa(fu.Registered) || cell("funnel", "C2") != strconv.Itoa(fu.Activated) {
			t.Fatalf("funnel sheet: %s %s %s", cell("funnel", "A1"), cell("funnel", "A2"), cell("funnel", "C2"))
		}
		if got, _ := strconv.ParseFloat(cell("funnel", "E2"), 64); got != fu.ActivatedRate {
			t.Fatalf("activated rate: %v, want %v", got, fu.ActivatedRate)
		}
		if typ("funnel", "A2") != excelize.CellTypeNumber && typ("funnel", "A2") != excelize.CellTypeUnset {
			t.Fatalf("registered is not a number: %v", typ("funnel", "A2"))
		}
		style, _ := x.GetCellStyle("funnel", "E2")
		st, _ := x.GetStyle(style)
		if st == nil || st.NumFmt != 10 {
			t.Fatalf("rate cell is not formatted as a percentage: %+v", st)
		}
		hs, _ := x.GetCellStyle("funnel", "A1")
		if hst, _ := x.GetStyle(hs); hst == nil || hst.Font == nil || !hst.Font.Bold {
			t.Fatal("header is not bold")
		}
		// The active series: the first week's start is a date, the counts equal the API's.
		pts, _ := v.ActiveOverTime(e.owner, analyticssvc.Week)
		if got, _ := x.GetCellValue("active", "A2"); got != "2026-04-01" {
			t.Fatalf("first period start shown as %q", got)
		}
		for i, p := range pts {
			if got := cell("active", "C"+strconv.Itoa(i+2)); got != strconv.Itoa(p.Active) {
				t.Fatalf("active row %d: %s, want %d", i, got, p.Active)
			}
		}
		h, _ := v.Headcount(e.owner)
		if cell("headcount", "H2") != strconv.Itoa(h.Total()) || cell("headcount", "E2") != strconv.Itoa(h.Active) {
			t.Fatalf("headcount totals: %s %s", cell("headcount", "H2"), cell("headcount", "E2"))
		}
		n, err := e.db.Client.AuditEvent.Query().Where(auditevent.Operation("analytics.export")).Count(authtest.Sys())
		if err != nil || n != 1 {
			t.Fatalf("audit events of the export: %d %v", n, err)
		}
	})
}

// TestCSVExportRouteNeutralisesFormulasAndKeepsTheScope: a partner named
// like a formula comes out inert; a manager asking for another partner is
// refused at the route as in the API.
func TestCSVExportRouteNeutralisesFormulasAndKeepsTheScope(t *testing.T) {
	e := newEnv(t, "sqlite3")
	authtest.Tx(t, e.db, func(ctx context.Context, c *ent.Client) error {
		return c.Partner.UpdateOneID(e.partners[0]).SetName(`=HYPERLINK("http://x","y")`).Exec(ctx)
	})
	e.courier(at(2026, 4, 1), e.partners[0], e.branches[0], courier.TransportTypeFoot)
	get := func(ctx context.Context, query string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/export/dashboard?"+query, nil).WithContext(ctx)
		rec := httptest.NewRecorder()
		e.svc.Handler().ServeHTTP(rec, req)
		return rec
	}
	rec := get(e.owner, "format=csv&section=headcount&from=2026-04-01&to=2026-04-30")
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if strings.Contains(r[2], "HYPERLINK") {
			found = true
			if strings.HasPrefix(r[2], "=") {
				t.Fatalf("formula cell left live: %q", r[2])
			}
		}
	}
	if !found {
		t.Fatalf("partner row missing: %v", rows)
	}
	mgr := viewer(authz.Manager, authz.Scope{Partners: []int{e.partners[1]}})
	if rec := get(mgr, "format=csv&section=headcount&partnerIDs="+strconv.Itoa(e.partners[0])); rec.Code != http.StatusForbidden {
		t.Fatalf("another partner: status %d", rec.Code)
	}
	if rec := get(viewer(authz.Warehouse, authz.Scope{}), "format=xlsx"); rec.Code != http.StatusForbidden {
		t.Fatalf("warehouse role: status %d", rec.Code)
	}
	if rec := get(e.owner, "format=csv"); rec.Code != http.StatusBadRequest {
		t.Fatalf("CSV of every section: status %d", rec.Code)
	}
	if rec := get(e.owner, "from=yesterday"); rec.Code != http.StatusBadRequest {
		t.Fatalf("bad date: status %d", rec.Code)
	}
	if err := e.svc.Export(context.Background(), new(bytes.Buffer), "xlsx", analyticssvc.Filter{}, analyticssvc.Day); !errors.Is(err, apperr.ErrUnauthenticated) {
		t.Fatalf("no viewer: %v", err)
	}
}
