package csvsafe_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/mycourier/mycourier/internal/csvsafe"
)

func TestCellNeutralisesEveryFormulaTrigger(t *testing.T) {
	for _, lead := range []string{"=", "+", "-", "@", "\t", "\r"} {
		in := lead + "HYPERLINK(\"http://x\")"
		if got, want := csvsafe.Cell(in), "'"+in; got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
		if got := csvsafe.Restore(csvsafe.Cell(in)); got != in {
			t.Errorf("Restore(Cell(%q)) = %q", in, got)
		}
	}
}

func TestCellKeepsPlainValuesAndNumbers(t *testing.T) {
	for _, in := range []string{"", "Ташкент", "'quoted", "+998901234567", "-5", "-1.25", "12"} {
		if got := csvsafe.Cell(in); got != in {
			t.Errorf("Cell(%q) = %q, want unchanged", in, got)
		}
	}
	for _, in := range []string{"-1e9", "+Inf", "-NaN", "+0x10", "-", "+", "-1+2"} {
		if got := csvsafe.Cell(in); got != "'"+in {
			t.Errorf("Cell(%q) = %q, want neutralised", in, got)
		}
	}
}

func TestWriterNeutralisesEveryCell(t *testing.T) {
	var b bytes.Buffer
	w := csvsafe.NewWriter(&b)
	if err := w.WriteAll([][]string{{"=1+1", "@SUM(A1)", "ok"}}); err != nil {
		t.Fatal(err)
	}
	rec, err := csv.NewReader(&b).Read()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"'=1+1", "'@SUM(A1)", "ok"}
	for i := range want {
		if rec[i] != want[i] {
			t.Errorf("cell %d = %q, want %q", i, rec[i], want[i])
		}
	}
}
