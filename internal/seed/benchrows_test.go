package seed

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
)

// TestBenchRowsPassTheCourierValidators runs 5,000 generated bench rows —
// the first ordinals and ordinals spread up to 12.5M, where PINFL birth
// days and phone operators shift — through couriersvc's validators: every
// value is valid and already in the form the service stores.
func TestBenchRowsPassTheCourierValidators(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := authtest.Sys()
		db := dbtest.New(t, d)
		now := time.Now().UTC()
		var sum Summary
		g, err := benchReference(ctx, db.Client, BenchOptions{Seed: 7, Partners: 12, Now: now}, &sum)
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, c := range benchColumns {
			col[c] = i
		}
		src := rand.NewPCG(0, 0)
		row := make([]any, len(benchColumns))
		str := func(name string) string {
			s, _ := row[col[name]].(string)
			return s
		}
		failures := 0
		for k := range 5000 {
			i := k
			if k >= 2500 {
				i = (k - 2500) * 4999 // up to 12.5M: every PINFL block and phone operator shift
			}
			if err := g.row(i, src, row); err != nil {
				t.Fatalf("row %d: %v", i, err)
			}
			fail := func(field string, got any, why any) {
				t.Helper()
				if failures++; failures <= 20 {
					t.Errorf("row %d %s %q: %v", i, field, got, why)
				}
			}
			for _, f := range []string{"last_name", "first_name", "middle_name"} {
				v := str(f)
				n, fe := couriersvc.NormalizeName(v, f != "middle_name")
				if fe != nil || n != v {
					fail(f, v, fe)
				}
			}
			if p, fe := couriersvc.NormalizePhone(str("phone")); fe != nil || p != str("phone") {
				fail("phone", str("phone"), fe)
			}
			pin := str("pinfl")
			if fe := couriersvc.CheckPINFL(pin); fe != nil {
				fail("pinfl", pin, fe)
			}
			birth, _ := row[col["birth_date"]].(time.Time)
			if _, fe := couriersvc.CheckBirthDate(&birth, pin, true, now); fe != nil {
				fail("birth_date", birth, fe)
			}
			if gender, _ := pinfl.GenderOf(pin); string(gender) != str("gender") {
				fail("gender", str("gender"), "PINFL says "+string(gender))
			}
			tt := courier.TransportType(str("transport_type"))
			if courier.TransportTypeValidator(tt) != nil {
				fail("transport_type", tt, "not a transport type")
			}
			if p, fe := couriersvc.NormalizePlate(str("vehicle_plate"), tt); fe != nil || p != str("vehicle_plate") {
				fail("vehicle_plate", str("vehicle_plate"), fe)
			}
		}
		if failures > 0 {
			t.Errorf("%d invalid values in 5000 bench rows", failures)
		}
	})
}
