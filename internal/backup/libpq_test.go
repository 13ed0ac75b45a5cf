package backup

import (
	"slices"
	"strings"
	"testing"
)

func TestPasswordStaysOffTheCommandLine(t *testing.T) {
	url, env := libpqURL("postgres://app:s3cr%3At@db:5432/mycourier?sslmode=require&pool_max_conns=10")
	if strings.Contains(url, "s3cr") || strings.Contains(url, "pool_max_conns") {
		t.Fatalf("url %q still carries the password or a pgx-only parameter", url)
	}
	if !strings.Contains(url, "sslmode=require") || !strings.HasPrefix(url, "postgres://app@db:5432/mycourier") {
		t.Fatalf("url %q lost the user, host or sslmode", url)
	}
	if !slices.Contains(env, "PGPASSWORD=s3cr:t") {
		t.Fatal("the password is not in PGPASSWORD")
	}
}
