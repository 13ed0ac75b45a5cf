package deploy_test

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mycourier/mycourier/internal/dbtest"
)

// imageSizeBudget is the most the runtime image may weigh: the static binary
// (about 60 MB stripped) plus CA certificates, time zones and passwd files.
// Growing past it needs a reason and a new number here.
const imageSizeBudget = 90 << 20

// TestImageBuildsAndServes packages (deploy/image/package.Dockerfile) a
// binary compiled here, on a base image made from this machine's CA
// certificates and time zones (no registry is reachable), checks its
// metadata, then runs it read-only as the non-root user against the local
// PostgreSQL: /readyz, the health check, a sign-in and a GraphQL query.
func TestImageBuildsAndServes(t *testing.T) {
	e := requireEngine(t)
	root := repoRoot(t)
	version := "test-" + strconv.FormatInt(time.Now().Unix(), 10)

	start := time.Now()
	bin := filepath.Join(root, "bin", "mycourier-linux-amd64")
	// No -trimpath here (the Dockerfile's and pipeline's builds use it): a
	// trimmed build shares no compiled package with `go test`, and compiling
	// everything again would cost CI minutes for no extra evidence.
	build := exec.Command("go", "build", "-buildvcs=false",
		"-ldflags", "-s -w -X github.com/mycourier/mycourier/internal/platform/buildinfo.Version="+version,
		"-o", bin, "./cmd/mycourier")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("go build: %s", time.Since(start).Round(time.Millisecond))

	base := localBaseImage(t, e)
	start = time.Now()
	e.must(t, nil, "build", "--target", "runtime",
		"--build-arg", "RUNTIME_IMAGE="+base,
		"--build-arg", "VERSION="+version,
		"--build-arg", "REVISION=test",
		"-t", "mycourier-runtime:test", root)
	e.must(t, nil, "build", "-f", filepath.Join(root, "deploy/image/package.Dockerfile"),
		"--build-arg", "RUNTIME=mycourier-runtime:test",
		"-t", "mycourier:test", root)
	t.Logf("docker build (runtime stage, then package.Dockerfile): %s", time.Since(start).Round(time.Millisecond))

	t.Run("metadata", func(t *testing.T) {
		var imgs []struct {
			Size   int64
			Config struct {
				User        string
				Labels      map[string]string
				Healthcheck *struct{ Test []string }
				Entrypoint  []string
				Volumes     map[string]any
			}
		}
		if err := json.Unmarshal([]byte(e.must(t, nil, "image", "inspect", "mycourier:test")), &imgs); err != nil || len(imgs) != 1 {
			t.Fatalf("image inspect: %v", err)
		}
		img := imgs[0]
		t.Logf("image size: %.1f MiB (budget %d MiB)", float64(img.Size)/(1<<20), imageSizeBudget>>20)
		if img.Size > imageSizeBudget {
			t.Errorf("image is %d bytes, over the budget of %d", img.Size, imageSizeBudget)
		}
		if img.Config.User != "65532:65532" {
			t.Errorf("image user = %q, want the non-root 65532:65532", img.Config.User)
		}
		if hc := img.Config.Healthcheck; hc == nil || !strings.Contains(strings.Join(hc.Test, " "), "mycourier healthcheck") {
			t.Errorf("image health check = %+v, want `mycourier healthcheck`", hc)
		}
		for _, l := range []string{"title", "description", "version", "revision", "created", "source", "licenses"} {
			if img.Config.Labels["org.opencontainers.image."+l] == "" {
				t.Errorf("OCI label org.opencontainers.image.%s missing", l)
			}
		}
		if got := img.Config.Labels["org.opencontainers.image.version"]; got != version {
			t.Errorf("version label = %q, want %q", got, version)
		}
		if _, ok := img.Config.Volumes["/var/lib/mycourier"]; !ok {
			t.Errorf("/var/lib/mycourier is not a volume: %v", img.Config.Volumes)
		}
		if got := e.must(t, nil, "run", "--rm", "--network", "host", "mycourier:test", "version"); got != version {
			t.Errorf("`mycourier version` in the image = %q, want the stamped %q", got, version)
		}
	})

	// The default SQLite database lives in the data volume: on a read-only
	// root, a fresh volume must be writable by the non-root user.
	t.Run("data volume writable by the non-root user", func(t *testing.T) {
		vol := "mycourier-test-data-" + randHex(4)
		t.Cleanup(func() { _, _ = e.docker(t.Context(), nil, "volume", "rm", "-f", vol) })
		out := e.must(t, nil, "run", "--rm", "--network", "host", "--read-only",
			"-e", "MYCOURIER_JWT_SECRET="+randHex(32),
			"-v", vol+":/var/lib/mycourier", "mycourier:test", "migrate", "up")
		t.Logf("migrate up on SQLite in the volume: %s", tail(out, 200))
	})

	t.Run("serves PostgreSQL read-only as non-root", func(t *testing.T) {
		dbURL := dbtest.URL(t, "postgres")
		port := freePort(t)
		name := "mycourier-test-" + randHex(4)
		env := []string{
			"-e", "MYCOURIER_DATABASE_URL=" + dbURL,
			"-e", "MYCOURIER_JWT_SECRET=" + randHex(32),
			"-e", "MYCOURIER_LISTEN=127.0.0.1:" + strconv.Itoa(port),
			// No pg_dump in the image: PostgreSQL is backed up by the platform.
			"-e", "MYCOURIER_BACKUP_BEFORE_MIGRATE=false",
		}
		oneShot := append([]string{"run", "--rm", "-i", "--network", "host", "--read-only"}, env...)
		e.must(t, nil, append(oneShot, "mycourier:test", "migrate", "up")...)
		password := "Pw-" + randHex(12)
		e.must(t, []byte(password+"\n"), append(oneShot,
			"mycourier:test", "user", "create", "--login", "imagetest", "--full-name", "Image Test", "--role", "owner")...)

		args := append([]string{"run", "-d", "--name", name, "--network", "host",
			"--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
			"--health-interval", "2s", "--health-start-period", "60s"}, env...)
		e.must(t, nil, append(args, "mycourier:test")...)
		t.Cleanup(func() {
			if t.Failed() {
				logs, _ := e.docker(t.Context(), nil, "logs", name)
				t.Logf("container logs:\n%s", tail(logs, 4000))
			}
			_, _ = e.docker(t.Context(), nil, "rm", "-f", "-v", name)
		})

		base := "http://127.0.0.1:" + strconv.Itoa(port)
		waitReady(t, base+"/readyz", 60*time.Second)
		var state []struct {
			State struct{ Health struct{ Status string } }
		}
		deadline := time.Now().Add(60 * time.Second)
		for {
			if err := json.Unmarshal([]byte(e.must(t, nil, "inspect", name)), &state); err != nil || len(state) != 1 {
				t.Fatalf("inspect: %v", err)
			}
			if s := state[0].State.Health.Status; s == "healthy" {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("container health = %q after 60s, want healthy", s)
			}
			time.Sleep(time.Second)
		}
		if u := e.must(t, nil, "inspect", "--format", "{{.Config.User}}", name); u != "65532:65532" {
			t.Errorf("container runs as %q", u)
		}

		token := graphQL(t, base, "", `mutation($p: String!) { login(login: "imagetest", password: $p) { accessToken } }`,
			map[string]any{"p": password})["login"].(map[string]any)["accessToken"].(string)
		me := graphQL(t, base, token, `{ me { login } }`, nil)["me"].(map[string]any)
		if me["login"] != "imagetest" {
			t.Errorf("me = %v, want imagetest", me)
		}
	})

	// The runtime image has no PostgreSQL client; deploy/image/backup.Dockerfile
	// puts the same binary beside pg_dump and pg_restore.
	t.Run("backup image backs up and restores PostgreSQL", func(t *testing.T) {
		pgBin := postgresClientDir(t)
		ver, err := exec.Command(filepath.Join(pgBin, "pg_dump"), "--version").Output()
		must(t, err)
		pgImage := hostImage(t, e, "pgclient", string(ver),
			[]string{filepath.Join(pgBin, "pg_dump"), filepath.Join(pgBin, "pg_restore")}, pgBin)
		e.must(t, nil, "build", "-f", filepath.Join(root, "deploy/image/backup.Dockerfile"),
			"--build-arg", "MYCOURIER_IMAGE=mycourier:test",
			"--build-arg", "POSTGRES_IMAGE="+pgImage,
			"--build-arg", "VERSION="+version,
			"-t", "mycourier-backup:test", root)

		src, dst := dbtest.URL(t, "postgres"), dbtest.URL(t, "postgres")
		vol := "mycourier-test-backups-" + randHex(4)
		t.Cleanup(func() { _, _ = e.docker(t.Context(), nil, "volume", "rm", "-f", vol) })
		run := func(stdin []byte, image, db string, args ...string) string {
			return e.must(t, stdin, append([]string{"run", "--rm", "-i", "--network", "host", "--read-only", "--tmpfs", "/tmp",
				"-e", "MYCOURIER_DATABASE_URL=" + db, "-e", "MYCOURIER_JWT_SECRET=" + randHex(32),
				"-e", "MYCOURIER_BACKUP_BEFORE_MIGRATE=false", "-v", vol + ":/backups", image}, args...)...)
		}
		run(nil, "mycourier:test", src, "migrate", "up")
		run([]byte("Pw-"+randHex(12)+"\n"), "mycourier:test", src,
			"user", "create", "--login", "backuptest", "--full-name", "Backup Test", "--role", "owner")

		out := run(nil, "mycourier-backup:test", src) // the image's command: backup
		t.Logf("%s", out)
		m := regexp.MustCompile(`backup (\S+): (\d+) tables, (\d+) rows`).FindStringSubmatch(out)
		if m == nil || m[2] == "0" || m[3] == "0" {
			t.Fatalf("backup printed %q; want its directory, tables and rows", out)
		}
		out = run(nil, "mycourier-backup:test", dst, "restore", m[1])
		t.Logf("%s", out)
		if !strings.Contains(out, "every checksum matches") {
			t.Fatalf("restore printed %q", out)
		}
		// The restored database is the source's: the user is there.
		users := run(nil, "mycourier-backup:test", dst, "user", "list")
		if !strings.Contains(users, "backuptest") {
			t.Errorf("user list on the restored database:\n%s", users)
		}
	})
}

// postgresClientDir is the directory of this machine's pg_dump and
// pg_restore (Debian keeps them per major version; /usr/bin has wrappers).
func postgresClientDir(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.Sort(dirs)
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "pg_restore")); err == nil {
			return dirs[i]
		}
	}
	t.Fatal("no pg_dump/pg_restore under /usr/lib/postgresql/*/bin (apt-get install postgresql-client)")
	return ""
}

// localBaseImage imports a distroless-like base (CA certificates, time
// zones, passwd with nonroot 65532, /tmp) made from this machine's files, tagged
// by content so an unchanged base is imported once.
func localBaseImage(t *testing.T, e *engine) string {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	epoch := time.Unix(0, 0)
	dir := func(name string, mode int64, uid int) {
		must(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, Uid: uid, Gid: uid, ModTime: epoch}))
	}
	file := func(name string, data []byte) {
		must(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: epoch}))
		_, err := tw.Write(data)
		must(t, err)
	}
	for _, d := range []string{"etc", "etc/ssl", "etc/ssl/certs", "usr", "usr/share", "home"} {
		dir(d, 0o755, 0)
	}
	dir("tmp", 0o1777, 0)
	dir("home/nonroot", 0o700, 65532)
	file("etc/passwd", []byte("root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"))
	file("etc/group", []byte("root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n"))
	certs, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		t.Fatalf("CA certificates (apt-get install ca-certificates): %v", err)
	}
	file("etc/ssl/certs/ca-certificates.crt", certs)
	err = filepath.WalkDir("/usr/share/zoneinfo", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "/")
		switch {
		case d.IsDir():
			dir(name, 0o755, 0)
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			file(name, data)
		}
		return nil // symlinked aliases are left out, as small bases do
	})
	if err != nil {
		t.Fatalf("time zones (apt-get install tzdata): %v", err)
	}
	must(t, tw.Close())
	sum := sha256.Sum256(buf.Bytes())
	ref := "mycourier-local/static:" + hex.EncodeToString(sum[:6])
	if _, err := e.docker(t.Context(), nil, "image", "inspect", ref); err == nil {
		return ref
	}
	e.must(t, buf.Bytes(), "import", "-", ref)
	return ref
}

func graphQL(t *testing.T, base, token, query string, vars map[string]any) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("graphql: %v", err)
	}
	defer res.Body.Close()
	var out struct {
		Data   map[string]any
		Errors []any
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || len(out.Errors) > 0 || res.StatusCode != http.StatusOK {
		t.Fatalf("graphql %q: status %d, err %v, errors %v", query, res.StatusCode, err, out.Errors)
	}
	return out.Data
}

func waitReady(t *testing.T, url string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within %s (last: %v)", url, within, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
