package graph

import (
	"context"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// DefaultPageSize is the page a connection returns when asked for neither
// first nor last (MaxPageSize is the most it may be asked for).
const DefaultPageSize = 50

// PageDefaults gives every connection of an operation, at the root and at
// any depth, first: DefaultPageSize when the operation asks for neither
// first nor last (or passes them as null variables), so no list is
// unbounded. Nested connections are loaded by entgql from the operation's
// document, not from resolver arguments, so the default is written into the
// operation itself: into a copy made for this request, as the parsed
// document is shared through the query cache.
type PageDefaults struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = PageDefaults{}

// ExtensionName names the extension.
func (PageDefaults) ExtensionName() string { return "PageDefaults" }

// Validate accepts any schema.
func (PageDefaults) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext replaces the operation (and the fragments it may
// spread) with copies whose unbounded connections ask for a default page.
func (PageDefaults) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Doc == nil {
		return nil
	}
	c := pageCopier{vars: oc.Variables, frags: map[string]*ast.FragmentDefinition{}}
	doc := *oc.Doc
	doc.Fragments = make(ast.FragmentDefinitionList, len(oc.Doc.Fragments))
	for i, f := range oc.Doc.Fragments {
		cf := *f
		doc.Fragments[i] = &cf
		c.frags[f.Name] = &cf
	}
	for _, f := range doc.Fragments {
		f.SelectionSet = c.set(f.SelectionSet)
	}
	op := *oc.Operation
	op.SelectionSet = c.set(oc.Operation.SelectionSet)
	if !c.changed {
		return nil
	}
	doc.Operations = make(ast.OperationList, len(oc.Doc.Operations))
	for i, o := range oc.Doc.Operations {
		if o == oc.Operation {
			o = &op
		}
		doc.Operations[i] = o
	}
	oc.Doc, oc.Operation = &doc, &op
	return nil
}

type pageCopier struct {
	vars    map[string]any
	frags   map[string]*ast.FragmentDefinition
	changed bool
}

func (c *pageCopier) set(s ast.SelectionSet) ast.SelectionSet {
	if s == nil {
		return nil
	}
	out := make(ast.SelectionSet, len(s))
	for i, sel := range s {
		switch x := sel.(type) {
		case *ast.Field:
			f := *x
			f.SelectionSet = c.set(x.SelectionSet)
			if args, ok := c.defaultPage(x); ok {
				f.Arguments = args
				c.changed = true
			}
			out[i] = &f
		case *ast.InlineFragment:
			f := *x
			f.SelectionSet = c.set(x.SelectionSet)
			out[i] = &f
		case *ast.FragmentSpread:
			f := *x
			if d := c.frags[x.Name]; d != nil {
				f.Definition = d
			}
			out[i] = &f
		default:
			out[i] = sel
		}
	}
	return out
}

// defaultPage returns f's arguments with first: DefaultPageSize when f is a
// connection (it takes first and last) asked for neither.
func (c *pageCopier) defaultPage(f *ast.Field) (ast.ArgumentList, bool) {
	def := f.Definition
	if def == nil {
		return nil, false
	}
	first := def.Arguments.ForName("first")
	if first == nil || def.Arguments.ForName("last") == nil {
		return nil, false
	}
	given := f.ArgumentMap(c.vars)
	if given["first"] != nil || given["last"] != nil {
		return nil, false
	}
	args := make(ast.ArgumentList, 0, len(f.Arguments)+1)
	for _, a := range f.Arguments {
		if a.Name != "first" && a.Name != "last" {
			args = append(args, a)
		}
	}
	return append(args, &ast.Argument{
		Name:     "first",
		Position: f.Position,
		Value: &ast.Value{
			Kind:         ast.IntValue,
			Raw:          strconv.Itoa(DefaultPageSize),
			ExpectedType: first.Type,
			Position:     f.Position,
		},
	}), true
}
