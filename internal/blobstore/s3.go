package blobstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Options locate a bucket on an S3-compatible server.
type S3Options struct {
	Endpoint  string // host:port
	Bucket    string
	Region    string
	AccessKey string
	SecretKey string
	// Insecure talks plain HTTP (a server on the same host or network).
	Insecure bool
	// Prefix is put before every key (several installations in one bucket).
	Prefix string
}

// S3 stores files as objects in a bucket (minio-go: a maintained client
// that speaks to AWS, MinIO, Ceph, SeaweedFS and the like).
type S3 struct {
	c      *minio.Client
	bucket string
	prefix string
}

// NewS3 connects to the bucket, which must exist.
func NewS3(ctx context.Context, o S3Options) (*S3, error) {
	if o.Endpoint == "" || o.Bucket == "" {
		return nil, errors.New("blobstore: s3 needs an endpoint and a bucket")
	}
	if o.AccessKey == "" || o.SecretKey == "" {
		return nil, errors.New("blobstore: s3 needs an access key and a secret key")
	}
	c, err := minio.New(o.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(o.AccessKey, o.SecretKey, ""),
		Secure: !o.Insecure,
		Region: o.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("blobstore: s3: %w", err)
	}
	ok, err := c.BucketExists(ctx, o.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blobstore: s3: bucket %s: %w", o.Bucket, err)
	}
	if !ok {
		return nil, fmt.Errorf("blobstore: s3: bucket %s does not exist", o.Bucket)
	}
	return &S3{c: c, bucket: o.Bucket, prefix: o.Prefix}, nil
}

// Put stores r under a new key.
func (s *S3) Put(ctx context.Context, prefix string, r io.Reader) (string, int64, error) {
	key, err := newKey(prefix)
	if err != nil {
		return "", 0, err
	}
	n, err := s.PutKey(ctx, key, r)
	return key, n, err
}

// PutKey uploads r as the object key; an upload is visible only once complete.
func (s *S3) PutKey(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := CheckKey(key); err != nil {
		return 0, err
	}
	info, err := s.c.PutObject(ctx, s.bucket, s.prefix+key, r, -1, minio.PutObjectOptions{
		ContentType: "application/octet-stream",
		PartSize:    16 << 20,
		// Content-MD5 on every request lets the server reject a corrupted
		// upload; the payload is not signed chunk by chunk (TLS carries it),
		// which also keeps to the plain request form every S3 server reads.
		SendContentMd5:       true,
		DisableContentSha256: true,
	})
	if err != nil {
		return 0, fmt.Errorf("blobstore: s3 put %s: %w", key, err)
	}
	return info.Size, nil
}

// Open returns the object stored under key.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if _, err := s.Stat(ctx, key); err != nil {
		return nil, err
	}
	o, err := s.c.GetObject(ctx, s.bucket, s.prefix+key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("blobstore: s3 get %s: %w", key, err)
	}
	return o, nil
}

// Stat describes the object stored under key.
func (s *S3) Stat(ctx context.Context, key string) (Info, error) {
	if err := CheckKey(key); err != nil {
		return Info{}, err
	}
	st, err := s.c.StatObject(ctx, s.bucket, s.prefix+key, minio.StatObjectOptions{})
	if err != nil {
		if notFound(err) {
			return Info{}, ErrNotFound
		}
		return Info{}, fmt.Errorf("blobstore: s3 stat %s: %w", key, err)
	}
	return Info{Key: key, Size: st.Size, Modified: st.LastModified}, nil
}

// Delete removes the object stored under key.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if err := s.c.RemoveObject(ctx, s.bucket, s.prefix+key, minio.RemoveObjectOptions{}); err != nil && !notFound(err) {
		return fmt.Errorf("blobstore: s3 delete %s: %w", key, err)
	}
	return nil
}

// Walk lists every object under the store's prefix (S3 lists in key order).
func (s *S3) Walk(ctx context.Context, fn func(Info) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if o.Err != nil {
			return fmt.Errorf("blobstore: s3 list: %w", o.Err)
		}
		key := o.Key[len(s.prefix):]
		if CheckKey(key) != nil {
			continue
		}
		if err := fn(Info{Key: key, Size: o.Size, Modified: o.LastModified}); err != nil {
			return err
		}
	}
	return nil
}

func notFound(err error) bool {
	r := minio.ToErrorResponse(err)
	return r.StatusCode == http.StatusNotFound || r.Code == "NoSuchKey"
}
