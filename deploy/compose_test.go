package deploy_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// composeConfig runs `docker-compose config` (Debian's docker-compose; the
// same file works with `docker compose`) on the project's compose file with
// the given env file, in an environment without MYCOURIER_* or POSTGRES_*.
func composeConfig(t *testing.T, envFile string) (string, error) {
	t.Helper()
	bin, err := exec.LookPath("docker-compose")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("docker-compose is required under CI=true (.ci/run installs it)")
		}
		t.Skip("SKIPPING: docker-compose not installed (apt-get install docker-compose)")
	}
	root := repoRoot(t)
	cmd := exec.Command(bin, "--project-directory", root, "-f", filepath.Join(root, "docker-compose.yml"),
		"--env-file", envFile, "config")
	cmd.Dir = t.TempDir()
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String() + errb.String(), err
}

type composeService struct {
	Image       string
	Build       map[string]any
	Command     []string
	Environment map[string]string
	DependsOn   map[string]struct{ Condition string } `json:"depends_on"`
	Healthcheck *struct{ Test []string }
	ReadOnly    bool     `json:"read_only"`
	CapDrop     []string `json:"cap_drop"`
	Volumes     []any
	Ports       []any
	Profiles    []string
}

// TestComposeFileIsValidAndSafe validates docker-compose.yml with the env
// example, and checks: PostgreSQL with a volume and a health check; the
// migration one-shot and the server waiting for it healthy/completed; a
// read-only server with a health check; a backup service; secrets required.
func TestComposeFileIsValidAndSafe(t *testing.T) {
	root := repoRoot(t)
	out, err := composeConfig(t, filepath.Join(root, ".env.example"))
	if err != nil {
		t.Fatalf("docker-compose config: %v\n%s", err, out)
	}
	var cfg struct {
		Services map[string]composeService
		Volumes  map[string]any
	}
	if err := yaml.Unmarshal([]byte(out), &cfg); err != nil {
		t.Fatalf("compose config output: %v\n%s", err, out)
	}
	pg, app, mig, backup := cfg.Services["postgres"], cfg.Services["mycourier"], cfg.Services["migrate"], cfg.Services["backup"]
	if pg.Healthcheck == nil || len(pg.Volumes) == 0 {
		t.Error("postgres needs a health check and a volume")
	}
	if mig.DependsOn["postgres"].Condition != "service_healthy" || strings.Join(mig.Command, " ") != "migrate up" {
		t.Errorf("migrate = %+v, want `migrate up` after postgres is healthy", mig)
	}
	if app.DependsOn["postgres"].Condition != "service_healthy" || app.DependsOn["migrate"].Condition != "service_completed_successfully" {
		t.Errorf("mycourier depends_on = %+v, want postgres healthy and migrate completed", app.DependsOn)
	}
	if app.Healthcheck == nil || !strings.Contains(strings.Join(app.Healthcheck.Test, " "), "mycourier healthcheck") {
		t.Error("mycourier has no `mycourier healthcheck` health check")
	}
	if !app.ReadOnly || !mig.ReadOnly || len(app.CapDrop) == 0 {
		t.Error("mycourier and migrate must run with a read-only root and no capabilities")
	}
	if app.Image != mig.Image || app.Build == nil {
		t.Errorf("server and migration must run the same image: %q vs %q", app.Image, mig.Image)
	}
	// The backup image (deploy/image/backup.Dockerfile: the binary beside
	// pg_dump) runs `mycourier backup` on the server's database and files.
	if strings.Join(backup.Command, " ") != "backup" || len(backup.Profiles) == 0 || backup.Build == nil ||
		backup.Environment["MYCOURIER_DATABASE_URL"] != app.Environment["MYCOURIER_DATABASE_URL"] || !backup.ReadOnly {
		t.Errorf("backup = %+v; want an on-demand, read-only `mycourier backup` of the server's database", backup)
	}
	for _, p := range app.Ports {
		// docker-compose v1 prints "127.0.0.1:8080:8080/tcp", compose v2 a map.
		s, isString := p.(string)
		m, isMap := p.(map[string]any)
		if !(isString && strings.HasPrefix(s, "127.0.0.1:")) && !(isMap && m["host_ip"] == "127.0.0.1") {
			t.Errorf("published port %v is not bound to 127.0.0.1", p)
		}
	}

	// No default secrets: without them the file does not even validate.
	empty := filepath.Join(t.TempDir(), "empty.env")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = composeConfig(t, empty)
	if err == nil || !strings.Contains(out, "POSTGRES_PASSWORD") {
		t.Errorf("compose without POSTGRES_PASSWORD: err %v, output %s; want a refusal naming it", err, tail(out, 400))
	}
}
