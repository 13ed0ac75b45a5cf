package graph

import (
	"context"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mycourier/mycourier/ent"
)

// couriersPage is Query.couriers: ent's pagination, except that totalCount
// comes from the summary rows when the filter is one they hold (partner,
// branch, region, status, transport type; analyticssvc.CourierTotal) — exact, and
// without a COUNT over hundreds of thousands of couriers. Other filters are
// counted as before.
func (r *queryResolver) couriersPage(ctx context.Context, after *entgql.Cursor[int], first *int, before *entgql.Cursor[int], last *int, orderBy *ent.CourierOrder, where *ent.CourierWhereInput) (*ent.CourierConnection, error) {
	page := func(ctx context.Context) (*ent.CourierConnection, error) {
		return r.client.Courier.Query().
			Paginate(ctx, after, first, before, last, ent.WithCourierOrder(orderBy), ent.WithCourierFilter(where.Filter))
	}
	if !selects(ctx, "totalCount") {
		return page(ctx)
	}
	n, ok, err := r.analytics.CourierTotal(ctx, where)
	if err != nil {
		return nil, err
	}
	if !ok {
		return page(ctx)
	}
	conn, err := page(withoutCount(ctx))
	if err != nil {
		return nil, err
	}
	conn.TotalCount = n
	return conn, nil
}

// selects tells whether the current connection field selects name.
func selects(ctx context.Context, name string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// withoutCount hides totalCount and pageInfo (either makes ent count) from
// the connection's selection as ent's paginator reads it; the answer is
// still written against the full selection, pageInfo included (ent builds
// it from the page either way).
func withoutCount(ctx context.Context) context.Context {
	fc := graphql.GetFieldContext(ctx)
	var set ast.SelectionSet
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name != "totalCount" && f.Name != "pageInfo" {
			set = append(set, f.Field)
		}
	}
	field := *fc.Field.Field
	field.SelectionSet = set
	narrowed := *fc
	narrowed.Field.Field = &field
	narrowed.Field.Selections = set
	return graphql.WithFieldContext(ctx, &narrowed)
}
