package schema_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// ent's MaxLen and MinLen count bytes, so a Cyrillic text (two bytes a
// letter) met half its limit. Text limits are MaxRuneLen/MinRuneLen, which
// count characters and give the column the same width (PostgreSQL's
// varchar(n) counts characters too).
func TestTextLimitsCountCharacters(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	byteLimit := regexp.MustCompile(`\.(MaxLen|MinLen)\(`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range byteLimit.FindAllIndex(b, -1) {
			line := 1 + len(regexp.MustCompile("\n").FindAllIndex(b[:m[0]], -1))
			t.Errorf("%s:%d: %s counts bytes; use MaxRuneLen/MinRuneLen", f, line, b[m[0]+1:m[1]-1])
		}
	}
}
