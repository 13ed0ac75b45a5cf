// Package scalar holds the GraphQL scalars mycourier adds to gqlgen's own.
package scalar

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// DateLayout is the wire form of a Date: a calendar day, ISO 8601.
const DateLayout = "2006-01-02"

// MarshalDate writes a date-only value (birth date, document expiry) as
// "2026-11-30". Dates are kept as midnight UTC, so the day is read in UTC
// whatever location the driver attached to the value.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(DateLayout)))
	})
}

// UnmarshalDate reads "2026-11-30" into midnight UTC of that day. Anything
// else, an RFC 3339 instant included, is refused: a time of day on a
// date-only field would be silently dropped.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("Date must be a string like 2026-11-30, got %T", v)
	}
	t, err := time.ParseInLocation(DateLayout, s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a Date (YYYY-MM-DD)", s)
	}
	return t, nil
}
