package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/platform/buildinfo"
	"github.com/mycourier/mycourier/internal/platform/config"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/httpserver"
	"github.com/mycourier/mycourier/internal/platform/leader"
	"github.com/mycourier/mycourier/internal/platform/logging"
	"github.com/mycourier/mycourier/internal/webhook"
)

func serveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Serve the GraphQL API, playground, health and metrics until SIGTERM",
		RunE: func(cmd *cobra.Command, _ []string) error {
			start := time.Now()
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			log, err := logging.New(logging.Options{Level: cfg.LogLevel, Format: cfg.LogFormat, Output: cmd.ErrOrStderr()})
			if err != nil {
				return err
			}
			ctx := logging.WithContext(cmd.Context(), log)

			// Serving migrates (creating the database) unless told not to.
			open := database.Open
			if !cfg.AutoMigrate {
				open = func(ctx context.Context, _ string, o database.Options) (*database.DB, error) {
					return openMigrated(ctx, cfg, o)
				}
			}
			db, err := open(ctx, cfg.DatabaseURL, database.Options{MaxOpenConns: cfg.DBMaxConns})
			if err != nil {
				return err
			}
			defer db.Close()
			if cfg.AutoMigrate {
				rs, err := migrateUp(ctx, cfg, db, cmd.ErrOrStderr())
				for _, r := range rs {
					log.Info().Int64("version", r.Version).Str("name", r.Name).Dur("took", r.Duration).Msg("migration applied")
				}
				if err != nil {
					return err
				}
			}

			auth, err := authService(cfg, db)
			if err != nil {
				return err
			}
			if has, err := auth.HasUsers(ctx); err == nil && !has {
				log.Warn().Msg("no users yet: create the first owner with `mycourier user create --login <login> --full-name \"<name>\" --role owner` (it asks for the password)")
			}
			docs, err := blobstore.Open(ctx, blobConfig(cfg))
			if err != nil {
				return err
			}
			// /metrics: on its own address, behind a token, open in dev, or
			// off (production without either).
			reg := httpserver.NewRegistry()
			metricsOff := cfg.MetricsListen != "" || (cfg.MetricsToken == "" && cfg.Mode == config.ModeProduction)
			if metricsOff && cfg.MetricsListen == "" {
				log.Warn().Msg("/metrics is off: set --metrics-listen or --metrics-token to scrape it")
			}
			application, err := app.New(app.Options{
				Registry:     reg,
				MetricsToken: cfg.MetricsToken,
				MetricsOff:   metricsOff,
				DB:           db,
				Auth:         auth,
				Documents:    docs,
				CORSOrigins:  cfg.CORSOrigins,
				// A request's work stops when its client is cut off.
				RequestTimeout: cfg.WriteTimeout,
				MaxBodyBytes:   cfg.MaxBodyBytes,
				MaxDepth:       cfg.MaxQueryDepth,
				MaxComplexity:  cfg.MaxComplexity,
				HSTS:           cfg.Mode == config.ModeProduction,
				Playground:     cfg.Playground,
				Introspection:  cfg.Playground || cfg.Mode == config.ModeDev,
				Logger:         log,
			})
			if err != nil {
				return err
			}
			couriers := application.Couriers
			go func() {
				// Couriers written before the search key existed get one.
				if n, err := couriers.BackfillSearchKeys(ctx); err != nil || n > 0 {
					log.Info().Err(err).Int("couriers", n).Msg("search keys filled")
				}
			}()
			go runPeriodicJobs(ctx, db, couriers, log)
			// Integrator events: deliver the outbox (one per SQLite file; any number on PostgreSQL).
			hooks := webhook.NewDispatcher(db, webhook.Options{
				AllowPrivate: cfg.WebhookAllowPrivate,
				OnError:      func(err error) { log.Warn().Err(err).Msg("webhook dispatch") },
			})
			go hooks.Run(ctx, 2*time.Second)
			srv := httpserver.NewServer(cfg.Listen, application.Handler, httpserver.ServerOptions{
				ReadTimeout:  cfg.ReadTimeout,
				WriteTimeout: cfg.WriteTimeout,
			})
			ln, err := net.Listen("tcp", cfg.Listen)
			if err != nil {
				return fmt.Errorf("serve: listen: %w", err)
			}
			if cfg.MetricsListen != "" {
				mln, err := net.Listen("tcp", cfg.MetricsListen)
				if err != nil {
					return fmt.Errorf("serve: metrics listen: %w", err)
				}
				msrv := httpserver.NewServer(cfg.MetricsListen, httpserver.MetricsHandler(reg), httpserver.ServerOptions{
					ReadTimeout: cfg.ReadTimeout, WriteTimeout: cfg.WriteTimeout,
				})
				go func() {
					if err := httpserver.Serve(ctx, msrv, mln, cfg.ShutdownTimeout); err != nil {
						log.Error().Err(err).Msg("metrics server")
					}
				}()
				log.Info().Str("addr", mln.Addr().String()).Msg("metrics listening")
			}
			ev := log.Info().
				Str("addr", ln.Addr().String()).
				Str("version", buildinfo.String()).
				Str("mode", cfg.Mode).
				Str("database", db.Dialect).
				Dur("startup", time.Since(start))
			if cfg.Playground {
				ev = ev.Str("playground", "http://"+browsable(ln.Addr())+"/playground")
			}
			ev.Msg("listening")
			err = httpserver.Serve(ctx, srv, ln, cfg.ShutdownTimeout)
			if err != nil {
				return err
			}
			log.Info().Msg("stopped")
			return nil
		},
	}
}

// browsable turns a listen address such as [::]:8080 into one a browser
// opens (localhost:8080).
func browsable(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// runPeriodicJobs runs the background jobs on one instance at a time (the
// leader of the PostgreSQL advisory lock) until ctx ends.
func runPeriodicJobs(ctx context.Context, db *database.DB, couriers *couriersvc.Service, log zerolog.Logger) {
	jobs := []leader.Job{{
		// Documents expire with the calendar: re-derive couriers' document status.
		Name:  "document-expiry",
		Every: time.Hour,
		Run: func(ctx context.Context) error {
			n, err := couriers.RefreshExpired(authz.SystemContext(ctx, "document-expiry"))
			if n > 0 {
				log.Info().Int("couriers", n).Msg("document expiry sweep")
			}
			return err
		},
	}}
	r, err := leader.New(db, jobs, leader.Options{Report: func(event, job string, err error) {
		log.Info().Err(err).Str("job", job).Msg("periodic jobs: " + event)
	}})
	if err != nil {
		log.Error().Err(err).Msg("periodic jobs")
		return
	}
	r.Run(ctx)
}
