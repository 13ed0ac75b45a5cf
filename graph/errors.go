package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Presenter turns every error into a client-safe GraphQL error with
// extensions.code. (Placeholder: the full mapping is written next.)
func Presenter(ctx context.Context, err error) *gqlerror.Error {
	return graphql.DefaultErrorPresenter(ctx, err)
}

// Recover turns a panic in a resolver into an INTERNAL error.
func Recover(ctx context.Context, p any) error {
	return errors.New("internal error")
}
