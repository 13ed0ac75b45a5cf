package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
)

// OtherUsersFields closes the edges to users (who changed a status, issued
// an item, verified a document, created a token) for roles that may not list
// users: they see who acted — id and full name — and nothing of the account
// (login, role, scope, Telegram id, sign-ins, permissions). node(id:) obeys
// the same matrix (visibleNode); a viewer's own user is always theirs to
// read. A refused field is FORBIDDEN and null, so the edge becomes null
// rather than a half-filled user.
func OtherUsersFields(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Object != "User" || publicUserFields[fc.Field.Name] {
		return next(ctx)
	}
	v := authz.FromContext(ctx)
	if v != nil && (v.Kind == authz.KindSystem || authz.NodeAllowed("User", v.Role)) {
		return next(ctx)
	}
	if u, ok := fc.Parent.Result.(*ent.User); ok && v != nil && v.Kind == authz.KindUser && u.ID == v.ID {
		return next(ctx)
	}
	return nil, apperr.ErrForbidden
}

// publicUserFields may be read of any user an edge leads to.
var publicUserFields = map[string]bool{"id": true, "fullName": true, "__typename": true}
