package leader_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/leader"
)

// runs records when each instance ran the job.
type runs struct {
	mu sync.Mutex
	at map[string][]time.Time
}

func (r *runs) job(instance string, every time.Duration) leader.Job {
	return leader.Job{Name: "sweep", Every: every, Run: func(context.Context) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.at[instance] = append(r.at[instance], time.Now())
		return nil
	}}
}

func (r *runs) snapshot() map[string][]time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string][]time.Time{}
	for k, v := range r.at {
		out[k] = append([]time.Time(nil), v...)
	}
	return out
}

// Two instances against one PostgreSQL: the job runs once per period in
// all, on one of them; when that one stops, the other takes over.
func TestTwoInstancesRunEachJobOncePerPeriod(t *testing.T) {
	dbtest.RequirePostgres(t)
	url := dbtest.URL(t, dialect.Postgres)
	const every = 200 * time.Millisecond
	rec := &runs{at: map[string][]time.Time{}}
	stops := map[string]context.CancelFunc{}
	var wg sync.WaitGroup
	for _, name := range []string{"a", "b"} {
		db, err := database.Open(context.Background(), url, database.Options{MaxOpenConns: 4})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		r, err := leader.New(db, []leader.Job{rec.job(name, every)}, leader.Options{Retry: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		stops[name] = cancel
		wg.Add(1)
		go func() { defer wg.Done(); r.Run(ctx) }()
	}
	t.Cleanup(func() {
		for _, c := range stops {
			c()
		}
		wg.Wait()
	})

	time.Sleep(2 * time.Second)
	first := rec.snapshot()
	var leaderName, other string
	switch {
	case len(first["a"]) > 0 && len(first["b"]) == 0:
		leaderName, other = "a", "b"
	case len(first["b"]) > 0 && len(first["a"]) == 0:
		leaderName, other = "b", "a"
	default:
		t.Fatalf("runs per instance a=%d b=%d: want all on one instance", len(first["a"]), len(first["b"]))
	}
	// 2 s at one run per 200 ms: 10 or 11 runs; two instances would make ~22.
	if n := len(first[leaderName]); n < 8 || n > 12 {
		t.Fatalf("%d runs in 2s at one per %s", n, every)
	}
	for i := 1; i < len(first[leaderName]); i++ {
		if gap := first[leaderName][i].Sub(first[leaderName][i-1]); gap < every/2 {
			t.Fatalf("runs %d and %d only %s apart: the job ran twice in a period", i-1, i, gap)
		}
	}

	stops[leaderName]()
	time.Sleep(time.Second)
	after := rec.snapshot()
	if len(after[other]) < 3 {
		t.Fatalf("after the leader stopped, %s ran the job %d times in 1s: no takeover", other, len(after[other]))
	}
	if len(after[leaderName]) > len(first[leaderName])+1 {
		t.Fatalf("the stopped instance kept running the job")
	}
}

// The embedded database serves one instance: it runs the jobs.
func TestSQLiteInstanceRunsItsJobs(t *testing.T) {
	db := dbtest.New(t, dialect.SQLite, dbtest.Options{NoMigrate: true})
	rec := &runs{at: map[string][]time.Time{}}
	r, err := leader.New(db, []leader.Job{rec.job("only", 50*time.Millisecond)}, leader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	r.Run(ctx)
	if n := len(rec.snapshot()["only"]); n < 3 {
		t.Fatalf("%d runs in 300ms at one per 50ms", n)
	}
}

func TestJobsAreChecked(t *testing.T) {
	db := dbtest.New(t, dialect.SQLite, dbtest.Options{NoMigrate: true})
	if _, err := leader.New(db, []leader.Job{{Name: "x", Every: 0, Run: func(context.Context) error { return nil }}}, leader.Options{}); err == nil {
		t.Fatal("a job without a period was accepted")
	}
}
