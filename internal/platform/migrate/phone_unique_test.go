package migrate_test

import (
	"context"
	"testing"

	"github.com/mycourier/mycourier/internal/dbtest"
	"github.com/mycourier/mycourier/internal/platform/migrate"
)

// TestPhoneUniqueMigrationKeepsDuplicates stores couriers sharing a phone
// the way a race could before phones were unique, then applies the
// migration that makes them unique: it must not fail, must keep every row
// and every number, flag all but the oldest live holder, and leave fired
// couriers alone.
func TestPhoneUniqueMigrationKeepsDuplicates(t *testing.T) {
	const before = 20261125185600 // the last migration without the unique phone
	dbtest.Run(t, func(t *testing.T, d string) {
		ctx := context.Background()
		db := dbtest.New(t, d, dbtest.Options{NoMigrate: true})
		if _, err := migrate.Up(ctx, db, migrate.Options{NoBackup: true, To: before}); err != nil {
			t.Fatal(err)
		}
		rows := []struct {
			id            int
			phone, status string
		}{
			{1, "+998901111111", "active"},
			{2, "+998901111111", "new"},
			{3, "+998901111111", "fired"},
			{4, "+998901111111", "blocked"},
			{5, "+998902222222", "active"},
		}
		for _, r := range rows {
			if _, err := db.SQL.ExecContext(ctx, `INSERT INTO couriers (id, created_at, updated_at, last_name, first_name, phone, pinfl, birth_date, transport_type, document_status, status, do_not_rehire, search_key)
				VALUES ($1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'Каримов', 'Азиз', $2, $3, '1990-01-01', 'foot', 'missing', $4, false, '')`,
				r.id, r.phone, "3010190000000"+string(rune('0'+r.id)), r.status); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := migrate.Up(ctx, db, migrate.Options{NoBackup: true}); err != nil {
			t.Fatalf("migration with duplicate phones stored: %v", err)
		}
		want := map[int]bool{1: false, 2: true, 3: false, 4: true, 5: false}
		got := map[int]bool{}
		res, err := db.SQL.QueryContext(ctx, `SELECT id, phone, phone_duplicate FROM couriers ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Close()
		for res.Next() {
			var id int
			var phone string
			var dup bool
			if err := res.Scan(&id, &phone, &dup); err != nil {
				t.Fatal(err)
			}
			if phone != rows[id-1].phone {
				t.Errorf("courier %d: phone %q, want %q kept", id, phone, rows[id-1].phone)
			}
			got[id] = dup
		}
		if err := res.Err(); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d couriers after the migration, want %d", len(got), len(want))
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("courier %d: phone_duplicate = %v, want %v", id, got[id], w)
			}
		}
		// From now on a live phone is unique.
		if _, err := db.SQL.ExecContext(ctx, `UPDATE couriers SET phone = '+998901111111' WHERE id = 5`); err == nil {
			t.Error("a second live courier took a live phone after the migration")
		}
	})
}
