package migrate

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

var (
	createIndexRE = regexp.MustCompile(`^CREATE (UNIQUE )?INDEX ("[^"]+") ON ("[^"]+")(.*);$`)
	createTableRE = regexp.MustCompile(`^CREATE TABLE ("[^"]+")`)
	dropTableRE   = regexp.MustCompile(`^DROP TABLE ("[^"]+")`)
	dropIndexRE   = regexp.MustCompile(`^DROP INDEX ("[^"]+");$`)
)

// splitConcurrent takes a generated PostgreSQL goose file apart: indexes on
// tables the file does not create move into a second file that runs
// outside a transaction and builds each with CREATE INDEX CONCURRENTLY
// (writers are not blocked while it builds), after dropping any invalid
// leftover of a failed earlier attempt. ok is false when nothing moves.
func splitConcurrent(body string) (rest, concurrent string, ok bool) {
	up, down, _ := strings.Cut(body, "-- +goose Down")
	created := map[string]bool{}
	dropped := false
	for _, l := range strings.Split(up, "\n") {
		if m := createTableRE.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			created[m[1]] = true
		}
		if m := dropTableRE.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			dropped = true
		}
	}
	var (
		keptUp, cUp, cDown []string
		moved              = map[string]bool{}
		movedDrop          = map[string]bool{}
	)
	lines := strings.Split(up, "\n")
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if d := dropIndexRE.FindStringSubmatch(t); d != nil && !dropped {
			// An index dropped from an existing table: without a lock on writes too.
			if n := len(keptUp); n > 0 && isGeneratorComment(keptUp[n-1]) {
				keptUp = keptUp[:n-1]
			}
			movedDrop[d[1]] = true
			cUp = append(cUp, fmt.Sprintf("DROP INDEX CONCURRENTLY IF EXISTS %s;", d[1]))
			continue
		}
		m := createIndexRE.FindStringSubmatch(t)
		if m == nil || created[m[3]] {
			keptUp = append(keptUp, l)
			continue
		}
		// Drop the generator's comment line above the statement too.
		if n := len(keptUp); n > 0 && isGeneratorComment(keptUp[n-1]) {
			keptUp = keptUp[:n-1]
		}
		moved[m[2]] = true
		cUp = append(cUp,
			fmt.Sprintf("DROP INDEX CONCURRENTLY IF EXISTS %s;", m[2]),
			fmt.Sprintf("CREATE %sINDEX CONCURRENTLY %s ON %s%s;", m[1], m[2], m[3], m[4]))
		cDown = append(cDown, fmt.Sprintf("DROP INDEX CONCURRENTLY IF EXISTS %s;", m[2]))
	}
	if len(moved) == 0 && len(movedDrop) == 0 {
		return body, "", false
	}
	var keptDown []string
	dlines := strings.Split(down, "\n")
	for i := 0; i < len(dlines); i++ {
		l := strings.TrimSpace(dlines[i])
		if strings.HasPrefix(l, "-- reverse:") && i+1 < len(dlines) {
			if m := dropIndexRE.FindStringSubmatch(strings.TrimSpace(dlines[i+1])); m != nil && moved[m[1]] {
				i++
				continue
			}
		}
		if m := dropIndexRE.FindStringSubmatch(l); m != nil && moved[m[1]] {
			continue
		}
		if strings.HasPrefix(l, "-- reverse:") && i+1 < len(dlines) {
			if m := createIndexRE.FindStringSubmatch(strings.TrimSpace(dlines[i+1])); m != nil && movedDrop[m[2]] {
				cDown = append(cDown, fmt.Sprintf("CREATE %sINDEX CONCURRENTLY IF NOT EXISTS %s ON %s%s;", m[1], m[2], m[3], m[4]))
				i++
				continue
			}
		}
		keptDown = append(keptDown, dlines[i])
	}
	rest = strings.Join(keptUp, "\n") + "-- +goose Down" + strings.Join(keptDown, "\n")
	concurrent = "-- +goose NO TRANSACTION\n-- Indexes on existing tables are built without blocking writes; an invalid\n" +
		"-- index left by a failed attempt is dropped and rebuilt on retry.\n-- +goose Up\n" +
		strings.Join(cUp, "\n") + "\n\n-- +goose Down\n" + strings.Join(cDown, "\n") + "\n"
	return rest, concurrent, true
}

// hasStatements tells whether a goose Up section holds any SQL.
func hasStatements(body string) bool {
	up, _, _ := strings.Cut(body, "-- +goose Down")
	for _, l := range strings.Split(up, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
			return true
		}
	}
	return false
}

// moveIndexesOut rewrites the new migration at path so that indexes on
// existing tables are built concurrently in a file of the next second, and
// rewrites atlas.sum. It returns the paths written.
func moveIndexesOut(path string) ([]string, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- a migration file the developer named
	if err != nil {
		return nil, err
	}
	rest, conc, ok := splitConcurrent(string(b))
	if !ok {
		return []string{path}, nil
	}
	base := filepath.Base(path)
	ts, name, _ := strings.Cut(strings.TrimSuffix(base, ".sql"), "_")
	at, err := time.Parse("20060102150405", ts)
	if err != nil {
		return nil, fmt.Errorf("migrate: %s: version is not a timestamp: %w", base, err)
	}
	cpath := filepath.Join(filepath.Dir(path), at.Add(time.Second).Format("20060102150405")+"_"+name+"_indexes.sql")
	if err := os.WriteFile(cpath, []byte(conc), 0o644); err != nil { // #nosec G306 G703 -- a developer command writing a migration file into the repository
		return nil, err
	}
	out := []string{cpath}
	if hasStatements(rest) {
		if err := os.WriteFile(path, []byte(rest), 0o644); err != nil { // #nosec G306 G703 -- a developer command writing a migration file into the repository
			return nil, err
		}
		out = append([]string{path}, out...)
	} else if err := os.Remove(path); err != nil {
		return nil, err
	}
	return out, Hash(filepath.Dir(path))
}

func isGeneratorComment(l string) bool {
	t := strings.TrimSpace(l)
	return strings.HasPrefix(t, "--") && !strings.HasPrefix(t, "-- +goose")
}

// SplitConcurrent is splitConcurrent for tests and tools: it returns the
// transactional rest of a generated file and the NO TRANSACTION file that
// builds its indexes on existing tables concurrently.
func SplitConcurrent(body string) (rest, concurrent string, ok bool) {
	return splitConcurrent(body)
}
