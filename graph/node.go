package graph

import (
	"context"
	"reflect"

	"github.com/99designs/gqlgen/graphql"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
)

// nodeEntity names a node's entity as the matrix does (*ent.User → User).
func nodeEntity(n ent.Noder) string {
	t := reflect.TypeOf(n)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// visibleNode applies the typed queries' matrix to node(id:) and nodes(ids:):
// a record of an entity the viewer may not list is not found, as if it did
// not exist (ids are sequential; existence is information too).
func visibleNode(ctx context.Context, n ent.Noder) (ent.Noder, error) {
	if n == nil {
		return nil, nil
	}
	if v := authz.FromContext(ctx); v == nil || (v.Kind != authz.KindSystem && !authz.NodeAllowed(nodeEntity(n), v.Role)) {
		return nil, apperr.ErrNotFound
	}
	return n, nil
}

// visibleNodes is visibleNode for nodes(ids:): a hidden record is a null in
// its place and a NOT_FOUND error, as a missing one is.
func visibleNodes(ctx context.Context, ns []ent.Noder, err error) ([]ent.Noder, error) {
	for i, n := range ns {
		if _, hidden := visibleNode(ctx, n); hidden != nil {
			ns[i] = nil
			graphql.AddError(ctx, hidden)
		}
	}
	return ns, err
}
