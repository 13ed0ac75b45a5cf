package graph_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/mycourier/mycourier/graph"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/seed"
)

// A courier list whose filter the summary rows do not hold is counted up to
// graph.CourierCountCap and says so (totalCountCapped); one they hold is
// exact however large; under the cap the count is exact either way, within
// the viewer's scope. Checked against COUNT(*) in SQL.
func TestCourierListTotalsStopAtTheCapOnlyWhereNotCountable(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds over 10,000 couriers")
	}
	dbtest.Run(t, func(t *testing.T, d string) {
		a := newAPI(t, d)
		const couriers = graph.CourierCountCap + 150
		if _, err := seed.Bench(context.Background(), a.db, seed.BenchOptions{Couriers: couriers, Seed: 11}); err != nil {
			t.Fatal(err)
		}
		sqlCount := func(where string, args ...any) int {
			t.Helper()
			var n int
			if err := a.db.SQL.QueryRow("SELECT COUNT(*) FROM couriers WHERE "+where, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		type total struct {
			TotalCount       int
			TotalCountCapped bool
			Edges            []struct{ Node struct{ ID string } }
		}
		list := func(bearer, query string) total {
			t.Helper()
			var out map[string]total
			a.okAs(bearer, "{ list: "+query+" { totalCount totalCountCapped edges { node { id } } } }", nil, &out)
			return out["list"]
		}
		check := func(name string, got total, want int, capped bool) {
			t.Helper()
			if got.TotalCount != want || got.TotalCountCapped != capped {
				t.Errorf("%s: got totalCount %d capped %v, want %d capped %v", name, got.TotalCount, got.TotalCountCapped, want, capped)
			}
			if len(got.Edges) == 0 {
				t.Errorf("%s: no page", name)
			}
		}

		all := sqlCount("1 = 1")
		if all <= graph.CourierCountCap {
			t.Fatalf("seeded %d couriers, want more than %d", all, graph.CourierCountCap)
		}
		// Countable (from the summary rows): exact beyond the cap.
		check("no filter", list(a.owner, "couriers(first: 5)"), all, false)
		check("statusIn every status", list(a.owner, "couriers(first: 5, where: {statusIn: [ACTIVE, NEW, BLOCKED, FIRED]})"), all, false)
		active := sqlCount("status = "+placeholder(d, 1), "active")
		// Not countable, matching everyone: stops at the cap.
		check("createdAt filter over all", list(a.owner, `couriers(first: 5, where: {createdAtLT: "2100-01-01T00:00:00Z"})`), graph.CourierCountCap, true)
		check("and/or over all", list(a.owner, `couriers(first: 5, where: {or: [{status: ACTIVE}, {statusNEQ: ACTIVE}]})`), graph.CourierCountCap, true)
		check("status, countable", list(a.owner, "couriers(first: 5, where: {status: ACTIVE})"), active, false)
		// Not countable, under the cap: exact.
		name := ""
		if err := a.db.SQL.QueryRow("SELECT last_name FROM couriers ORDER BY id LIMIT 1").Scan(&name); err != nil {
			t.Fatal(err)
		}
		byName := sqlCount("last_name = "+placeholder(d, 1), name)
		if byName >= graph.CourierCountCap {
			t.Fatalf("%d couriers named %s", byName, name)
		}
		check("lastName", list(a.owner, fmt.Sprintf(`couriers(first: 5, where: {lastName: %q})`, name)), byName, false)

		// courierSearch counts the same way: a PINFL prefix shared by few.
		var pin string
		if err := a.db.SQL.QueryRow("SELECT pinfl FROM couriers ORDER BY id LIMIT 1").Scan(&pin); err != nil {
			t.Fatal(err)
		}
		check("courierSearch by PINFL", list(a.owner, fmt.Sprintf(`courierSearch(first: 5, search: %q)`, pin)), 1, false)
		check("courierSearch by a phone fragment all share", list(a.owner, `courierSearch(first: 5, search: "998")`), graph.CourierCountCap, true)

		// A manager's capped count is within their partner, exact under the cap.
		var partner int
		if err := a.db.SQL.QueryRow("SELECT partner_id FROM couriers GROUP BY partner_id ORDER BY COUNT(*) LIMIT 1").Scan(&partner); err != nil {
			t.Fatal(err)
		}
		mine := sqlCount("partner_id = "+placeholder(d, 1), partner)
		if mine == 0 || mine >= graph.CourierCountCap {
			t.Fatalf("smallest partner has %d couriers", mine)
		}
		manager := a.userToken(authz.Manager, authz.Scope{Partners: []int{partner}})
		check("manager, createdAt filter", list(manager, `couriers(first: 5, where: {createdAtLT: "2100-01-01T00:00:00Z"})`), mine, false)
		check("manager, no filter", list(manager, "couriers(first: 5)"), mine, false)
	})
}

// placeholder is the n-th bind parameter in dialect d's spelling.
func placeholder(d string, n int) string {
	if d == "postgres" {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}
