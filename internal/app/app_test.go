package app_test

import (
	"context"
	"errors"
	"testing"

	"entgo.io/ent/dialect"
	"github.com/rs/zerolog"

	"github.com/mycourier/mycourier/internal/app"
	"github.com/mycourier/mycourier/internal/authtest"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/dbtest"
)

type ledger struct{}

func (ledger) Outstanding(context.Context, int) (int, int64, error) { return 1, 100, nil }

// A dependency the rules need is a start-up error, never a default that
// quietly switches a rule off ("fired with equipment needs force").
func TestMissingDependencyIsAStartUpError(t *testing.T) {
	db := dbtest.New(t, dialect.SQLite)
	settle := func(context.Context, int, string) error { return nil }
	for name, o := range map[string]couriersvc.Options{
		"no equipment ledger": {SettleDebt: settle},
		"no debt settlement":  {Equipment: ledger{}},
	} {
		if _, err := couriersvc.New(db.Client, o); !errors.Is(err, couriersvc.ErrMissingDependency) {
			t.Errorf("couriersvc.New with %s: got %v, want ErrMissingDependency", name, err)
		}
	}
	if _, err := couriersvc.New(db.Client, couriersvc.Options{Equipment: ledger{}, SettleDebt: settle}); err != nil {
		t.Errorf("couriersvc.New with both: %v", err)
	}
	if _, err := app.New(app.Options{DB: db, Logger: zerolog.Nop()}); err == nil {
		t.Error("app.New without Auth: no error")
	}
	a, err := app.New(app.Options{DB: db, Auth: authtest.Service(t, db), Logger: zerolog.Nop()})
	if err != nil || a.Handler == nil || a.Couriers == nil || a.Stock == nil {
		t.Fatalf("app.New: %+v, %v", a, err)
	}
}
