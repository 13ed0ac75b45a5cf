package graph

// deref returns *p, or the zero value for nil (optional GraphQL arguments).
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
