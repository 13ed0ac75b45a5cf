package httpserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/internal/platform/httperror"
)

// RequestIDHeader carries the request id in both directions.
const RequestIDHeader = "X-Request-ID"

// validRequestID accepts ids a load balancer or client may send; anything
// else is replaced, so a caller cannot inject text into the logs.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:/+=-]{1,128}$`)

// RequestID gives every request an id (the caller's X-Request-ID when it is
// sane, otherwise a new one), puts it in the context and echoes it in the
// response.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get(middleware.RequestIDHeader); id != "" && !validRequestID.MatchString(id) {
			r.Header.Del(middleware.RequestIDHeader)
		}
		middleware.RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(RequestIDHeader, middleware.GetReqID(r.Context()))
			next.ServeHTTP(w, r)
		})).ServeHTTP(w, r)
	})
}

// quietPaths are polled by probes and scrapers; they log at debug level.
var quietPaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// Logger puts a child of base carrying the request id into the request's
// context and logs one line per request: method, path, status, bytes,
// duration. Bodies and query strings are never logged (they carry personal
// data and tokens).
func Logger(base zerolog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			l := base.With().Str("request_id", middleware.GetReqID(r.Context())).Logger()
			r = r.WithContext(l.WithContext(r.Context()))
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			defer func() {
				status := ww.Status()
				if status == 0 {
					status = http.StatusOK
				}
				level := zerolog.InfoLevel
				switch {
				case status >= 500:
					level = zerolog.ErrorLevel
				case quietPaths[r.URL.Path]:
					level = zerolog.DebugLevel
				}
				l.WithLevel(level).
					Str("method", r.Method).
					Str("path", r.URL.Path).
					Int("status", status).
					Int("bytes", ww.BytesWritten()).
					Dur("duration", time.Since(start)).
					Msg("http request")
			}()
			next.ServeHTTP(ww, r)
		})
	}
}

// Recoverer turns a panic in a handler into a 500, logging it with its
// stack; the client gets no detail.
func Recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			zerolog.Ctx(r.Context()).Error().
				Interface("panic", p).
				Bytes("stack", debug.Stack()).
				Msg("http: panic in handler")
			if r.Header.Get("Connection") != "Upgrade" {
				writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// SecurityHeaders sets the headers every response carries: no sniffing, no
// framing, no referrer, no caching unless a handler says otherwise, a
// locked-down content policy for API responses, and
// HSTS when the service is only reached over TLS (production).
func SecurityHeaders(hsts bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "no-referrer")
			// The UI's pages replace this with their own strict policy.
			h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
			// API answers and files carry personal data: no cache (a
			// browser's, a proxy's) keeps them. The UI's assets set their
			// own caching.
			h.Set("Cache-Control", "no-store")
			if hsts {
				h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// CORS lets browsers on the listed origins call the API; with no origins,
// only same-origin pages can (the browser's default).
func CORS(origins []string) func(http.Handler) http.Handler {
	allowed := map[string]bool{}
	for _, o := range origins {
		allowed[strings.TrimRight(o, "/")] = true
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			if origin == "" || !allowed[origin] {
				if r.Method == http.MethodOptions && origin != "" {
					w.WriteHeader(http.StatusForbidden)
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Add("Vary", "Origin")
			if r.Method == http.MethodOptions {
				h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID")
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// LimitBody caps request bodies at n bytes, except multipart uploads, which
// are capped at upload bytes. A body over its cap is refused with 413 and
// the code BAD_USER_INPUT, whether its length was declared or it came
// chunked: a body without a declared length is read (up to n) before the
// handler runs, so the handler never meets a cut-off body.
func LimitBody(n, upload int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			limit := n
			multipart := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/")
			if multipart {
				limit = upload
			}
			if limit <= 0 || r.Body == nil || r.Body == http.NoBody {
				next.ServeHTTP(w, r)
				return
			}
			if r.ContentLength > limit {
				tooLarge(w, r, limit)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if r.ContentLength < 0 && !multipart {
				b, err := io.ReadAll(r.Body)
				if err != nil {
					var mbe *http.MaxBytesError
					if errors.As(err, &mbe) {
						tooLarge(w, r, limit)
						return
					}
					httperror.Write(w, r, http.StatusBadRequest, "BAD_REQUEST", "request.unreadable", "the request body could not be read")
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(b))
				r.ContentLength = int64(len(b))
			}
			next.ServeHTTP(w, r)
		})
	}
}

func tooLarge(w http.ResponseWriter, r *http.Request, limit int64) {
	httperror.Write(w, r, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", "request.tooLarge",
		fmt.Sprintf("the request body is larger than %d bytes", limit))
}

// Deadline cancels each request's context after d (no deadline when d is
// zero), so database work stops when the server's write timeout has cut the
// client off instead of running on for nobody.
func Deadline(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if d <= 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
