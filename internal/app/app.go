// Package app is mycourier's composition root: it builds every service once,
// wires them into each other and into the GraphQL server and the HTTP
// routes, and hands the finished handler to the platform's HTTP server. A
// missing dependency is an error here, at start-up, never a quietly
// switched-off rule. cmd/mycourier calls it; tests build the same handler.
package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/graph"
	"github.com/mycourier/mycourier/internal/analyticssvc"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/couriersvc/courierhttp"
	"github.com/mycourier/mycourier/internal/handover"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/httpserver"
	"github.com/mycourier/mycourier/internal/stocksvc"
	"github.com/mycourier/mycourier/internal/webhook"
	"github.com/mycourier/mycourier/internal/webui"
)

// Options are what the application is built from.
type Options struct {
	// DB is the database (required).
	DB *database.DB
	// Auth signs people in and turns bearer credentials into viewers (required).
	Auth *authsvc.Service
	// Documents stores courier document files (nil: uploads are refused
	// with documents.noStorage).
	Documents blobstore.Store
	// Logger is the base logger; each request gets a child with its id.
	Logger zerolog.Logger
	// Registry receives the metrics (nil: a new one).
	Registry *prometheus.Registry
	// Playground serves the GraphQL playground at /playground.
	Playground bool
	// UI serves the admin UI at / and the playground (nil: the build
	// embedded in the binary).
	UI *webui.Handler
	// Introspection allows schema introspection (dev mode or playground).
	Introspection bool
	// CORSOrigins may call the API from a browser.
	CORSOrigins []string
	// MaxBodyBytes caps request bodies (default 1 MiB).
	MaxBodyBytes int64
	// MaxDepth and MaxComplexity bound GraphQL operations.
	MaxDepth, MaxComplexity int
	// HSTS sends Strict-Transport-Security (production behind TLS).
	HSTS bool
	// RequestTimeout cancels a request's context at this age.
	RequestTimeout time.Duration
	// ReadyTimeout bounds the readiness ping (default 2s).
	ReadyTimeout time.Duration
	// MetricsToken, when set, is the bearer token /metrics asks for.
	MetricsToken string
	// MetricsOff leaves /metrics out of Handler (served on its own address
	// from Registry, or not at all).
	MetricsOff bool
}

// App is the built application: its services and its HTTP handler.
type App struct {
	Auth     *authsvc.Service
	Couriers *couriersvc.Service
	Stock    *stocksvc.Service
	// GraphQL is the GraphQL endpoint alone, expecting the viewer in the
	// request context (Handler serves it at /graphql behind sign-in).
	GraphQL http.Handler
	// Handler serves every HTTP endpoint.
	Handler http.Handler
}

// New builds the services once and the HTTP handler over them.
func New(opts Options) (*App, error) {
	if opts.DB == nil || opts.Auth == nil {
		return nil, errors.New("app: DB and Auth are required")
	}
	client := opts.DB.Client
	stock := stocksvc.New(client, stocksvc.Config{})
	couriers, err := couriersvc.New(client, couriersvc.Options{
		Documents: opts.Documents,
		Equipment: stock, // firing is refused while the courier holds equipment
		SettleDebt: func(ctx context.Context, courierID int, key string) error {
			_, err := stock.SettleAsLost(ctx, courierID, key) // a forced firing books it as debt
			return err
		},
	})
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	analytics := analyticssvc.New(client, analyticssvc.Options{})
	a := &App{Auth: opts.Auth, Couriers: couriers, Stock: stock}

	reg := opts.Registry
	if reg == nil {
		reg = httpserver.NewRegistry()
	}
	metrics := httpserver.NewMetrics(reg)
	gql, err := graph.NewServer(client, graph.Services{Auth: opts.Auth, Couriers: couriers, Stock: stock, Analytics: analytics, Webhooks: webhook.NewService(client)}, graph.ServerOptions{
		Introspection: opts.Introspection,
		Extensions:    []graphql.HandlerExtension{metrics.GraphQL()},
		MaxDepth:      opts.MaxDepth,
		MaxComplexity: opts.MaxComplexity,
	})
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	// An answer carrying UNAVAILABLE is sent as 503 with Retry-After.
	a.GraphQL = graph.HTTPHandler(gql)
	signedIn := opts.Auth.Middleware
	a.Handler, err = httpserver.NewRouter(httpserver.Options{
		Ready:          opts.DB.Ping,
		Logger:         opts.Logger,
		Registry:       reg,
		Metrics:        metrics,
		ReadyTimeout:   opts.ReadyTimeout,
		CORSOrigins:    opts.CORSOrigins,
		MaxBodyBytes:   opts.MaxBodyBytes,
		MaxUploadBytes: graph.MaxUploadBytes,
		HSTS:           opts.HSTS,
		RequestTimeout: opts.RequestTimeout,
		MetricsToken:   opts.MetricsToken,
		MetricsOff:     opts.MetricsOff,
		Mount: func(r chi.Router) {
			r.Handle("/graphql", signedIn(a.GraphQL))
			r.Handle("/schema.graphql", signedIn(http.HandlerFunc(graph.SchemaHandler)))
			// Document files and exports: signed-in viewers only, read
			// through their privacy rules.
			r.Group(func(r chi.Router) {
				r.Use(signedIn)
				courierhttp.Routes(r, client, couriers, graph.CourierWhere)
				// Dashboard sections as CSV or XLSX: the dashboard's filter and scope.
				r.Method(http.MethodGet, "/export/dashboard", analytics.Handler())
			})
			// Handover acts (PDF) of issues and returns, for signed-in
			// viewers whose scope reaches the document.
			r.Get("/acts/{number}", signedIn(handover.Handler(stock.Act)).ServeHTTP)
			// The playground is GraphiQL from the admin UI's own build (no
			// CDN); everything else not routed is the admin UI, whose
			// client-side routes fall back to its index.html.
			if !opts.Playground {
				r.Get("/playground", http.NotFound)
			}
			ui := opts.UI
			if ui == nil {
				ui = webui.New()
			}
			r.Handle("/*", ui)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	return a, nil
}
