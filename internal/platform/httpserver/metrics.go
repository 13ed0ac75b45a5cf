package httpserver

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Label values that stand in for names clients control, which must not
// create unbounded series.
const (
	anonymousOperation = "anonymous"
	otherOperation     = "other"
	unmatchedRoute     = "unmatched"
	// maxOperationNames caps distinct operation names per process; the UI
	// and the bot use a few dozen.
	maxOperationNames = 300
)

// Metrics holds the Prometheus collectors of the HTTP server and the
// GraphQL API.
type Metrics struct {
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	gqlOps       *prometheus.CounterVec
	gqlDuration  *prometheus.HistogramVec

	mu    sync.Mutex
	names map[string]bool
}

// NewMetrics registers the collectors on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mycourier_http_requests_total",
			Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mycourier_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
		gqlOps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mycourier_graphql_operations_total",
			Help: "GraphQL operations by operation name, type and outcome (ok or error).",
		}, []string{"operation", "type", "outcome"}),
		gqlDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mycourier_graphql_operation_duration_seconds",
			Help:    "GraphQL operation latency by operation name and type.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .2, .5, 1, 2.5, 5},
		}, []string{"operation", "type"}),
		names: map[string]bool{},
	}
	reg.MustRegister(m.httpRequests, m.httpDuration, m.gqlOps, m.gqlDuration)
	return m
}

// NewRegistry returns a registry with the Go runtime and process collectors.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// Middleware counts and times every request by its chi route pattern (not
// its path, which holds ids).
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := unmatchedRoute
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		m.httpRequests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
		m.httpDuration.WithLabelValues(route, r.Method).Observe(time.Since(start).Seconds())
	})
}

var operationName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// operationLabel bounds the operation label: anonymous operations share one
// value, and once maxOperationNames distinct names were seen new ones share
// another, so a client inventing names cannot exhaust memory.
func (m *Metrics) operationLabel(name string) string {
	if name == "" {
		return anonymousOperation
	}
	if !operationName.MatchString(name) {
		return otherOperation
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return name
	}
	if len(m.names) >= maxOperationNames {
		return otherOperation
	}
	m.names[name] = true
	return name
}

// GraphQL returns the gqlgen extension that counts and times operations.
func (m *Metrics) GraphQL() graphql.HandlerExtension { return gqlMetrics{m} }

type gqlMetrics struct{ m *Metrics }

var (
	_ graphql.HandlerExtension     = gqlMetrics{}
	_ graphql.OperationInterceptor = gqlMetrics{}
)

func (gqlMetrics) ExtensionName() string { return "Metrics" }

func (gqlMetrics) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation runs once the operation parsed and validated, so the
// name and type are known; the outcome is taken from the response.
func (g gqlMetrics) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	start := time.Now()
	oc := graphql.GetOperationContext(ctx)
	name, typ := "", "unknown"
	if oc.Operation != nil {
		name = oc.Operation.Name
		typ = string(oc.Operation.Operation)
	}
	if name == "" {
		name = oc.OperationName
	}
	label := g.m.operationLabel(name)
	h := next(ctx)
	var once sync.Once
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		once.Do(func() {
			outcome := "ok"
			if resp == nil || len(resp.Errors) > 0 {
				outcome = "error"
			}
			g.m.gqlOps.WithLabelValues(label, typ, outcome).Inc()
			g.m.gqlDuration.WithLabelValues(label, typ).Observe(time.Since(start).Seconds())
		})
		return resp
	}
}
