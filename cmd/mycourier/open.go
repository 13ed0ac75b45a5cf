package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/mycourier/mycourier/internal/platform/config"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/migrate"
)

// openMigrated opens the configured database for a command that works on
// its data. Only `migrate up`, `seed` and `serve` (which migrates) create a
// database: here a missing SQLite file is not created, and a database
// without mycourier's schema is reported as no database, instead of a
// "no such table" from the first query.
func openMigrated(ctx context.Context, cfg config.Config, opts database.Options) (*database.DB, error) {
	opts.MustExist = true
	db, err := database.Open(ctx, cfg.DatabaseURL, opts)
	if errors.Is(err, database.ErrNoDatabase) {
		return nil, fmt.Errorf("%w: create it with `mycourier migrate up`", err)
	}
	if err != nil {
		return nil, err
	}
	ok, err := migrate.Applied(ctx, db)
	if err == nil && !ok {
		err = fmt.Errorf("%w: the %s database has no mycourier schema; create it with `mycourier migrate up`", database.ErrNoDatabase, db.Dialect)
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}
