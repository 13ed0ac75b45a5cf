package dbtest

import (
	"testing"

	"entgo.io/ent/dialect"
)

func TestDialectsEnvNarrowsOnlyWhenSetAndRefusesTypos(t *testing.T) {
	tests := []struct {
		env              string
		sqlite, postgres bool
		wantErr          bool
	}{
		{"", true, true, false},
		{"sqlite3", true, false, false},
		{"postgres", false, true, false},
		{"sqlite3, postgres", true, true, false},
		{"sqlite", false, false, true},
	}
	for _, tt := range tests {
		t.Setenv(DialectsEnv, tt.env)
		s, errS := selected(dialect.SQLite)
		p, errP := selected(dialect.Postgres)
		if s != tt.sqlite || p != tt.postgres || (errS != nil) != tt.wantErr || (errP != nil) != tt.wantErr {
			t.Errorf("%s=%q: sqlite %v (%v), postgres %v (%v); want %v, %v, error %v",
				DialectsEnv, tt.env, s, errS, p, errP, tt.sqlite, tt.postgres, tt.wantErr)
		}
	}
}
