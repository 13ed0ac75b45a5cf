package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/internal/blobstore"
	"github.com/mycourier/mycourier/internal/blobstore/s3test"
)

// mycourier files migrate copies the disk store into the bucket, and a
// second run copies nothing again.
func TestFilesMigrateCopiesDiskIntoTheBucketOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	disk, err := blobstore.NewDisk(blobstore.DiskDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := disk.Put(ctx, "couriers/3/", strings.NewReader("%PDF-1.4 passport"))
	if err != nil {
		t.Fatal(err)
	}
	o := s3test.Start(t)
	run := func() string {
		var out bytes.Buffer
		root := rootCmd()
		root.SetOut(&out)
		root.SetArgs([]string{"files", "migrate", "--data-dir", dir, "--database-url", "sqlite://" + dir + "/db.sqlite",
			"--blob-store", "s3", "--s3-endpoint", o.Endpoint, "--s3-bucket", o.Bucket, "--s3-insecure=true",
			"--s3-access-key", o.AccessKey, "--s3-secret-key", o.SecretKey})
		if err := root.ExecuteContext(ctx); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if out := run(); !strings.Contains(out, "1 copied") {
		t.Fatalf("first run: %s", out)
	}
	if out := run(); !strings.Contains(out, "0 copied") || !strings.Contains(out, "1 already in the bucket") {
		t.Fatalf("second run: %s", out)
	}
	bucket, err := blobstore.NewS3(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := blobstore.Exists(ctx, bucket, key); !ok || err != nil {
		t.Fatalf("%s not in the bucket: %v", key, err)
	}
}
