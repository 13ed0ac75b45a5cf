package seed

import (
	"testing"
	"time"
)

// TestDemoPlanIsTheSameEveryRun: two plans for the same day draw the same
// couriers and the same operations at the same times, and the plan never
// reaches past the moment it was drawn at, whatever the hour and day.
func TestDemoPlanIsTheSameEveryRun(t *testing.T) {
	ref := &refs{map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}}
	for i, b := range branches {
		ref.branches[b.code], ref.warehouses[b.code] = 100+i, 200+i
	}
	for i, e := range equipment {
		ref.equipment[e.sku] = 300 + i
	}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	a, err := planDemo(now, ref, []int{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	b, err := planDemo(now, ref, []int{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.couriers) != DemoCouriers || len(a.events) != len(b.events) {
		t.Fatalf("plans: %d and %d couriers, %d and %d events", len(a.couriers), len(b.couriers), len(a.events), len(b.events))
	}
	for i := range a.couriers {
		x, y := a.couriers[i], b.couriers[i]
		if x.pinfl != y.pinfl || x.phone != y.phone || x.last != y.last || x.plate != y.plate || x.partner != y.partner {
			t.Fatalf("courier %d differs: %+v / %+v", i, x, y)
		}
	}
	for i := range a.events {
		x, y := a.events[i], b.events[i]
		if x.name != y.name || !x.at.Equal(y.at) || x.seq != y.seq {
			t.Fatalf("event %d differs: %s at %v / %s at %v", i, x.name, x.at, y.name, y.at)
		}
	}
	for h := 0; h < 24*40; h += 7 {
		now := now.Add(time.Duration(h) * time.Hour)
		p, err := planDemo(now, ref, []int{1, 2, 3, 4})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.events {
			if e.at.After(now) {
				t.Fatalf("planned at %v: %s at %v, in the future", now, e.name, e.at)
			}
		}
	}
}
