// Package apptest builds the real application (internal/app) for tests.
package apptest

import (
	"net/http"
	"testing"

	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/blobstore"
)

// New builds the application from opts or fails tb.
func New(tb testing.TB, opts app.Options) *app.App {
	tb.Helper()
	a, err := app.New(opts)
	if err != nil {
		tb.Fatalf("build the application: %v", err)
	}
	return a
}

// Handler is the application's HTTP handler, built from opts.
func Handler(tb testing.TB, opts app.Options) http.Handler {
	tb.Helper()
	return New(tb, opts).Handler
}

// Docs is a document store on a temporary directory, removed with the test:
// what the demo seed and the document routes need in tests.
func Docs(tb testing.TB) blobstore.Store {
	tb.Helper()
	d, err := blobstore.NewDisk(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	return d
}
