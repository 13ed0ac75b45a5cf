// Package xlsxsafe reads XLSX workbooks that come from outside (uploads).
// An XLSX file is a zip archive, and a small one can unpack to gigabytes: a
// 409 KB file holding a 400 MiB member once took the server from 119 MB to
// 1.3 GB, because the spreadsheet library allocates what a member declares
// and its default unzip limit is 16 GB. Every workbook a client sends is
// read through ReadFirstSheet, which checks the archive's directory before
// anything is inflated, gives the library its unzip limits, and reads rows
// through a bounded iterator.
package xlsxsafe

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits bound what reading one workbook may cost.
type Limits struct {
	// MaxUnzippedBytes caps the sum of the members' declared uncompressed
	// sizes: what the library may write out, to memory or to temporary
	// files. Declared sizes are binding: Go's zip reader fails a member
	// that inflates to more than it declares.
	MaxUnzippedBytes int64
	// MaxInMemoryBytes caps the part of it the library holds in memory:
	// every member except worksheets larger than StreamWorksheetBytes,
	// which it spools to a temporary file and streams.
	MaxInMemoryBytes int64
	// StreamWorksheetBytes is the library's UnzipXMLSizeLimit: worksheets
	// above it are read from disk row by row.
	StreamWorksheetBytes int64
	// MaxMembers caps the number of files in the archive.
	MaxMembers int
	// MaxRows caps the rows read (a row's position counts, so empty rows
	// before a filled one count too; trailing empty rows do not).
	MaxRows int
	// MaxColumns caps the columns of any row (the position of its last
	// filled cell).
	MaxColumns int
}

// DefaultLimits fit an import of 50 000 rows of a few dozen short columns:
// 50 000 rows of 15 columns of 30 Cyrillic characters unpack to 63 MB.
var DefaultLimits = Limits{
	MaxUnzippedBytes:     96 << 20,
	MaxInMemoryBytes:     32 << 20,
	StreamWorksheetBytes: 1 << 20,
	MaxMembers:           256,
	MaxRows:              50001,
	MaxColumns:           64,
}

// Errors of reading a workbook; callers turn them into their own messages.
var (
	ErrNotWorkbook    = errors.New("xlsxsafe: not a readable XLSX workbook")
	ErrNoSheets       = errors.New("xlsxsafe: the workbook has no sheets")
	ErrTooLarge       = errors.New("xlsxsafe: the workbook unpacks to more than the limit")
	ErrTooManyRows    = errors.New("xlsxsafe: the sheet has more rows than the limit")
	ErrTooManyColumns = errors.New("xlsxsafe: a row has more columns than the limit")
)

// IsZip tells whether data starts like a zip archive (an XLSX workbook).
func IsZip(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// Check reads the archive's central directory and refuses a workbook whose
// declared sizes exceed l, before any member is inflated.
func Check(data []byte, l Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ErrNotWorkbook
	}
	if len(zr.File) > l.MaxMembers {
		return ErrTooLarge
	}
	limit, inMemoryLimit := uint64(l.MaxUnzippedBytes), uint64(l.MaxInMemoryBytes) // #nosec G115 -- the limits are positive constants of the package (Limits), far below 2^63
	var total, inMemory uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		if size > limit { // checked alone first: the sum cannot wrap
			return ErrTooLarge
		}
		total += size
		if !isWorksheet(f.Name) || size <= uint64(l.StreamWorksheetBytes) { // #nosec G115 -- a positive constant of the package, see above
			inMemory += size
		}
		if total > limit || inMemory > inMemoryLimit {
			return ErrTooLarge
		}
	}
	return nil
}

// isWorksheet mirrors how the library recognises the members it may spool.
func isWorksheet(name string) bool {
	return strings.HasPrefix(strings.ToLower(strings.ReplaceAll(name, "\\", "/")), "xl/worksheets/sheet")
}

// open checks data and opens it with the library's unzip limits set.
func open(data []byte, l Limits) (*excelize.File, error) {
	if err := Check(data, l); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    l.MaxUnzippedBytes,
		UnzipXMLSizeLimit: l.StreamWorksheetBytes,
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, ErrTooLarge
		}
		return nil, ErrNotWorkbook
	}
	return f, nil
}

// ReadFirstSheet reads the first sheet of the workbook in data twice, as
// shown (cells formatted by their number format) and raw, each row at its
// position (shown[i] and raw[i] are row i+1; an empty row is nil).
func ReadFirstSheet(data []byte, l Limits) (shown, raw [][]string, err error) {
	f, err := open(data, l)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, ErrNoSheets
	}
	if shown, err = readRows(f, sheets[0], l, false); err != nil {
		return nil, nil, err
	}
	if raw, err = readRows(f, sheets[0], l, true); err != nil {
		return nil, nil, err
	}
	return shown, raw, nil
}

// readRows streams one sheet, stopping at the first row or column over l.
func readRows(f *excelize.File, sheet string, l Limits, rawValues bool) ([][]string, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, ErrNotWorkbook
	}
	defer rows.Close()
	var out [][]string
	position := 0
	for rows.Next() {
		position++
		cells, err := rows.Columns(excelize.Options{RawCellValue: rawValues})
		if err != nil {
			return nil, ErrNotWorkbook
		}
		if len(cells) > l.MaxColumns {
			return nil, ErrTooManyColumns
		}
		if len(cells) == 0 {
			continue
		}
		if position > l.MaxRows {
			return nil, ErrTooManyRows
		}
		for len(out) < position-1 {
			out = append(out, nil)
		}
		out = append(out, cells)
	}
	if err := rows.Error(); err != nil {
		if errors.Is(err, excelize.ErrMaxRows) {
			return nil, ErrTooManyRows
		}
		return nil, ErrNotWorkbook
	}
	return out, nil
}
