package securitytest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/graph"
	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/apptest"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/perf"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/seed"
)

// Issue 10 item 5: the courier list's totalCount over a partner, branch,
// region, status or transport filter is read from the summary rows — no COUNT over
// the couriers — and equals the list; a name filter is still counted (up to
// graph.CourierCountCap).
func TestCourierListTotalComesFromTheSummaries(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		var c perf.Counter
		c.Record = true
		db := dbtest.New(t, d, dbtest.Options{Database: database.Options{Wrap: c.Wrap}})
		if _, err := seed.Demo(context.Background(), db.Client, apptest.Docs(t)); err != nil {
			t.Fatal(err)
		}
		auth := authtest.Service(t, db)
		srv := httptest.NewServer(apptest.Handler(t, app.Options{DB: db, Auth: auth, Logger: zerolog.Nop()}))
		t.Cleanup(srv.Close)
		e := &env{t: t, db: db, auth: auth, url: srv.URL}
		owner := e.token(authz.Owner, authz.Scope{})
		p, err := db.Client.Partner.Query().FirstID(authtest.Sys())
		if err != nil {
			t.Fatal(err)
		}
		reg, err := db.Client.Region.Query().FirstID(authtest.Sys())
		if err != nil {
			t.Fatal(err)
		}
		total := func(where string) (int, []string) {
			c.Reset()
			r := e.mustGQL(owner, fmt.Sprintf(`{ couriers(first: 3, where: %s) { totalCount pageInfo { hasNextPage } edges { node { id } } } }`, where))
			var out struct {
				TotalCount int `json:"totalCount"`
			}
			_ = json.Unmarshal(r.Data["couriers"], &out)
			var counts []string
			for _, s := range c.Statements() {
				// A COUNT, or the capped read of ids that stands for one
				// (graph.CourierCountCap) where the summaries cannot answer.
				if u := strings.ToUpper(s); strings.Contains(u, "COUNT(") || strings.Contains(u, fmt.Sprintf("LIMIT %d", graph.CourierCountCap)) {
					counts = append(counts, s)
				}
			}
			return out.TotalCount, counts
		}
		for _, where := range []string{`{}`, fmt.Sprintf(`{partnerID: "%d"}`, p), fmt.Sprintf(`{partnerIDIn: ["%d"], status: ACTIVE}`, p), `{transportTypeIn: [CAR, MOTO]}`,
			// The list's region filter (admin-ui sends it so).
			fmt.Sprintf(`{hasBranchWith: [{regionID: "%d"}]}`, reg), fmt.Sprintf(`{hasBranchWith: [{regionIDIn: ["%d"]}], status: ACTIVE}`, reg)} {
			got, counts := total(where)
			if len(counts) > 0 {
				t.Errorf("where %s: the list counted the couriers: %q", where, counts)
			}
			// The same filter plus an always-true condition the summaries
			// do not hold is counted the old way: the two must agree.
			want, counts := total(strings.Replace(where, "{", `{lastNameNEQ: "-", `, 1))
			if len(counts) == 0 {
				t.Errorf("where %s with a name condition: expected the couriers counted (up to the cap)", where)
			}
			if got != want || want == 0 {
				t.Errorf("where %s: totalCount %d from the summaries, %d counted", where, got, want)
			}
		}
	})
}
