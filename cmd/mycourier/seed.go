package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/platform/config"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/migrate"
	"github.com/mycourier/mycourier/internal/platform/reqinfo"
	"github.com/mycourier/mycourier/internal/seed"
)

func seedCmd() *cobra.Command {
	var (
		demo, bench bool
		couriers    int
		seedValue   int64
		workers     int
		history     bool
		movements   int
	)
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Fill the database with demo or benchmark data",
		Long: "seed --demo writes a small realistic data set (idempotent: a second run adds nothing).\n" +
			"seed --bench --couriers N adds N generated couriers for benchmarks (COPY on PostgreSQL), with\n" +
			"their status history and 10 ledger rows per courier, and rebuilds the analytics summaries.\n" +
			"Pending migrations are applied first, so a fresh database can be seeded directly.",
		Example: "  mycourier seed --demo\n  mycourier seed --bench --couriers 1000000 --seed 42",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if demo == bench {
				return errors.New("seed: choose exactly one of --demo and --bench")
			}
			if bench && couriers <= 0 {
				return errors.New("seed: --bench needs --couriers N (N > 0)")
			}
			if movements < 0 {
				movements = 10 * couriers
			}
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			db, err := database.Open(ctx, cfg.DatabaseURL, database.Options{MaxOpenConns: cfg.DBMaxConns})
			if err != nil {
				return err
			}
			defer db.Close()
			if _, err := migrate.Up(ctx, db, migrateOptions(cfg)); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			var sum seed.Summary
			if demo {
				// The demo's documents carry scans, stored where serve keeps them.
				docs, derr := blobstore.Open(ctx, blobConfig(cfg))
				if derr != nil {
					return derr
				}
				sum, err = seed.Demo(ctx, db.Client, docs)
			} else {
				start, last := time.Now(), time.Time{}
				sum, err = seed.Bench(ctx, db, seed.BenchOptions{
					Couriers: couriers, Seed: seedValue, Workers: workers,
					History: history, Movements: movements,
					Log: func(line string) { fmt.Fprintln(out, line) },
					Progress: func(done, total int) {
						if time.Since(last) > 5*time.Second || done == total {
							last = time.Now()
							fmt.Fprintf(out, "  %d / %d couriers (%.0f/s)\n", done, total, float64(done)/time.Since(start).Seconds())
						}
					},
				})
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "seed (%s): %s\n", db.Dialect, sum)
			if demo {
				return demoOwner(cmd, cfg, db)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&demo, "demo", false, "write the demo data set")
	f.BoolVar(&bench, "bench", false, "add generated couriers for benchmarks")
	f.IntVar(&couriers, "couriers", 0, "how many couriers --bench adds")
	f.Int64Var(&seedValue, "seed", 1, "random seed of --bench (same seed, same rows)")
	f.IntVar(&workers, "workers", 2, "parallel COPY streams of --bench on PostgreSQL")
	f.BoolVar(&history, "history", true, "--bench: give each new courier a status history (about 5 changes each)")
	f.IntVar(&movements, "movements", -1, "--bench: ledger rows to add (default: 10 per new courier; 0: none)")
	return cmd
}

// demoOwner gives a fresh demo database someone to sign in as: an owner
// with a random password printed once. There is no default password; a
// database that already has users is left alone.
func demoOwner(cmd *cobra.Command, cfg config.Config, db *database.DB) error {
	auth, err := authService(cfg, db)
	if err != nil {
		return err
	}
	ctx := reqinfo.With(authz.SystemContext(cmd.Context(), "seed"), reqinfo.Info{Operation: "cli.seed.demo_owner"})
	if has, err := auth.HasUsers(ctx); err != nil || has {
		return err
	}
	password := "demo-" + randomPassword()
	role, name := authz.Owner, "Демо владелец"
	if _, err := auth.CreateUser(ctx, authsvc.UserInput{Login: "demo-owner", FullName: &name, Role: &role}, password); err != nil {
		return fmt.Errorf("seed: demo owner: %w", err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "\nSign in as demo-owner with password %s\n(shown once; change it with `mycourier user reset-password --login demo-owner`)\n\n", password)
	return nil
}

func randomPassword() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
