// Command vulngate is the last step of `make vulncheck`: it reads
// `govulncheck -json` on stdin and fails when the code calls a known
// vulnerability that is not accepted, with a reason, in .govulncheck-allow.
//
// govulncheck has no suppression list of its own. Findings the code does not
// call (module or package level) are printed but do not fail the gate; an
// accepted entry that no longer matches anything is printed so the list can
// be pruned.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

type finding struct {
	OSV          string `json:"osv"`
	FixedVersion string `json:"fixed_version"`
	Trace        []struct {
		Module   string `json:"module"`
		Version  string `json:"version"`
		Package  string `json:"package"`
		Function string `json:"function"`
		Receiver string `json:"receiver"`
		Position *struct {
			Filename string `json:"filename"`
			Line     int    `json:"line"`
		} `json:"position"`
	} `json:"trace"`
}

type message struct {
	Finding *finding `json:"finding"`
}

func main() {
	allowPath := ".govulncheck-allow"
	if len(os.Args) > 1 {
		allowPath = os.Args[1]
	}
	allow, err := readAllow(allowPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulngate:", err)
		os.Exit(2)
	}
	called, other, err := readFindings(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulngate:", err)
		os.Exit(2)
	}
	os.Exit(judge(os.Stdout, called, other, allow))
}

// readAllow reads "ID reason…" lines; # starts a comment. An entry without
// a reason is an error: accepting a risk means saying why.
func readAllow(path string) (map[string]string, error) {
	f, err := os.Open(path) // #nosec G304 G703 -- the allow list named on the command line of make vulncheck
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, " ")
		if strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("%s:%d: %s has no reason", path, n, id)
		}
		out[id] = strings.TrimSpace(reason)
	}
	return out, sc.Err()
}

// readFindings splits the stream into the vulnerabilities the code calls
// (a trace that reaches a function) and the rest, each with one example.
func readFindings(r io.Reader) (called, other map[string]string, err error) {
	called, other = map[string]string{}, map[string]string{}
	dec := json.NewDecoder(r)
	for {
		var m message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return called, other, nil
		} else if err != nil {
			return nil, nil, fmt.Errorf("reading govulncheck output: %w", err)
		}
		f := m.Finding
		if f == nil || len(f.Trace) == 0 {
			continue
		}
		top := f.Trace[0]
		where := fmt.Sprintf("%s@%s, fixed in %s", top.Module, top.Version, f.FixedVersion)
		if top.Function == "" {
			other[f.OSV] = where
			continue
		}
		if last := f.Trace[len(f.Trace)-1]; last.Position != nil {
			where += fmt.Sprintf("; reached from %s:%d", last.Position.Filename, last.Position.Line)
		}
		called[f.OSV] = where
	}
}

// judge prints the verdict and returns the exit code.
func judge(w io.Writer, called, other, allow map[string]string) int {
	failed := 0
	for _, id := range sorted(called) {
		if reason, ok := allow[id]; ok {
			fmt.Fprintf(w, "accepted %s (%s): %s\n", id, called[id], reason)
			continue
		}
		fmt.Fprintf(w, "CALLED   %s (%s): fix it, or accept it in .govulncheck-allow with a reason\n", id, called[id])
		failed++
	}
	for _, id := range sorted(other) {
		if _, ok := called[id]; !ok {
			fmt.Fprintf(w, "not called %s (%s)\n", id, other[id])
		}
	}
	for _, id := range sorted(allow) {
		if _, ok := called[id]; !ok {
			fmt.Fprintf(w, "stale    %s is accepted but no longer called: remove it\n", id)
		}
	}
	if failed > 0 {
		fmt.Fprintf(w, "vulngate: %d called vulnerabilities not accepted\n", failed)
		return 1
	}
	fmt.Fprintf(w, "vulngate: no unaccepted vulnerability is called (%d accepted)\n", len(called))
	return 0
}

func sorted[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
