package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mycourier/mycourier/internal/platform/config"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/migrate"
)

// With backups before migrations on (the production default), pending
// migrations are preceded by a backup; with nothing pending none is taken.
func TestMigrateUpBacksUpFirstWhenAsked(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := config.Config{
		DatabaseURL: "sqlite://" + filepath.Join(dir, "db.sqlite"), DataDir: dir, BlobStore: "disk",
		BackupBeforeMigrate: true, BackupDir: filepath.Join(dir, "backups"), BackupKeep: 5, BackupMaxAge: time.Hour,
	}
	db, err := database.Open(ctx, cfg.DatabaseURL, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ss, err := migrate.StatusOf(ctx, db)
	if err != nil || len(ss) < 2 {
		t.Fatalf("status: %v %v", ss, err)
	}
	if _, err := migrate.Up(ctx, db, migrate.Options{To: ss[0].Version, NoBackup: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := migrateUp(ctx, cfg, db, io.Discard); err != nil {
		t.Fatal(err)
	}
	backups, _ := os.ReadDir(cfg.BackupDir)
	if len(backups) != 1 {
		t.Fatalf("%d backups after migrating, want 1", len(backups))
	}
	if _, err := migrateUp(ctx, cfg, db, io.Discard); err != nil {
		t.Fatal(err)
	}
	if backups, _ = os.ReadDir(cfg.BackupDir); len(backups) != 1 {
		t.Fatalf("%d backups after a run with nothing pending, want still 1", len(backups))
	}
}
