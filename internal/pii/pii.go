// Package pii masks personal data — PINFL, phone number, and the birth date
// and gender the PINFL encodes — for viewers
// whose role does not need them (warehouse staff, integrators without a
// grant). Masking happens as couriers are read, so every path (lists,
// node(id:), nested edges, exports) shows the same masked values.
package pii

import (
	"context"
	"strings"
	"time"

	"entgo.io/ent"

	gen "github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/authz"
)

// MaskPINFL keeps the last four digits: **********1234.
func MaskPINFL(s string) string { return maskKeep(s, 4, 0) }

// MaskPhone keeps the country code and the last four digits: +998*****4567.
func MaskPhone(s string) string {
	if strings.HasPrefix(s, "+998") {
		return "+998" + maskKeep(s[4:], 4, 0)
	}
	return maskKeep(s, 4, 0)
}

func maskKeep(s string, tail, head int) string {
	r := []rune(s)
	if len(r) <= tail+head {
		return strings.Repeat("*", len(r))
	}
	for i := head; i < len(r)-tail; i++ {
		r[i] = '*'
	}
	return string(r)
}

// Visible tells whether ctx's viewer may see personal data in full.
func Visible(ctx context.Context) bool {
	v := authz.FromContext(ctx)
	return v != nil && v.PII
}

// Interceptor masks the couriers a query returns when the viewer may not
// see their personal data.
func Interceptor() ent.Interceptor {
	return ent.InterceptFunc(func(next ent.Querier) ent.Querier {
		return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
			v, err := next.Query(ctx, q)
			if err != nil || Visible(ctx) {
				return v, err
			}
			switch cs := v.(type) {
			case []*gen.Courier:
				for _, c := range cs {
					mask(c)
				}
			case *gen.Courier:
				mask(cs)
			}
			return v, nil
		})
	})
}

func mask(c *gen.Courier) {
	if c == nil {
		return
	}
	c.Pinfl = MaskPINFL(c.Pinfl)
	c.Phone = MaskPhone(c.Phone)
	c.BirthDate = MaskBirthDate(c.BirthDate)
	c.Gender = nil
}

// MaskBirthDate keeps the year only (as 1 January of it): enough for an age
// bracket, too little to rebuild the PINFL's date digits.
func MaskBirthDate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), time.January, 1, 0, 0, 0, 0, t.Location())
}
