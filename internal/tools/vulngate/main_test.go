package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// One called finding and one the code only requires, as govulncheck -json
// writes them (trimmed to the fields read).
const stream = `{"config":{"scanner_name":"govulncheck"}}
{"finding":{"osv":"GO-1","fixed_version":"v1.2.0","trace":[{"module":"stdlib","version":"v1.1.0","package":"net/http","function":"Serve"},{"module":"m","function":"main","position":{"filename":"cmd/m.go","line":3}}]}}
{"finding":{"osv":"GO-2","fixed_version":"v0.2.0","trace":[{"module":"golang.org/x/y","version":"v0.1.0"}]}}
`

func TestCalledFindingFailsUnlessAcceptedWithAReason(t *testing.T) {
	called, other, err := readFindings(strings.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	if len(called) != 1 || called["GO-1"] == "" || len(other) != 1 || other["GO-2"] == "" {
		t.Fatalf("called %v, other %v; want GO-1 called and GO-2 not", called, other)
	}
	if code := judge(io.Discard, called, other, map[string]string{}); code != 1 {
		t.Errorf("unaccepted called finding: exit %d, want 1", code)
	}
	if code := judge(io.Discard, called, other, map[string]string{"GO-2": "not called anyway"}); code != 1 {
		t.Errorf("accepting another id must not pass GO-1: exit %d, want 1", code)
	}
	if code := judge(io.Discard, called, other, map[string]string{"GO-1": "no server uses it"}); code != 0 {
		t.Errorf("accepted called finding: exit %d, want 0", code)
	}

	path := filepath.Join(t.TempDir(), "allow")
	if err := os.WriteFile(path, []byte("# comment\nGO-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readAllow(path); err == nil || !strings.Contains(err.Error(), "no reason") {
		t.Errorf("entry without a reason: %v, want an error saying so", err)
	}
}
