package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/graph/generated"
)

// courierWhereQuery is the list query whose where variable a CourierWhere
// call decodes: the variable goes through the same validation (unknown
// fields, enum values, ID spellings) and the same generated unmarshalling
// as couriers(where:) in the API.
const courierWhereQuery = `query ($where: CourierWhereInput) { couriers(where: $where) { totalCount } }`

// whereSlot receives the decoded where; its key marks a CourierWhere call.
type whereSlot struct {
	where *ent.CourierWhereInput
	seen  bool
}

type whereSlotKey struct{}

// errWhereDecoded stops the couriers field once its arguments are decoded:
// nothing is resolved, nothing is read.
var errWhereDecoded = errors.New("graph: where decoded")

var whereExecutor = sync.OnceValue(func() *executor.Executor {
	// No resolver runs: the field middleware takes the arguments gqlgen
	// has unmarshalled and stops there.
	ex := executor.New(generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{}}))
	ex.SetDisableSuggestion(true)
	ex.AroundFields(func(ctx context.Context, _ graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if slot, ok := ctx.Value(whereSlotKey{}).(*whereSlot); ok && fc != nil && fc.Field.Name == "couriers" {
			slot.where, _ = fc.Args["where"].(*ent.CourierWhereInput)
			slot.seen = true
		}
		return nil, errWhereDecoded
	})
	return ex
})

// WhereError is a where that GraphQL would refuse; Field is its path
// ("where.or.1.colour"), Message why.
type WhereError struct{ Field, Message string }

func (e *WhereError) Error() string { return e.Field + ": " + e.Message }

// CourierWhere decodes raw, a JSON CourierWhereInput, exactly as
// couriers(where:) decodes its argument: what the API accepts it accepts
// (ids as strings or numbers, enums as the schema spells them, nested
// not/and/or, edge filters), what the API refuses it refuses with a
// *WhereError naming the field. An empty or null raw is no filter (nil).
func CourierWhere(ctx context.Context, raw []byte) (*ent.CourierWhereInput, error) {
	var where any
	// As gqlgen's transports decode variables: numbers stay json.Number.
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&where); err != nil || dec.More() {
		return nil, &WhereError{Field: "where", Message: "is not valid JSON"}
	}
	ex := whereExecutor()
	ctx = graphql.StartOperationTrace(ctx)
	oc, errs := ex.CreateOperationContext(ctx, &graphql.RawParams{Query: courierWhereQuery, Variables: map[string]any{"where": where}})
	if len(errs) > 0 {
		return nil, whereError(errs)
	}
	slot := &whereSlot{}
	ctx = context.WithValue(ctx, whereSlotKey{}, slot)
	handler, ctx := ex.DispatchOperation(ctx, oc)
	rsp := handler(ctx)
	if slot.seen {
		return slot.where, nil
	}
	if rsp != nil && len(rsp.Errors) > 0 {
		return nil, whereError(rsp.Errors)
	}
	return nil, fmt.Errorf("graph: where: the couriers field was not reached")
}

// whereError names the field of the first error: validation says
// variable.where.x, argument unmarshalling couriers.where.x.
func whereError(errs gqlerror.List) *WhereError {
	e := errs[0]
	var parts []string
	for _, p := range e.Path {
		parts = append(parts, fmt.Sprint(p))
	}
	if i := slices.Index(parts, "where"); i >= 0 {
		parts = parts[i:]
	} else {
		parts = append([]string{"where"}, parts...)
	}
	msg := e.Message
	if u := errors.Unwrap(e); u != nil && msg == "" {
		msg = u.Error()
	}
	return &WhereError{Field: strings.Join(parts, "."), Message: msg}
}
