package xlsxsafe_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mycourier/mycourier/internal/xlsxsafe"
)

// skeleton are the members of a minimal valid workbook of one sheet.
var skeleton = map[string]string{
	"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
	"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
	"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
	"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
}

// workbook zips the skeleton with the given sheet (written by sheet) and
// any extra members.
func workbook(t testing.TB, sheet func(w io.Writer), extra map[string]func(w io.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	put := func(name string, body func(w io.Writer)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		body(w)
	}
	for name, body := range skeleton {
		put(name, func(w io.Writer) { _, _ = io.WriteString(w, body) })
	}
	put("xl/worksheets/sheet1.xml", sheet)
	for name, body := range extra {
		put(name, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rowsSheet writes a sheet of n rows of cols inline-string cells.
func rowsSheet(n, cols int) func(w io.Writer) {
	return func(w io.Writer) {
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for r := 1; r <= n; r++ {
			_, _ = fmt.Fprintf(w, `<row r="%d">`, r)
			for c := 1; c <= cols; c++ {
				cell, _ := excelize.CoordinatesToCellName(c, r)
				_, _ = fmt.Fprintf(w, `<c r="%s" t="inlineStr"><is><t>v%d</t></is></c>`, cell, c)
			}
			_, _ = io.WriteString(w, `</row>`)
		}
		_, _ = io.WriteString(w, `</sheetData></worksheet>`)
	}
}

// zeros writes n zero bytes: deflate packs them about 800 to 1 at its
// fastest level (1000 to 1 at its best, five times slower).
func zeros(n int64) func(w io.Writer) {
	return func(w io.Writer) { _, _ = io.CopyN(w, zeroReader{}, n) }
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// allocated is what fn allocates on the heap, in bytes.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// The reported attack: a small workbook with a 400 MiB zero-filled member.
// It is refused from the archive's directory, before anything is inflated.
func TestZipBombIsRefusedBeforeExtraction(t *testing.T) {
	bombs := map[string][]byte{
		"worksheet of 400 MiB": workbook(t, zeros(400<<20), nil),
		"shared strings of 400 MiB": workbook(t, rowsSheet(1, 1), map[string]func(io.Writer){
			"xl/sharedStrings.xml": zeros(400 << 20),
		}),
		// Just under the total, but held in memory: not a worksheet.
		"a 40 MiB member kept in memory": workbook(t, rowsSheet(1, 1), map[string]func(io.Writer){
			"xl/media/image1.png": zeros(40 << 20),
		}),
	}
	for name, data := range bombs {
		t.Run(name, func(t *testing.T) {
			if len(data) > 1<<20 {
				t.Fatalf("the bomb is %d bytes: it should fit a small upload", len(data))
			}
			var err error
			n := allocated(func() { _, _, err = xlsxsafe.ReadFirstSheet(data, xlsxsafe.DefaultLimits) })
			if !errors.Is(err, xlsxsafe.ErrTooLarge) {
				t.Fatalf("%d-byte bomb: got %v, want ErrTooLarge", len(data), err)
			}
			if n > 8<<20 {
				t.Errorf("refusing a %d-byte bomb allocated %d MiB", len(data), n>>20)
			}
			t.Logf("%d-byte file refused, %d KiB allocated", len(data), n>>10)
		})
	}
}

// An archive that declares a small member but holds a huge one. Check
// trusts declared sizes because Go's zip reader stops a member at its
// declared size; this pins that property of the standard library and of
// the spreadsheet library's reading (it fails if either stops holding, not
// if Check is removed: TestZipBombIsRefusedBeforeExtraction covers that).
func TestZipMemberLyingAboutItsSizeIsNotInflated(t *testing.T) {
	var body bytes.Buffer
	fw, _ := flate.NewWriter(&body, flate.BestSpeed)
	_, _ = io.CopyN(fw, zeroReader{}, 400<<20)
	_ = fw.Close()
	crc := crc32.NewIEEE()
	_, _ = io.CopyN(crc, zeroReader{}, 400<<20)

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, s := range skeleton {
		w, _ := zw.Create(name)
		_, _ = io.WriteString(w, s)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CRC32: crc.Sum32(), CompressedSize64: uint64(body.Len()), UncompressedSize64: 1000})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(body.Bytes())
	_ = zw.Close()

	var rows [][]string
	n := allocated(func() { rows, _, _ = xlsxsafe.ReadFirstSheet(buf.Bytes(), xlsxsafe.DefaultLimits) })
	if len(rows) > 0 {
		t.Errorf("rows read from a member inflating past its declared size: %d", len(rows))
	}
	t.Logf("a member declaring 1000 bytes and holding 400 MiB: %d KiB allocated", n>>10)
	if n > 8<<20 {
		t.Errorf("a member declaring 1000 bytes allocated %d MiB", n>>20)
	}
}

func TestRowAndColumnCaps(t *testing.T) {
	l := xlsxsafe.DefaultLimits
	l.MaxRows, l.MaxColumns = 100, 10
	if _, _, err := xlsxsafe.ReadFirstSheet(workbook(t, rowsSheet(101, 2), nil), l); !errors.Is(err, xlsxsafe.ErrTooManyRows) {
		t.Errorf("101 rows over a cap of 100: got %v", err)
	}
	if _, _, err := xlsxsafe.ReadFirstSheet(workbook(t, rowsSheet(3, 11), nil), l); !errors.Is(err, xlsxsafe.ErrTooManyColumns) {
		t.Errorf("11 columns over a cap of 10: got %v", err)
	}
	// One cell at the last row and column of a sheet: positions count.
	far := func(w io.Writer) {
		_, _ = io.WriteString(w, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="1048576"><c r="A1048576" t="inlineStr"><is><t>z</t></is></c></row></sheetData></worksheet>`)
	}
	if _, _, err := xlsxsafe.ReadFirstSheet(workbook(t, far, nil), l); !errors.Is(err, xlsxsafe.ErrTooManyRows) {
		t.Errorf("a cell at row 1048576: got %v", err)
	}
	shown, raw, err := xlsxsafe.ReadFirstSheet(workbook(t, rowsSheet(100, 10), nil), l)
	if err != nil || len(shown) != 100 || len(raw) != 100 || strings.Join(shown[99], ",") != "v1,v2,v3,v4,v5,v6,v7,v8,v9,v10" {
		t.Errorf("100 rows of 10 columns at the caps: %d rows, %v", len(shown), err)
	}
}

// The largest import (50 000 rows of 15 columns of 20 Cyrillic letters,
// as inline strings, which take more room than shared ones) passes the
// size check: the caps refuse bombs, not big honest files.
func TestLargestImportPassesTheSizeCheck(t *testing.T) {
	value := strings.Repeat("Ж", 20)
	sheet := func(w io.Writer) {
		_, _ = io.WriteString(w, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for r := 1; r <= 50001; r++ {
			_, _ = fmt.Fprintf(w, `<row r="%d">`, r)
			for c := 1; c <= 15; c++ {
				cell, _ := excelize.CoordinatesToCellName(c, r)
				_, _ = fmt.Fprintf(w, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, cell, value)
			}
			_, _ = io.WriteString(w, `</row>`)
		}
		_, _ = io.WriteString(w, `</sheetData></worksheet>`)
	}
	data := workbook(t, sheet, nil)
	if err := xlsxsafe.Check(data, xlsxsafe.DefaultLimits); err != nil {
		t.Fatalf("largest import refused: %v", err)
	}
}

func TestNotAWorkbook(t *testing.T) {
	for name, data := range map[string][]byte{
		"not a zip":     []byte("PK\x03\x04 and then nothing"),
		"zip, no sheet": func() []byte { var b bytes.Buffer; zw := zip.NewWriter(&b); _ = zw.Close(); return b.Bytes() }(),
	} {
		if _, _, err := xlsxsafe.ReadFirstSheet(data, xlsxsafe.DefaultLimits); err == nil {
			t.Errorf("%s: read without an error", name)
		}
	}
}

// Every workbook the server reads goes through this package: no other
// non-test code opens one with the library directly (its defaults would
// unzip 16 GB).
func TestNoOtherCodeOpensWorkbooks(t *testing.T) {
	root := "../.."
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	var found []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || path == filepath.Join(root, "admin-ui")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || filepath.Base(filepath.Dir(path)) == "xlsxsafe" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, call := range []string{"excelize.OpenReader(", "excelize.OpenFile(", ".ReadZipReader("} {
			if bytes.Contains(b, []byte(call)) {
				found = append(found, path+": "+call)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Errorf("opens a workbook without xlsxsafe: %s", f)
	}
}
