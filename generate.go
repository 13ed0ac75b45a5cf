// Package mycourier is the root of the mycourier module. It holds the one
// place that regenerates all generated code, in the order that keeps it
// consistent: first ent and the entgql schema, then the role directives and
// the published schema.graphql from the permission matrix, then gqlgen.
package mycourier

//go:generate go run -mod=mod ./ent/entc.go
//go:generate go run ./internal/tools/schemagen
//go:generate go tool gqlgen generate
