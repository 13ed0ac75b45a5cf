package deploy_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The engine the tests start is their own: its socket, state and cache are
// private (the cache survives between runs so a warm build is fast), and it
// is stopped when the test ends.
const (
	dockerDataRoot = "/var/lib/mycourier-imagetest"
	dockerRunDir   = "/run/mycourier-imagetest"
)

// engine is a dockerd started by a test.
type engine struct {
	host string // DOCKER_HOST
	lock *os.File
	cmd  *exec.Cmd
}

// requireEngine starts a private dockerd, or skips the test saying why; under
// CI=true an engine that cannot start fails the test instead, because CI runs
// on a machine where it can (.ci/run installs docker.io).
func requireEngine(t *testing.T) *engine {
	t.Helper()
	unavailable := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...)
		if os.Getenv("CI") == "true" {
			t.Fatalf("docker engine required under CI=true: %s", msg)
		}
		t.Skipf("SKIPPING: no docker engine: %s (install docker.io and run as root)", msg)
	}
	if testing.Short() {
		t.Skip("SKIPPING in -short: builds and runs a container image")
	}
	if os.Geteuid() != 0 {
		unavailable("dockerd needs root, running as uid %d", os.Geteuid())
	}
	dockerd, err := exec.LookPath("dockerd")
	if err != nil {
		unavailable("dockerd not found on PATH")
	}
	if _, err := exec.LookPath("docker"); err != nil {
		unavailable("docker CLI not found on PATH")
	}
	if err := os.MkdirAll(dockerRunDir, 0o700); err != nil {
		unavailable("%v", err)
	}
	// One engine per data root: a second test run (another engineer's, the
	// integrator's) waits here instead of corrupting the first one's state.
	lock, err := os.OpenFile(filepath.Join(dockerRunDir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		unavailable("%v", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		lock.Close()
		unavailable("lock: %v", err)
	}
	sock := filepath.Join(dockerRunDir, "docker.sock")
	e := &engine{host: "unix://" + sock, lock: lock}
	logf, _ := os.Create(filepath.Join(t.TempDir(), "dockerd.log"))
	// vfs works on any file system (no overlay in nested containers);
	// no bridge and no iptables: containers use the host network, loopback only.
	e.cmd = exec.Command(dockerd,
		"--host", e.host,
		"--data-root", dockerDataRoot,
		"--exec-root", filepath.Join(dockerRunDir, "exec"),
		"--pidfile", filepath.Join(dockerRunDir, "dockerd.pid"),
		"--storage-driver", "vfs",
		"--bridge", "none", "--iptables=false", "--ip6tables=false",
	)
	e.cmd.Stdout, e.cmd.Stderr = logf, logf
	// A test binary killed by its timeout takes its engine with it.
	e.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := e.cmd.Start(); err != nil {
		e.release()
		unavailable("start dockerd: %v", err)
	}
	t.Cleanup(func() { e.stop(t) })
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := e.docker(context.Background(), nil, "version", "--format", "{{.Server.Version}}"); err == nil {
			return e
		}
		if e.cmd.ProcessState != nil || time.Now().After(deadline) {
			logs, _ := os.ReadFile(logf.Name())
			unavailable("dockerd did not answer within 60s; its log:\n%s", tail(string(logs), 2000))
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func (e *engine) stop(t *testing.T) {
	if e.cmd.Process != nil {
		_ = e.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = e.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Logf("dockerd did not stop in 30s; killing pid %d", e.cmd.Process.Pid)
			_ = e.cmd.Process.Kill()
			<-done
		}
	}
	e.release()
}

func (e *engine) release() {
	_ = syscall.Flock(int(e.lock.Fd()), syscall.LOCK_UN)
	e.lock.Close()
}

// docker runs the CLI against the private engine and returns its stdout.
func (e *engine) docker(ctx context.Context, stdin []byte, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "docker", args...)
	// The classic builder: the buildx plugin is not in Debian's docker.io,
	// and the Dockerfile is written to build with either.
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+e.host, "DOCKER_BUILDKIT=0", "DOCKER_CLI_HINTS=false")
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("docker %s: %w\n%s", strings.Join(args, " "), err, tail(errb.String()+out.String(), 3000))
	}
	return out.String(), nil
}

func (e *engine) must(t *testing.T, stdin []byte, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := e.docker(ctx, stdin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
