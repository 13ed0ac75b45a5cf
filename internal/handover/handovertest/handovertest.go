// Package handovertest reads back the text of a handover act PDF, for
// tests that check what an act shows (and what it must not).
package handovertest

import (
	"bytes"
	"compress/zlib"
	"io"
	"strings"
	"testing"
	"unicode/utf16"
)

// Text extracts the text a PDF draws: it inflates every content stream
// and decodes the strings of its text operators. The act's font is a UTF-8
// TrueType font whose codes are Unicode code points (UTF-16BE), so this is
// the Cyrillic the reader sees, not an ASCII marker.
func Text(t testing.TB, b []byte) string {
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

// Squash drops spaces: extraction may split or join words differently.
func Squash(s string) string { return strings.Join(strings.Fields(s), "") }
