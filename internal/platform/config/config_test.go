package config_test

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/mycourier/mycourier/internal/platform/config"
)

func load(t *testing.T, args ...string) (config.Config, error) {
	t.Helper()
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	config.Bind(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return config.Load(fs)
}

func TestDefaultsStartTheEmbeddedDevServer(t *testing.T) {
	c, err := load(t)
	if err != nil {
		t.Fatal(err)
	}
	if c.Mode != config.ModeDev || c.DatabaseURL != "sqlite://./data/mycourier.db" || c.Listen != ":8080" || !c.Playground || c.LogFormat != "console" || !c.AutoMigrate {
		t.Errorf("defaults = %+v", c)
	}
}

func TestProductionTurnsPlaygroundOffAndLogsJSON(t *testing.T) {
	c, err := load(t, "--mode", "production", "--jwt-secret", randomSecret)
	if err != nil {
		t.Fatal(err)
	}
	if c.Playground || c.LogFormat != "json" {
		t.Errorf("production: playground %v, log format %q", c.Playground, c.LogFormat)
	}
}

func TestEnvironmentSetsDefaultsAndFlagsWin(t *testing.T) {
	t.Setenv("MYCOURIER_LISTEN", ":9999")
	t.Setenv("MYCOURIER_LOG_LEVEL", "debug")
	c, err := load(t, "--log-level", "warn")
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":9999" || c.LogLevel != "warn" {
		t.Errorf("listen %q log level %q, want :9999 and warn", c.Listen, c.LogLevel)
	}
}

func TestBadValuesAreReportedTogether(t *testing.T) {
	_, err := load(t, "--mode", "prod", "--read-timeout", "soon", "--db-max-conns", "0", "--playground", "maybe")
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, want := range []string{"--mode", "--read-timeout", "--db-max-conns", "--playground"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

// The README's configuration table is the user's reference: it must list
// exactly the settings the code reads, with the same defaults.
func TestReadmeTableMatchesSettings(t *testing.T) {
	b, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "<!-- settings:begin")
	table, _, ok2 := strings.Cut(rest, "<!-- settings:end -->")
	if !ok || !ok2 {
		t.Fatal("README has no settings table markers")
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 6 || !strings.Contains(cells[1], "MYCOURIER_") {
			continue
		}
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		rows[cells[1]] = cells[2:5]
	}
	for _, s := range config.Settings {
		r, ok := rows[s.Env()]
		if !ok {
			t.Errorf("README lacks %s", s.Env())
			continue
		}
		if r[0] != "--"+s.Flag || r[1] != s.Default || r[2] != s.Usage {
			t.Errorf("README row %s = %q, want flag --%s default %q usage %q", s.Env(), r, s.Flag, s.Default, s.Usage)
		}
		delete(rows, s.Env())
	}
	for env := range rows {
		t.Errorf("README lists %s, which the code does not read", env)
	}
}

// randomSecret is what openssl rand -base64 48 prints.
const randomSecret = "q3Vx0m8J2kLr9TzA7wYh1cNbF5sUeGdP4oKiX6jWvQyRtZaMnBgHpEfCuSlDxIO+/k2"

func TestProductionRefusesAMissingOrWeakSecret(t *testing.T) {
	for _, secret := range []string{"", "short-secret",
		strings.Repeat("k", 64),                           // one character repeated
		strings.Repeat("abcdefghijklmno", 3),              // 15 distinct bytes
		strings.Repeat("0123456789abcdef0123456", 2)[:32], // fewer than 16 distinct in 32 bytes
	} {
		_, err := load(t, "--mode", "production", "--jwt-secret", secret)
		if err == nil || !strings.Contains(err.Error(), "--jwt-secret") {
			t.Errorf("secret %q: got %v, want a --jwt-secret error", secret, err)
		}
	}
}

// A random secret passes, hex included (16 symbols at most, and a 64-digit
// one may well miss one of them).
func TestProductionAcceptsARandomSecret(t *testing.T) {
	for _, secret := range []string{randomSecret,
		"8f3a9c0b1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c",
		"8f3a9c0b1d2d4f5a6b7c8d9a0f1a2b3c4d5b6f708192a3b4c5d6a7f8091a2b3c", // no e
	} {
		if _, err := load(t, "--mode", "production", "--jwt-secret", secret); err != nil {
			t.Errorf("secret %q refused: %v", secret, err)
		}
	}
}
