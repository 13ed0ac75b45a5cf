package courierhttp

import "testing"

// TestURLEscapeKeepsOnlyAttrChars: a download's filename*= (RFC 5987)
// carries letters, digits and . - _ as they are and every other byte
// percent-encoded, the bytes on either side of each range included.
func TestURLEscapeKeepsOnlyAttrChars(t *testing.T) {
	for in, want := range map[string]string{
		"az AZ 09 .-_":        "az%20AZ%2009%20.-_",
		"`{@[/:":              "%60%7B%40%5B%2F%3A",
		"паспорт.pdf":         "%D0%BF%D0%B0%D1%81%D0%BF%D0%BE%D1%80%D1%82.pdf",
		"a\"b;c\r\nd":         "a%22b%3Bc%0D%0Ad",
		"Scan_2024-03-01.JPG": "Scan_2024-03-01.JPG",
	} {
		if got := urlEscape(in); got != want {
			t.Errorf("urlEscape(%q) = %q, want %q", in, got, want)
		}
	}
}
