// Package tz is the company's time zone: the one in which documents (handover
// acts), exports and reports show dates and times. The API itself keeps
// RFC 3339 instants. The zone database is embedded, so a minimal image
// without /usr/share/zoneinfo still knows every zone.
package tz

import (
	"fmt"
	"sync/atomic"
	"time"
	_ "time/tzdata" // a scratch or distroless image has no zoneinfo files
)

// Default is the zone used until Set is called: the company works in Uzbekistan.
const Default = "Asia/Tashkent"

var loc atomic.Pointer[time.Location]

func init() {
	l, err := time.LoadLocation(Default)
	if err != nil {
		panic(fmt.Sprintf("tz: embedded zone database lacks %s: %v", Default, err))
	}
	loc.Store(l)
}

// Load returns the named IANA zone, with an error naming it when unknown.
func Load(name string) (*time.Location, error) {
	l, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		return nil, fmt.Errorf("unknown time zone %q (use an IANA name such as %s)", name, Default)
	}
	return l, nil
}

// Set makes l the company's zone; the composition root calls it once at start.
func Set(l *time.Location) { loc.Store(l) }

// Location is the company's zone.
func Location() *time.Location { return loc.Load() }

// Local converts an instant to the company's zone for showing it.
func Local(t time.Time) time.Time { return t.In(loc.Load()) }
