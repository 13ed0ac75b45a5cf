package main

import (
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"entgo.io/ent/dialect"
	"github.com/spf13/cobra"

	"github.com/mycourier/mycourier/internal/platform/config"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/migrate"
)

func migrateCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "migrate", Short: "Apply, report and generate database migrations"}
	cmd.AddCommand(migrateUpCmd(), migrateStatusCmd(), migrateDiffCmd(), migrateHashCmd(), migrateDownCmd(), migrateAllowCmd())
	return cmd
}

func migrateUpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "up",
		Short: "Apply every pending migration",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			db, err := database.Open(cmd.Context(), cfg.DatabaseURL, database.Options{MaxOpenConns: cfg.DBMaxConns})
			if err != nil {
				return err
			}
			defer db.Close()
			rs, err := migrateUp(cmd.Context(), cfg, db, cmd.OutOrStdout())
			for _, r := range rs {
				fmt.Fprintf(cmd.OutOrStdout(), "applied %s (%s)\n", r.Name, r.Duration.Round(1e6))
			}
			if err == nil && len(rs) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "database is up to date")
			}
			return err
		},
	}
}

func migrateStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "List migrations and whether each is applied",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			db, err := database.Open(cmd.Context(), cfg.DatabaseURL, database.Options{MaxOpenConns: 2, MustExist: true})
			if err != nil {
				return err
			}
			defer db.Close()
			ss, err := migrate.StatusOf(cmd.Context(), db)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "VERSION\tNAME\tSTATE\tAPPLIED AT")
			for _, s := range ss {
				state, at := "pending", ""
				if s.Applied {
					state, at = "applied", s.AppliedAt.UTC().Format("2006-01-02 15:04:05")
				}
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", s.Version, s.Name, state, at)
			}
			return w.Flush()
		},
	}
}

func migrateDiffCmd() *cobra.Command {
	var (
		dir   string
		pgURL string
		only  string
	)
	cmd := &cobra.Command{
		Use:   "diff NAME",
		Short: "Write a new migration for each dialect from the changes in ent/schema",
		Long: "Replays migrations/<dialect> on a scratch database, diffs it against ent/schema\n" +
			"with the Atlas library, and writes the difference as a new goose-format file.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dialects := []string{dialect.Postgres, dialect.SQLite}
			if only != "" {
				dialects = []string{only}
			}
			for _, d := range dialects {
				sub := map[string]string{dialect.Postgres: "postgres", dialect.SQLite: "sqlite"}[d]
				if sub == "" {
					return fmt.Errorf("unknown dialect %q (postgres or sqlite3)", d)
				}
				path, err := migrate.Diff(cmd.Context(), d, args[0], migrate.DiffOptions{
					Dir:         filepath.Join(dir, sub),
					PostgresURL: pgURL,
				})
				if err != nil {
					return err
				}
				if path == "" {
					fmt.Fprintf(cmd.OutOrStdout(), "%s: in sync with ent/schema, nothing written\n", sub)
				} else {
					fmt.Fprintf(cmd.OutOrStdout(), "%s: wrote %s\n", sub, path)
				}
			}
			return nil
		},
	}
	def := os.Getenv("MYCOURIER_DIFF_POSTGRES_URL")
	if def == "" {
		def = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	cmd.Flags().StringVar(&dir, "dir", "migrations", "migrations root (holds postgres/ and sqlite/)")
	cmd.Flags().StringVar(&pgURL, "postgres-url", def, "PostgreSQL server for the scratch database (env MYCOURIER_DIFF_POSTGRES_URL)")
	cmd.Flags().StringVar(&only, "dialect", "", "diff only this dialect (postgres or sqlite3)")
	return cmd
}

func migrateHashCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "hash",
		Short: "Rewrite atlas.sum after adding a hand-written migration file",
		Long: "Hand-written SQL (triggers, functions) goes in a new goose file in both\n" +
			"migrations/postgres and migrations/sqlite; this records it in atlas.sum.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, sub := range []string{"postgres", "sqlite"} {
				if err := migrate.Hash(filepath.Join(dir, sub)); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: atlas.sum rewritten\n", sub)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "migrations", "migrations root (holds postgres/ and sqlite/)")
	return cmd
}

// migrateOptions are the runner's timeouts and retries from the configuration.
func migrateOptions(cfg config.Config) migrate.Options {
	return migrate.Options{
		LockTimeout:      cfg.MigrateLockTimeout,
		StatementTimeout: cfg.MigrateStatementTimeout,
		Retries:          cfg.MigrateRetries,
	}
}

func migrateDownCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Undo the last applied migration (refused if it would drop data, unless --force)",
		Long: "Runs the Down section of the last applied migration. It is first tried in a\n" +
			"transaction that is rolled back; if it would drop a table or column or narrow a\n" +
			"type, it is refused unless --force. Take a backup first (mycourier backup).\n" +
			"Old code must keep working on the new schema: see docs/migrations.md.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			db, err := database.Open(cmd.Context(), cfg.DatabaseURL, database.Options{MaxOpenConns: 2, MustExist: true})
			if err != nil {
				return err
			}
			defer db.Close()
			r, _, err := migrate.Down(cmd.Context(), db, nil, force)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "undid %s (%s)\n", r.Name, r.Duration.Round(1e6))
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "undo even when the Down section drops data")
	return cmd
}

func migrateAllowCmd() *cobra.Command {
	var (
		dir    string
		reason string
	)
	cmd := &cobra.Command{
		Use:   "allow VERSION --reason WHY",
		Short: "Mark a migration as deliberately destructive (both dialects) and rewrite atlas.sum",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, sub := range []string{"postgres", "sqlite"} {
				path, err := migrate.Allow(filepath.Join(dir, sub), args[0], reason)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: marked, atlas.sum rewritten\n", path)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "migrations", "migrations root (holds postgres/ and sqlite/)")
	cmd.Flags().StringVar(&reason, "reason", "", "why the data loss is intended (at least 10 characters)")
	return cmd
}
