package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/platform/database"
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
//     after the transaction ends, so the rollback does not erase them;
//   - a mutation whose transaction failed for a transient reason (a
//     serialization failure or deadlock on PostgreSQL, a busy SQLite) is run
//     again from the start in a new transaction, up to
//     database.MaxAttempts times with backoff; the failed attempts leave
//     nothing (their transaction rolled back, their answer discarded before
//     anything is written). Past the last attempt the answer is
//     UNAVAILABLE (503, Retry-After). An operation carrying file uploads is
//     not repeated: its files are read, and stored, once.
type Transactioner struct {
	Client *ent.Client
	// Skip are mutations that run without the operation's transaction.
	Skip []string
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = Transactioner{}

// attempt is one run of a mutation's transaction; Presenter flags it when
// an error it presents is transient.
type attempt struct {
	n, max    int
	transient atomic.Bool
}

type attemptKey struct{}

// markTransient notes that the current attempt failed for a reason a new
// transaction may not meet.
func markTransient(ctx context.Context) {
	if a, ok := ctx.Value(attemptKey{}).(*attempt); ok {
		a.transient.Store(true)
	}
}

// InterceptOperation runs a mutation's operation again, from parsing its
// arguments on, when its transaction failed for a transient reason. The
// answer of a failed attempt is dropped; only the last one is returned.
func (t Transactioner) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if !t.inTx(oc.Operation) || hasUpload(oc.Variables) {
		return next(ctx)
	}
	var last graphql.ResponseHandler
	return func(ctx context.Context) *graphql.Response {
		if last != nil { // a mutation answers once; later calls end the stream
			return last(ctx)
		}
		for n := 1; ; n++ {
			a := &attempt{n: n, max: database.MaxAttempts}
			actx := context.WithValue(ctx, attemptKey{}, a)
			last = next(actx)
			rsp := last(actx)
			if !a.transient.Load() || n >= a.max {
				return rsp
			}
			logging.FromContext(ctx).Info().Int("attempt", n).Msg("graph: mutation transaction failed for a transient reason; running it again")
			select {
			case <-ctx.Done():
				return rsp
			case <-time.After(database.Backoff(n)):
			}
			// The failed attempt's UNAVAILABLE is not the answer.
			if f, ok := ctx.Value(unavailableKey{}).(*atomic.Bool); ok {
				f.Store(false)
			}
		}
	}
}

// hasUpload tells variables carrying a file.
func hasUpload(v any) bool {
	switch v := v.(type) {
	case graphql.Upload, *graphql.Upload:
		return true
	case map[string]any:
		for _, x := range v {
			if hasUpload(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if hasUpload(x) {
				return true
			}
		}
	}
	return false
}

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
		if a, ok := ctx.Value(attemptKey{}).(*attempt); ok && a.transient.Load() && a.n < a.max {
			return // the attempt is run again and records its own
		}
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
