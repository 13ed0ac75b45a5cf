package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/pii"
	"github.com/mycourier/mycourier/internal/platform/reqinfo"
)

// HasRole enforces @hasRole, the operation half of the role matrix, on every
// root field (internal/tools/schemagen writes the directive from
// authz.Operations; a root field without one is refused to everyone). It
// runs around the root field, before its arguments are read, so a refused
// caller learns nothing about their input (gqlgen's own directive call
// comes after argument parsing and is switched off in gqlgen.yml).
//
// Anonymous callers get UNAUTHENTICATED, callers without one of the roles
// FORBIDDEN, and a viewer who sees personal data masked may not filter or
// order by it. The ent privacy policy then filters what an allowed field may
// see (node/nodes included, which bypass directives on the types they
// return). The field's name becomes the operation name of its audit events.
func HasRole(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	fc := graphql.GetRootFieldContext(ctx)
	if fc == nil || strings.HasPrefix(fc.Field.Name, "__") {
		// Introspection: allowed or not by the server's options. gqlgen's
		// own refusal is an uncoded error that would read as INTERNAL.
		if fc != nil && fc.Field.Name != "__typename" && graphql.GetOperationContext(ctx).DisableIntrospection {
			graphql.AddError(ctx, errIntrospectionDisabled)
			return graphql.Null
		}
		return next(ctx)
	}
	op := rootType(ctx) + "." + fc.Field.Name
	if err := refusal(ctx, op, fc.Field.Field); err != nil {
		graphql.AddError(ctx, err)
		return graphql.Null
	}
	return next(reqinfo.WithOperation(ctx, op))
}

// refusal is why the viewer in ctx may not call the root field f of the
// operation op ("Mutation.onboardCourier"), or nil when they may. HasRole
// asks it around each root field, and Transactioner for every root field
// of a mutation before it opens the transaction.
func refusal(ctx context.Context, op string, f *ast.Field) error {
	roles, err := directiveRoles(op, f.Definition)
	if err != nil {
		return err
	}
	v := authz.FromContext(ctx)
	if !slices.Contains(roles, authz.Public) {
		switch {
		case v == nil:
			return apperr.ErrUnauthenticated
		case !slices.Contains(roles, v.Role):
			return apperr.ErrForbidden
		}
	}
	if oc := graphql.GetOperationContext(ctx); v != nil && !v.PII {
		// Masked values cannot be probed by filtering or ordering on them
		// either, at any depth.
		if name := maskedFieldIn(v, f, oc.Doc, oc.Variables); name != "" {
			return pii.ErrMaskedField(name)
		}
	}
	return nil
}

var errIntrospectionDisabled = apperr.New(apperr.CodeIntrospectionDisabled, "query.introspectionDisabled",
	"introspection is disabled on this server; the schema is published at /schema.graphql for signed-in users")

// rolesByOp caches each root field's decoded @hasRole roles.
var rolesByOp sync.Map

// directiveRoles returns the roles of def's @hasRole. A field without the
// directive is an error that refuses the call: closed, never open.
func directiveRoles(op string, def *ast.FieldDefinition) ([]authz.Role, error) {
	if r, ok := rolesByOp.Load(op); ok {
		return r.([]authz.Role), nil
	}
	var d *ast.Directive
	if def != nil {
		d = def.Directives.ForName("hasRole")
	}
	if d == nil || d.Arguments.ForName("roles") == nil {
		return nil, fmt.Errorf("%s has no @hasRole directive: %w", op, apperr.ErrForbidden)
	}
	var roles []authz.Role
	for _, c := range d.Arguments.ForName("roles").Value.Children {
		var r authz.Role
		if err := r.UnmarshalGQL(c.Value.Raw); err != nil {
			return nil, fmt.Errorf("%s: @hasRole: %v: %w", op, err, apperr.ErrForbidden)
		}
		roles = append(roles, r)
	}
	rolesByOp.Store(op, roles)
	return roles, nil
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
