package stocksvc_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/authz"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/stocksvc"
)

// pdfText extracts the text a PDF draws: it inflates every content stream
// and decodes the strings of its text operators. The act's font is a UTF-8
// TrueType font whose codes are Unicode code points (UTF-16BE), so this is
// the Cyrillic the reader sees, not an ASCII marker.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.40q", b)
	}
	var out strings.Builder
	rest := b
	for {
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 {
			break
		}
		body := rest[i+len("stream"):]
		body = bytes.TrimLeft(body, "\r\n")
		j := bytes.Index(body, []byte("endstream"))
		if j < 0 {
			break
		}
		raw := body[:j]
		rest = body[j+len("endstream"):]
		if zr, err := zlib.NewReader(bytes.NewReader(raw)); err == nil {
			if inflated, err := io.ReadAll(zr); err == nil {
				raw = inflated
			}
		}
		if !bytes.Contains(raw, []byte("Tj")) && !bytes.Contains(raw, []byte("TJ")) {
			continue
		}
		for _, s := range literalStrings(raw) {
			out.WriteString(decodeText(s))
			out.WriteString(" ")
		}
	}
	return out.String()
}

// literalStrings returns the (…) strings of a content stream, unescaped.
func literalStrings(c []byte) [][]byte {
	var out [][]byte
	for i := 0; i < len(c); i++ {
		if c[i] != '(' {
			continue
		}
		var s []byte
		depth := 1
		for i++; i < len(c) && depth > 0; i++ {
			switch ch := c[i]; ch {
			case '\\':
				i++
				if i >= len(c) {
					break
				}
				switch e := c[i]; e {
				case 'n':
					s = append(s, '\n')
				case 'r':
					s = append(s, '\r')
				case 't':
					s = append(s, '\t')
				case 'b':
					s = append(s, '\b')
				case 'f':
					s = append(s, '\f')
				default:
					if e >= '0' && e <= '7' {
						v := 0
						k := 0
						for ; k < 3 && i < len(c) && c[i] >= '0' && c[i] <= '7'; k++ {
							v = v*8 + int(c[i]-'0')
							i++
						}
						i--
						s = append(s, byte(v))
					} else {
						s = append(s, e)
					}
				}
			case '(':
				depth++
				s = append(s, ch)
			case ')':
				depth--
				if depth > 0 {
					s = append(s, ch)
				}
			default:
				s = append(s, ch)
			}
		}
		i--
		out = append(out, s)
	}
	return out
}

// decodeText reads a string as UTF-16BE when it has the length and shape of
// it (the UTF-8 font), else as single bytes.
func decodeText(s []byte) string {
	if len(s)%2 == 0 && len(s) > 0 && s[0] == 0 || len(s) >= 2 && s[0] == 0x04 {
		u := make([]uint16, len(s)/2)
		for i := range u {
			u[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
		}
		return string(utf16.Decode(u))
	}
	return string(s)
}

// squash drops spaces: extraction may split or join words differently.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

func TestHandoverActIsServedAsPDFWithCyrillicText(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		e.receive(e.wh1, e.bag, 3)
		e.receiveSerials(e.wh1, "SH-2026-0042")
		res, err := e.svc.Issue(e.ctx, stocksvc.IssueInput{IdempotencyKey: key(), WarehouseID: e.wh1, CourierID: e.active,
			Lines: []*stocksvc.Line{{EquipmentTypeID: e.bag, Quantity: qty(2)}, {EquipmentTypeID: e.helmet, Serials: []string{"SH-2026-0042"}}}})
		if err != nil {
			t.Fatal(err)
		}
		a := e.api()
		resp, body := a.get(*res.ActURL)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("GET %s: %d %s", *res.ActURL, resp.StatusCode, body)
		}
		text := squash(pdfText(t, body))
		c := e.db.Client.Courier.GetX(authtest.Sys(), e.active)
		masked := "**********" + c.Pinfl[10:]
		for _, want := range []string{
			"АКТПРИЁМА-ПЕРЕДАЧИЭКИПИРОВКИ", res.DocumentNumber, "выдачакурьеру", "СкладЧиланзар",
			"КаримовАзизКаримович", "Термосумка", "Шлем", "SH-2026-0042", "новое", "Выдал", "Получил", e.user.FullName,
		} {
			if !strings.Contains(text, squash(want)) {
				t.Errorf("act text lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, c.Pinfl) {
			t.Error("the act shows the full PINFL")
		}
		if !strings.Contains(text, strings.ReplaceAll(masked, "*", "")) {
			t.Logf("masked PINFL tail %q not found verbatim (masking characters may differ)", c.Pinfl[10:])
		}

		// Uzbek (Latin) and English on request.
		_, uz := a.get(*res.ActURL + "?lang=uz")
		if txt := squash(pdfText(t, uz)); !strings.Contains(txt, "DALOLATNOMASI") || !strings.Contains(txt, "Kuryer") {
			t.Errorf("uz act: %s", txt)
		}
		_, en := a.get(*res.ActURL + "?lang=en")
		if txt := squash(pdfText(t, en)); !strings.Contains(txt, "EQUIPMENTHANDOVERACT") {
			t.Errorf("en act: %s", txt)
		}

		// Nobody signed in: 401. Someone whose scope misses the warehouse: 404.
		anon := *a
		anon.token = ""
		if resp, _ := anon.get(*res.ActURL); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", resp.StatusCode)
		}
		other := *a
		other.token = authtest.Token(t, e.auth, authz.Warehouse, authz.Scope{Warehouses: []int{e.whOut}})
		if resp, _ := other.get(*res.ActURL); resp.StatusCode != http.StatusNotFound {
			t.Errorf("out of scope: %d", resp.StatusCode)
		}
		if resp, _ := a.get(fmt.Sprintf("/acts/ISS-1999-%06d.pdf", 1)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown act: %d", resp.StatusCode)
		}
	})
}
