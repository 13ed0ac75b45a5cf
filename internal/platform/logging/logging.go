// Package logging sets up mycourier's zerolog logger (JSON in production,
// human-readable console in dev) and carries it in the context, so whatever
// handles a request logs with that request's id.
package logging

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Formats.
const (
	FormatJSON    = "json"
	FormatConsole = "console"
)

// Options configure New.
type Options struct {
	// Level is debug, info, warn or error ("" means info).
	Level string
	// Format is FormatJSON or FormatConsole ("" means JSON).
	Format string
	// Output defaults to os.Stderr.
	Output io.Writer
}

// New returns the process logger.
func New(opts Options) (zerolog.Logger, error) {
	level := zerolog.InfoLevel
	if opts.Level != "" {
		l, err := zerolog.ParseLevel(strings.ToLower(opts.Level))
		if err != nil || l == zerolog.NoLevel {
			return zerolog.Nop(), fmt.Errorf("logging: unknown level %q", opts.Level)
		}
		level = l
	}
	out := opts.Output
	if out == nil {
		out = os.Stderr
	}
	switch opts.Format {
	case "", FormatJSON:
	case FormatConsole:
		out = zerolog.ConsoleWriter{Out: out, TimeFormat: time.TimeOnly}
	default:
		return zerolog.Nop(), fmt.Errorf("logging: unknown format %q", opts.Format)
	}
	return zerolog.New(out).Level(level).With().Timestamp().Logger(), nil
}

// WithContext returns ctx carrying l.
func WithContext(ctx context.Context, l zerolog.Logger) context.Context {
	return l.WithContext(ctx)
}

// FromContext returns the logger in ctx. Without one it returns a disabled
// logger rather than zerolog's global one, so nothing is ever logged to a
// place nobody configured.
func FromContext(ctx context.Context) *zerolog.Logger {
	return zerolog.Ctx(ctx)
}
