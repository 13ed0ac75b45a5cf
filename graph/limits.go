package graph

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// MaxPageSize is the most rows one connection page may ask for.
const MaxPageSize = 500

// Limits refuses, before anything runs, an operation nested deeper than
// MaxDepth or asking a connection for more than MaxPageSize rows. gqlgen's
// complexity limit covers breadth; depth and page size are what turn a
// small query into a huge one.
type Limits struct {
	MaxDepth int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = Limits{}

// ExtensionName names the extension.
func (Limits) ExtensionName() string { return "Limits" }

// Validate checks the configuration.
func (l Limits) Validate(graphql.ExecutableSchema) error {
	if l.MaxDepth < 1 {
		return fmt.Errorf("graph: MaxDepth must be positive")
	}
	return nil
}

// MutateOperationContext measures the operation.
func (l Limits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := walker{doc: oc.Doc, vars: oc.Variables, seen: map[string]bool{}}
	depth := w.depth(oc.Operation.SelectionSet, 0)
	if w.err != nil {
		return w.err
	}
	if depth > l.MaxDepth {
		return limitError("query.tooDeep", fmt.Sprintf("the query is %d levels deep; the limit is %d", depth, l.MaxDepth))
	}
	return nil
}

func limitError(key, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": "BAD_USER_INPUT", "key": key}}
}

type walker struct {
	doc  *ast.QueryDocument
	vars map[string]any
	seen map[string]bool
	err  *gqlerror.Error
}

func (w *walker) depth(set ast.SelectionSet, level int) int {
	max := level
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			w.checkPage(s)
			d = level
			if len(s.SelectionSet) > 0 {
				d = w.depth(s.SelectionSet, level+1)
			}
		case *ast.InlineFragment:
			d = w.depth(s.SelectionSet, level)
		case *ast.FragmentSpread:
			if w.seen[s.Name] { // fragment cycles are rejected by validation; stay safe
				continue
			}
			if f := w.doc.Fragments.ForName(s.Name); f != nil {
				w.seen[s.Name] = true
				d = w.depth(f.SelectionSet, level)
				delete(w.seen, s.Name)
			}
		}
		if d > max {
			max = d
		}
	}
	return max
}

// checkPage refuses first/last above MaxPageSize.
func (w *walker) checkPage(f *ast.Field) {
	for _, arg := range f.Arguments {
		if arg.Name != "first" && arg.Name != "last" {
			continue
		}
		v, err := arg.Value.Value(w.vars)
		if err != nil {
			continue
		}
		var n int64
		switch x := v.(type) {
		case int64:
			n = x
		case int:
			n = int64(x)
		case float64:
			n = int64(x)
		case json.Number:
			n, _ = x.Int64()
		}
		if n > MaxPageSize && w.err == nil {
			w.err = limitError("query.pageTooLarge", fmt.Sprintf("%s.%s asks for %d rows; the limit is %d", f.Name, arg.Name, n, MaxPageSize))
		}
	}
}
