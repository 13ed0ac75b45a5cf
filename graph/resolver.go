// Package graph is the GraphQL transport: the schema files, thin resolvers
// that call ent or a service, and the one place that maps errors to codes.
package graph

import (
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/graph/generated"
	"github.com/mycourier/mycourier/internal/analyticssvc"
	"github.com/mycourier/mycourier/internal/authsvc"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/stocksvc"
	"github.com/mycourier/mycourier/internal/webhook"
)

// Resolver holds the dependencies the resolvers need.
type Resolver struct {
	client *ent.Client
	auth   *authsvc.Service
	// couriers runs onboarding, documents and the courier lifecycle.
	couriers *couriersvc.Service
	stock    *stocksvc.Service
	// analytics answers the dashboard from the summary tables.
	analytics *analyticssvc.Service
	webhooks  *webhook.Service
}

// Services are the business services the resolvers call, built once by the
// composition root (internal/app).
type Services struct {
	Auth     *authsvc.Service
	Couriers *couriersvc.Service
	Stock    *stocksvc.Service
	// Analytics answers the dashboard.
	Analytics *analyticssvc.Service
	Webhooks  *webhook.Service
}

// NewSchema returns the executable GraphQL schema over the ent client and
// the services; a missing one is an error, not a quietly absent feature.
func NewSchema(client *ent.Client, svcs Services) (graphql.ExecutableSchema, error) {
	if client == nil || svcs.Auth == nil || svcs.Couriers == nil || svcs.Stock == nil || svcs.Analytics == nil || svcs.Webhooks == nil {
		return nil, errors.New("graph: the ent client and every service (Auth, Couriers, Stock, Analytics, Webhooks) are required")
	}
	return generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{client: client, auth: svcs.Auth, stock: svcs.Stock, couriers: svcs.Couriers,
			analytics: svcs.Analytics, webhooks: svcs.Webhooks},
	}), nil
}
