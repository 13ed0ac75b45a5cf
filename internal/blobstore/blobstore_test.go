package blobstore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/blobstore/s3test"
)

// backends returns one fresh store of each kind.
func backends(t *testing.T) map[string]blobstore.Store {
	t.Helper()
	ctx := context.Background()
	disk, err := blobstore.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s3, err := blobstore.NewS3(ctx, s3test.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	o := s3test.Start(t)
	o.Prefix = "tenant-a/"
	prefixed, err := blobstore.NewS3(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]blobstore.Store{"disk": disk, "s3": s3, "s3-prefixed": prefixed}
}

func read(t *testing.T, s blobstore.Store, key string) string {
	t.Helper()
	r, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEveryBackendKeepsFilesByKey(t *testing.T) {
	ctx := context.Background()
	for name, s := range backends(t) {
		t.Run(name, func(t *testing.T) {
			body := strings.Repeat("паспорт ", 1000)
			key, n, err := s.Put(ctx, "couriers/7/", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(key, "couriers/7/") || n != int64(len(body)) {
				t.Fatalf("put: key %q size %d, want couriers/7/… and %d", key, n, len(body))
			}
			if got := read(t, s, key); got != body {
				t.Fatalf("read back %d bytes, want %d", len(got), len(body))
			}
			st, err := s.Stat(ctx, key)
			if err != nil || st.Size != n || st.Key != key {
				t.Fatalf("stat: %+v %v, want size %d", st, err, n)
			}
			if ok, err := blobstore.Exists(ctx, s, key); !ok || err != nil {
				t.Fatalf("exists: %v %v", ok, err)
			}
			// A second file under another prefix, written at a chosen key.
			if _, err := s.PutKey(ctx, "acts/iss-2026-000001.pdf", bytes.NewReader([]byte("%PDF-1.4"))); err != nil {
				t.Fatal(err)
			}
			var keys []string
			if err := s.Walk(ctx, func(i blobstore.Info) error { keys = append(keys, i.Key); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(keys) != 2 || keys[0] != "acts/iss-2026-000001.pdf" || keys[1] != key {
				t.Fatalf("walk: %v, want the two keys in order", keys)
			}
			if err := s.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, key); err != nil {
				t.Fatalf("deleting a missing file: %v", err)
			}
			if _, err := s.Open(ctx, key); !errors.Is(err, blobstore.ErrNotFound) {
				t.Fatalf("open after delete: %v, want ErrNotFound", err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, blobstore.ErrNotFound) {
				t.Fatalf("stat after delete: %v, want ErrNotFound", err)
			}
			if ok, err := blobstore.Exists(ctx, s, key); ok || err != nil {
				t.Fatalf("exists after delete: %v %v", ok, err)
			}
			for _, bad := range []string{"../etc/passwd", "/abs", "a//b", "Upper/x", ""} {
				if _, err := s.Stat(ctx, bad); !errors.Is(err, blobstore.ErrBadKey) {
					t.Errorf("stat %q: %v, want ErrBadKey", bad, err)
				}
				if _, err := s.PutKey(ctx, bad, strings.NewReader("x")); !errors.Is(err, blobstore.ErrBadKey) {
					t.Errorf("put %q: %v, want ErrBadKey", bad, err)
				}
			}
		})
	}
}

func TestS3RefusesAMissingBucket(t *testing.T) {
	o := s3test.Start(t)
	o.Bucket = "no-such-bucket"
	if _, err := blobstore.NewS3(context.Background(), o); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("err %v, want a missing-bucket error", err)
	}
}

// files migrate: a copy that stops half-way resumes without copying twice.
func TestCopyToBucketResumes(t *testing.T) {
	ctx := context.Background()
	disk, err := blobstore.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for i := 0; i < 5; i++ {
		body := strings.Repeat(string(rune('a'+i)), 100*(i+1))
		key, _, err := disk.Put(ctx, "couriers/1/", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		want[key] = body
	}
	bucket, err := blobstore.NewS3(ctx, s3test.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	// The first run is stopped after two files.
	stopped, cancel := context.WithCancel(ctx)
	first, err := blobstore.Copy(stopped, bucket, disk, func(blobstore.Info) { cancel() })
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v, want context.Canceled", err)
	}
	res, err := blobstore.Copy(ctx, bucket, disk, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.Copied != 1 || res.Copied != 4 || res.Skipped != 1 {
		t.Fatalf("first run %+v, resumed run %+v; want 1 copied, then 4 copied and 1 skipped", first, res)
	}
	for key, body := range want {
		if got := read(t, bucket, key); got != body {
			t.Errorf("%s: %d bytes in the bucket, want %d", key, len(got), len(body))
		}
	}
}

// Two instances configured with one bucket serve each other's uploads,
// which two disk stores cannot.
func TestTwoInstancesShareOneBucket(t *testing.T) {
	ctx := context.Background()
	o := s3test.Start(t)
	a, err := blobstore.Open(ctx, blobstore.Config{Backend: blobstore.BackendS3, S3: o})
	if err != nil {
		t.Fatal(err)
	}
	b, err := blobstore.Open(ctx, blobstore.Config{Backend: blobstore.BackendS3, S3: o})
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := a.Put(ctx, "couriers/9/", strings.NewReader("%PDF-1.4 licence"))
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, b, key); got != "%PDF-1.4 licence" {
		t.Fatalf("instance b read %q", got)
	}
	if _, err := blobstore.Open(ctx, blobstore.Config{Backend: "ftp"}); err == nil {
		t.Fatal("an unknown backend was accepted")
	}
}
