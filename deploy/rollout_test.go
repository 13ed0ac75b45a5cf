//go:build rollout

package deploy_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/pinfl"
	"github.com/mycourier/mycourier/internal/platform/migrate"
)

// Bounds of the load: it stops when the rollout is done, at maxRequests, or
// at maxLoad, whichever comes first.
const (
	loadWorkers = 6
	maxRequests = 40000
	maxLoad     = 4 * time.Minute
)

// TestRollingReplacementUnderLoadLosesNothing (make test-rollout): two
// PostgreSQL-backed instances behind nginx on 127.0.0.1 take a steady mix of
// reads and writes while each is replaced in turn by a newer build that
// carries a new migration — taken out of nginx's upstream (as endpoints drop
// a terminating pod), SIGTERM, drained, the new one started and ready, put
// back. Every request must succeed and every acknowledged write must be in
// the database afterwards.
func TestRollingReplacementUnderLoadLosesNothing(t *testing.T) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if _, err = os.Stat("/usr/sbin/nginx"); err != nil {
			t.Fatal("nginx is required (apt-get install nginx-light); make test-rollout is not run without it")
		}
		nginx = "/usr/sbin/nginx"
	}
	root := repoRoot(t)
	work := t.TempDir()
	dbURL := dbtest.URL(t, "postgres")

	// v1: this tree. v2: this tree plus one expand-only migration.
	v1 := buildBinary(t, root, filepath.Join(work, "mycourier-v1"), "rollout-v1")
	v2src := filepath.Join(work, "src-v2")
	copyTree(t, root, v2src)
	stamp := time.Now().UTC().Format("20060102150405")
	for _, d := range []string{"postgres", "sqlite"} {
		dir := filepath.Join(v2src, "migrations", d)
		body := "-- Expand-only: old code keeps running against it during the rollout.\n-- +goose Up\nALTER TABLE couriers ADD COLUMN rollout_note text;\n\n-- +goose Down\nALTER TABLE couriers DROP COLUMN rollout_note;\n"
		if err := os.WriteFile(filepath.Join(dir, stamp+"_rollout_note.sql"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := migrate.Hash(dir); err != nil {
			t.Fatal(err)
		}
	}
	v2 := buildBinary(t, v2src, filepath.Join(work, "mycourier-v2"), "rollout-v2")

	env := []string{
		"MYCOURIER_DATABASE_URL=" + dbURL,
		"MYCOURIER_MODE=dev", // dev: introspection answers the enum spelling below
		"MYCOURIER_JWT_SECRET=" + randHex(32),
		"MYCOURIER_DATA_DIR=" + filepath.Join(work, "data"),
		"MYCOURIER_SHUTDOWN_TIMEOUT=20s",
		"MYCOURIER_LOG_FORMAT=json",
	}
	run := func(bin string, stdin string, args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", filepath.Base(bin), args, err, out)
		}
	}
	run(v1, "", "migrate", "up")
	password := "Pw-" + randHex(12)
	run(v1, password+"\n", "user", "create", "--login", "rollout", "--full-name", "Rollout Test", "--role", "owner")

	start := func(bin string) *instance {
		t.Helper()
		in := &instance{port: freePort(t), bin: bin}
		in.cmd = exec.Command(bin, "serve")
		in.cmd.Env = append(os.Environ(), append(env, "MYCOURIER_LISTEN=127.0.0.1:"+strconv.Itoa(in.port))...)
		in.log = &bytes.Buffer{}
		in.cmd.Stdout, in.cmd.Stderr = in.log, in.log
		if err := in.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if in.cmd.ProcessState == nil {
				_ = in.cmd.Process.Kill()
				_ = in.cmd.Wait()
			}
			if t.Failed() {
				t.Logf("%s :%d log:\n%s", filepath.Base(bin), in.port, tail(in.log.String(), 3000))
			}
		})
		waitReady(t, in.url()+"/readyz", 90*time.Second)
		return in
	}
	instances := []*instance{start(v1), start(v1)}

	lb := startNginx(t, nginx, filepath.Join(work, "nginx"), freePort(t))
	lb.route(t, instances)
	base := lb.url()
	waitReady(t, base+"/readyz", 10*time.Second)

	token := graphQL(t, base, "", `mutation($p: String!) { login(login: "rollout", password: $p) { accessToken } }`,
		map[string]any{"p": password})["login"].(map[string]any)["accessToken"].(string)
	foot := enumValue(t, base, token, "CourierTransportType", "foot")

	ld := &load{base: base, token: token, foot: foot}
	ctx, stopLoad := context.WithTimeout(context.Background(), maxLoad)
	defer stopLoad()
	var wg sync.WaitGroup
	for w := range loadWorkers {
		wg.Add(1)
		go func() { defer wg.Done(); ld.work(ctx, w) }()
	}
	time.Sleep(2 * time.Second) // steady state before the first replacement

	rolloutStart := time.Now()
	for i := range instances {
		old := instances[i]
		rest := append(append([]*instance{}, instances[:i]...), instances[i+1:]...)
		lb.route(t, rest)       // endpoints drop the pod…
		time.Sleep(time.Second) // …while its preStop delay runs
		code := old.terminate(t, 30*time.Second)
		if code != 0 {
			t.Errorf("instance :%d exited %d after SIGTERM, want 0 (clean drain)", old.port, code)
		}
		instances[i] = start(v2)
		lb.route(t, instances)
		time.Sleep(2 * time.Second) // the new instance takes traffic before the next goes
	}
	rolloutTook := time.Since(rolloutStart)
	time.Sleep(time.Second)
	stopLoad()
	wg.Wait()

	reads, writes, failed := ld.reads.Load(), ld.writes.Load(), ld.failed.Load()
	t.Logf("rollout of 2 instances took %s under load: %d requests (%d reads, %d writes), %d failed",
		rolloutTook.Round(time.Millisecond), reads+writes+failed, reads, writes, failed)
	for _, e := range ld.errorSample() {
		t.Log("failure:", e)
	}
	if failed != 0 {
		t.Errorf("%d requests failed during the rollout, want 0", failed)
	}
	if reads < 100 || writes < 30 {
		t.Errorf("load too thin to prove anything: %d reads, %d writes", reads, writes)
	}

	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	acked := ld.acked()
	var found int
	if err := db.QueryRow(`SELECT count(*) FROM couriers WHERE pinfl = ANY($1)`, acked).Scan(&found); err != nil {
		t.Fatal(err)
	}
	if found != len(acked) {
		t.Errorf("%d acknowledged writes, %d in the database: writes were lost", len(acked), found)
	}
	var col int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.columns WHERE table_name = 'couriers' AND column_name = 'rollout_note'`).Scan(&col); err != nil || col != 1 {
		t.Errorf("the new build's migration is not applied (column found %d, %v)", col, err)
	}
	for _, in := range instances {
		if in.bin != v2 {
			t.Errorf("instance :%d still runs %s", in.port, in.bin)
		}
	}
}

type instance struct {
	port int
	bin  string
	cmd  *exec.Cmd
	log  *bytes.Buffer
}

func (in *instance) url() string { return "http://127.0.0.1:" + strconv.Itoa(in.port) }

// terminate sends SIGTERM and waits for the process to drain and exit.
func (in *instance) terminate(t *testing.T, within time.Duration) int {
	t.Helper()
	_ = in.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = in.cmd.Wait(); close(done) }()
	select {
	case <-done:
		return in.cmd.ProcessState.ExitCode()
	case <-time.After(within):
		t.Errorf("instance :%d did not stop within %s of SIGTERM", in.port, within)
		_ = in.cmd.Process.Kill()
		<-done
		return -1
	}
}

// lb is an nginx on 127.0.0.1 in front of the instances.
type lb struct {
	nginx, dir string
	port       int
	cmd        *exec.Cmd
}

func startNginx(t *testing.T, nginx, dir string, port int) *lb {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	return &lb{nginx: nginx, dir: dir, port: port}
}

func (l *lb) url() string { return "http://127.0.0.1:" + strconv.Itoa(l.port) }

// route writes the upstream list and starts or reloads nginx (a reload lets
// old workers finish their requests: nothing in flight is cut).
func (l *lb) route(t *testing.T, to []*instance) {
	t.Helper()
	var servers strings.Builder
	for _, in := range to {
		fmt.Fprintf(&servers, "    server 127.0.0.1:%d max_fails=0;\n", in.port)
	}
	conf := fmt.Sprintf(`daemon off;
master_process on;
worker_processes 1;
user root root;
pid %[1]s/nginx.pid;
error_log %[1]s/logs/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  upstream mycourier {
%[2]s    keepalive 16;
  }
  server {
    listen 127.0.0.1:%[3]d;
    location / {
      proxy_pass http://mycourier;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout;
    }
  }
}
`, l.dir, servers.String(), l.port)
	if err := os.WriteFile(filepath.Join(l.dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(l.nginx, "-t", "-p", l.dir, "-c", filepath.Join(l.dir, "nginx.conf")).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	if l.cmd == nil {
		l.cmd = exec.Command(l.nginx, "-p", l.dir, "-c", filepath.Join(l.dir, "nginx.conf"))
		l.cmd.Stdout, l.cmd.Stderr = os.Stderr, os.Stderr
		if err := l.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = l.cmd.Process.Signal(syscall.SIGQUIT)
			_ = l.cmd.Wait()
		})
		return
	}
	if err := l.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the master re-reads its config and starts new workers
}

// load drives reads and writes and remembers each acknowledged write.
type load struct {
	base, token, foot     string
	reads, writes, failed atomic.Int64
	mu                    sync.Mutex
	pinfls                []string
	errs                  []string
}

func (l *load) work(ctx context.Context, w int) {
	birth := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; ctx.Err() == nil && l.reads.Load()+l.writes.Load()+l.failed.Load() < maxRequests; i++ {
		if i%3 != 0 {
			err := l.post(ctx, `{ couriers(first: 5) { totalCount edges { node { id lastName } } } }`, nil, nil)
			l.count(ctx, &l.reads, err)
			continue
		}
		serial := w*100000 + i
		p, _ := pinfl.Make(birth.AddDate(0, 0, serial%3000), pinfl.Male, serial%1000000)
		phone := fmt.Sprintf("+99890%07d", serial)
		var out struct {
			OnboardCourier struct{ Pinfl string } `json:"onboardCourier"`
		}
		err := l.post(ctx, `mutation($in: OnboardCourierInput!) { onboardCourier(input: $in) { pinfl } }`,
			map[string]any{"in": map[string]any{"lastName": "Каримов", "firstName": "Азиз", "phone": phone, "pinfl": p, "transportType": l.foot}}, &out)
		if err == nil && out.OnboardCourier.Pinfl == "" {
			err = fmt.Errorf("onboardCourier acknowledged without a courier")
		}
		if l.count(ctx, &l.writes, err) {
			l.mu.Lock()
			l.pinfls = append(l.pinfls, p)
			l.mu.Unlock()
		}
	}
}

// count files a request's outcome; one cut short by the end of the load is not counted.
func (l *load) count(ctx context.Context, ok *atomic.Int64, err error) bool {
	if err == nil {
		ok.Add(1)
		return true
	}
	if ctx.Err() != nil {
		return false
	}
	l.failed.Add(1)
	l.mu.Lock()
	if len(l.errs) < 10 {
		l.errs = append(l.errs, err.Error())
	}
	l.mu.Unlock()
	return false
}

func (l *load) acked() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.pinfls...)
}

func (l *load) errorSample() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.errs...)
}

func (l *load) post(ctx context.Context, query string, vars map[string]any, into any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, l.base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+l.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %s", res.StatusCode, tail(string(b), 200))
	}
	var out struct {
		Data   json.RawMessage
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	if len(out.Errors) > 0 {
		return fmt.Errorf("graphql errors: %s", out.Errors[0])
	}
	if into != nil {
		return json.Unmarshal(out.Data, into)
	}
	return nil
}

// enumValue finds the spelling of an enum value (lower or UPPER_SNAKE).
func enumValue(t *testing.T, base, token, enum, want string) string {
	t.Helper()
	data := graphQL(t, base, token, `query($n: String!) { __type(name: $n) { enumValues { name } } }`, map[string]any{"n": enum})
	for _, v := range data["__type"].(map[string]any)["enumValues"].([]any) {
		if n := v.(map[string]any)["name"].(string); strings.EqualFold(n, want) {
			return n
		}
	}
	t.Fatalf("enum %s has no value %q", enum, want)
	return ""
}

func buildBinary(t *testing.T, src, out, version string) string {
	t.Helper()
	// -trimpath keeps the source directory out of the build's cache keys, so
	// the copy of the tree (v2) reuses every package compiled for v1.
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-X github.com/mycourier/mycourier/internal/platform/buildinfo.Version="+version,
		"-o", out, "./cmd/mycourier")
	cmd.Dir = src
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in %s: %v\n%s", src, err, b)
	}
	return out
}

// copyTree copies the module's source (no VCS, builds, data or node modules).
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	skip := map[string]bool{".git": true, "bin": true, "data": true, "node_modules": true}
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if skip[d.Name()] && rel != "." {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		dst := filepath.Join(to, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(dst, 0o755)
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(dst, b, 0o644)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
