package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"regexp"
	"strings"

	"entgo.io/ent/dialect/sql/schema"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/mycourier/mycourier/ent/migrate"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/platform/uniqueguard"
)

// ErrBusy is a transient failure (serialization failure, deadlock, lock
// timeout, a busy SQLite database) that outlasted the retries: the request
// may simply be sent again, later. It is not a conflict of values, nor the
// caller's rate: it is UNAVAILABLE (503 with Retry-After over HTTP).
var ErrBusy = apperr.New(apperr.CodeUnavailable, "database.busy",
	"the database is busy; send the request again").
	WithRu("База данных занята, повторите запрос")

// ErrCheck is a value refused by a CHECK constraint (a quantity below zero).
var ErrCheck = apperr.New(apperr.CodeBadUserInput, "validation.check",
	"a value is outside its allowed range").
	WithRu("Значение вне допустимого диапазона")

// ErrUnavailable is the database out of reach: the connection refused,
// dropped or timed out, the server shutting down, or the request's own
// deadline passed while it waited. Nothing was changed; the request may be
// sent again later. Its message names no host, port, user or database.
var ErrUnavailable = apperr.ErrUnavailable.
	WithRu("Сервис временно недоступен, повторите запрос позже")

// Unavailable tells an error that means the database could not be reached
// (or the request's deadline passed), as opposed to one about the request.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, apperr.ErrUnavailable) {
		return true
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08 (connection exception), the server shutting down or
		// starting, too many connections.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" ||
			pe.Code == "57P03" || pe.Code == "53300"
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.Timeout(err) || pgconn.SafeToRetry(err) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR:
			return true
		}
	}
	return false
}

// dbError is a driver error translated into a domain error: errors.Is and
// apperr.As see the domain error, errors.As still reaches the driver's (and
// ent's) error, and the message is the domain one.
type dbError struct {
	domain error
	cause  error
}

func (e *dbError) Error() string   { return e.domain.Error() }
func (e *dbError) Unwrap() []error { return []error{e.domain, e.cause} }

// Transient tells an error worth retrying the whole transaction for.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40001", "40P01", "55P03": // serialization failure, deadlock, lock not available
			return true
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
	}
	return false
}

var (
	sqliteUnique = regexp.MustCompile(`UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)`)
	sqliteCheck  = regexp.MustCompile(`CHECK constraint failed: (\w+)`)
	pgDetailKey  = regexp.MustCompile(`^Key \(([^)]+)\)=\((.*)\) already exists`)
)

// MapError translates a driver error into the domain's vocabulary, once, so
// no layer above parses PostgreSQL codes or SQLite messages:
//   - a unique violation becomes apperr.Conflict naming the entity and field
//     (and the value, when the database says it);
//   - a foreign-key violation becomes apperr.Invalid on the referring field;
//   - a check violation becomes ErrCheck naming the constraint;
//   - a transient failure stays as it is (Transient tells it; WithTx retries);
//   - an unreachable database, or a request past its deadline, becomes
//     ErrUnavailable (its message names no host).
//
// Anything else, and errors already mapped, are returned unchanged.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	var done *dbError
	if errors.As(err, &done) {
		return err
	}
	if d := domainError(err); d != nil {
		return &dbError{domain: d, cause: err}
	}
	if !Transient(err) && Unavailable(err) {
		return &dbError{domain: ErrUnavailable, cause: err}
	}
	return err
}

func domainError(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			cols := uniqueColumns(pe.TableName, pe.ConstraintName)
			var value any
			if m := pgDetailKey.FindStringSubmatch(pe.Detail); m != nil {
				if len(cols) == 0 {
					cols = strings.Split(strings.ReplaceAll(m[1], " ", ""), ",")
				}
				if !strings.Contains(m[1], ",") {
					value = m[2]
				}
			}
			return apperr.Conflict{Entity: EntityOf(pe.TableName), Field: strings.Join(cols, ","), Value: value}
		case "23503":
			return reference(fkColumns(pe.TableName, pe.ConstraintName))
		case "23514":
			return ErrCheck.WithDetail("constraint", pe.ConstraintName)
		}
		return nil
	}
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_CONSTRAINT {
		return nil
	}
	msg := se.Error()
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		m := sqliteUnique.FindStringSubmatch(msg)
		if m == nil {
			return apperr.ErrConflict
		}
		var table string
		var cols []string
		for _, tc := range strings.Split(m[1], ", ") {
			t, c, _ := strings.Cut(tc, ".")
			table, cols = t, append(cols, c)
		}
		return apperr.Conflict{Entity: EntityOf(table), Field: strings.Join(cols, ",")}
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		// SQLite does not say which reference failed.
		return reference(nil)
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		e := ErrCheck
		if m := sqliteCheck.FindStringSubmatch(msg); m != nil {
			e = e.WithDetail("constraint", m[1])
		}
		return e
	}
	return nil
}

// reference is a foreign-key violation on cols (ent field names).
func reference(cols []string) error {
	inv := apperr.Invalid{Fields: map[string]apperr.FieldError{}}
	for _, c := range cols {
		inv = inv.Add(c, "validation.reference", "refers to a record that does not exist")
	}
	if inv.Empty() {
		return apperr.New(apperr.CodeBadUserInput, "error.reference", "a referenced record does not exist")
	}
	return inv
}

func table(name string) *schema.Table {
	for _, t := range migrate.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

func uniqueColumns(tableName, constraint string) []string {
	t := table(tableName)
	if t == nil {
		return nil
	}
	for _, idx := range t.Indexes {
		if idx.Unique && idx.Name == constraint {
			return columnNames(idx.Columns)
		}
	}
	for _, c := range t.Columns {
		// Atlas names a unique column's index <table>_<column>_key.
		if c.Unique && constraint == tableName+"_"+c.Name+"_key" {
			return []string{c.Name}
		}
	}
	return nil
}

func fkColumns(tableName, constraint string) []string {
	if t := table(tableName); t != nil {
		for _, fk := range t.ForeignKeys {
			if fk.Symbol == constraint {
				return columnNames(fk.Columns)
			}
		}
	}
	return nil
}

func columnNames(cs []*schema.Column) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// EntityOf names the ent type of a table ("courier_status_changes" →
// "CourierStatusChange"); an unknown table is returned as it is.
func EntityOf(tableName string) string {
	typ := uniqueguard.TypeOf(tableName)
	if tn, ok := uniqueguard.TableOf(typ); ok && tn == tableName {
		return typ
	}
	return tableName
}
