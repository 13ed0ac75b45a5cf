package couriersvc_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// A CSV import stops at the row and column caps as it reads, instead of
// splitting the whole file into records first: a 2 MB file of a million
// one-letter lines, or a 10 MiB line of separators, would otherwise cost
// hundreds of megabytes before any check ran.
func TestImportCSVStopsAtTheRowAndColumnCaps(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		for name, c := range map[string]struct{ data, key string }{
			"a million lines":        {strings.Repeat("a\n", 1_000_000), "import.tooManyRows"},
			"ten million fields":     {strings.Repeat(",", 10<<20), "import.tooManyColumns"},
			"ten million semicolons": {strings.Repeat(";", 10<<20), "import.tooManyColumns"},
		} {
			t.Run(name, func(t *testing.T) {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				_, err := e.svc.Import(e.ctx, strings.NewReader(c.data), couriersvc.ImportOptions{DryRun: true})
				runtime.ReadMemStats(&after)
				var ae *apperr.Error
				if !errors.As(err, &ae) || ae.Key != c.key {
					t.Errorf("got %v, want %s", err, c.key)
				}
				// The file itself is read once (and the BOM-trimmed copy shares it).
				if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
					t.Errorf("a %d MiB file cost %d MiB", len(c.data)>>20, n>>20)
				}
			})
		}
		// A quoted field may hold separators: they are not columns.
		ok := "last_name,first_name,phone,pinfl,transport_type\n\"" + strings.Repeat(",", 200) + "\",A,+998901234567,1,FOOT\n"
		_, err := e.svc.Import(e.ctx, strings.NewReader(ok), couriersvc.ImportOptions{DryRun: true})
		var ae *apperr.Error
		if errors.As(err, &ae) && ae.Key == "import.tooManyColumns" {
			t.Errorf("separators inside quotes counted as columns: %v", err)
		}
	})
}
