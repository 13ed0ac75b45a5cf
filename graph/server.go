package graph

import (
	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mycourier/mycourier/ent"
)

// ServerOptions configure the GraphQL handler.
type ServerOptions struct {
	// Introspection allows schema introspection (dev mode, playground).
	Introspection bool
}

// NewServer returns the GraphQL HTTP handler: POST (and GET for queries),
// every mutation in one database transaction, errors presented by Presenter.
func NewServer(client *ent.Client, opts ServerOptions) *handler.Server {
	srv := handler.New(NewSchema(client))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: 32 << 20, MaxMemory: 8 << 20})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(entgql.Transactioner{TxOpener: client})
	srv.SetErrorPresenter(Presenter)
	srv.SetRecoverFunc(Recover)
	return srv
}
