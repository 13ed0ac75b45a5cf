package graph

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/mycourier/mycourier/internal/authz"
)

// MaxPageSize is the most rows one connection page may ask for.
const MaxPageSize = 500

// Defaults of the document limits. A signed-in client's largest real
// operation is a few kilobytes; sign-in needs far less.
const (
	DefaultMaxDocumentBytes   = 64 << 10
	DefaultMaxTokens          = 5000
	AnonymousMaxDocumentBytes = 2 << 10
	// MaxSelections bounds the fields and fragments written in a document:
	// validation's overlapping-fields rule is quadratic in them (1000 equal
	// fields took 140 ms here, 5000 took 4 s).
	MaxSelections = 500
)

// Limits refuses, before anything runs, an operation whose document is too
// large, nested deeper than MaxDepth, costlier than MaxComplexity, or asking
// a connection for more than MaxPageSize rows. Each fragment is measured
// once, so nested spreads (F1 { ...F0 ...F0 } … F22) cost linear time, not
// exponential. Anonymous callers may send only a document small enough for
// sign-in. The parser's token limit (set in NewServer) bounds the work of
// parsing and validation that happens before these checks.
type Limits struct {
	MaxDepth, MaxComplexity int
	MaxDocumentBytes        int
	// MaxTokens is the parser's token limit (also set on the server).
	MaxTokens int
	es                      graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = &Limits{}

// ExtensionName names the extension.
func (*Limits) ExtensionName() string { return "Limits" }

// Validate checks the configuration and keeps the schema for complexity.
func (l *Limits) Validate(es graphql.ExecutableSchema) error {
	if l.MaxDepth < 1 || l.MaxComplexity < 1 || l.MaxDocumentBytes < 1 || l.MaxTokens < 1 {
		return fmt.Errorf("graph: limits must be positive")
	}
	l.es = es
	return nil
}

// MutateOperationParameters refuses a document over the size limit before
// it is parsed, whatever transport (JSON, GET, multipart) brought it.
func (l *Limits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	max := l.MaxDocumentBytes
	if authz.FromContext(ctx) == nil && max > AnonymousMaxDocumentBytes {
		max = AnonymousMaxDocumentBytes
	}
	if len(p.Query) > max {
		return limitError("query.tooLarge", fmt.Sprintf("the query document is %d bytes; the limit is %d", len(p.Query), max))
	}
	// Count selections before validation sees them. A document that does not
	// parse is left to the server's parser, which reports it as usual.
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.MaxTokens)
	if err == nil {
		n := 0
		for _, op := range doc.Operations {
			n += countSelections(op.SelectionSet)
		}
		for _, f := range doc.Fragments {
			n += countSelections(f.SelectionSet)
		}
		if n > MaxSelections {
			return limitError("query.tooManyFields", fmt.Sprintf("the query has %d fields; the limit is %d", n, MaxSelections))
		}
	}
	return nil
}

// countSelections counts the selections written in set, fragments' bodies not
// followed (each fragment's own body is counted once by the caller).
func countSelections(set ast.SelectionSet) int {
	n := len(set)
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n += countSelections(s.SelectionSet)
		case *ast.InlineFragment:
			n += countSelections(s.SelectionSet)
		}
	}
	return n
}

// MutateOperationContext measures the operation.
func (l *Limits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := walker{ctx: ctx, es: l.es, doc: oc.Doc, vars: oc.Variables, frags: map[string]*cost{}}
	c := w.set(oc.Operation.SelectionSet)
	if w.err != nil {
		return w.err
	}
	if c.depth > l.MaxDepth {
		return limitError("query.tooDeep", fmt.Sprintf("the query is %d levels deep; the limit is %d", c.depth, l.MaxDepth))
	}
	if c.complexity > l.MaxComplexity {
		return limitError("query.tooComplex", fmt.Sprintf("the query has complexity %d; the limit is %d", c.complexity, l.MaxComplexity))
	}
	return nil
}

func limitError(key, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": "BAD_USER_INPUT", "key": key}}
}

// cost is what a selection set adds: the levels below it and its complexity.
type cost struct{ depth, complexity int }

type walker struct {
	ctx   context.Context
	es    graphql.ExecutableSchema
	doc   *ast.QueryDocument
	vars  map[string]any
	frags map[string]*cost // measured fragments; nil value: being measured
	err   *gqlerror.Error
}

func (w *walker) set(set ast.SelectionSet) cost {
	var total cost
	for _, sel := range set {
		var c cost
		switch s := sel.(type) {
		case *ast.Field:
			c = w.field(s)
		case *ast.InlineFragment:
			c = w.set(s.SelectionSet)
		case *ast.FragmentSpread:
			c = w.fragment(s.Name)
		}
		total.depth = max(total.depth, c.depth)
		total.complexity = safeAdd(total.complexity, c.complexity)
	}
	return total
}

// fragment measures a named fragment once per operation.
func (w *walker) fragment(name string) cost {
	if c, ok := w.frags[name]; ok {
		if c == nil { // a cycle; validation refuses these, stay safe anyway
			return cost{}
		}
		return *c
	}
	w.frags[name] = nil
	var c cost
	if f := w.doc.Fragments.ForName(name); f != nil {
		c = w.set(f.SelectionSet)
	}
	w.frags[name] = &c
	return c
}

// field measures a field as gqlgen's complexity does: the schema's
// complexity function when it has one, else one plus its children.
func (w *walker) field(f *ast.Field) cost {
	w.checkPage(f)
	var child cost
	if len(f.SelectionSet) > 0 {
		child = w.set(f.SelectionSet)
		child.depth++
	}
	if f.Definition == nil || f.ObjectDefinition == nil || w.es == nil {
		return cost{child.depth, safeAdd(1, child.complexity)}
	}
	if t := w.es.Schema().Types[f.Definition.Type.Name()]; t != nil && t.Name == "__Schema" {
		return cost{child.depth, 0}
	}
	args := f.ArgumentMap(w.vars)
	one := func(typ string) int {
		if n, ok := w.es.Complexity(w.ctx, typ, f.Name, child.complexity, args); ok && n >= 1 {
			return n
		}
		return safeAdd(1, child.complexity)
	}
	n := 0
	if f.ObjectDefinition.Kind == ast.Interface { // the costliest implementation
		for _, t := range w.es.Schema().GetPossibleTypes(f.ObjectDefinition) {
			n = max(n, one(t.Name))
		}
	} else {
		n = one(f.ObjectDefinition.Name)
	}
	return cost{child.depth, n}
}

// safeAdd saturates instead of overflowing, so no sum wraps under the limit.
func safeAdd(a, b int) int {
	a, b = max(a, 0), max(b, 0)
	if a > int(^uint(0)>>1)-b {
		return int(^uint(0) >> 1)
	}
	return a + b
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
