package courierhttp_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/platform/database"
)

type gqlResp struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func do(t *testing.T, req *http.Request, token string) (*http.Response, []byte) {
	t.Helper()
	if token != "" {
		authtest.Bearer(req, token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func gql(t *testing.T, base, token, query string) gqlResp {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	_, b := do(t, req, token)
	var r gqlResp
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return r
}

// upload posts a GraphQL multipart request with one file as variable "file".
func upload(t *testing.T, base, token, query string, file []byte) gqlResp {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"file": nil}})
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{"0": ["variables.file"]}`)
	fw, _ := w.CreateFormFile("0", "passport.pdf")
	_, _ = fw.Write(file)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	_, b := do(t, req, token)
	var r gqlResp
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return r
}

// testServer is the real handler over a fresh database of one dialect,
// with document files on disk.
type testServer struct {
	db   *database.DB
	auth *authsvc.Service
	url  string
}

func newServer(t *testing.T, d string) *testServer {
	t.Helper()
	db := dbtest.New(t, d)
	auth := authtest.Service(t, db)
	srv := httptest.NewServer(apptest.Handler(t, app.Options{DB: db, Auth: auth, Logger: zerolog.Nop(), Documents: apptest.Docs(t)}))
	t.Cleanup(srv.Close)
	return &testServer{db: db, auth: auth, url: srv.URL}
}

// token signs in a new user of role with no scope.
func (s *testServer) token(t *testing.T, role authz.Role) string {
	return authtest.Token(t, s.auth, role, authz.Scope{})
}

// get requests path with token (none when empty).
func (s *testServer) get(t *testing.T, path, token string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.url+path, nil)
	return do(t, req, token)
}

func TestThroughTheHTTPHandler(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		srv := newServer(t, d)
		owner, warehouse := srv.token(t, authz.Owner), srv.token(t, authz.Warehouse)
		pin, _ := pinfl.Make(time.Date(1994, 7, 2, 0, 0, 0, 0, time.UTC), pinfl.Female, 4242)

		r := gql(t, srv.url, owner, fmt.Sprintf(`mutation { onboardCourier(input: {lastName: "Юсупова", firstName: "Малика", phone: "+998 (97) 765-43-21", pinfl: %q, transportType: BICYCLE}) { id phone allowedActions } }`, pin))
		if len(r.Errors) > 0 {
			t.Fatalf("onboard: %+v", r.Errors)
		}
		var c struct {
			ID, Phone      string
			AllowedActions []string
		}
		_ = json.Unmarshal(r.Data["onboardCourier"], &c)
		if c.Phone != "+998977654321" || strings.Join(c.AllowedActions, ",") != "submitForActivation,activateCourier" {
			t.Errorf("onboarded: %+v", c)
		}

		r = gql(t, srv.url, owner, `mutation { onboardCourier(input: {lastName: "", firstName: "X", phone: "1", pinfl: "1", transportType: CAR}) { id } }`)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Fatalf("bad input: %+v", r.Errors)
		}
		keys, _ := r.Errors[0].Extensions["fieldKeys"].(map[string]any)
		for _, f := range []string{"lastName", "firstName", "phone", "pinfl", "vehiclePlate"} {
			if keys[f] == nil {
				t.Errorf("no field error for %s: %v", f, keys)
			}
		}

		r = gql(t, srv.url, owner, fmt.Sprintf(`mutation { blockCourier(id: %q, reason: "no_show", comment: "x") { id } }`, c.ID))
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "INVALID_TRANSITION" || r.Errors[0].Extensions["allowed"] == nil {
			t.Errorf("block a new courier: %+v", r.Errors)
		}

		pdf := []byte("%PDF-1.4\n% test scan\n%%EOF\n")
		r = upload(t, srv.url, owner, fmt.Sprintf(`mutation($file: Upload) { addCourierDocument(input: {courierID: %q, kind: PASSPORT, number: "AA1234567", file: $file}) { id fileURL contentType fileSize } }`, c.ID), pdf)
		if len(r.Errors) > 0 {
			t.Fatalf("upload: %+v", r.Errors)
		}
		var doc struct {
			ID, FileURL, ContentType string
			FileSize                 int
		}
		_ = json.Unmarshal(r.Data["addCourierDocument"], &doc)
		if doc.ContentType != "application/pdf" || doc.FileSize != len(pdf) || doc.FileURL == "" {
			t.Fatalf("document: %+v", doc)
		}
		get := func(path, token string) (*http.Response, []byte) { return srv.get(t, path, token) }
		if res, _ := get(doc.FileURL, ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("file without sign-in: HTTP %d", res.StatusCode)
		}
		if res, _ := get(doc.FileURL, warehouse); res.StatusCode != http.StatusNotFound {
			t.Errorf("file as warehouse: HTTP %d, want 404", res.StatusCode)
		}
		if res, b := get(doc.FileURL, owner); res.StatusCode != http.StatusOK || !bytes.Equal(b, pdf) || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("file as owner: HTTP %d, %d bytes", res.StatusCode, len(b))
		}

		r = upload(t, srv.url, owner, fmt.Sprintf(`mutation($file: Upload!) { uploadCourierDocumentFile(id: %q, file: $file) { id } }`, doc.ID), []byte("<html><script>alert(1)</script></html>"))
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("html upload: %+v", r.Errors)
		}

		r = gql(t, srv.url, owner, `{ courierSearch(search: "юсуп", first: 10) { totalCount edges { node { id } } } }`)
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data["courierSearch"]), `"totalCount":1`) {
			t.Errorf("search: %s %+v", r.Data["courierSearch"], r.Errors)
		}

		q := url.Values{"format": {"csv"}, "where": {`{"status": "NEW"}`}, "search": {"yusup"}}
		res, b := get("/export/couriers?"+q.Encode(), owner)
		if res.StatusCode != http.StatusOK || !strings.Contains(string(b), pin) {
			t.Errorf("owner export: HTTP %d\n%s", res.StatusCode, b)
		}
		res, b = get("/export/couriers?"+q.Encode(), warehouse)
		if res.StatusCode != http.StatusOK || strings.Contains(string(b), pin) || strings.Contains(string(b), "977654321") || !strings.Contains(string(b), "Юсупова") {
			t.Errorf("warehouse export must mask PINFL and phone: HTTP %d\n%s", res.StatusCode, b)
		}
		if res, _ := get("/export/couriers", ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("export without sign-in: HTTP %d", res.StatusCode)
		}
	})
}
