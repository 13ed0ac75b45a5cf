// Package migrations embeds the versioned SQL migrations, one directory per
// dialect, generated from ent/schema by `mycourier migrate diff NAME`.
// Files are never edited by hand after release.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql (goose format) with their atlas.sum.
//
//go:embed all:postgres all:sqlite
var FS embed.FS
