package blobstore

import (
	"context"
	"fmt"
	"path/filepath"
)

// Backends.
const (
	BackendDisk = "disk"
	BackendS3   = "s3"
)

// Config selects and locates a backend.
type Config struct {
	Backend string // disk (default) or s3
	DataDir string // disk: files go under DataDir/documents
	S3      S3Options
}

// DiskDir is where the disk backend of a data directory keeps its files.
func DiskDir(dataDir string) string { return filepath.Join(dataDir, "documents") }

// Open returns the configured store.
func Open(ctx context.Context, c Config) (Store, error) {
	switch c.Backend {
	case "", BackendDisk:
		return NewDisk(DiskDir(c.DataDir))
	case BackendS3:
		return NewS3(ctx, c.S3)
	}
	return nil, fmt.Errorf("blobstore: unknown backend %q (disk or s3)", c.Backend)
}

// CopyResult counts what Copy did.
type CopyResult struct {
	Copied, Skipped int
	Bytes           int64
}

// Copy copies every file of src into dst under the same key. A file dst
// already holds with the same size is skipped, so a run that was stopped
// resumes where it ended (a file is only visible in dst once complete).
func Copy(ctx context.Context, dst, src Store, progress func(Info)) (CopyResult, error) {
	var res CopyResult
	err := src.Walk(ctx, func(in Info) error {
		if got, err := dst.Stat(ctx, in.Key); err == nil && got.Size == in.Size {
			res.Skipped++
			return nil
		}
		r, err := src.Open(ctx, in.Key)
		if err != nil {
			return err
		}
		n, err := dst.PutKey(ctx, in.Key, r)
		_ = r.Close()
		if err != nil {
			return err
		}
		if n != in.Size {
			return fmt.Errorf("blobstore: copy %s: wrote %d of %d bytes", in.Key, n, in.Size)
		}
		res.Copied++
		res.Bytes += n
		if progress != nil {
			progress(in)
		}
		return nil
	})
	return res, err
}
