package securitytest_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
)

// Defect 6: a reference name starting with a formula trigger was written raw
// into CSV cells.
func TestExportNeutralisesFormulaCells(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		owner := e.token(authz.Owner, authz.Scope{})
		leads := []string{"=", "+", "-", "@", "\t", "\r"}
		names := map[string]bool{}
		for i, lead := range leads {
			name := fmt.Sprintf("%sHYPERLINK(\"http://evil\",\"p%d\")", lead, i)
			names[name] = true
			var pid int
			e.fixture(func(ctx context.Context, c *ent.Client) error {
				p, err := c.Partner.Create().SetName(name).Save(ctx)
				if p != nil {
					pid = p.ID
				}
				return err
			})
			e.onboard(owner, fmt.Sprint(pid))
		}

		res, body := e.get("/export/couriers?format=csv", owner)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("csv export: %d %s", res.StatusCode, body)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(leads)+1 {
			t.Fatalf("csv rows: %d, want %d", len(rows), len(leads)+1)
		}
		for _, row := range rows[1:] {
			for i, cell := range row {
				if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r") && !isPlainNumber(cell) {
					t.Errorf("column %s holds a formula-like cell %q", rows[0][i], cell)
				}
			}
			if p := row[9]; !names[p[1:]] || p[0] != '\'' {
				t.Errorf("partner cell %q, want an apostrophe before the name", p)
			}
		}

		res, body = e.get("/export/couriers?format=xlsx", owner)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("xlsx export: %d", res.StatusCode)
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for r := 2; r <= len(leads)+1; r++ {
			cell := fmt.Sprintf("J%d", r)
			if formula, _ := f.GetCellFormula("Sheet1", cell); formula != "" {
				t.Errorf("%s is a formula %q", cell, formula)
			}
			if typ, _ := f.GetCellType("Sheet1", cell); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
				t.Errorf("%s has type %v, want a string", cell, typ)
			}
			if v, _ := f.GetCellValue("Sheet1", cell); !names[v] {
				t.Errorf("%s = %q, want the partner's name unchanged", cell, v)
			}
		}
	})
}

// isPlainNumber: phones (+998…) are numbers, not formulas.
func isPlainNumber(s string) bool {
	for i, c := range s[1:] {
		if (c < '0' || c > '9') && !(c == '.' && i > 0) {
			return false
		}
	}
	return len(s) > 1
}
