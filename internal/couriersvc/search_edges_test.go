package couriersvc_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// Search at its bounds: a whole 14-digit PINFL is a PINFL search, three
// digits are enough for a phone fragment, and a search of exactly
// MaxSearchLen characters is taken (one more is refused).
func TestSearchAtItsBounds(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		c := e.onboard(t)
		other := e.onboard(t)
		find := func(q string) ([]int, error) {
			t.Helper()
			p, err := couriersvc.Search(e.ctx, q)
			if err != nil {
				return nil, err
			}
			return e.db.Client.Courier.Query().Where(p).IDs(e.ctx)
		}
		phoneDigits := strings.TrimPrefix(c.Phone, "+")
		fragment := phoneDigits[len(phoneDigits)-3:]
		if strings.ContainsAny(fragment[:1], "3456") {
			fragment = phoneDigits[len(phoneDigits)-4 : len(phoneDigits)-1] // not a PINFL prefix
		}
		for name, q := range map[string]string{
			"whole PINFL":                 c.Pinfl,
			"three digits of the phone":   fragment,
			"exactly the longest allowed": "Каримов" + strings.Repeat(" ", couriersvc.MaxSearchLen-len([]rune("Каримов"))-1) + "А",
		} {
			ids, err := find(q)
			if err != nil || !slices.Contains(ids, c.ID) {
				t.Errorf("%s (%q): %v %v", name, q, ids, err)
			}
			if name == "whole PINFL" && slices.Contains(ids, other.ID) {
				t.Errorf("the whole PINFL %s also found %d: %v", q, other.ID, ids)
			}
		}
		if _, err := find(strings.Repeat("а", couriersvc.MaxSearchLen+1)); err == nil {
			t.Errorf("a search of %d characters was taken", couriersvc.MaxSearchLen+1)
		}
	})
}
