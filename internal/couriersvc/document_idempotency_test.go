package couriersvc_test

import (
	"bytes"
	"errors"
	"sync"
	"testing"

	"github.com/mycourier/mycourier/ent/courierdocument"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/idempotency"
)

// A retried upload with the same key returns the document the first call
// created — no second document, no second stored file — also when the
// twins arrive at once; the same key with another file is a mismatch.
func TestAddDocumentWithAKeyAppliesOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		e := newEnv(t, d)
		c := e.onboard(t)
		pdf := func(body string) *couriersvc.File {
			b := []byte("%PDF-1.4\n" + body)
			return &couriersvc.File{Name: "passport.pdf", Size: int64(len(b)), Content: bytes.NewReader(b)}
		}
		add := func(key, body string) (int, error) {
			doc, err := e.svc.AddDocument(e.ctx, couriersvc.DocumentInput{CourierID: c.ID, Kind: courierdocument.KindPassport, File: pdf(body), IdempotencyKey: key})
			if err != nil {
				return 0, err
			}
			return doc.ID, nil
		}
		first, err := add("upload-1", "scan A")
		if err != nil {
			t.Fatal(err)
		}
		again, err := add("upload-1", "scan A")
		if err != nil || again != first {
			t.Fatalf("retry with the same key: document %d, %v; want %d", again, err, first)
		}
		if _, err := add("upload-1", "scan B"); !errors.Is(err, idempotency.ErrMismatch) {
			t.Fatalf("same key, another file: %v, want idempotency.mismatch", err)
		}

		var wg sync.WaitGroup
		ids := make([]int, 6)
		errs := make([]error, 6)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ids[i], errs[i] = add("upload-2", "scan C")
			}()
		}
		wg.Wait()
		for i := range ids {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Errorf("twin %d: document %d, %v; want all to get %d", i, ids[i], errs[i], ids[0])
			}
		}
		n, err := e.db.Client.CourierDocument.Query().Where(courierdocument.CourierID(c.ID), courierdocument.KindEQ(courierdocument.KindPassport)).Count(authtest.Sys())
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("%d passport rows, want 2 (one per key)", n)
		}
	})
}
