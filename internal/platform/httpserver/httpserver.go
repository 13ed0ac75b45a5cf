// Package httpserver is mycourier's HTTP front: the chi router with health,
// readiness and metrics endpoints, the middleware every request passes
// (request id, logging, metrics, panic recovery, limits), and a graceful run
// loop. It knows nothing of the domain: the application's routes arrive
// ready-made (internal/app mounts them).
package httpserver

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/internal/platform/httperror"
)

// Options configure the router.
type Options struct {
	// Ready answers the readiness probe (the database ping); required.
	Ready func(context.Context) error
	// Mount adds the application's routes (API, files, pages); required.
	Mount func(chi.Router)
	// Logger is the base logger; each request gets a child with its id.
	Logger zerolog.Logger
	// Registry receives the metrics and is served at /metrics; nil makes
	// one with the Go runtime and process collectors.
	Registry *prometheus.Registry
	// Metrics records requests into Registry; nil makes them for it (the
	// application shares them when it instruments GraphQL too).
	Metrics *Metrics
	// ReadyTimeout bounds the readiness ping (default 2s).
	ReadyTimeout time.Duration
	// CORSOrigins may call the API from a browser.
	CORSOrigins []string
	// MaxBodyBytes caps request bodies (default 1 MiB); MaxUploadBytes caps
	// multipart uploads.
	MaxBodyBytes, MaxUploadBytes int64
	// HSTS sends Strict-Transport-Security (production behind TLS).
	HSTS bool
	// RequestTimeout cancels a request's context at this age: set it to the
	// server's write timeout, after which the client is gone anyway.
	RequestTimeout time.Duration
	// MetricsToken, when set, is the bearer token /metrics asks for.
	MetricsToken string
	// MetricsOff leaves /metrics out of this router (served on a separate
	// address by MetricsHandler, or not at all).
	MetricsOff bool
}

// NewRouter returns the handler of every HTTP endpoint: the middleware every
// request passes, health, readiness and metrics, and the routes Mount adds.
// It knows nothing of what those routes do.
func NewRouter(opts Options) (http.Handler, error) {
	if opts.Ready == nil || opts.Mount == nil {
		return nil, errors.New("httpserver: Ready and Mount are required")
	}
	reg := opts.Registry
	if reg == nil {
		reg = NewRegistry()
	}
	metrics := opts.Metrics
	if metrics == nil {
		metrics = NewMetrics(reg)
	}
	readyTimeout := opts.ReadyTimeout
	if readyTimeout <= 0 {
		readyTimeout = 2 * time.Second
	}
	r := chi.NewRouter()
	maxBody := opts.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = 1 << 20
	}
	r.Use(RequestID, Logger(opts.Logger), Recoverer, Deadline(opts.RequestTimeout), metrics.Middleware, SecurityHeaders(opts.HSTS), CORS(opts.CORSOrigins), LimitBody(maxBody, opts.MaxUploadBytes))
	opts.Mount(r)
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.Get("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := opts.Ready(ctx); err != nil {
			// The reason goes to the log only: it may name hosts.
			zerolog.Ctx(r.Context()).Warn().Err(err).Msg("readyz: database ping failed")
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "down"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": "up"})
	})
	switch {
	case opts.MetricsOff:
	case opts.MetricsToken != "":
		r.Handle("/metrics", requireBearer(opts.MetricsToken, MetricsHandler(reg)))
	default:
		r.Handle("/metrics", MetricsHandler(reg))
	}
	return r, nil
}

// MetricsHandler serves reg's metrics in the Prometheus format, for the
// router or a separate listen address.
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}

// requireBearer lets through only requests carrying Authorization: Bearer
// token (compared in constant time).
func requireBearer(token string, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			httperror.Write(w, r, http.StatusUnauthorized, "UNAUTHENTICATED", "metrics.token", "/metrics needs its bearer token")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ServerOptions are the timeouts of the http.Server.
type ServerOptions struct {
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	// IdleTimeout defaults to 120s.
	IdleTimeout time.Duration
}

// NewServer returns an http.Server for h on addr with the given timeouts.
// Slow clients cannot hold a connection open by trickling headers.
func NewServer(addr string, h http.Handler, opts ServerOptions) *http.Server {
	idle := opts.IdleTimeout
	if idle <= 0 {
		idle = 120 * time.Second
	}
	header := opts.ReadTimeout
	if header <= 0 || header > 10*time.Second {
		header = 10 * time.Second
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadTimeout:       opts.ReadTimeout,
		ReadHeaderTimeout: header,
		WriteTimeout:      opts.WriteTimeout,
		IdleTimeout:       idle,
	}
}

// Run listens on srv.Addr and serves until ctx is cancelled (SIGTERM or
// SIGINT in the binary), then shuts down gracefully; see Serve.
func Run(ctx context.Context, srv *http.Server, shutdownTimeout time.Duration) error {
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		return fmt.Errorf("httpserver: listen: %w", err)
	}
	return Serve(ctx, srv, ln, shutdownTimeout)
}

// Serve serves on ln until ctx is cancelled, then stops accepting
// connections and waits up to shutdownTimeout for in-flight requests to
// finish before closing what is left.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, shutdownTimeout time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("httpserver: serve: %w", err)
	case <-ctx.Done():
	}
	// The parent context is already done; shutdown needs its own clock.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("httpserver: shutdown: %w", err)
	}
	return nil
}
