package migrate_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/internal/platform/migrate"
)

const squawkConfig = "../../../.squawk.toml"

// squawkBin finds squawk: $MYCOURIER_SQUAWK, the copy `make tools` installs
// under .tools, or the PATH. Under CI a missing squawk fails the test.
func squawkBin(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("MYCOURIER_SQUAWK"), "../../../.tools/node_modules/.bin/squawk"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				abs, _ := filepath.Abs(p)
				return abs
			}
		}
	}
	if p, err := exec.LookPath("squawk"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("squawk is required under CI: run `make tools` (npm squawk-cli)")
	}
	t.Skip("SKIPPING the squawk lint: squawk not installed; run `make tools`")
	return ""
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".sql") {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out[e.Name()] = b
		}
	}
	return out
}

func TestSquawkPassesEveryPostgresMigration(t *testing.T) {
	bin := squawkBin(t)
	found, err := migrate.Squawk(context.Background(), bin, squawkConfig, readDir(t, "../../../migrations/postgres"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Errorf("squawk: %s", f)
	}
}

// The lint bites: an index built the blocking way on an existing table, and
// a constraint validated in one step, are reported.
func TestSquawkFlagsBlockingIndexesAndConstraints(t *testing.T) {
	bin := squawkBin(t)
	files := map[string][]byte{
		"20300101000000_blocking.sql": []byte("-- +goose Up\nCREATE INDEX \"courier_x\" ON \"couriers\" (\"last_name\");\nALTER TABLE \"couriers\" ADD CONSTRAINT \"c\" CHECK (\"id\" > 0);\n\n-- +goose Down\nDROP INDEX \"courier_x\";\n"),
		// Building on a table the same file creates is fine.
		"20300101000001_new_table.sql": []byte("-- +goose Up\nCREATE TABLE \"notes\" (\"id\" bigint NOT NULL, PRIMARY KEY (\"id\"));\nCREATE INDEX \"note_id\" ON \"notes\" (\"id\");\n"),
	}
	found, err := migrate.Squawk(context.Background(), bin, squawkConfig, files)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(found, "\n")
	for _, rule := range []string{"require-concurrent-index-creation", "constraint-missing-not-valid"} {
		if !strings.Contains(joined, "20300101000000_blocking.sql") || !strings.Contains(joined, rule) {
			t.Errorf("squawk did not report %s:\n%s", rule, joined)
		}
	}
	if strings.Contains(joined, "new_table") {
		t.Errorf("an index on a table created in the same file was reported:\n%s", joined)
	}
}
