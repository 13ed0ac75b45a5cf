package graph

import (
	"context"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/analyticssvc"
)

// CourierCountCap is where counting a courier list stops when its filter is
// not one the summary rows hold: past it totalCount says CourierCountCap and
// totalCountCapped true ("10,000+"), so a broad search or document-state
// filter over a million couriers costs at most this many index entries.
const CourierCountCap = 10_000

// couriersPage is Query.couriers: ent's pagination, except that totalCount
// comes from the summary rows when the filter is one they hold (partner,
// branch, region, status, transport type; analyticssvc.CourierTotal) — exact, and
// without a COUNT over hundreds of thousands of couriers. Other filters are
// counted up to CourierCountCap.
func (r *queryResolver) couriersPage(ctx context.Context, after *entgql.Cursor[int], first *int, before *entgql.Cursor[int], last *int, orderBy *ent.CourierOrder, where *ent.CourierWhereInput) (*ent.CourierConnection, error) {
	if !selectsCount(ctx) {
		return r.courierPage(ctx, r.client.Courier.Query(), after, first, before, last, orderBy, where)
	}
	n, ok, err := r.analytics.CourierTotal(ctx, where)
	if err != nil {
		return nil, err
	}
	if !ok {
		return r.cappedCourierPage(ctx, r.client.Courier.Query, after, first, before, last, orderBy, where)
	}
	conn, err := r.courierPage(withoutCount(ctx), r.client.Courier.Query(), after, first, before, last, orderBy, where)
	if err != nil {
		return nil, err
	}
	conn.TotalCount = n
	return conn, nil
}

// courierPage is ent's pagination of q, filtered by where.
func (r *queryResolver) courierPage(ctx context.Context, q *ent.CourierQuery, after *entgql.Cursor[int], first *int, before *entgql.Cursor[int], last *int, orderBy *ent.CourierOrder, where *ent.CourierWhereInput) (*ent.CourierConnection, error) {
	return q.Paginate(ctx, after, first, before, last, ent.WithCourierOrder(orderBy), ent.WithCourierFilter(where.Filter))
}

// cappedCourierPage is a page of base() filtered by where whose totalCount,
// when asked for, is counted up to CourierCountCap: the ids of at most that
// many couriers are read instead of a COUNT over all that match.
func (r *queryResolver) cappedCourierPage(ctx context.Context, base func() *ent.CourierQuery, after *entgql.Cursor[int], first *int, before *entgql.Cursor[int], last *int, orderBy *ent.CourierOrder, where *ent.CourierWhereInput) (*ent.CourierConnection, error) {
	if !selectsCount(ctx) {
		return r.courierPage(ctx, base(), after, first, before, last, orderBy, where)
	}
	conn, err := r.courierPage(withoutCount(ctx), base(), after, first, before, last, orderBy, where)
	if err != nil {
		return nil, err
	}
	q, err := where.Filter(base())
	if err != nil {
		return nil, err
	}
	ids, err := q.Limit(CourierCountCap).IDs(ctx)
	if err != nil {
		return nil, err
	}
	conn.TotalCount = len(ids)
	return conn, nil
}

// totalCountCapped is CourierConnection.totalCountCapped: true when the
// connection is a root courier list counted by cappedCourierPage and the
// count stopped at the cap. Decided from the list's own arguments, so the
// connection needs no flag of its own (it is ent's type).
func totalCountCapped(ctx context.Context, conn *ent.CourierConnection) bool {
	if conn.TotalCount < CourierCountCap {
		return false
	}
	list := graphql.GetFieldContext(ctx).Parent
	if list == nil || list.Object != "Query" {
		return false // a nested connection: counted by ent, exact
	}
	switch list.Field.Name {
	case "courierSearch":
		return true
	case "couriers":
		where, _ := list.Args["where"].(*ent.CourierWhereInput)
		return !analyticssvc.CourierFilterCountable(where)
	}
	return false
}

// selectsCount tells whether the connection asks for its total.
func selectsCount(ctx context.Context) bool {
	return selects(ctx, "totalCount") || selects(ctx, "totalCountCapped")
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
		if f.Name != "totalCount" && f.Name != "totalCountCapped" && f.Name != "pageInfo" {
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
