// Package perf measures what an API request costs the database. Its
// statement counter wraps the ent driver, so tests can hold list queries to
// one statement per level of nesting and benchmarks can report
// statements/op beside ns/op.
package perf

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"

	"entgo.io/ent/dialect"
)

// Counter counts the SQL statements issued through drivers it wraps.
// The zero value is ready; it is safe for concurrent use.
type Counter struct {
	n  atomic.Int64
	tx atomic.Int64

	// Record keeps the text of each statement (see Statements): useful
	// when a count is off, wasteful in a benchmark loop.
	Record bool
	mu     sync.Mutex
	log    []string
}

// Wrap returns d with every statement counted; its signature fits
// database.Options.Wrap.
func (c *Counter) Wrap(d dialect.Driver) dialect.Driver { return &countingDriver{Driver: d, c: c} }

// Count is the number of statements since the last Reset.
func (c *Counter) Count() int { return int(c.n.Load()) }

// Transactions is the number of transactions begun since the last Reset
// (BEGIN is not a statement of Count: budgets count queries).
func (c *Counter) Transactions() int { return int(c.tx.Load()) }

// Reset zeroes the counts and forgets recorded statements.
func (c *Counter) Reset() {
	c.n.Store(0)
	c.tx.Store(0)
	c.mu.Lock()
	c.log = nil
	c.mu.Unlock()
}

// Statements returns the recorded statements since the last Reset.
func (c *Counter) Statements() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.log...)
}

func (c *Counter) add(query string) {
	c.n.Add(1)
	if c.Record {
		c.mu.Lock()
		c.log = append(c.log, query)
		c.mu.Unlock()
	}
}

// Budget checks a statement count against the design's rule "at most one
// SQL statement per level" (counted per edge, as each eager-loaded edge is
// one query), returning the recorded statements when it is broken.
func (c *Counter) Budget(want int) error {
	if got := c.Count(); got > want {
		return fmt.Errorf("perf: %d SQL statements, budget %d: %q", got, want, c.Statements())
	}
	return nil
}

type countingDriver struct {
	dialect.Driver
	c *Counter
}

func (d *countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	d.c.add(query)
	return d.Driver.Exec(ctx, query, args, v)
}

func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	d.c.add(query)
	return d.Driver.Query(ctx, query, args, v)
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	d.c.tx.Add(1)
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, c: d.c}, nil
}

// BeginTx keeps transaction options (isolation, read-only) working through
// the wrapper: ent looks for this method on the driver.
func (d *countingDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return d.Tx(ctx)
	}
	d.c.tx.Add(1)
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, c: d.c}, nil
}

type countingTx struct {
	dialect.Tx
	c *Counter
}

func (t *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	t.c.add(query)
	return t.Tx.Exec(ctx, query, args, v)
}

func (t *countingTx) Query(ctx context.Context, query string, args, v any) error {
	t.c.add(query)
	return t.Tx.Query(ctx, query, args, v)
}

// execQuerier is what ent's ExecContext/QueryContext (raw SQL, used by the
// analytics summaries) look for on a driver or transaction.
type execQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (d *countingDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	d.c.add(query)
	return d.Driver.(execQuerier).ExecContext(ctx, query, args...)
}

func (d *countingDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	d.c.add(query)
	return d.Driver.(execQuerier).QueryContext(ctx, query, args...)
}

func (t *countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t.c.add(query)
	return t.Tx.(execQuerier).ExecContext(ctx, query, args...)
}

func (t *countingTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	t.c.add(query)
	return t.Tx.(execQuerier).QueryContext(ctx, query, args...)
}
