package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/platform/logging"
)

// Transactioner runs each mutation in one database transaction, as
// entgql.Transactioner does, with two differences that matter when the
// caller is a stranger or the database is down:
//
//   - every root field of the mutation is checked against the caller
//     (refusal, the same check HasRole makes) before the transaction opens,
//     so a refused mutation does no database work at all (it would be
//     rolled back anyway: one refused field fails the whole transaction);
//   - its own failures (begin, commit) are errors like any other, shown by
//     the presenter: an unreachable database is UNAVAILABLE, and no driver
//     text (hosts, users, database names) reaches the client;
//   - refused attempts a service audits (audit.RecordAttempt) are written
//     after the transaction ends, so the rollback does not erase them.
type Transactioner struct {
	Client *ent.Client
	// Skip are mutations that run without the operation's transaction.
	Skip []string
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = Transactioner{}

// ExtensionName names the extension.
func (Transactioner) ExtensionName() string { return "Transactioner" }

// Validate checks that the extension has a client.
func (t Transactioner) Validate(graphql.ExecutableSchema) error {
	if t.Client == nil {
		return errors.New("graph: Transactioner needs a client")
	}
	return nil
}

// MutateOperationContext serialises the field resolvers of a mutation: they
// share one transaction.
func (t Transactioner) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if t.inTx(oc.Operation) {
		previous := oc.ResolverMiddleware
		var mu sync.Mutex
		oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
			mu.Lock()
			defer mu.Unlock()
			return previous(ctx, next)
		}
	}
	return nil
}

// InterceptResponse checks the caller, then runs the mutation in a
// transaction: committed when the response has no error, rolled back
// otherwise.
func (t Transactioner) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	oc := graphql.GetOperationContext(ctx)
	if !t.inTx(oc.Operation) {
		return next(ctx)
	}
	refused := false
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Mutation"}) {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		if err := refusal(ctx, "Mutation."+f.Name, f.Field); err != nil {
			graphql.AddError(ctx, gqlerror.WrapPath(ast.Path{ast.PathName(f.Alias)}, err))
			refused = true
		}
	}
	if refused {
		return &graphql.Response{Errors: graphql.GetErrors(ctx)}
	}
	// Refused attempts worth auditing are written after the transaction
	// ends: the refusal rolls it back.
	ctx, pending := audit.WithPending(ctx)
	defer func() {
		if err := pending.Flush(context.WithoutCancel(ctx), t.Client); err != nil {
			logging.FromContext(ctx).Error().Err(err).Msg("graph: auditing refused attempts")
		}
	}()
	txCtx, tx, err := t.Client.OpenTx(ctx)
	if err != nil {
		graphql.AddError(ctx, fmt.Errorf("graph: begin transaction: %w", err))
		return &graphql.Response{Errors: graphql.GetErrors(ctx)}
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	rsp := next(txCtx)
	if rsp == nil {
		_ = tx.Rollback()
		return nil
	}
	if len(rsp.Errors) > 0 {
		_ = tx.Rollback()
		return &graphql.Response{Errors: rsp.Errors, Extensions: rsp.Extensions}
	}
	if err := tx.Commit(); err != nil {
		graphql.AddError(ctx, fmt.Errorf("graph: commit transaction: %w", err))
		return &graphql.Response{Errors: graphql.GetErrors(ctx), Extensions: rsp.Extensions}
	}
	return rsp
}

func (t Transactioner) inTx(op *ast.OperationDefinition) bool {
	if op == nil || op.Operation != ast.Mutation {
		return false
	}
	return !slices.ContainsFunc(op.SelectionSet, func(s ast.Selection) bool {
		f, ok := s.(*ast.Field)
		return ok && slices.Contains(t.Skip, f.Name)
	})
}
