package couriersvc

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
)

type noEquipment struct{}

func (noEquipment) Outstanding(context.Context, int) (int, int64, error) { return 0, 0, nil }

// TestExplainConflictNamesTheHolderOfARacedValue: a request that raced
// another past checkDuplicates gets the database's bare conflict (entity,
// field; no holder). explainConflict must turn a Courier PINFL or phone
// conflict into the courier-specific error naming who holds the value —
// from the raw input, or on rehire from the courier's own stored phone —
// and leave every other error as it was. The race itself cannot be
// produced on demand, so the error it yields is built here as the unique
// guard builds it.
func TestExplainConflictNamesTheHolderOfARacedValue(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		db := dbtest.New(t, d)
		s, err := New(db.Client, Options{Equipment: noEquipment{}, SettleDebt: func(context.Context, int, string) error { return nil }})
		if err != nil {
			t.Fatal(err)
		}
		ctx := authz.SystemContext(context.Background(), "test")
		serial := 0
		onboard := func(phone string) (int, string) {
			t.Helper()
			serial++
			pin, err := pinfl.Make(time.Date(1994, 5, 6, 0, 0, 0, 0, time.UTC), pinfl.Female, serial)
			if err != nil {
				t.Fatal(err)
			}
			c, err := s.Onboard(ctx, OnboardInput{LastName: "Каримова", FirstName: "Нодира", Phone: phone, PINFL: pin, TransportType: "foot"})
			if err != nil {
				t.Fatal(err)
			}
			return c.ID, pin
		}
		// other was fired; holder has since been given its number.
		other, _ := onboard("+998 90 111 22 33")
		if err := s.inTx(ctx, func(tx *ent.Client) error { return tx.Courier.UpdateOneID(other).SetStatus("fired").Exec(ctx) }); err != nil {
			t.Fatal(err)
		}
		holder, holderPIN := onboard("+998 90 111 22 33")
		third, _ := onboard("+998 90 777 88 99")

		raced := func(entity, field string) error {
			return fmt.Errorf("onboard: %w", apperr.Conflict{Entity: entity, Field: field})
		}
		names := func(err error, field string) bool {
			var ae *apperr.Error
			return errors.As(err, &ae) && ae.Key == "courier.duplicate" && ae.Details["field"] == field &&
				ae.Details["holderId"] == fmt.Sprint(holder)
		}
		for _, tc := range []struct {
			name   string
			err    error
			self   int
			values []string
			field  string // "" when the error must come back unchanged
		}{
			{"onboarding raced on the PINFL", raced("Courier", "pinfl"), 0, []string{holderPIN, "+998 93 000 00 01"}, "pinfl"},
			{"onboarding raced on the phone (any spelling)", raced("Courier", "phone"), 0, []string{"", "90 111-22-33"}, "phone"},
			{"an update raced on the phone", raced("Courier", "phone"), third, []string{"", "901112233"}, "phone"},
			{"a rehire raced on its own stored phone", raced("Courier", "phone"), other, nil, "phone"},
			{"a rehire's conflict on the PINFL has no input to explain it", raced("Courier", "pinfl"), other, nil, ""},
			{"a phone conflict without the phone", raced("Courier", "phone"), 0, []string{holderPIN}, ""},
			{"a rehire of a courier that is gone", raced("Courier", "phone"), 1 << 40, nil, ""},
			{"a raced value nobody holds any more", raced("Courier", "phone"), 0, []string{"", "+998 93 000 00 02"}, ""},
			{"another field of a courier", raced("Courier", "search_key"), 0, []string{holderPIN, "+998 90 111 22 33"}, ""},
			{"another entity's conflict", raced("Partner", "pinfl"), 0, []string{holderPIN, "+998 90 111 22 33"}, ""},
			{"not a conflict", errors.New("boom"), 0, []string{holderPIN, "+998 90 111 22 33"}, ""},
		} {
			got := s.explainConflict(ctx, tc.err, tc.self, tc.values...)
			switch {
			case tc.field != "" && !names(got, tc.field):
				t.Errorf("%s: got %v, want courier.duplicate on %s naming courier %d", tc.name, got, tc.field, holder)
			case tc.field == "" && got != tc.err:
				t.Errorf("%s: got %v, want the error unchanged (%v)", tc.name, got, tc.err)
			}
		}
	})
}
