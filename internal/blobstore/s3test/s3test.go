// Package s3test starts a real S3-compatible HTTP server on 127.0.0.1 for
// tests: gofakes3 with its file-system backend (objects are files in a
// temporary directory). A MinIO or SeaweedFS server built from source is
// far heavier to compile on the project's CI machine; gofakes3 speaks the
// same wire protocol (path-style requests, multipart uploads, listing, the
// streaming aws-chunked payloads the client sends), which is what the
// backend under test depends on. It does not check signatures: credentials
// are tested against production object storage, not here.
package s3test

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3afero"
	"github.com/spf13/afero"

	"github.com/mycourier/mycourier/internal/blobstore"
)

// Start serves an S3 API on a free 127.0.0.1 port until the test ends and
// returns options for a new, empty bucket on it.
func Start(t testing.TB) blobstore.S3Options {
	t.Helper()
	fs := afero.NewBasePathFs(afero.NewOsFs(), t.TempDir())
	backend, err := s3afero.MultiBucket(fs)
	if err != nil {
		t.Fatalf("s3test: backend: %v", err)
	}
	const bucket = "mycourier-test"
	if err := backend.CreateBucket(bucket); err != nil {
		t.Fatalf("s3test: bucket: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("s3test: listen: %v", err)
	}
	srv := &http.Server{Handler: gofakes3.New(backend, gofakes3.WithoutVersioning()).Server(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return blobstore.S3Options{
		Endpoint:  ln.Addr().String(),
		Bucket:    bucket,
		Region:    "us-east-1",
		AccessKey: "test-access",
		SecretKey: "test-secret-key",
		Insecure:  true,
	}
}
