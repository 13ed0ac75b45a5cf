// Package docstore keeps document files (scans of passports, licences,
// photos) behind a small interface. The default implementation writes them
// under a directory on local disk (the server's data directory); another
// (object storage) can take its place without the services noticing.
package docstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// ErrNotFound: no file is stored under the key.
var ErrNotFound = errors.New("docstore: not found")

// ErrBadKey: the key is not one Put would have produced.
var ErrBadKey = errors.New("docstore: invalid key")

// Store keeps files by key.
type Store interface {
	// Put stores r under a new key beginning with prefix and returns the key
	// and the number of bytes written.
	Put(ctx context.Context, prefix string, r io.Reader) (key string, size int64, err error)
	// Open returns the file stored under key.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the file stored under key; a missing file is no error.
	Delete(ctx context.Context, key string) error
}

// Disk stores files in a directory tree on local disk.
type Disk struct{ dir string }

// NewDisk returns a Store under dir (created when missing).
func NewDisk(dir string) (*Disk, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("docstore: %w", err)
	}
	return &Disk{dir: dir}, nil
}

// keyForm: keys are relative slash paths of safe segments; no "..".
var keyForm = regexp.MustCompile(`^[a-z0-9_-]+(/[a-z0-9_-]+)*(\.[a-z0-9]+)?$`)

func (d *Disk) path(key string) (string, error) {
	if !keyForm.MatchString(key) {
		return "", ErrBadKey
	}
	return filepath.Join(d.dir, filepath.FromSlash(key)), nil
}

// Put writes r to a temporary file and renames it into place, so a reader
// never sees half a file.
func (d *Disk) Put(_ context.Context, prefix string, r io.Reader) (string, int64, error) {
	var rnd [12]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", 0, err
	}
	key := prefix + hex.EncodeToString(rnd[:])
	p, err := d.path(key)
	if err != nil {
		return "", 0, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return "", 0, fmt.Errorf("docstore: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return "", 0, fmt.Errorf("docstore: %w", err)
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", 0, fmt.Errorf("docstore: write: %w", err)
	}
	return key, n, nil
}

// Open opens the file stored under key.
func (d *Disk) Open(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Delete removes the file stored under key.
func (d *Disk) Delete(_ context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("docstore: %w", err)
	}
	return nil
}
