package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/platform/reqinfo"
)

// Guard checks every root field of every operation against the operation
// matrix (authz.Operations) before it runs: anonymous callers get
// UNAUTHENTICATED, callers without the role FORBIDDEN, and a field the
// matrix does not list is refused to everyone. The ent privacy policy then
// filters what an allowed field may see. The field's name becomes the
// operation name of the audit events it causes.
func Guard(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	fc := graphql.GetRootFieldContext(ctx)
	if fc == nil || strings.HasPrefix(fc.Field.Name, "__") {
		return next(ctx) // introspection: allowed or not by the server's options
	}
	op := rootType(ctx) + "." + fc.Field.Name
	v := authz.FromContext(ctx)
	switch {
	case authz.IsPublic(op):
	case v == nil:
		graphql.AddError(ctx, apperr.ErrUnauthenticated)
		return graphql.Null
	case !authz.Allowed(op, v.Role):
		graphql.AddError(ctx, apperr.ErrForbidden)
		return graphql.Null
	}
	if v != nil && !v.PII && filtersOnPII(fc.Field.ArgumentMap(graphql.GetOperationContext(ctx).Variables)["where"]) {
		// Masked values cannot be probed by filtering on them either.
		graphql.AddError(ctx, apperr.New(apperr.CodeForbidden, "pii.filter",
			"filtering by PINFL or phone needs access to personal data").
			WithRu("Фильтр по ПИНФЛ или телефону доступен только с доступом к персональным данным"))
		return graphql.Null
	}
	return next(reqinfo.WithOperation(ctx, op))
}

// filtersOnPII tells whether a where argument, at any depth (including filters
// through edges such as hasCouriersWith), filters by a courier's PINFL or
// phone.
func filtersOnPII(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, inner := range x {
			if strings.HasPrefix(k, "pinfl") || strings.HasPrefix(k, "phone") {
				if inner != nil {
					return true
				}
			}
			if filtersOnPII(inner) {
				return true
			}
		}
	case []any:
		for _, inner := range x {
			if filtersOnPII(inner) {
				return true
			}
		}
	}
	return false
}

// rootType names the operation's root type as the matrix does. (The root
// field context's Object holds the field's name, not its type.)
func rootType(ctx context.Context) string {
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil {
		switch oc.Operation.Operation {
		case ast.Mutation:
			return "Mutation"
		case ast.Subscription:
			return "Subscription"
		}
	}
	return "Query"
}
