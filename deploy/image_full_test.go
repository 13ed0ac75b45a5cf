package deploy_test

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
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
)

// TestFullImageBuild builds the Dockerfile's default target end to end —
// the admin UI with Node, the static Go binary, the runtime image — on
// builder images made from this machine's Go and Node (no registry is
// reachable; a real build takes the public images the Dockerfile names),
// then runs it and checks that the binary is stamped and that `/` serves the
// admin UI built inside the image, not the "UI not built" page.
//
// It compiles everything from scratch inside the build (37 minutes here:
// two shared cores, vfs copies every layer), so it runs when asked: `make
// test-image-full` or MYCOURIER_TEST_IMAGE_FULL=1. The pipeline builds the
// same Dockerfile with BuildKit on every delivery.
func TestFullImageBuild(t *testing.T) {
	if os.Getenv("MYCOURIER_TEST_IMAGE_FULL") != "1" {
		t.Skip("SKIPPING: the full image build compiles the UI and the binary inside Docker (~40 min here); run `make test-image-full`")
	}
	e := requireEngine(t)
	root := repoRoot(t)
	version := "full-" + strconv.FormatInt(time.Now().Unix(), 10)

	tools := localToolchainImage(t, e)
	base := localBaseImage(t, e)
	start := time.Now()
	ctx := t.Context()
	out, err := e.docker(ctx, nil, "build", "--network", "host",
		"--build-arg", "RUNTIME_IMAGE="+base,
		"--build-arg", "GO_IMAGE="+tools,
		"--build-arg", "NODE_IMAGE="+tools,
		"--build-arg", "VERSION="+version,
		"--build-arg", "REVISION=test",
		"-t", "mycourier:full-test", root)
	if err != nil {
		t.Fatalf("full docker build: %v", err)
	}
	t.Logf("docker build (full, cold caches inside the build): %s", time.Since(start).Round(time.Second))
	if testing.Verbose() {
		t.Logf("build output (tail):\n%s", tail(out, 1500))
	}

	var size int64
	sz := e.must(t, nil, "image", "inspect", "--format", "{{.Size}}", "mycourier:full-test")
	size, _ = strconv.ParseInt(sz, 10, 64)
	t.Logf("image size: %.1f MiB (budget %d MiB)", float64(size)/(1<<20), imageSizeBudget>>20)
	if size <= 0 || size > imageSizeBudget {
		t.Errorf("full image is %d bytes, budget %d", size, imageSizeBudget)
	}
	if got := e.must(t, nil, "run", "--rm", "--network", "host", "mycourier:full-test", "version"); got != version {
		t.Errorf("`mycourier version` = %q, want the stamped %q", got, version)
	}

	// Served from a fresh SQLite volume, read-only root, as the image's user.
	vol := "mycourier-full-" + randHex(4)
	name := "mycourier-full-" + randHex(4)
	port := freePort(t)
	t.Cleanup(func() {
		if t.Failed() {
			logs, _ := e.docker(t.Context(), nil, "logs", name)
			t.Logf("container logs:\n%s", tail(logs, 3000))
		}
		_, _ = e.docker(t.Context(), nil, "rm", "-f", "-v", name)
		_, _ = e.docker(t.Context(), nil, "volume", "rm", "-f", vol)
	})
	env := []string{"-e", "MYCOURIER_JWT_SECRET=" + randHex(32), "-e", "MYCOURIER_LISTEN=127.0.0.1:" + strconv.Itoa(port),
		"-v", vol + ":/var/lib/mycourier"}
	e.must(t, nil, append(append([]string{"run", "--rm", "--network", "host", "--read-only"}, env...), "mycourier:full-test", "migrate", "up")...)
	e.must(t, nil, append(append([]string{"run", "-d", "--name", name, "--network", "host", "--read-only", "--tmpfs", "/tmp",
		"--cap-drop", "ALL", "--security-opt", "no-new-privileges"}, env...), "mycourier:full-test")...)
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	waitReady(t, url+"/readyz", 60*time.Second)

	page := get(t, url+"/")
	if strings.Contains(page, "admin UI not built") || !strings.Contains(page, `<div id="root">`) {
		t.Fatalf("/ does not serve the admin UI built in the image:\n%s", tail(page, 600))
	}
	// The page's own script must be served too (the bundle is embedded, not just index.html).
	m := regexp.MustCompile(`src="(/[^"]+\.js)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no script in the UI's index.html:\n%s", tail(page, 600))
	}
	if js := get(t, url+m[1]); len(js) < 10_000 {
		t.Errorf("%s is %d bytes; want the built bundle", m[1], len(js))
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, res.StatusCode, err)
	}
	return string(b)
}

// localToolchainImage imports a builder image made of this machine's Go
// toolchain, Node and npm, a shell and the few tools the Dockerfile's RUN
// lines use — a stand-in for the public golang and node images, tagged by
// the toolchain versions.
func localToolchainImage(t *testing.T, e *engine) string {
	t.Helper()
	goVer, err := os.ReadFile("/usr/local/go/VERSION")
	if err != nil {
		t.Fatalf("Go toolchain at /usr/local/go: %v", err)
	}
	nodeVer, err := exec.Command("node", "--version").Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	return hostImage(t, e, "toolchain", string(goVer)+string(nodeVer),
		[]string{"/usr/local/go", "/usr/bin/node", "/usr/bin/npm", "/usr/bin/npx", "/usr/lib/node_modules/npm"},
		"/usr/local/go/bin")
}

// hostImage imports an image made of this machine's files: paths (whole
// directories, symlinks with their targets, ELF executables with the shared
// libraries ldd names), a shell and a few core tools, CA certificates, root
// in /etc/passwd. version tags it, so an unchanged image is imported once.
func hostImage(t *testing.T, e *engine, name, version string, paths []string, pathPrefix string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(imageRecipe + version + strings.Join(paths, "\x00")))
	ref := "mycourier-local/" + name + ":" + hex.EncodeToString(sum[:6])
	if _, err := e.docker(t.Context(), nil, "image", "inspect", ref); err == nil {
		return ref
	}

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	epoch := time.Unix(0, 0)
	// seen: paths added (a directory with everything under it); dirs: the
	// directory entries written, parents included, which may be walked later.
	seen, dirs := map[string]bool{}, map[string]bool{}
	var add func(p string)
	addDirs := func(p string) {
		for d := filepath.Dir(p); d != "/" && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
			defer func(d string) {
				must(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(d, "/") + "/", Mode: 0o755, ModTime: epoch}))
			}(d)
		}
	}
	add = func(p string) {
		if seen[p] {
			return
		}
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatalf("%s image: %v", name, err)
		}
		addDirs(p)
		seen[p] = true
		name := strings.TrimPrefix(p, "/")
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			must(t, err)
			must(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, ModTime: epoch}))
			abs := target
			if !filepath.IsAbs(abs) {
				abs = filepath.Join(filepath.Dir(p), target)
			}
			add(abs)
		case fi.IsDir():
			if !dirs[p] {
				dirs[p] = true
				must(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: int64(fi.Mode().Perm()), ModTime: epoch}))
			}
			ents, err := os.ReadDir(p)
			must(t, err)
			for _, de := range ents {
				add(filepath.Join(p, de.Name()))
			}
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(p)
			must(t, err)
			must(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: int64(fi.Mode().Perm()), Size: int64(len(data)), ModTime: epoch}))
			_, err = tw.Write(data)
			must(t, err)
			if fi.Mode()&0o111 != 0 && bytes.HasPrefix(data, []byte("\x7fELF")) {
				for _, lib := range sharedLibs(p) {
					add(lib)
				}
			}
		}
	}
	// The Go distribution's own tests and docs are not needed to build.
	seen["/usr/local/go/test"], seen["/usr/local/go/doc"] = true, true
	base := []string{"/bin/sh", "/bin/dash", "/usr/bin/env", "/bin/mkdir", "/bin/cp", "/bin/rm", "/bin/cat", "/bin/ls",
		"/usr/bin/test", "/usr/bin/uname", "/usr/bin/date", "/etc/ssl/certs/ca-certificates.crt"}
	// The rest of the C runtime, as a Debian base image has it: native
	// modules npm installs inside the build (rolldown's, lightningcss's)
	// load libraries node itself does not.
	for _, lib := range []string{"librt.so.1", "libresolv.so.2", "libutil.so.1", "libanl.so.1", "libnss_dns.so.2",
		"libnss_files.so.2", "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1"} {
		base = append(base, "/lib/x86_64-linux-gnu/"+lib)
	}
	for _, p := range append(base, paths...) {
		if _, err := os.Lstat(p); err == nil {
			add(p)
		} else if slices.Contains(paths, p) {
			t.Fatalf("%s image: %v", name, err)
		}
	}
	file := func(name, data string) {
		must(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: epoch}))
		_, err := tw.Write([]byte(data))
		must(t, err)
	}
	file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")
	file("etc/group", "root:x:0:\nnonroot:x:65532:\n")
	must(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: "tmp/", Mode: 0o1777, ModTime: epoch}))
	must(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: "root/", Mode: 0o700, ModTime: epoch}))
	must(t, tw.Close())
	t.Logf("%s image: %.0f MiB of this machine's files (%s)", name, float64(buf.Len())/(1<<20), strings.Join(strings.Fields(version), " "))
	e.must(t, buf.Bytes(), "import",
		"--change", "ENV PATH="+pathPrefix+":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"--change", "ENV HOME=/root",
		// Node keeps its own CA list; this machine's bundle is the one its
		// network is reached with (the host's npm is configured the same way).
		"--change", "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt",
		"--change", "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
		"-", ref)
	return ref
}

// imageRecipe changes the tag of every host image when the way they are made
// changes, so an image made by an older recipe is not reused.
const imageRecipe = "4"

// sharedLibs lists the libraries an ELF executable loads (ldd), with the
// loader; none for a static binary.
func sharedLibs(bin string) []string {
	out, err := exec.Command("ldd", bin).Output()
	if err != nil {
		return nil // "not a dynamic executable"
	}
	var libs []string
	for _, line := range strings.Split(string(out), "\n") {
		for _, f := range strings.Fields(line) {
			if strings.HasPrefix(f, "/") {
				libs = append(libs, f)
			}
		}
	}
	return libs
}
