package securitytest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/graph"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// Weakness: a connection asked for without first or last returned every
// row. Every connection, root and nested, returns a default page; more than
// the maximum is refused.
func TestConnectionsWithoutFirstAreBounded(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		owner := e.token(authz.Owner, authz.Scope{})
		rows := graph.DefaultPageSize + 5
		e.fixture(func(ctx context.Context, c *ent.Client) error {
			r, err := c.Region.Create().SetName("Регион страниц").SetCode("PAGES").Save(ctx)
			if err != nil {
				return err
			}
			for i := range rows {
				if err := c.Branch.Create().SetName(fmt.Sprint("Филиал ", i)).SetCode(fmt.Sprint("PB", i)).SetRegionID(r.ID).Exec(ctx); err != nil {
					return err
				}
			}
			return nil
		})
		type conn struct {
			TotalCount int
			Edges      []json.RawMessage
		}
		queries := map[string]struct {
			q    string
			vars map[string]any
			path func(map[string]json.RawMessage) conn
		}{
			"root":                {q: `{ branches { totalCount edges { node { id } } } }`},
			"root, null variable": {q: `query($n: Int) { branches(first: $n) { totalCount edges { node { id } } } }`, vars: map[string]any{"n": nil}},
			"nested":              {q: `{ regions(where: {code: "PAGES"}) { edges { node { branches { totalCount edges { node { id } } } } } } }`},
			"nested in fragment":  {q: `query { regions(first: 1, where: {code: "PAGES"}) { edges { node { ...R } } } } fragment R on Region { branches { totalCount edges { node { id } } } }`},
		}
		for name, tc := range queries {
			r := e.gql(owner, tc.q, tc.vars)
			if len(r.Errors) > 0 {
				t.Fatalf("%s: %s", name, r.Raw)
			}
			var c conn
			if b, ok := r.Data["branches"]; ok {
				_ = json.Unmarshal(b, &c)
			} else {
				var regions struct {
					Edges []struct{ Node struct{ Branches conn } }
				}
				_ = json.Unmarshal(r.Data["regions"], &regions)
				if len(regions.Edges) != 1 {
					t.Fatalf("%s: %s", name, r.Raw)
				}
				c = regions.Edges[0].Node.Branches
			}
			if c.TotalCount != rows || len(c.Edges) != graph.DefaultPageSize {
				t.Errorf("%s: %d of %d rows, want a default page of %d", name, len(c.Edges), c.TotalCount, graph.DefaultPageSize)
			}
		}
		// Asked explicitly, the page is what was asked, up to the maximum.
		r := e.gql(owner, `{ regions(where: {code: "PAGES"}) { edges { node { branches(first: 52) { edges { node { id } } } } } } }`)
		var regions struct {
			Edges []struct{ Node struct{ Branches conn } }
		}
		_ = json.Unmarshal(r.Data["regions"], &regions)
		if len(r.Errors) > 0 || len(regions.Edges) != 1 || len(regions.Edges[0].Node.Branches.Edges) != 52 {
			t.Fatalf("first: 52: %s", r.Raw)
		}
		for _, q := range []string{
			fmt.Sprintf(`{ branches(first: %d) { totalCount } }`, graph.MaxPageSize+1),
			fmt.Sprintf(`{ regions(first: 1) { edges { node { branches(last: %d) { totalCount } } } } }`, graph.MaxPageSize+1),
		} {
			if r := e.gql(owner, q); len(r.Errors) == 0 {
				t.Errorf("%s: not refused: %s", q, r.Raw)
			}
		}
	})
}
