// Package securitytest is the security regression suite: one test per hole
// found when the API was attacked, each through the real HTTP handler on
// SQLite and PostgreSQL. The package has no code of its own.
package securitytest
