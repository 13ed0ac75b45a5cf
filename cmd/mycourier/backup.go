package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/mycourier/mycourier/internal/backup"
	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/platform/config"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/migrate"
)

func backupCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "backup",
		Short: "Back up the database and stored files into backup-dir, with a manifest of checksums",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			db, err := openMigrated(cmd.Context(), cfg, database.Options{MaxOpenConns: 4})
			if err != nil {
				return err
			}
			defer db.Close()
			_, err = takeBackup(cmd.Context(), cfg, db, cmd.OutOrStdout())
			return err
		},
	}
}

// takeBackup backs up db and the configured files, then applies the retention.
func takeBackup(ctx context.Context, cfg config.Config, db *database.DB, out io.Writer) (string, error) {
	store, err := blobstore.Open(ctx, blobConfig(cfg))
	if err != nil {
		return "", err
	}
	dir, m, err := backup.Take(ctx, db, store, cfg.BackupDir)
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(m.Tables))
	for n := range m.Tables {
		names = append(names, n)
	}
	sort.Strings(names)
	var rows int64
	for _, n := range names {
		rows += m.Tables[n].Rows
	}
	fmt.Fprintf(out, "backup %s: %d tables, %d rows, %d files in %s\n", dir, len(names), rows, len(m.Files), m.Took)
	removed, err := backup.Prune(cfg.BackupDir, cfg.BackupKeep, cfg.BackupMaxAge, time.Now())
	for _, r := range removed {
		fmt.Fprintf(out, "removed old backup %s\n", r)
	}
	return dir, err
}

func restoreCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "restore BACKUP_DIR",
		Short: "Restore a backup into the empty database of --database-url and check it against the manifest",
		Long: "Loads the database dump and the files of BACKUP_DIR into the configured database\n" +
			"(which must be empty: create a new one) and file store, then recomputes the row\n" +
			"count and checksum of every table and file and fails on any difference.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			store, err := blobstore.Open(cmd.Context(), blobConfig(cfg))
			if err != nil {
				return err
			}
			start := time.Now()
			m, err := backup.Restore(cmd.Context(), args[0], cfg.DatabaseURL, store)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "restored %d tables and %d files; every checksum matches the manifest (%s)\n",
				len(m.Tables), len(m.Files), time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
}

// migrateUp applies pending migrations, first taking a backup when the
// configuration asks for one (the production default).
func migrateUp(ctx context.Context, cfg config.Config, db *database.DB, out io.Writer) ([]migrate.Result, error) {
	if cfg.BackupBeforeMigrate {
		pending, err := migrate.Pending(ctx, db)
		if err != nil {
			return nil, err
		}
		if pending {
			if _, err := takeBackup(ctx, cfg, db, out); err != nil {
				return nil, fmt.Errorf("backup before migrating (turn off with --backup-before-migrate=false): %w", err)
			}
		}
	}
	return migrate.Up(ctx, db, migrateOptions(cfg))
}
