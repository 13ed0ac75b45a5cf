package perf_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/mycourier/mycourier/ent/partner"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/perf"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/seed"
)

// benchCouriers is the table size the courier list is measured over.
const benchCouriers = 100_000

// courierPage is the courier list: one partner's active couriers, newest
// first, 50 to a page, with the partner edge. Two statements.
const courierPage = `query($partner: ID!) {
  couriers(first: 50, where: {partnerID: $partner, status: ACTIVE}, orderBy: {field: CREATED_AT, direction: DESC}) {
    edges { node { id lastName firstName middleName phone status transportType createdAt partner { id name } } }
  }
}`

// courierPageWithTotal is what the admin UI sends: the page plus totalCount
// and pageInfo. entgql answers either of those with a COUNT over every
// matching row, the third statement and most of the cost at scale.
const courierPageWithTotal = `query($partner: ID!) {
  couriers(first: 50, where: {partnerID: $partner, status: ACTIVE}, orderBy: {field: CREATED_AT, direction: DESC}) {
    totalCount
    edges { node { id lastName firstName middleName phone status transportType createdAt partner { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}`

// BenchmarkCourierList measures the courier list through the real GraphQL
// handler over benchCouriers generated couriers, on each dialect. The data is
// seeded once per dialect and shared by the sub-benchmarks.
//
//	go test -run '^$' -bench CourierList -benchtime 3s ./internal/perf
func BenchmarkCourierList(b *testing.B) {
	ctx := context.Background()
	for _, d := range dbtest.Dialects() {
		counter := &perf.Counter{}
		db := dbtest.New(b, d, dbtest.Options{Database: database.Options{Wrap: counter.Wrap}})
		if _, err := seed.Bench(ctx, db, seed.BenchOptions{Couriers: benchCouriers, Seed: 1}); err != nil {
			b.Fatalf("%s: seed: %v", d, err)
		}
		// The largest partner: the worst case of a partner filter.
		p, err := db.Client.Partner.Query().Where(partner.Name("Tezkor Logistics")).Only(authtest.Sys())
		if err != nil {
			b.Fatalf("%s: %v", d, err)
		}
		vars := map[string]any{"partner": strconv.Itoa(p.ID)}
		a := newAPI(b, db, counter)
		for _, q := range []struct{ name, query string }{
			{"page", courierPage},
			{"page+totalCount+pageInfo", courierPageWithTotal},
		} {
			b.Run(d+"/"+q.name, func(b *testing.B) {
				if res := a.post(b, q.query, vars); len(res.Data.Couriers.Edges) != 50 {
					b.Fatalf("got %v couriers, want 50", len(res.Data.Couriers.Edges))
				}
				a.statements.Store(0)
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					a.post(b, q.query, vars)
				}
				b.StopTimer()
				// The token lookup (a few statements) is in ns/op but not here.
				b.ReportMetric(float64(a.statements.Load())/float64(b.N), "statements/op")
			})
		}
	}
}
