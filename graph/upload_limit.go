package graph

import (
	"errors"
	"io"
	"net/http"

	"github.com/mycourier/mycourier/internal/platform/httperror"
)

// limitUpload caps a multipart request's body at limit and makes going over
// it answer 413 with a code. gqlgen's multipart transport meets a body cut
// off at the cap (a chunked upload has no length to refuse it by up front)
// as an unreadable file and answers 422 without a code; the writer returned
// replaces that answer once the body has hit the cap.
func limitUpload(w http.ResponseWriter, r *http.Request, limit int64) http.ResponseWriter {
	hit := new(bool)
	r.Body = overLimitBody{http.MaxBytesReader(w, r.Body, limit), hit}
	return &overLimitWriter{ResponseWriter: w, r: r, hit: hit}
}

// overLimitBody notes when the body reader reports its cap.
type overLimitBody struct {
	io.ReadCloser
	hit *bool
}

func (b overLimitBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		*b.hit = true
	}
	return n, err
}

// overLimitWriter answers 413 request.tooLarge in place of whatever the
// transport answers after the body hit its cap.
type overLimitWriter struct {
	http.ResponseWriter
	r        *http.Request
	hit      *bool
	replaced bool
}

func (w *overLimitWriter) WriteHeader(status int) {
	switch {
	case w.replaced:
	case *w.hit:
		w.replaced = true
		httperror.Write(w.ResponseWriter, w.r, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", "request.tooLarge", "the request body is too large")
	default:
		w.ResponseWriter.WriteHeader(status)
	}
}

func (w *overLimitWriter) Write(b []byte) (int, error) {
	if *w.hit && !w.replaced {
		w.WriteHeader(http.StatusRequestEntityTooLarge)
	}
	if w.replaced {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}
