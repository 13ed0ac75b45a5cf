package graph

import (
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/pii"
)

// filterArgs are the arguments that filter or order a field's rows.
var filterArgs = map[string]bool{"where": true, "orderBy": true}

// maskedFieldIn returns the first field masked for v that a where or orderBy
// argument anywhere under root (root included: nested connections, inline
// fragments, fragment spreads) filters or orders by; "" when none. Each
// fragment is walked once.
func maskedFieldIn(v *authz.Viewer, root *ast.Field, doc *ast.QueryDocument, vars map[string]any) string {
	if v != nil && v.PII {
		return ""
	}
	seen := map[string]bool{}
	var walk func(ast.SelectionSet) string
	checkField := func(f *ast.Field) string {
		for _, arg := range f.Arguments {
			if !filterArgs[arg.Name] || arg.Value == nil {
				continue
			}
			val, err := arg.Value.Value(vars)
			if err != nil {
				continue
			}
			if name := pii.FieldUsed(v, val); name != "" {
				return name
			}
		}
		return walk(f.SelectionSet)
	}
	walk = func(set ast.SelectionSet) string {
		for _, sel := range set {
			var name string
			switch s := sel.(type) {
			case *ast.Field:
				name = checkField(s)
			case *ast.InlineFragment:
				name = walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if seen[s.Name] {
					continue
				}
				seen[s.Name] = true
				if doc != nil {
					if f := doc.Fragments.ForName(s.Name); f != nil {
						name = walk(f.SelectionSet)
					}
				}
			}
			if name != "" {
				return name
			}
		}
		return ""
	}
	return checkField(root)
}
