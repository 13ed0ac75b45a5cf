// Package graph is the GraphQL transport: the schema files, thin resolvers
// that call ent or a service, and the one place that maps errors to codes.
package graph

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/graph/generated"
)

// Resolver holds the dependencies the resolvers need.
type Resolver struct {
	client *ent.Client
}

// NewSchema returns the executable GraphQL schema over the given ent client.
func NewSchema(client *ent.Client) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{client: client},
	})
}
