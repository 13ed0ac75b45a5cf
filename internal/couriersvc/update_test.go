package couriersvc_test

import (
	"testing"

	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
)

// An update changes what it names and keeps the rest: a middle name given
// is set, one not given is kept; moving to a transport without plates
// clears the plate unless one is given (and then it is refused).
func TestUpdateKeepsWhatItDoesNotName(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		c := e.onboard(t)
		car, foot := courier.TransportTypeCar, courier.TransportTypeFoot
		u, err := e.svc.Update(e.ctx, c.ID, couriersvc.UpdateInput{MiddleName: ptr("Бахтиёрович"), TransportType: &car, VehiclePlate: ptr("01 b 777 aa")})
		if err != nil || u.MiddleName != "Бахтиёрович" || u.VehiclePlate == "" {
			t.Fatalf("update: %v %+v", err, u)
		}
		u, err = e.svc.Update(e.ctx, c.ID, couriersvc.UpdateInput{LastName: ptr("Турсунов")})
		if err != nil || u.MiddleName != "Бахтиёрович" || u.LastName != "Турсунов" || !u.BirthDate.Equal(c.BirthDate) {
			t.Fatalf("update of the last name: %v %+v", err, u)
		}
		u, err = e.svc.Update(e.ctx, c.ID, couriersvc.UpdateInput{TransportType: &foot})
		if err != nil || u.VehiclePlate != "" || u.TransportType != foot {
			t.Fatalf("on foot: %v %+v", err, u)
		}
	})
}

// A corrected phone clears the migration's duplicate flag, an update that
// leaves the phone alone keeps it; a new PINFL brings its gender along.
func TestUpdateOfPhoneAndPINFLCarriesTheirConsequences(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		c := e.onboard(t)
		q := "UPDATE couriers SET phone_duplicate = ? WHERE id = ?"
		if d == "postgres" {
			q = "UPDATE couriers SET phone_duplicate = $1 WHERE id = $2"
		}
		if _, err := e.db.SQL.Exec(q, true, c.ID); err != nil {
			t.Fatal(err)
		}
		u, err := e.svc.Update(e.ctx, c.ID, couriersvc.UpdateInput{FirstName: ptr("Бобур")})
		if err != nil || !u.PhoneDuplicate {
			t.Fatalf("an update without the phone cleared the duplicate flag: %v %+v", err, u)
		}
		u, err = e.svc.Update(e.ctx, c.ID, couriersvc.UpdateInput{Phone: ptr("+998 93 000 11 22")})
		if err != nil || u.PhoneDuplicate {
			t.Fatalf("a corrected phone kept the duplicate flag: %v %+v", err, u)
		}
		female, err := pinfl.Make(c.BirthDate, pinfl.Female, 777)
		if err != nil {
			t.Fatal(err)
		}
		u, err = e.svc.Update(e.ctx, c.ID, couriersvc.UpdateInput{PINFL: &female})
		if err != nil || u.Gender == nil || *u.Gender != courier.GenderFemale {
			t.Fatalf("gender after a female PINFL: %v %+v", err, u)
		}
	})
}
