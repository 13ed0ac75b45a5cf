package mycourier_test

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

const module = "github.com/mycourier/mycourier/"

// goPackage is what `go list -json` says of one package.
type goPackage struct {
	ImportPath string
	Imports    []string
}

func listPackages(t *testing.T) []goPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "./...").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v: %s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []goPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages; the walk is broken", len(pkgs))
	}
	return pkgs
}

// layerRule forbids packages matching from to import packages matching to
// (both relative to the module), except the listed edges.
type layerRule struct {
	name     string
	from, to *regexp.Regexp
	// except are from→to edges tolerated for now, each with its reason.
	except map[string]string
}

var layerRules = []layerRule{{
	// The platform (database, HTTP, logging, config) knows nothing of the
	// domain: it may use the generated ent client it opens, the embedded
	// migrations and the neutral error vocabulary, nothing else of ours.
	name: "a platform package imports a domain package",
	from: regexp.MustCompile(`^internal/platform/`),
	to:   regexp.MustCompile(`^(graph|cmd|internal/(app|apptest|authz|audit|pii|seed|handover|blobstore|idempotency|csvsafe|phone|pinfl|[a-z]+svc)|ent/schema)(/|$)`),
	except: map[string]string{
		"internal/platform/uniqueguard -> internal/authz": "the unique-value hook names a holder only to unrestricted viewers; it moves out of platform with issue 13's driver-error mapping",
	},
}, {
	name: "a service imports the GraphQL layer or the composition root",
	from: regexp.MustCompile(`^internal/[a-z]+svc(/|$)`),
	to:   regexp.MustCompile(`^(graph|cmd|internal/(app|apptest))(/|$)`),
}, {
	// Services are built once, in internal/app: nothing below it builds the
	// application.
	name: "a package below the composition root imports it",
	from: regexp.MustCompile(`^(graph|ent|internal/(authz|audit|pii|platform|[a-z]+svc))(/|$)`),
	to:   regexp.MustCompile(`^(cmd|internal/(app|apptest))(/|$)`),
}}

// violations applies the rules to pkgs.
func violations(pkgs []goPackage) []string {
	var out []string
	for _, p := range pkgs {
		from := strings.TrimPrefix(p.ImportPath, module)
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			to := strings.TrimPrefix(imp, module)
			for _, r := range layerRules {
				if r.from.MatchString(from) && r.to.MatchString(to) {
					if _, ok := r.except[from+" -> "+to]; !ok {
						out = append(out, r.name+": "+from+" -> "+to)
					}
				}
			}
		}
	}
	return out
}

// The import graph runs one way: cmd → internal/app → graph and HTTP →
// services → authz/ent → database. A platform package that imports a domain
// package, or a service that imports graph, fails here.
func TestImportGraphRunsOneWay(t *testing.T) {
	for _, v := range violations(listPackages(t)) {
		t.Error(v)
	}
}

// The rules catch the edges they are meant to, and the tolerated edges are
// still real (an exception nobody needs any more is removed).
func TestLayerRulesCatchWrongImports(t *testing.T) {
	bad := []goPackage{
		{ImportPath: module + "internal/platform/httpserver", Imports: []string{module + "graph"}},
		{ImportPath: module + "internal/platform/database", Imports: []string{module + "internal/stocksvc"}},
		{ImportPath: module + "internal/stocksvc", Imports: []string{module + "graph/model"}},
		{ImportPath: module + "internal/couriersvc/courierhttp", Imports: []string{module + "internal/app"}},
	}
	got := strings.Join(violations(bad), "\n")
	for _, p := range bad {
		edge := strings.TrimPrefix(p.ImportPath, module) + " -> " + strings.TrimPrefix(p.Imports[0], module)
		if !strings.Contains(got, edge) {
			t.Errorf("%s is not reported", edge)
		}
	}
	fine := []goPackage{
		{ImportPath: module + "internal/platform/database", Imports: []string{module + "ent", module + "internal/apperr"}},
		{ImportPath: module + "internal/app", Imports: []string{module + "graph", module + "internal/platform/httpserver"}},
		{ImportPath: module + "graph", Imports: []string{module + "internal/stocksvc"}},
	}
	if got := violations(fine); len(got) != 0 {
		t.Errorf("allowed edges reported: %v", got)
	}
	edges := map[string]bool{}
	for _, p := range listPackages(t) {
		for _, imp := range p.Imports {
			edges[strings.TrimPrefix(p.ImportPath, module)+" -> "+strings.TrimPrefix(imp, module)] = true
		}
	}
	for _, r := range layerRules {
		for e := range r.except {
			if !edges[e] {
				t.Errorf("exception %q is no longer needed: remove it", e)
			}
		}
	}
}
