package uniqueguard_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/migrate"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/uniqueguard"
)

// TestEveryEntityTableIsFound pins the type↔table mapping the guard
// recovers from migrate.Tables: an entity whose table it cannot find would
// silently go unguarded.
func TestEveryEntityTableIsFound(t *testing.T) {
	n := 0
	for _, tb := range migrate.Tables {
		if len(tb.PrimaryKey) != 1 || tb.PrimaryKey[0].Name != "id" {
			continue // join tables
		}
		n++
		typ := uniqueguard.TypeOf(tb.Name)
		got, ok := uniqueguard.TableOf(typ)
		if !ok || got != tb.Name {
			t.Errorf("TableOf(TypeOf(%q) = %q) = %q, %v; want %q", tb.Name, typ, got, ok, tb.Name)
		}
	}
	if n < 13 {
		t.Fatalf("found %d entity tables, want at least 13", n)
	}
	for typ, want := range map[string]string{"CourierStatusChange": "courier_status_changes", "Branch": "branches", "Warehouse": "warehouses"} {
		if got, _ := uniqueguard.TableOf(typ); got != want {
			t.Errorf("TableOf(%q) = %q, want %q", typ, got, want)
		}
	}
}

func TestConflictNamesTheHolder(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		db := dbtest.New(t, d)
		uniqueguard.Register(db.Client)
		uniqueguard.Register(db.Client) // a second call must not add a second hook

		// Each write runs in its own transaction as the system, as every
		// audited change must; a refused write rolls its transaction back.
		write := func(fn func(ctx context.Context, tx *ent.Client) error) error {
			ctx := authtest.Sys()
			return database.WithTx(ctx, db.Client, func(tx *ent.Tx) error { return fn(ctx, tx.Client()) })
		}
		var tas, sam *ent.Region
		authtest.Tx(t, db, func(ctx context.Context, tx *ent.Client) (err error) {
			if tas, err = tx.Region.Create().SetName("Tashkent").SetCode("TAS").Save(ctx); err != nil {
				return err
			}
			sam, err = tx.Region.Create().SetName("Samarkand").SetCode("SAM").Save(ctx)
			return err
		})

		err := write(func(ctx context.Context, tx *ent.Client) error {
			return tx.Region.Create().SetName("Other").SetCode("TAS").Exec(ctx)
		})
		c, ok := apperr.As[apperr.Conflict](err)
		if !ok {
			t.Fatalf("create duplicate: got %v, want apperr.Conflict", err)
		}
		want := apperr.Conflict{Entity: "Region", Field: "code", Value: "TAS", HolderID: tas.ID, HolderLabel: "Tashkent"}
		if c != want {
			t.Errorf("got %+v, want %+v", c, want)
		}
		if !errors.Is(err, apperr.ErrConflict) {
			t.Errorf("errors.Is(%v, ErrConflict) = false", err)
		}

		// Updating a row to the value it already holds is no conflict.
		if err := write(func(ctx context.Context, tx *ent.Client) error {
			return tx.Region.UpdateOne(tas).SetCode("TAS").Exec(ctx)
		}); err != nil {
			t.Errorf("update to own value: %v", err)
		}
		err = write(func(ctx context.Context, tx *ent.Client) error {
			return tx.Region.UpdateOne(sam).SetCode("TAS").Exec(ctx)
		})
		if c, ok := apperr.As[apperr.Conflict](err); !ok || c.HolderID != tas.ID {
			t.Errorf("update to taken value: got %v, want conflict held by %d", err, tas.ID)
		}

		// Inside a transaction the guard sees the transaction's own rows.
		ctx := authtest.Sys()
		tx, err := db.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		bk, err := tx.Region.Create().SetName("Bukhara").SetCode("BUK").Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tx.Region.Create().SetName("Bukhara 2").SetCode("BUK").Save(ctx)
		if c, ok := apperr.As[apperr.Conflict](err); !ok || c.HolderID != bk.ID {
			t.Errorf("in tx: got %v, want conflict held by %d", err, bk.ID)
		}
	})
}
