package securitytest_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/ent/equipmenttype"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/handover/handovertest"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// upload posts a GraphQL multipart request whose variable "file" is file.
func (e *env) upload(token, query, name string, file []byte, extra map[string]any) gqlResp {
	e.t.Helper()
	vars := map[string]any{"file": nil}
	for k, v := range extra {
		vars[k] = v
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{"0": ["variables.file"]}`)
	fw, _ := w.CreateFormFile("0", name)
	_, _ = fw.Write(file)
	_ = w.Close()
	return e.post(w.FormDataContentType(), buf.Bytes(), token)
}

// fileFixture is one warehouse and two partners; a courier of each has
// been issued equipment at the warehouse, and the first has a document
// with a stored file.
type fileFixture struct {
	geo
	otherPartner          int
	visible, hidden       int    // couriers of geo.partner and of otherPartner
	visibleAct, hiddenAct string // their issue acts' URLs
	document              int
}

// hiddenName is the courier of the other partner: a manager scoped to the
// first partner and the warehouse sees the movement, not the courier.
const hiddenName = "Скрытова Зарина Равшановна"

var phoneSeq = 7000000

func (e *env) fileFixture() fileFixture {
	e.t.Helper()
	f := fileFixture{geo: e.geo()}
	var bag int
	e.fixture(func(ctx context.Context, c *ent.Client) error {
		p, err := c.Partner.Create().SetName("Партнёр чужой").Save(ctx)
		if err != nil {
			return err
		}
		f.otherPartner = p.ID
		mk := func(last, first, middle string, partner int) (int, error) {
			phoneSeq++
			n := pinSeq.Add(1)
			pin, _ := pinfl.Make(time.Date(1991, 2, 1+int(n%27), 0, 0, 0, 0, time.UTC), pinfl.Female, int(2000+n))
			cr, err := c.Courier.Create().SetLastName(last).SetFirstName(first).SetMiddleName(middle).
				SetPhone(fmt.Sprintf("+99891%07d", phoneSeq)).SetPinfl(pin).SetBirthDate(time.Date(1991, 2, 1, 0, 0, 0, 0, time.UTC)).
				SetTransportType(courier.TransportTypeFoot).SetStatus(courier.StatusActive).
				SetPartnerID(partner).SetBranchID(f.branch).Save(ctx)
			if err != nil {
				return 0, err
			}
			return cr.ID, nil
		}
		if f.visible, err = mk("Видимов", "Азиз", "Каримович", f.partner); err != nil {
			return err
		}
		if f.hidden, err = mk("Скрытова", "Зарина", "Равшановна", f.otherPartner); err != nil {
			return err
		}
		t, err := c.EquipmentType.Create().SetName("Термосумка").SetSku(fmt.Sprint("FILES-BAG-", f.warehouse)).
			SetCategory(equipmenttype.CategoryBag).SetUnitCost(250000).Save(ctx)
		bag = t.ID
		return err
	})
	svc := stocksvc.New(e.db.Client, stocksvc.Config{})
	ctx := authtest.Sys()
	one := func(n int) *int { return &n }
	if _, err := svc.Receive(ctx, stocksvc.ReceiveInput{WarehouseID: f.warehouse, Lines: []*stocksvc.Line{{EquipmentTypeID: bag, Quantity: one(5)}}}); err != nil {
		e.t.Fatalf("receive: %v", err)
	}
	for _, c := range []struct {
		id  int
		url *string
	}{{f.visible, &f.visibleAct}, {f.hidden, &f.hiddenAct}} {
		r, err := svc.Issue(ctx, stocksvc.IssueInput{WarehouseID: f.warehouse, CourierID: c.id, Lines: []*stocksvc.Line{{EquipmentTypeID: bag, Quantity: one(1)}}})
		if err != nil || r.ActURL == nil {
			e.t.Fatalf("issue: %v", err)
		}
		*c.url = *r.ActURL
	}
	owner := e.token(authz.Owner, authz.Scope{})
	r := e.upload(owner, `mutation($file: Upload) { addCourierDocument(input: {courierID: "`+strconv.Itoa(f.visible)+`", kind: PASSPORT, number: "AA7654321", file: $file}) { id } }`,
		"passport.pdf", []byte("%PDF-1.4\n% scan\n%%EOF\n"), nil)
	var doc struct{ ID string }
	if err := json.Unmarshal(r.Data["addCourierDocument"], &doc); err != nil || len(r.Errors) > 0 {
		e.t.Fatalf("document upload: %s", r.Raw)
	}
	f.document, _ = strconv.Atoi(doc.ID)
	return f
}

// fileRoles are the viewers of the file-route tests: one per role, the
// restricted ones scoped to the fixture's first partner and warehouse.
func fileRoles(f fileFixture) map[string]struct {
	role  authz.Role
	scope authz.Scope
} {
	scoped := authz.Scope{Partners: []int{f.partner}, Warehouses: []int{f.warehouse}}
	return map[string]struct {
		role  authz.Role
		scope authz.Scope
	}{
		"owner":              {authz.Owner, authz.Scope{}},
		"manager (scoped)":   {authz.Manager, scoped},
		"onboarding":         {authz.Onboarding, authz.Scope{}},
		"warehouse (scoped)": {authz.Warehouse, authz.Scope{Warehouses: []int{f.warehouse}}},
		"security":           {authz.Security, authz.Scope{}},
		"integrator":         {authz.Integrator, scoped},
	}
}

// Defect 8: a handover act asked for by a role that may not read movements
// answered 500. Every file route, asked by every role, answers 200, or 403
// or 404 with a code in the API's error shape; never a 500.
func TestFileRoutesRefuseWithACodeNeverA500(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		f := e.fileFixture()
		routes := []string{
			f.visibleAct,
			f.hiddenAct,
			strings.TrimSuffix(f.visibleAct, ".pdf") + "?lang=uz",
			"/acts/ISS-1999-000001.pdf",
			fmt.Sprintf("/files/courier-documents/%d", f.document),
			"/files/courier-documents/999999999",
			"/files/courier-documents/x",
			"/export/couriers?format=csv",
			"/export/couriers?format=xlsx",
			"/export/dashboard?format=xlsx",
			"/export/dashboard?format=csv&section=headcount",
			"/schema.graphql",
		}
		for name, v := range fileRoles(f) {
			token := e.token(v.role, v.scope)
			for _, path := range routes {
				res, body := e.get(path, token)
				switch res.StatusCode {
				case http.StatusOK:
					if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
						t.Errorf("%s GET %s: 200 with an error body %s", name, path, body)
					}
				case http.StatusForbidden, http.StatusNotFound:
					var r gqlResp
					_ = json.Unmarshal(body, &r)
					code := r.code()
					key, _ := func() (any, bool) {
						if len(r.Errors) == 0 {
							return nil, false
						}
						k, ok := r.Errors[0].Extensions["key"]
						return k, ok
					}()
					if code != "FORBIDDEN" && code != "NOT_FOUND" || key == nil {
						t.Errorf("%s GET %s: %d without a code and key: %s", name, path, res.StatusCode, body)
					}
				default:
					t.Errorf("%s GET %s: HTTP %d %s", name, path, res.StatusCode, body)
				}
			}
		}
		// The reported case, and the roles that must get the act.
		for name, want := range map[string]int{"onboarding": http.StatusForbidden, "owner": http.StatusOK, "manager (scoped)": http.StatusOK, "warehouse (scoped)": http.StatusOK} {
			v := fileRoles(f)[name]
			if res, body := e.get(f.visibleAct, e.token(v.role, v.scope)); res.StatusCode != want {
				t.Errorf("%s GET %s: HTTP %d, want %d: %.200s", name, f.visibleAct, res.StatusCode, want, body)
			}
		}
	})
}

// Defect 8: a manager scoped to a partner and a warehouse saw, on the act
// of an issue at that warehouse, the full name of a courier of another
// partner, whom GraphQL hides from them. The act shows what GraphQL shows.
func TestActShowsTheCourierAsGraphQLShowsThem(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		f := e.fileFixture()
		number := strings.TrimSuffix(strings.TrimPrefix(f.hiddenAct, "/acts/"), ".pdf")
		manager := e.token(authz.Manager, authz.Scope{Partners: []int{f.partner}, Warehouses: []int{f.warehouse}})
		owner := e.token(authz.Owner, authz.Scope{})

		// What GraphQL shows each of them of the act's movement.
		q := fmt.Sprintf(`{ movements(where: {documentNumber: %q}, first: 5) { edges { node { documentNumber courier { lastName firstName } } } } }`, number)
		if r := e.mustGQL(manager, q); strings.Contains(string(r.Data["movements"]), "Скрытова") || !strings.Contains(string(r.Data["movements"]), number) {
			t.Fatalf("precondition: GraphQL should show the manager the movement without its courier: %s", r.Data["movements"])
		}
		if r := e.mustGQL(owner, q); !strings.Contains(string(r.Data["movements"]), "Скрытова") {
			t.Fatalf("precondition: GraphQL shows the owner the courier: %s", r.Data["movements"])
		}

		text := func(token string) string {
			res, body := e.get(f.hiddenAct, token)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: HTTP %d %s", f.hiddenAct, res.StatusCode, body)
			}
			return handovertest.Squash(handovertest.Text(t, body))
		}
		hidden := handovertest.Squash(hiddenName)
		if txt := text(owner); !strings.Contains(txt, hidden) {
			t.Fatalf("the owner's act lacks the courier %q (text extraction broken?):\n%s", hiddenName, txt)
		}
		txt := text(manager)
		for _, part := range strings.Fields(hiddenName) {
			if strings.Contains(txt, part) {
				t.Errorf("the manager's act shows %q of a courier GraphQL hides from them:\n%s", part, txt)
			}
		}
		if !strings.Contains(txt, "Термосумка") || !strings.Contains(txt, number) {
			t.Errorf("the manager's act lost what they may see:\n%s", txt)
		}
	})
}

// zipBomb is a workbook with a valid skeleton whose sheet is n zero bytes:
// deflate packs zeros about 800 to 1, so 400 MiB make a 500 KB file.
func zipBomb(t *testing.T, n int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for name, body := range map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	} {
		w, _ := zw.Create(name)
		_, _ = io.WriteString(w, body)
	}
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	zero := make([]byte, 1<<20)
	for left := n; left > 0; left -= int64(len(zero)) {
		_, _ = w.Write(zero[:min(int64(len(zero)), left)])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Defect 4: a 409 KB XLSX holding a 400 MiB zero-filled member raised the
// server's memory from 119 MB to 1.3 GB. It is refused with a code and a
// key, from the archive's directory, before anything is inflated.
func TestImportZipBombIsRefusedBeforeItIsInflated(t *testing.T) {
	bomb := zipBomb(t, 400<<20)
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		owner := e.token(authz.Owner, authz.Scope{})
		var r gqlResp
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r = e.upload(owner, `mutation($file: Upload!) { importCouriers(file: $file, dryRun: true) { rows } }`, "couriers.xlsx", bomb, nil)
		runtime.ReadMemStats(&after)
		allocated := after.TotalAlloc - before.TotalAlloc
		t.Logf("%d-byte bomb: HTTP %d, %d MiB allocated by the process", len(bomb), r.Status, allocated>>20)
		if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["key"] != "import.tooLarge" {
			t.Errorf("bomb: want BAD_USER_INPUT import.tooLarge, got %d %s", r.Status, r.Raw)
		}
		if allocated > 64<<20 {
			t.Errorf("refusing a %d-byte bomb allocated %d MiB", len(bomb), allocated>>20)
		}
	})
}

// Weakness: an upload over the limit answers 413 with a code, whether its
// length is declared or it comes chunked, for document files and imports.
func TestUploadOverTheLimitIs413WithACode(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		owner := e.token(authz.Owner, authz.Scope{})
		id, _ := e.onboard(owner, "")
		big := bytes.Repeat([]byte("x"), 12<<20) // over the 11 MiB request cap
		big = append([]byte("%PDF-1.4\n"), big...)
		for name, query := range map[string]string{
			"document": `mutation($file: Upload) { addCourierDocument(input: {courierID: "` + id + `", kind: PASSPORT, number: "AA1111111", file: $file}) { id } }`,
			"import":   `mutation($file: Upload!) { importCouriers(file: $file, dryRun: true) { rows } }`,
		} {
			for _, chunked := range []bool{false, true} {
				var buf bytes.Buffer
				w := multipart.NewWriter(&buf)
				ops, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"file": nil}})
				_ = w.WriteField("operations", string(ops))
				_ = w.WriteField("map", `{"0": ["variables.file"]}`)
				fw, _ := w.CreateFormFile("0", "big.pdf")
				_, _ = fw.Write(big)
				_ = w.Close()
				var body io.Reader = bytes.NewReader(buf.Bytes())
				if chunked {
					body = io.MultiReader(body) // hides the length: sent chunked
				}
				req, _ := http.NewRequest(http.MethodPost, e.url+"/graphql", body)
				req.Header.Set("Content-Type", w.FormDataContentType())
				res, b := e.do(req, owner)
				var r gqlResp
				_ = json.Unmarshal(b, &r)
				if res.StatusCode != http.StatusRequestEntityTooLarge || r.code() == "" || r.Errors[0].Extensions["key"] == nil {
					t.Errorf("%s upload of %d MiB (chunked %v): HTTP %d %.300s", name, len(big)>>20, chunked, res.StatusCode, b)
				}
			}
		}
	})
}
