package couriersvc_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
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

// A PINFL prefix is a range of PINFLs that start with it, whatever its
// last digits (nines carry over), never the PINFLs after it; a masked
// viewer's digits are dropped from a name search rather than matched
// against the phone.
func TestSearchPINFLPrefixRangesAndMaskedDigits(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		male := e.onboard(t) // 3140395…: born 14.03.1995
		in := e.input(t)
		var err error
		if in.PINFL, err = pinfl.Make(time.Date(1995, 3, 14, 0, 0, 0, 0, time.UTC), pinfl.Female, 4242); err != nil {
			t.Fatal(err)
		}
		in.Phone = "+998935550011"
		female, err := e.svc.Onboard(e.ctx, in) // 4140395…
		if err != nil {
			t.Fatal(err)
		}
		find := func(ctx context.Context, q string) []int {
			t.Helper()
			p, err := couriersvc.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			return e.db.Client.Courier.Query().Where(p).IDsX(ctx)
		}
		for q, want := range map[string][]int{
			male.Pinfl[:6]:   {male.ID}, // ends in 9: the range ends before 31404
			male.Pinfl[:5]:   {male.ID}, // the range ends before 31404, not at the end of all PINFLs
			"39":             nil,       // up to, not including, "4"
			female.Pinfl[:4]: {female.ID},
		} {
			if got := find(e.ctx, q); !slices.Equal(got, want) {
				t.Errorf("PINFL prefix %q: got %v, want %v", q, got, want)
			}
		}
		wh := authz.NewContext(context.Background(), &authz.Viewer{Kind: authz.KindUser, ID: e.userID, Role: authz.Warehouse})
		if got := find(wh, male.LastName+" "+male.Phone[len(male.Phone)-4:]); !slices.Contains(got, male.ID) {
			t.Errorf("masked viewer, name and phone digits: got %v, want the courier found by name", got)
		}
		if got := find(wh, "0011"); len(got) != 0 {
			t.Errorf("masked viewer found %v by phone digits", got)
		}
	})
}
