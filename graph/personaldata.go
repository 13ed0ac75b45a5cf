package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/audit"
	"github.com/mycourier/mycourier/internal/authz"
)

// PersonalDataListOperation is the audit operation of a query in which the
// security service read couriers' PINFLs in full.
const PersonalDataListOperation = "personalData.list"

// PersonalDataReads audits the security service's reads of personal data
// the way a dossier read is audited (couriersvc.Dossier): a query of
// theirs that returns any courier's PINFL writes one audit event — which
// root fields with which arguments (the filter), and how many couriers —
// not one per row. A dossier already audits itself, and a mutation's
// courier is audited as the change. If the event cannot be written the
// answer carries no data.
type PersonalDataReads struct{ Client *ent.Client }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
	graphql.FieldInterceptor
} = PersonalDataReads{}

// ExtensionName names the extension.
func (PersonalDataReads) ExtensionName() string { return "PersonalDataReads" }

// Validate checks that the extension has a client.
func (p PersonalDataReads) Validate(graphql.ExecutableSchema) error {
	if p.Client == nil {
		return errors.New("graph: PersonalDataReads needs a client")
	}
	return nil
}

// piiReads collects one operation's reads.
type piiReads struct {
	mu    sync.Mutex
	pins  map[string]struct{}
	roots map[string]any // root field alias → its name and arguments
}

type piiReadsKey struct{}

// auditedRoots audit themselves.
var auditedRoots = []string{"courierDossier"}

// InterceptResponse gives a security viewer's query a collector and, once
// the query has run, writes its one event.
func (p PersonalDataReads) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	oc := graphql.GetOperationContext(ctx)
	v := authz.FromContext(ctx)
	if v == nil || v.Role != authz.Security || oc.Operation == nil || oc.Operation.Operation != "query" {
		return next(ctx)
	}
	reads := &piiReads{pins: map[string]struct{}{}, roots: map[string]any{}}
	rsp := next(context.WithValue(ctx, piiReadsKey{}, reads))
	reads.mu.Lock()
	n := len(reads.pins)
	details := map[string]any{"fields": []string{"pinfl"}, "couriers": n, "query": reads.roots}
	reads.mu.Unlock()
	if n == 0 || rsp == nil {
		return rsp
	}
	if err := audit.Record(ctx, p.Client, PersonalDataListOperation, "Courier", nil, details); err != nil {
		graphql.AddError(ctx, fmt.Errorf("graph: auditing a read of personal data: %w", err))
		return &graphql.Response{Errors: graphql.GetErrors(ctx)}
	}
	return rsp
}

// InterceptField notes every courier PINFL returned to a collecting query,
// with the root field it was read under.
func (PersonalDataReads) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	reads, ok := ctx.Value(piiReadsKey{}).(*piiReads)
	if !ok || err != nil {
		return res, err
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Object != "Courier" || fc.Field.Name != "pinfl" {
		return res, err
	}
	pin, _ := res.(string)
	var root *graphql.FieldContext // the outermost field (list elements have none)
	for c := fc; c != nil; c = c.Parent {
		if c.Field.Field != nil {
			root = c
		}
	}
	if pin == "" || slices.Contains(auditedRoots, root.Field.Name) {
		return res, err
	}
	var vars map[string]any
	if oc := graphql.GetOperationContext(ctx); oc != nil {
		vars = oc.Variables
	}
	reads.mu.Lock()
	defer reads.mu.Unlock()
	reads.pins[pin] = struct{}{}
	if _, seen := reads.roots[root.Field.Alias]; !seen {
		reads.roots[root.Field.Alias] = map[string]any{"field": root.Field.Name, "arguments": root.Field.ArgumentMap(vars)}
	}
	return res, err
}
