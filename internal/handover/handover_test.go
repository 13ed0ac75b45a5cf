package handover_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/mycourier/mycourier/internal/handover"
	"github.com/mycourier/mycourier/internal/handover/handovertest"
	"github.com/mycourier/mycourier/internal/platform/tz"
)

// An act issued at 23:32 in Tashkent said 18:32 (UTC): the act shows the
// company's time, and follows the configured zone.
func TestActShowsTheCompanysLocalTime(t *testing.T) {
	at := time.Date(2026, 11, 30, 18, 32, 0, 0, time.UTC) // 23:32 in Tashkent
	render := func() string {
		var b bytes.Buffer
		act := &handover.Act{Kind: handover.KindIssue, Company: "Co", Warehouse: "W", Date: at, DocumentNumber: "A-1",
			CourierName: "Courier", StaffName: "Staff", Lines: []handover.Line{{Name: "Bag", Quantity: 1, UnitCost: 1}}}
		if err := handover.Render(&b, act, handover.Russian); err != nil {
			t.Fatal(err)
		}
		return handovertest.Squash(handovertest.Text(t, b.Bytes()))
	}
	if got := render(); !strings.Contains(got, "30.11.202623:32") {
		t.Errorf("act in the default zone does not show 30.11.2026 23:32: %q", got)
	}
	saved := tz.Location()
	t.Cleanup(func() { tz.Set(saved) })
	utc, err := tz.Load("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	tz.Set(utc)
	if got := render(); !strings.Contains(got, "30.11.202618:32") {
		t.Errorf("act with the zone set to Europe/London does not show 18:32: %q", got)
	}
	if _, err := tz.Load("Mars/Olympus"); err == nil || !strings.Contains(err.Error(), "Mars/Olympus") {
		t.Errorf("unknown zone: %v, want an error naming it", err)
	}
}
