package graph

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mycourier/mycourier/ent"
)

// ServerOptions configure the GraphQL handler.
type ServerOptions struct {
	// Introspection allows schema introspection and field suggestions in
	// errors (dev mode, playground); production keeps the schema private.
	Introspection bool
	// Extensions are added after the built-in ones (metrics, tracing).
	Extensions []graphql.HandlerExtension
	// MaxDepth and MaxComplexity bound an operation (defaults 12 and 5000).
	MaxDepth, MaxComplexity int
	// MaxDocumentBytes and MaxTokens bound an operation's document before
	// it is parsed and validated (defaults DefaultMaxDocumentBytes and
	// DefaultMaxTokens).
	MaxDocumentBytes, MaxTokens int
}

// MaxUploadBytes caps a multipart request: a document file (10 MiB) and
// the form around it.
const MaxUploadBytes = 11 << 20

// ownTx are mutations that must not run in the operation's transaction: a
// failed sign-in has to leave its failure count and audit event behind.
var ownTx = []string{"login", "refresh", "logout", "logoutEverywhere"}

// NewServer returns the GraphQL HTTP handler: POST (and GET for queries),
// every mutation in one database transaction, errors presented by Presenter.
// Every root field passes its @hasRole directive (HasRole), the operation
// half of the role matrix.
func NewServer(client *ent.Client, svcs Services, opts ServerOptions) (*handler.Server, error) {
	schema, err := NewSchema(client, svcs)
	if err != nil {
		return nil, err
	}
	srv := handler.New(schema)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(StrictGET{})
	srv.AddTransport(StrictPOST{})
	srv.AddTransport(StrictMultipart{transport.MultipartForm{MaxUploadSize: MaxUploadBytes, MaxMemory: 8 << 20}})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.SetDisableSuggestion(true)
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = 12
	}
	if opts.MaxComplexity <= 0 {
		opts.MaxComplexity = 5000
	}
	if opts.MaxDocumentBytes <= 0 {
		opts.MaxDocumentBytes = DefaultMaxDocumentBytes
	}
	if opts.MaxTokens <= 0 {
		opts.MaxTokens = DefaultMaxTokens
	}
	// The token limit stops the parser before validation, whose overlapping-
	// fields rule is quadratic in the number of fields.
	srv.SetParserTokenLimit(opts.MaxTokens)
	srv.Use(&Limits{MaxDepth: opts.MaxDepth, MaxComplexity: opts.MaxComplexity, MaxDocumentBytes: opts.MaxDocumentBytes, MaxTokens: opts.MaxTokens})
	// Every connection, root or nested, gets a default page when asked for
	// neither first nor last (Limits refuses more than MaxPageSize).
	srv.Use(PageDefaults{})
	for _, ext := range opts.Extensions {
		srv.Use(ext)
	}
	srv.Use(Transactioner{Client: client, Skip: ownTx})
	srv.Use(PersonalDataReads{Client: client})
	srv.AroundRootFields(HasRole)
	srv.AroundFields(OtherUsersFields)
	srv.SetErrorPresenter(Presenter)
	srv.SetRecoverFunc(Recover)
	return srv, nil
}
