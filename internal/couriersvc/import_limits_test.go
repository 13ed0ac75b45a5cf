package couriersvc_test

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/xlsxsafe"
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

// The caps are "at most": a file of exactly MaxImportBytes is read whole
// (its last byte counts) and exactly MaxImportRows data rows are not too
// many; one byte or one row more is refused.
func TestImportCapsAreInclusive(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		importKey := func(data string) (*couriersvc.ImportReport, string) {
			t.Helper()
			rep, err := e.svc.Import(e.ctx, strings.NewReader(data), couriersvc.ImportOptions{DryRun: true})
			var ae *apperr.Error
			if errors.As(err, &ae) {
				return rep, ae.Key
			}
			if err != nil {
				t.Fatal(err)
			}
			return rep, ""
		}

		// The one data row is last and unterminated, so a file read one
		// byte short would name transport type "FOO".
		head := "last_name,first_name,phone,pinfl,transport_type\n"
		row := "Каримов,Азиз,+998901234567," + e.pin(t) + ",FOOT"
		pad := couriersvc.MaxImportBytes - len(head) - len(row)
		exact := head + strings.Repeat("\n", pad) + row
		rep, key := importKey(exact)
		if key != "" || rep.Rows != 1 || rep.Failed != 0 {
			t.Errorf("a file of exactly %d bytes: key %q, report %+v", couriersvc.MaxImportBytes, key, rep)
		}
		if _, key := importKey(exact + "\n"); key != "import.tooLarge" {
			t.Errorf("a file one byte over: key %q, want import.tooLarge", key)
		}

		// Rows: the header names no known column, which is reported only
		// once the row count has passed.
		rows := "a\n" + strings.Repeat("a\n", couriersvc.MaxImportRows)
		if _, key := importKey(rows); key == "import.tooManyRows" {
			t.Errorf("exactly %d data rows refused as too many", couriersvc.MaxImportRows)
		}
		if _, key := importKey(rows + "a\n"); key != "import.tooManyRows" {
			t.Errorf("%d data rows: key %q, want import.tooManyRows", couriersvc.MaxImportRows+1, key)
		}
	})
}

// A row shorter than the header (a spreadsheet drops empty trailing cells)
// reads its missing cells as empty.
func TestImportShortRowsHaveEmptyTrailingCells(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		data := "last_name,first_name,phone,pinfl,transport_type,middle_name,vehicle_plate\n" +
			"Каримов,Азиз,+998901234567," + e.pin(t) + ",FOOT\n"
		rep, err := e.svc.Import(e.ctx, strings.NewReader(data), couriersvc.ImportOptions{DryRun: true})
		if err != nil || rep.Rows != 1 || rep.Failed != 0 {
			t.Fatalf("short row: %v %+v", err, rep)
		}
	})
}

// The other caps at their bounds: a CSV line of exactly the column cap and
// a workbook of exactly MaxImportRows data rows are read (their header
// then fails on its unknown column), one more is refused; a file with a NUL
// byte, even its first, is not text.
func TestImportReadCapsAtTheirBounds(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		keyOf := func(data []byte) string {
			t.Helper()
			_, err := e.svc.Import(e.ctx, bytes.NewReader(data), couriersvc.ImportOptions{DryRun: true})
			var ae *apperr.Error
			if errors.As(err, &ae) {
				return ae.Key
			}
			return ""
		}
		cols := xlsxsafe.DefaultLimits.MaxColumns
		if k := keyOf([]byte(strings.Repeat("a,", cols-1) + "a\n")); k == "import.tooManyColumns" {
			t.Errorf("a line of exactly %d fields refused as too wide", cols)
		}
		if k := keyOf([]byte(strings.Repeat("a,", cols) + "a\n")); k != "import.tooManyColumns" {
			t.Errorf("a line of %d fields: key %q, want import.tooManyColumns", cols+1, k)
		}
		if k := keyOf([]byte("\x00last_name\n")); k != "import.notText" {
			t.Errorf("a NUL as the first byte: key %q, want import.notText", k)
		}

		workbook := func(dataRows int) []byte {
			t.Helper()
			f := excelize.NewFile()
			sw, err := f.NewStreamWriter("Sheet1")
			if err != nil {
				t.Fatal(err)
			}
			for i := 1; i <= dataRows+1; i++ {
				cell, _ := excelize.CoordinatesToCellName(1, i)
				if err := sw.SetRow(cell, []any{"a"}); err != nil {
					t.Fatal(err)
				}
			}
			if err := sw.Flush(); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := f.Write(&buf); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
		if k := keyOf(workbook(couriersvc.MaxImportRows)); k == "import.tooManyRows" {
			t.Errorf("a workbook of exactly %d data rows refused as too many", couriersvc.MaxImportRows)
		}
		if k := keyOf(workbook(couriersvc.MaxImportRows + 1)); k != "import.tooManyRows" {
			t.Errorf("a workbook of %d data rows: key %q, want import.tooManyRows", couriersvc.MaxImportRows+1, k)
		}
	})
}

// An imported middle name is kept and an empty one stays empty; a row
// whose phone an employed courier already has (its PINFL new) is refused
// at the phone, the other rows unaffected.
func TestImportMiddleNamesAndTakenPhones(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		held := e.onboard(t)
		withMiddle, without, clash := e.pin(t), e.pin(t), e.pin(t)
		data := "last_name,first_name,middle_name,phone,pinfl,transport_type\n" +
			"Каримов,Азиз,Бахтиёрович,+998901230001," + withMiddle + ",FOOT\n" +
			"Юсупова,Малика,,+998901230002," + without + ",FOOT\n" +
			"Рахимов,Бобур,," + held.Phone + "," + clash + ",FOOT\n"
		rep, err := e.svc.Import(e.ctx, strings.NewReader(data), couriersvc.ImportOptions{AllowPartial: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 2 || rep.Failed != 1 || len(rep.Errors) != 1 || rep.Errors[0].Row != 4 || rep.Errors[0].Column != "phone" {
			t.Fatalf("report: %+v", rep)
		}
		got := map[string]string{}
		for _, c := range e.db.Client.Courier.Query().Where(courier.PinflIn(withMiddle, without, clash)).AllX(authtest.Sys()) {
			got[c.Pinfl] = c.MiddleName
		}
		if m := got[withMiddle]; m != "Бахтиёрович" {
			t.Errorf("middle name: %q", m)
		}
		if m, ok := got[without]; !ok || m != "" {
			t.Errorf("no middle name: present %v, value %q", ok, m)
		}
		if _, ok := got[clash]; ok {
			t.Error("the row with a taken phone was imported")
		}
	})
}
