// Package webui serves the admin UI's production build, embedded in the
// binary, at / with a fallback to index.html for client-side routes, and the
// bundled GraphQL playground at /playground — both under a strict content
// security policy. Without a build (the Go build never needs Node) it serves
// a page saying how to make one.
package webui

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed all:dist
var dist embed.FS

// CSP allows only the binary's own scripts, styles, images and API. Inline
// styles are allowed because the UI's component library injects them;
// inline scripts and eval are not.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-src 'none'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Handler serves the UI from fsys (the embedded build when nil).
type Handler struct {
	files fs.FS
	built bool
}

// New returns the handler over the embedded build.
func New() *Handler {
	sub, err := fs.Sub(dist, "dist/app")
	if err != nil {
		return &Handler{}
	}
	return NewFS(sub)
}

// NewFS returns the handler over a build in fsys (tests pass their own).
func NewFS(fsys fs.FS) *Handler {
	_, err := fs.Stat(fsys, "index.html")
	return &Handler{files: fsys, built: err == nil}
}

// Built tells whether a UI build is present.
func (h *Handler) Built() bool { return h.built }

// ServeHTTP serves /assets/* as immutable files, /playground as the
// playground page, and every other path as index.html (the UI routes on
// the client).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", CSP)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !h.built {
		hdr.Set("Cache-Control", "no-store")
		hdr.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write(notBuilt)
		return
	}
	p := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if strings.HasPrefix(p, "assets/") {
		if _, err := fs.Stat(h.files, p); err != nil {
			http.NotFound(w, r)
			return
		}
		// File names carry a content hash.
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
		http.ServeFileFS(w, r, h.files, p) // #nosec G703 -- serves the embedded, read-only admin UI file system; p is cleaned by fs rules
		return
	}
	page := "index.html"
	if p == "playground" || p == "playground.html" {
		page = "playground.html"
	}
	b, err := fs.ReadFile(h.files, page)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	hdr.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, page, time.Time{}, bytes.NewReader(b))
}

var notBuilt = []byte(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mycourier: admin UI not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">
<h1>The admin UI is not built into this binary</h1>
<p>The GraphQL API is at <code>/graphql</code>. To serve the admin UI here, build it (Node 20 and npm) and rebuild the binary:</p>
<pre>make ui build</pre>
<p>or by hand: <code>cd admin-ui &amp;&amp; npm ci &amp;&amp; npm run build</code>, then <code>go build ./cmd/mycourier</code>.
<code>make run</code> does both when Node is installed.</p>
</body></html>
`)
