// Package model holds GraphQL-only types that gqlgen generates (types with no ent counterpart).
package model
