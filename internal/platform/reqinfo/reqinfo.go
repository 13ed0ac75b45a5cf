// Package reqinfo carries facts about the current request (its id, the
// client's address, the operation being run) through the context, for logs
// and the audit trail.
package reqinfo

import (
	"context"
	"strings"
	"unicode"
)

// Info describes the request a piece of work belongs to.
type Info struct {
	RequestID string
	ClientIP  string
	UserAgent string
	// Operation names what is being done, e.g. "Mutation.fireCourier" or
	// "cli.user.create".
	Operation string
}

type key struct{}

// With returns ctx carrying info.
func With(ctx context.Context, info Info) context.Context {
	return context.WithValue(ctx, key{}, info)
}

// From returns the info in ctx (zero if none).
func From(ctx context.Context) Info {
	i, _ := ctx.Value(key{}).(Info)
	return i
}

// WithOperation returns ctx with the operation name set, keeping the rest.
func WithOperation(ctx context.Context, op string) context.Context {
	i := From(ctx)
	i.Operation = op
	return With(ctx, i)
}

// Clean makes untrusted text (a header, a login nobody has) safe to store
// and show: valid UTF-8, no control characters (PostgreSQL refuses NUL in
// text), and at most max characters — the columns it lands in count
// characters; a clipped text ends in "…".
func Clean(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	n := 0
	for _, r := range s {
		if unicode.IsControl(r) {
			r = '\uFFFD'
		}
		b.WriteRune(r)
		n++
	}
	out := b.String()
	if n <= max {
		return out
	}
	r := []rune(out)
	return string(r[:max-1]) + "…"
}
