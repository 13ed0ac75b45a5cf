package migrate

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Squawk lints the Up section of each PostgreSQL goose file with squawk
// (bin), using the project's config (.squawk.toml). Files run in a
// transaction are linted as such (--assume-in-transaction: an index on a
// table created in the same file needs no CONCURRENTLY); NO TRANSACTION
// files without it. It returns squawk's findings, one per line
// ("file:line:col: warning: rule message").
func Squawk(ctx context.Context, bin, config string, files map[string][]byte) ([]string, error) {
	config, err := filepath.Abs(config)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "squawk-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	var inTx, noTx []string
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		up, _, _ := strings.Cut(string(files[n]), "-- +goose Down")
		p := filepath.Join(tmp, filepath.Base(n))
		if err := os.WriteFile(p, []byte(up), 0o600); err != nil {
			return nil, err
		}
		// Relative names: squawk matches excluded_paths against what it is given.
		if strings.Contains(up, "-- +goose NO TRANSACTION") {
			noTx = append(noTx, filepath.Base(p))
		} else {
			inTx = append(inTx, filepath.Base(p))
		}
	}
	var out []string
	for _, group := range []struct {
		paths []string
		flag  string
	}{{inTx, "--assume-in-transaction"}, {noTx, "--no-assume-in-transaction"}} {
		if len(group.paths) == 0 {
			continue
		}
		args := append([]string{"--config", config, "--reporter", "gcc", group.flag}, group.paths...)
		cmd := exec.CommandContext(ctx, bin, args...) // #nosec G204 -- the pinned squawk binary with migration paths from the repository; no shell
		cmd.Dir = tmp
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		sc := bufio.NewScanner(&stdout)
		found := 0
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); strings.Contains(l, ": warning: ") || strings.Contains(l, ": error: ") {
				out = append(out, l)
				found++
			}
		}
		// squawk exits 1 on findings; any other failure is the tool's.
		if err != nil && found == 0 {
			return nil, fmt.Errorf("migrate: squawk: %w: %s%s", err, stdout.String(), stderr.String())
		}
	}
	return out, nil
}
