// Package graph is the GraphQL transport: the schema files, thin resolvers
// that call ent or a service, and the one place that maps errors to codes.
package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/graph/generated"
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
	webhooks *webhook.Service
}

// NewSchema returns the executable GraphQL schema over the ent client and
// the services.
// courierOpts configure the courier service (document storage, equipment ledger).
func NewSchema(client *ent.Client, auth *authsvc.Service, courierOpts ...couriersvc.Options) graphql.ExecutableSchema {
	var co couriersvc.Options
	if len(courierOpts) > 0 {
		co = courierOpts[0]
	}
	stock := stocksvc.New(client, stocksvc.Config{})
	if co.Equipment == nil {
		co.Equipment = stock // firing is refused while the courier holds equipment
	}
	if co.SettleDebt == nil {
		co.SettleDebt = func(ctx context.Context, courierID int, key string) error {
			_, err := stock.SettleAsLost(ctx, courierID, key) // a forced firing books it as debt
			return err
		}
	}
	return generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{client: client, auth: auth, stock: stock, couriers: couriersvc.New(client, co), webhooks: webhook.NewService(client)},
	})
}
