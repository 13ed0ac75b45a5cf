// Package blobstore keeps files (scans of courier documents, generated
// files) by key behind one interface with two backends: a directory on
// local disk (the embedded default) and an S3-compatible bucket, so any
// number of instances can serve the same files. Configuration picks one
// (see Open).
package blobstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"
)

// ErrNotFound: no file is stored under the key.
var ErrNotFound = errors.New("blobstore: not found")

// ErrBadKey: the key is not one Put would have produced.
var ErrBadKey = errors.New("blobstore: invalid key")

// Info describes a stored file.
type Info struct {
	Key      string
	Size     int64
	Modified time.Time
}

// Store keeps files by key.
type Store interface {
	// Put stores r under a new key beginning with prefix and returns the key
	// and the number of bytes written.
	Put(ctx context.Context, prefix string, r io.Reader) (key string, size int64, err error)
	// PutKey stores r under key, replacing what is there (copies between
	// stores and restores keep their keys).
	PutKey(ctx context.Context, key string, r io.Reader) (size int64, err error)
	// Open returns the file stored under key (ErrNotFound when there is none).
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Stat describes the file under key (ErrNotFound when there is none).
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes the file stored under key; a missing file is no error.
	Delete(ctx context.Context, key string) error
	// Walk calls fn for every stored file, in key order.
	Walk(ctx context.Context, fn func(Info) error) error
}

// keyForm: keys are relative slash paths of safe segments; no "..".
var keyForm = regexp.MustCompile(`^[a-z0-9_-]+(/[a-z0-9_-]+)*(\.[a-z0-9]+)?$`)

// CheckKey returns ErrBadKey for a key Put would not produce.
func CheckKey(key string) error {
	if !keyForm.MatchString(key) {
		return fmt.Errorf("%w: %q", ErrBadKey, key)
	}
	return nil
}

// newKey returns prefix followed by 24 random hex digits.
func newKey(prefix string) (string, error) {
	var rnd [12]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", err
	}
	key := prefix + hex.EncodeToString(rnd[:])
	return key, CheckKey(key)
}

// Exists tells whether a file is stored under key.
func Exists(ctx context.Context, s Store, key string) (bool, error) {
	_, err := s.Stat(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
