// Package leader runs periodic background jobs (the document-expiry sweep
// and the like) on one instance at a time. On PostgreSQL the instance
// holding a session-level advisory lock is the leader and runs every job on
// its schedule; the others wait and take over when its connection goes
// (the server releases the lock of a closed session). The embedded SQLite
// database serves one instance, which always leads.
package leader

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/platform/database"
)

// lockID is the advisory lock of the leader ("mcjobs" in ASCII); the
// migration lock is another number.
const lockID int64 = 0x6d636a6f6273

// Job is one periodic task. Run is called at once when an instance becomes
// leader and then every Every; it gets a context that ends when leadership
// is lost or the runner stops.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Options tune a Runner.
type Options struct {
	// Retry is how often a follower tries to become leader and the leader
	// checks that its session is alive (default 5s).
	Retry time.Duration
	// Report receives each job's failures and leadership changes (may be nil).
	Report func(event string, job string, err error)
}

// Runner runs jobs on the leader only.
type Runner struct {
	db   *database.DB
	jobs []Job
	opts Options
}

// New returns a runner of jobs over db.
func New(db *database.DB, jobs []Job, opts Options) (*Runner, error) {
	for _, j := range jobs {
		if j.Name == "" || j.Every <= 0 || j.Run == nil {
			return nil, fmt.Errorf("leader: job %q needs a name, a positive period and a function", j.Name)
		}
	}
	if opts.Retry <= 0 {
		opts.Retry = 5 * time.Second
	}
	return &Runner{db: db, jobs: jobs, opts: opts}, nil
}

func (r *Runner) report(event, job string, err error) {
	if r.opts.Report != nil {
		r.opts.Report(event, job, err)
	}
}

// Run blocks until ctx ends, leading whenever it can.
func (r *Runner) Run(ctx context.Context) {
	if r.db.Dialect != dialect.Postgres {
		r.report("leader", "", nil)
		r.runJobs(ctx)
		return
	}
	for ctx.Err() == nil {
		conn, ok, err := r.acquire(ctx)
		if err != nil && ctx.Err() == nil {
			r.report("acquire", "", err)
		}
		if ok {
			r.report("leader", "", nil)
			r.lead(ctx, conn)
			r.report("follower", "", nil)
		}
		select {
		case <-ctx.Done():
		case <-time.After(r.opts.Retry):
		}
	}
}

// acquire takes the lock on a connection of its own; ok false: another
// instance leads.
func (r *Runner) acquire(ctx context.Context) (*sql.Conn, bool, error) {
	conn, err := r.db.SQL.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", lockID).Scan(&ok); err != nil || !ok {
		_ = conn.Close()
		return nil, false, err
	}
	return conn, true, nil
}

// lead runs the jobs while the locked session answers.
func (r *Runner) lead(ctx context.Context, conn *sql.Conn) {
	leading, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); r.runJobs(leading) }()
	t := time.NewTicker(r.opts.Retry)
	for alive := true; alive; {
		select {
		case <-ctx.Done():
			alive = false
		case <-t.C:
			if err := conn.PingContext(ctx); err != nil {
				r.report("lost", "", err)
				alive = false
			}
		}
	}
	t.Stop()
	cancel()
	wg.Wait()
	// Unlock before handing the connection back to the pool; if the
	// session is gone the server has released the lock already.
	uctx, ucancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer ucancel()
	if _, err := conn.ExecContext(uctx, "SELECT pg_advisory_unlock($1)", lockID); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // drop the session, releasing the lock
	}
	_ = conn.Close()
}

// runJobs runs every job on its own schedule until ctx ends.
func (r *Runner) runJobs(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range r.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(j.Every)
			defer t.Stop()
			for {
				if err := j.Run(ctx); err != nil && ctx.Err() == nil {
					r.report("failed", j.Name, err)
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
	wg.Wait()
}
