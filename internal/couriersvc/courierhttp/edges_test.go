package courierhttp_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/ent/auditevent"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
)

// The edges of the two file routes: a stored file without a name or a
// recorded size still downloads whole, under a name made from its id; the
// export's format defaults to CSV and refuses anything but csv and xlsx; a
// viewer who sees PINFL masked cannot filter an export by it.
func TestFileRoutesAtTheirEdges(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		srv := newServer(t, d)
		owner, warehouse := srv.token(t, authz.Owner), srv.token(t, authz.Warehouse)
		get := func(path, token string) (*http.Response, []byte) { return srv.get(t, path, token) }

		pin, _ := pinfl.Make(time.Date(1991, 3, 4, 0, 0, 0, 0, time.UTC), pinfl.Male, 1717)
		r := gql(t, srv.url, owner, fmt.Sprintf(`mutation { onboardCourier(input: {lastName: "Каримов", firstName: "Азиз", phone: "+998901112233", pinfl: %q, transportType: FOOT}) { id } }`, pin))
		var c struct{ ID string }
		if len(r.Errors) > 0 || json.Unmarshal(r.Data["onboardCourier"], &c) != nil {
			t.Fatalf("onboard: %+v", r.Errors)
		}
		pdf := []byte("%PDF-1.4\n% a scan with no name\n%%EOF\n")
		r = upload(t, srv.url, owner, fmt.Sprintf(`mutation($file: Upload) { addCourierDocument(input: {courierID: %q, kind: PASSPORT, file: $file}) { id fileURL } }`, c.ID), pdf)
		var doc struct{ ID, FileURL string }
		if len(r.Errors) > 0 || json.Unmarshal(r.Data["addCourierDocument"], &doc) != nil {
			t.Fatalf("upload: %+v", r.Errors)
		}
		// As rows written before names and sizes were recorded.
		id, _ := strconv.Atoi(doc.ID)
		q := "UPDATE courier_documents SET file_name = '', file_size = 0 WHERE id = ?"
		if d == dialect.Postgres {
			q = strings.Replace(q, "?", "$1", 1)
		}
		if _, err := srv.db.SQL.Exec(q, id); err != nil {
			t.Fatal(err)
		}
		res, b := get(doc.FileURL, owner)
		if res.StatusCode != http.StatusOK || !bytes.Equal(b, pdf) {
			t.Errorf("a file with no recorded size: HTTP %d, %d of %d bytes", res.StatusCode, len(b), len(pdf))
		}
		if got, want := res.Header.Get("Content-Disposition"), fmt.Sprintf("attachment; filename*=UTF-8''document-%d", id); got != want {
			t.Errorf("a file with no name: Content-Disposition %q, want %q", got, want)
		}

		export := func(token string, q url.Values) (*http.Response, []byte) {
			return get("/export/couriers?"+q.Encode(), token)
		}
		res, b = export(owner, url.Values{})
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(string(b), pin) {
			t.Errorf("export without a format: HTTP %d %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), b)
		}
		for _, f := range []string{"pdf", "xls", "CSVX"} {
			res, b = export(owner, url.Values{"format": {f}})
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "export.format") {
				t.Errorf("format %s: HTTP %d %s", f, res.StatusCode, b)
			}
		}
		res, b = export(owner, url.Values{"format": {"XLSX"}})
		if res.StatusCode != http.StatusOK || !bytes.HasPrefix(b, []byte("PK")) ||
			res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Errorf("format XLSX: HTTP %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		// The security service's export is audited with what it asked for.
		security := srv.token(t, authz.Security)
		if res, _ = export(security, url.Values{"search": {"карим"}, "where": {`{"status": "NEW"}`}}); res.StatusCode != http.StatusOK {
			t.Fatalf("security export: HTTP %d", res.StatusCode)
		}
		ev := srv.db.Client.AuditEvent.Query().Where(auditevent.Operation(couriersvc.PersonalDataExportOperation)).OnlyX(authtest.Sys())
		filter, _ := ev.Changes["filter"].(map[string]any)
		if filter["search"] != "карим" || filter["where"] == nil {
			t.Errorf("audited filter: %v", ev.Changes)
		}
		// PINFL is masked for the warehouse role: filtering by it would
		// find the courier by what is hidden.
		res, b = export(warehouse, url.Values{"where": {fmt.Sprintf(`{"pinfl": %q}`, pin)}})
		if res.StatusCode != http.StatusForbidden || bytes.Contains(b, []byte(pin[len(pin)-4:])) {
			t.Errorf("masked viewer filtering by PINFL: HTTP %d %s", res.StatusCode, b)
		}
		res, _ = export(warehouse, url.Values{"where": {`{"lastName": "Каримов"}`}})
		if res.StatusCode != http.StatusOK {
			t.Errorf("masked viewer filtering by name: HTTP %d", res.StatusCode)
		}
	})
}
