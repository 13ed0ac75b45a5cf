package couriersvc

import (
	"testing"
	"time"

	"github.com/mycourier/mycourier/ent"
)

// Hire and dismissal are instants: the export shows the company's day
// (Tashkent, UTC+5), not the UTC one; the birth date is a date and stays.
func TestExportShowsHireAndDismissalDaysInTheCompanysZone(t *testing.T) {
	hired := time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC) // 1 December, 01:00 in Tashkent
	fired := time.Date(2026, 12, 31, 19, 30, 0, 0, time.UTC)
	row := exportRow(&ent.Courier{ID: 1, BirthDate: time.Date(1990, 9, 20, 0, 0, 0, 0, time.UTC), HiredAt: &hired, FiredAt: &fired})
	got := map[string]string{}
	for i, h := range exportHeader {
		got[h] = row[i]
	}
	want := map[string]string{"hired_at": "2026-12-01", "fired_at": "2027-01-01", "birth_date": "1990-09-20"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}
