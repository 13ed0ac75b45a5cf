package dbtest_test

import (
	"context"
	"testing"

	"github.com/mycourier/mycourier/internal/dbtest"
)

func TestNewGivesAMigratedDatabaseOnEveryDialect(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d string) {
		db := dbtest.New(t, d)
		ctx := context.Background()
		r, err := db.Client.Region.Create().SetName("Ташкент").SetCode("TAS").Save(ctx)
		if err != nil {
			t.Fatalf("create region: %v", err)
		}
		if r.ID < 1<<32 {
			t.Errorf("region id %d is outside its global-id range", r.ID)
		}
		got, err := db.Client.Region.Get(ctx, r.ID)
		if err != nil || got.Name != "Ташкент" {
			t.Fatalf("read back: %v, %+v", err, got)
		}
	})
}
