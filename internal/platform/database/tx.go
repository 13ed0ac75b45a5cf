package database

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/mycourier/mycourier/ent"
)

// MaxAttempts bounds how often WithTx runs a transaction the database
// refused for a transient reason (deadlock, serialization failure, busy).
const MaxAttempts = 5

// WithTx runs fn in a transaction of client: committed when fn returns nil,
// rolled back when it returns an error or panics. Every audited change must
// run in one, so its audit event commits or rolls back with it. A transient
// failure runs fn again (up to MaxAttempts, with jittered backoff), so fn
// must do nothing outside the transaction it cannot repeat; past that the
// error is ErrBusy. Driver errors come back mapped (MapError).
func WithTx(ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) error) error {
	for i := 1; ; i++ {
		err := withTxOnce(ctx, client, fn)
		if err == nil {
			return nil
		}
		if !Transient(err) {
			return MapError(err)
		}
		if i >= MaxAttempts {
			return &dbError{domain: ErrBusy, cause: fmt.Errorf("%d attempts: %w", i, err)}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(Backoff(i)):
		}
	}
}

// Backoff is the wait before attempt n+1 of a transaction that failed for
// a transient reason: growing with n, jittered so that the transactions
// that collided do not collide again.
func Backoff(n int) time.Duration {
	return time.Duration(n*n)*5*time.Millisecond + rand.N(5*time.Millisecond) // #nosec G404 -- retry jitter, not a secret
}

func withTxOnce(ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) error) (err error) {
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
// transaction whoever calls it. In the caller's transaction a transient
// failure cannot be retried here: it is ErrBusy, for the caller to repeat.
func InTx(ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) error) error {
	if tx := ent.TxFromContext(ctx); tx != nil {
		err := fn(tx)
		if Transient(err) {
			return &dbError{domain: ErrBusy, cause: err}
		}
		return MapError(err)
	}
	return WithTx(ctx, client, fn)
}
