package graph

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/mycourier/mycourier/internal/platform/httperror"
)

// unavailableKey holds the flag Presenter raises when it answers UNAVAILABLE.
type unavailableKey struct{}

func markUnavailable(ctx context.Context) {
	if f, ok := ctx.Value(unavailableKey{}).(*atomic.Bool); ok {
		f.Store(true)
	}
}

// HTTPHandler serves the GraphQL handler h so that an outage reads as one at
// the HTTP level too: an answer carrying an UNAVAILABLE error (the database
// out of reach, the request past its deadline) is sent as 503 with
// Retry-After instead of 200, so clients, proxies and load balancers can
// tell a retry-safe failure from a bug. The answer is buffered (GraphQL
// answers are bounded by the complexity limit) to set the status after the
// operation ran.
func HTTPHandler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		flag := new(atomic.Bool)
		bw := &bufferedWriter{header: w.Header()}
		h.ServeHTTP(bw, r.WithContext(context.WithValue(r.Context(), unavailableKey{}, flag)))
		status := bw.status
		if status == 0 {
			status = http.StatusOK
		}
		body := bytes.TrimSpace(bw.body.Bytes())
		if status == http.StatusOK && r.Context().Err() != nil && (len(body) == 0 || string(body) == "null") {
			// gqlgen answers a request whose context ended before it ran
			// with no response at all.
			httperror.Unavailable(w, r)
			return
		}
		if status == http.StatusOK && flag.Load() {
			status = http.StatusServiceUnavailable
			w.Header().Set("Retry-After", httperror.RetryAfter)
		}
		w.Header().Set("Content-Length", strconv.Itoa(bw.body.Len()))
		w.WriteHeader(status)
		_, _ = w.Write(bw.body.Bytes())
	})
}

type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
