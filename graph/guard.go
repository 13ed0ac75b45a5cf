package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/pii"
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
	if oc := graphql.GetOperationContext(ctx); v != nil && !v.PII {
		// Masked values cannot be probed by filtering or ordering on them
		// either, at any depth.
		if f := maskedFieldIn(v, fc.Field.Field, oc.Doc, oc.Variables); f != "" {
			graphql.AddError(ctx, pii.ErrMaskedField(f))
			return graphql.Null
		}
	}
	return next(reqinfo.WithOperation(ctx, op))
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
