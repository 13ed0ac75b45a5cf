// Package courierhttp serves the courier downloads that are not GraphQL:
// document files and list exports. Both need a signed-in viewer (the auth
// middleware in front sets it) and read through the viewer's privacy rules,
// so a file or a row outside the viewer's scope does not exist for them and
// personal data is masked as in the API.
package courierhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/predicate"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/pii"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/httperror"
)

// WhereDecoder decodes the export's ?where= exactly as the API decodes
// couriers(where:) (graph.CourierWhere), so both accept and refuse the same
// filters. Its error is the caller's mistake and names the field.
type WhereDecoder func(ctx context.Context, raw []byte) (*ent.CourierWhereInput, error)

// Routes mounts GET /files/courier-documents/{id} and GET /export/couriers
// on r. Put the auth middleware in front of them.
func Routes(r chi.Router, client *ent.Client, svc *couriersvc.Service, where WhereDecoder) {
	r.Get("/files/courier-documents/{id}", func(w http.ResponseWriter, req *http.Request) {
		serveDocument(w, req, client, svc.Documents())
	})
	r.Get("/export/couriers", func(w http.ResponseWriter, req *http.Request) {
		export(w, req, svc, where)
	})
}

// fail writes an error in the API's shape.
func fail(w http.ResponseWriter, r *http.Request, status int, code apperr.Code, key, msg string) {
	httperror.Write(w, r, status, string(code), key, msg)
}

func signedIn(w http.ResponseWriter, req *http.Request) bool {
	if authz.FromContext(req.Context()) == nil {
		fail(w, req, http.StatusUnauthorized, apperr.CodeUnauthenticated, "error.unauthenticated", "sign in to continue")
		return false
	}
	return true
}

func serveDocument(w http.ResponseWriter, req *http.Request, client *ent.Client, store blobstore.Store) {
	if !signedIn(w, req) {
		return
	}
	ctx := req.Context()
	id, err := strconv.Atoi(chi.URLParam(req, "id"))
	if err != nil {
		fail(w, req, http.StatusNotFound, apperr.CodeNotFound, "error.notFound", "not found")
		return
	}
	// Read under the viewer's privacy policy: roles without document
	// access and documents outside the scope are simply not found.
	d, err := client.CourierDocument.Get(ctx, id)
	if database.Unavailable(err) {
		zerolog.Ctx(ctx).Warn().Err(err).Int("document", id).Msg("document file lookup: database unavailable")
		httperror.Unavailable(w, req)
		return
	}
	if err != nil || d.StorageKey == "" || store == nil {
		if err != nil && !ent.IsNotFound(err) && !errors.Is(err, authz.ErrForbidden) {
			zerolog.Ctx(ctx).Debug().Err(err).Int("document", id).Msg("document file lookup")
		}
		fail(w, req, http.StatusNotFound, apperr.CodeNotFound, "error.notFound", "not found")
		return
	}
	f, err := store.Open(ctx, d.StorageKey)
	if err != nil {
		zerolog.Ctx(ctx).Error().Err(err).Int("document", id).Msg("document file missing from storage")
		fail(w, req, http.StatusNotFound, apperr.CodeNotFound, "error.notFound", "not found")
		return
	}
	defer f.Close()
	name := d.FileName
	if name == "" {
		name = fmt.Sprintf("document-%d", d.ID)
	}
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename*=UTF-8''%s", urlEscape(name)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if d.FileSize > 0 {
		w.Header().Set("Content-Length", strconv.FormatInt(d.FileSize, 10))
	}
	_, _ = io.Copy(w, f)
}

// export streams the couriers matching ?where= (a CourierWhereInput as
// JSON, the list's filters) and ?search= as ?format=csv|xlsx.
func export(w http.ResponseWriter, req *http.Request, svc *couriersvc.Service, decode WhereDecoder) {
	if !signedIn(w, req) {
		return
	}
	ctx := req.Context()
	q := req.URL.Query()
	format := strings.ToLower(q.Get("format"))
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "xlsx" {
		fail(w, req, http.StatusBadRequest, apperr.CodeBadUserInput, "export.format", "format must be csv or xlsx")
		return
	}
	var preds []predicate.Courier
	filter := map[string]any{}
	if raw := q.Get("where"); raw != "" {
		var generic any
		err := json.Unmarshal([]byte(raw), &generic)
		if f := pii.FieldUsed(authz.FromContext(ctx), generic); err == nil && f != "" {
			e := pii.ErrMaskedField(f)
			fail(w, req, http.StatusForbidden, e.Code, e.Key, e.Message)
			return
		}
		wi, err := decode(ctx, []byte(raw))
		if err != nil {
			fail(w, req, http.StatusBadRequest, apperr.CodeBadUserInput, "export.where", "where is not a valid CourierWhereInput: "+err.Error())
			return
		}
		if wi != nil {
			p, err := wi.P()
			if err != nil && !errors.Is(err, ent.ErrEmptyCourierWhereInput) {
				fail(w, req, http.StatusBadRequest, apperr.CodeBadUserInput, "export.where", "where is not a valid CourierWhereInput: "+err.Error())
				return
			}
			if p != nil {
				preds = append(preds, p)
			}
		}
		filter["where"] = generic
	}
	p, err := couriersvc.Search(ctx, q.Get("search"))
	if err != nil {
		fail(w, req, http.StatusBadRequest, apperr.CodeBadUserInput, "export.search", err.Error())
		return
	}
	preds = append(preds, p)
	if s := q.Get("search"); s != "" {
		filter["search"] = s
	}
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=couriers-%s.%s", time.Now().UTC().Format("20060102-1504"), format))
	w.Header().Set("Cache-Control", "private, no-store")
	out := &countingWriter{w: w}
	if _, err := svc.Export(ctx, out, format, filter, preds...); err != nil {
		if out.n == 0 { // nothing sent yet (an XLSX is written at the end): answer with the error
			w.Header().Del("Content-Disposition")
			httperror.WriteError(w, req, err)
			return
		}
		// Headers are out; the truncated body is all we can do. Log it.
		zerolog.Ctx(ctx).Error().Err(err).Msg("courier export failed")
	}
}

// countingWriter counts the bytes an export has sent.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
