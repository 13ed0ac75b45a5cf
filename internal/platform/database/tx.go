package database

import (
	"context"
	"fmt"

	"github.com/mycourier/mycourier/ent"
)

// WithTx runs fn in a transaction of client: committed when fn returns nil,
// rolled back when it returns an error or panics. Every audited change must
// run in one, so its audit event commits or rolls back with it.
func WithTx(ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) error) (err error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("database: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return fmt.Errorf("%w (rollback: %v)", err, rerr)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("database: commit: %w", err)
	}
	return nil
}

// InTx runs fn in the transaction already in ctx (a GraphQL mutation's), or
// in a new one when there is none, so a service operation is one
// transaction whoever calls it.
func InTx(ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) error) error {
	if tx := ent.TxFromContext(ctx); tx != nil {
		return fn(tx)
	}
	return WithTx(ctx, client, fn)
}
