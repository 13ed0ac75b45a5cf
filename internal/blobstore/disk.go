package blobstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Disk stores files in a directory tree on local disk.
type Disk struct{ dir string }

// NewDisk returns a Store under dir (created when missing).
func NewDisk(dir string) (*Disk, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("blobstore: %w", err)
	}
	return &Disk{dir: dir}, nil
}

// Dir is the directory the store writes under.
func (d *Disk) Dir() string { return d.dir }

func (d *Disk) path(key string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return filepath.Join(d.dir, filepath.FromSlash(key)), nil
}

// Put writes r under a new key.
func (d *Disk) Put(ctx context.Context, prefix string, r io.Reader) (string, int64, error) {
	key, err := newKey(prefix)
	if err != nil {
		return "", 0, err
	}
	n, err := d.PutKey(ctx, key, r)
	return key, n, err
}

// PutKey writes r to a temporary file and renames it into place, so a
// reader never sees half a file.
func (d *Disk) PutKey(_ context.Context, key string, r io.Reader) (int64, error) {
	p, err := d.path(key)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return 0, fmt.Errorf("blobstore: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return 0, fmt.Errorf("blobstore: %w", err)
	}
	n, err := io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return 0, fmt.Errorf("blobstore: write %s: %w", key, err)
	}
	return n, nil
}

// Open opens the file stored under key.
func (d *Disk) Open(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p) // #nosec G304 -- path() accepts only keys that pass CheckKey (no separators or dots escape the store)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Stat describes the file stored under key.
func (d *Disk) Stat(_ context.Context, key string) (Info, error) {
	p, err := d.path(key)
	if err != nil {
		return Info{}, err
	}
	st, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) || (err == nil && st.IsDir()) {
		return Info{}, ErrNotFound
	}
	if err != nil {
		return Info{}, fmt.Errorf("blobstore: %w", err)
	}
	return Info{Key: key, Size: st.Size(), Modified: st.ModTime()}, nil
}

// Delete removes the file stored under key.
func (d *Disk) Delete(_ context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("blobstore: %w", err)
	}
	return nil
}

// Walk calls fn for every stored file in key order (WalkDir visits in
// lexical order); temporary upload files are skipped.
func (d *Disk) Walk(ctx context.Context, fn func(Info) error) error {
	return filepath.WalkDir(d.dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			return nil
		}
		rel, err := filepath.Rel(d.dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if CheckKey(key) != nil {
			return nil
		}
		st, err := e.Info()
		if err != nil {
			return err
		}
		return fn(Info{Key: key, Size: st.Size(), Modified: st.ModTime()})
	})
}
