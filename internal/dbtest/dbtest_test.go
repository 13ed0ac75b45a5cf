package dbtest_test

import (
	"context"
	"testing"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/dbtest"
)

func TestNewGivesAMigratedDatabaseOnEveryDialect(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		db := dbtest.New(t, d)
		var r *ent.Region
		authtest.Tx(t, db, func(ctx context.Context, tx *ent.Client) (err error) {
			r, err = tx.Region.Create().SetName("Ташкент").SetCode("TAS").Save(ctx)
			return err
		})
		if r.ID < 1<<32 {
			t.Errorf("region id %d is outside its global-id range", r.ID)
		}
		got, err := db.Client.Region.Get(authtest.Sys(), r.ID)
		if err != nil || got.Name != "Ташкент" {
			t.Fatalf("read back: %v, %+v", err, got)
		}
	})
}
