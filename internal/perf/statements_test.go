package perf_test

import (
	"context"
	"testing"

	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/perf"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/seed"
)

// nestedCouriers lists couriers with two levels of nested edges:
// couriers → partner, branch → region.
const nestedCouriers = `query($first: Int!) {
  couriers(first: $first, where: {status: ACTIVE}, orderBy: {field: CREATED_AT, direction: DESC}) {
    totalCount
    edges { node {
      id lastName
      partner { id name }
      branch { id name region { id name } }
    } }
  }
}`

// nestedBudget: totalCount (1) + couriers (1) + partner and branch (1 each)
// + region (1). Field collection eager-loads each edge with one IN query,
// so the budget does not grow with the page size.
const nestedBudget = 5

func TestCourierListIssuesOneStatementPerLevel(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := context.Background()
		counter := &perf.Counter{Record: true}
		db := dbtest.New(t, d, dbtest.Options{Database: database.Options{Wrap: counter.Wrap}})
		if _, err := seed.Demo(ctx, db.Client, apptest.Docs(t)); err != nil {
			t.Fatalf("Demo: %v", err)
		}
		a := newAPI(t, db, counter)
		for _, first := range []int{1, 50} {
			counter.Reset()
			a.statements.Store(0)
			res := a.post(t, nestedCouriers, map[string]any{"first": first})
			edges := res.Data.Couriers.Edges
			if len(edges) != first {
				t.Fatalf("first %d: got %v couriers, want %v", first, len(edges), first)
			}
			var regions int
			for _, e := range edges {
				if e.Node.Branch != nil && e.Node.Branch.Region != nil && e.Node.Branch.Region.Name != "" {
					regions++
				}
			}
			if regions != first {
				t.Errorf("first %d: %v couriers came with branch and region, want %v", first, regions, first)
			}
			if got := int(a.statements.Load()); got != nestedBudget {
				t.Errorf("first %d: got %v statements, want %v: %q", first, got, nestedBudget, counter.Statements())
			}
		}
	})
}

// TestStatementBudgetCatchesNPlusOne shows the budget check failing on the
// pattern it exists to stop: the same page loaded edge by edge, per row.
func TestStatementBudgetCatchesNPlusOne(t *testing.T) {
	ctx := context.Background()
	counter := &perf.Counter{Record: true}
	db := dbtest.New(t, "sqlite3", dbtest.Options{Database: database.Options{Wrap: counter.Wrap}})
	if _, err := seed.Demo(ctx, db.Client, apptest.Docs(t)); err != nil {
		t.Fatalf("Demo: %v", err)
	}
	ctx = authtest.Sys() // reads need a viewer; the system's adds no statement
	counter.Reset()
	cs, err := db.Client.Courier.Query().Where(courier.StatusEQ(courier.StatusActive)).Limit(50).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if _, err := c.QueryPartner().Only(ctx); err != nil {
			t.Fatal(err)
		}
		b, err := c.QueryBranch().Only(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.QueryRegion().Only(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := counter.Budget(nestedBudget); err == nil {
		t.Errorf("Budget(%d) passed %d statements of an N+1 load, want an error", nestedBudget, counter.Count())
	}
	if got, want := counter.Count(), 1+3*len(cs); got != want {
		t.Errorf("N+1 load: got %v statements, want %v", got, want)
	}
}
