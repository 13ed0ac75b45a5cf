// Package graph is the GraphQL transport: the schema files, thin resolvers
// that call ent or a service, and the one place that maps errors to codes.
package graph

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/graph/generated"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// Resolver holds the dependencies the resolvers need.
type Resolver struct {
	client *ent.Client
	auth   *authsvc.Service
	stock  *stocksvc.Service
}

// NewSchema returns the executable GraphQL schema over the ent client and
// the services.
func NewSchema(client *ent.Client, auth *authsvc.Service) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{client: client, auth: auth, stock: stocksvc.New(client, stocksvc.Config{})},
	})
}
