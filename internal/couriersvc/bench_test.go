package couriersvc_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/seed"
)

// benchSize is how many couriers the search benchmarks generate:
// MYCOURIER_BENCH_COURIERS (default 100000). Measure 1M on PostgreSQL by
// hand: MYCOURIER_BENCH_COURIERS=1000000 go test -run '^$' \
// -bench 'CourierSearch/postgres' ./internal/couriersvc/
func benchSize(b *testing.B) int {
	if v := os.Getenv("MYCOURIER_BENCH_COURIERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("MYCOURIER_BENCH_COURIERS=%q is not a positive number", v)
		}
		return n
	}
	return 100_000
}

var benchDBs sync.Map // dialect → *database.DB, seeded once per process

func seeded(b *testing.B, d string) *database.DB {
	if db, ok := benchDBs.Load(d); ok {
		return db.(*database.DB)
	}
	db := dbtest.New(b, d)
	start := time.Now()
	if _, err := seed.Bench(authtest.Sys(), db, seed.BenchOptions{Couriers: benchSize(b), Seed: 7}); err != nil {
		b.Fatal(err)
	}
	if d == "postgres" {
		if _, err := db.SQL.Exec("ANALYZE couriers"); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: %d couriers generated in %s", d, benchSize(b), time.Since(start).Round(time.Millisecond))
	benchDBs.Store(d, db)
	return db
}

// BenchmarkCourierSearch pages the first 50 couriers (ordered by id) that
// match a name fragment, a phone spelled with spaces, and a PINFL prefix,
// with the query terms drawn from the data. It reports p50 and p99.
func BenchmarkCourierSearch(b *testing.B) {
	for _, d := range dbtest.Dialects() {
		b.Run(d, func(b *testing.B) {
			db := seeded(b, d)
			ctx := authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindSystem, Name: "bench", Role: authz.Owner, PII: true})
			sample := db.Client.Courier.Query().Order(ent.Asc(courier.FieldID)).Limit(2000).AllX(ctx)
			r := rand.New(rand.NewPCG(1, 2))
			terms := map[string]func(c *ent.Courier) string{
				"name_fragment": func(c *ent.Courier) string {
					rs := []rune(c.LastName)
					return string(rs[:min(len(rs), 5)])
				},
				"phone": func(c *ent.Courier) string {
					p := c.Phone[4:]
					return p[:2] + " " + p[2:5] + " " + p[5:7] + " " + p[7:]
				},
				"pinfl_prefix": func(c *ent.Courier) string { return c.Pinfl[:9] },
			}
			for _, name := range []string{"name_fragment", "phone", "pinfl_prefix"} {
				b.Run(name, func(b *testing.B) {
					lat := make([]time.Duration, 0, b.N)
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						q := terms[name](sample[r.IntN(len(sample))])
						t0 := time.Now()
						p, err := couriersvc.Search(ctx, q)
						if err != nil {
							b.Fatal(err)
						}
						got, err := db.Client.Courier.Query().Where(p).Order(ent.Asc(courier.FieldID)).Limit(50).All(ctx)
						if err != nil {
							b.Fatal(err)
						}
						lat = append(lat, time.Since(t0))
						if len(got) == 0 {
							b.Fatalf("search %q found nothing", q)
						}
					}
					b.StopTimer()
					slices.Sort(lat)
					b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
				})
			}
		})
	}
}

// BenchmarkImport10k imports a CSV of 10,000 new couriers per iteration
// (the target: under 10 s on PostgreSQL).
func BenchmarkImport10k(b *testing.B) {
	for _, d := range dbtest.Dialects() {
		b.Run(d, func(b *testing.B) {
			db := dbtest.New(b, d)
			svc := newService(b, db, &fakeLedger{items: map[int]int{}}, nil)
			ctx := authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindSystem, Name: "bench", Role: authz.Owner, PII: true})
			serial := 0
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				var sb strings.Builder
				sb.WriteString("last_name,first_name,phone,pinfl,transport_type\n")
				for j := 0; j < 10_000; j++ {
					serial++
					p, _ := pinfl.Make(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, serial/900000), pinfl.Female, serial%900000)
					fmt.Fprintf(&sb, "Каримова,Нодира,+99890%07d,%s,foot\n", serial, p)
				}
				b.StartTimer()
				rep, err := svc.Import(ctx, strings.NewReader(sb.String()), couriersvc.ImportOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if rep.Created != 10_000 {
					b.Fatalf("created %d, want 10000 (%+v)", rep.Created, rep.Errors[:min(3, len(rep.Errors))])
				}
			}
		})
	}
}
