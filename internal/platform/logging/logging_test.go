package logging_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/internal/platform/logging"
)

func TestLevelsAndFormats(t *testing.T) {
	var buf bytes.Buffer
	l, err := logging.New(logging.Options{Level: "warn", Format: logging.FormatJSON, Output: &buf})
	if err != nil {
		t.Fatal(err)
	}
	l.Info().Msg("hidden")
	l.Warn().Msg("shown")
	if strings.Contains(buf.String(), "hidden") || !strings.Contains(buf.String(), `"message":"shown"`) {
		t.Errorf("json warn logger wrote %q", buf.String())
	}

	buf.Reset()
	l, _ = logging.New(logging.Options{Format: logging.FormatConsole, Output: &buf})
	l.Info().Msg("hello")
	if strings.HasPrefix(buf.String(), "{") || !strings.Contains(buf.String(), "hello") {
		t.Errorf("console logger wrote %q", buf.String())
	}

	for _, o := range []logging.Options{{Level: "loud"}, {Format: "xml"}} {
		if _, err := logging.New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}

func TestContextCarriesTheLogger(t *testing.T) {
	var buf bytes.Buffer
	l, _ := logging.New(logging.Options{Output: &buf})
	ctx := logging.WithContext(context.Background(), l.With().Str("request_id", "r1").Logger())
	logging.FromContext(ctx).Info().Msg("x")
	if !strings.Contains(buf.String(), `"request_id":"r1"`) {
		t.Errorf("logged %q", buf.String())
	}
	// Without a logger nothing is written anywhere (and nothing panics).
	logging.FromContext(context.Background()).Error().Msg("dropped")
}
