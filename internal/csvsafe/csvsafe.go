// Package csvsafe writes CSV that a spreadsheet opens as data, never as
// formulas (CSV injection, OWASP "CSV Injection"). Every CSV export goes
// through Writer; an import reading such a file back calls Restore.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// triggers are the leading characters a spreadsheet treats as the start of
// a formula (or, for tab and CR, as a way to smuggle one past a check).
const triggers = "=+-@\t\r"

// Cell returns s as it may be written to a CSV cell: a value starting with a
// formula trigger gets a leading apostrophe, which spreadsheets show as text.
// Plain numbers (-5, +998901234567) cannot be formulas and stay as they are,
// so numeric columns and phones round-trip.
func Cell(s string) string {
	if s == "" || !strings.ContainsRune(triggers, rune(s[0])) || isNumber(s) {
		return s
	}
	return "'" + s
}

// Restore undoes Cell for a value read back from a CSV file.
func Restore(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(triggers, rune(s[1])) {
		return s[1:]
	}
	return s
}

func isNumber(s string) bool {
	if s[0] != '+' && s[0] != '-' {
		return false
	}
	rest := s[1:]
	if rest == "" || strings.ContainsAny(rest, "eEnNiI+-xXpP_") { // digits and one dot only: no 1e9, Inf, NaN, hex
		return false
	}
	_, err := strconv.ParseFloat(rest, 64)
	return err == nil
}

// Writer is an encoding/csv Writer that neutralises every cell.
type Writer struct {
	*csv.Writer
	buf []string
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{Writer: csv.NewWriter(w)} }

// Write writes one record with every cell passed through Cell.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, c := range record {
		w.buf = append(w.buf, Cell(c))
	}
	return w.Writer.Write(w.buf)
}

// WriteAll writes records through Write and flushes.
func (w *Writer) WriteAll(records [][]string) error {
	for _, r := range records {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}
