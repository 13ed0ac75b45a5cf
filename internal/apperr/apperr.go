// Package apperr is the error vocabulary business code returns and the
// transports (GraphQL, the bot, the CLI) translate: a code, a stable message
// key the UI translates, an English message and, where useful, the fields or
// the record involved. It knows nothing of HTTP, GraphQL or the database.
package apperr

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Code classifies an error for clients; the GraphQL API sends it as
// extensions.code.
type Code string

// The codes clients may see.
const (
	CodeUnauthenticated   Code = "UNAUTHENTICATED"
	CodeForbidden         Code = "FORBIDDEN"
	CodeBadUserInput      Code = "BAD_USER_INPUT"
	CodeNotFound          Code = "NOT_FOUND"
	CodeConflict          Code = "CONFLICT"
	CodeInsufficientStock Code = "INSUFFICIENT_STOCK"
	CodeInvalidTransition Code = "INVALID_TRANSITION"
	CodeRateLimited       Code = "RATE_LIMITED"
	// CodeUnavailable is a failure of a dependency (the database down or
	// unreachable, the request's deadline passed): nothing was changed and
	// the same request may be sent again later.
	CodeUnavailable Code = "UNAVAILABLE"
	// CodeIntrospectionDisabled refuses schema introspection where the
	// server keeps its schema private (production without the playground).
	CodeIntrospectionDisabled Code = "INTROSPECTION_DISABLED"
	CodeInternal              Code = "INTERNAL"
)

// Error is a coded error with a client-safe message. Services return one of
// the sentinels below, or New with a more specific key and message; either
// way errors.Is(err, ErrForbidden) (etc.) holds, since Is compares codes.
type Error struct {
	Code Code
	// Key is a stable message key (e.g. "stock.insufficient") the UI translates.
	Key string
	// Message is the English text shown when the UI has no translation.
	Message string
	// MessageRu is the Russian text, when the service has one.
	MessageRu string
	// Details are client-safe facts (e.g. "available": 3) sent alongside.
	Details map[string]any
}

// New returns a coded error with its message key and English message.
func New(code Code, key, message string) *Error {
	return &Error{Code: code, Key: key, Message: message}
}

// WithRu returns a copy of e carrying a Russian message.
func (e *Error) WithRu(message string) *Error {
	c := *e
	c.MessageRu = message
	return &c
}

// WithDetail returns a copy of e carrying one more client-safe detail.
func (e *Error) WithDetail(name string, value any) *Error {
	c := *e
	c.Details = maps.Clone(e.Details)
	if c.Details == nil {
		c.Details = map[string]any{}
	}
	c.Details[name] = value
	return &c
}

func (e *Error) Error() string { return e.Message }

// Is reports whether target is an *Error of the same code, so a specific
// error matches the sentinel of its kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for the codes that need no more than a message; wrap them with
// context (fmt.Errorf("block: courier[%d]: %w", id, apperr.ErrForbidden)) or
// derive a specific one with New.
var (
	ErrUnauthenticated   = New(CodeUnauthenticated, "error.unauthenticated", "sign in to continue")
	ErrForbidden         = New(CodeForbidden, "error.forbidden", "you are not allowed to do this")
	ErrInsufficientStock = New(CodeInsufficientStock, "error.insufficientStock", "not enough stock")
	ErrInvalidTransition = New(CodeInvalidTransition, "error.invalidTransition", "this change of status is not allowed")
	ErrRateLimited       = New(CodeRateLimited, "error.rateLimited", "too many requests, try again later")
	ErrUnavailable       = New(CodeUnavailable, "error.unavailable", "the service is temporarily unavailable, try again later")
	// ErrNotFound, ErrConflict and ErrInvalid match NotFound, Conflict and
	// Invalid under errors.Is.
	ErrNotFound = New(CodeNotFound, "error.notFound", "not found")
	ErrConflict = New(CodeConflict, "error.conflict", "the value is already in use")
	ErrInvalid  = New(CodeBadUserInput, "error.invalid", "the input is invalid")
)

// NotFound reports that a record does not exist or is not visible to the
// viewer (the two are deliberately indistinguishable).
type NotFound struct {
	// Entity is the type name, e.g. "Courier".
	Entity string
	// ID is the id that was looked up, if any.
	ID any
}

func (e NotFound) Error() string {
	if e.Entity == "" {
		return "not found"
	}
	if e.ID == nil {
		return strings.ToLower(e.Entity) + " not found"
	}
	return fmt.Sprintf("%s %v not found", strings.ToLower(e.Entity), e.ID)
}

// Is makes NotFound match ErrNotFound.
func (e NotFound) Is(target error) bool { return target == ErrNotFound }

// Conflict reports that a unique value is already held by another record.
type Conflict struct {
	// Entity is the type name, e.g. "Region".
	Entity string
	// Field is the ent field name, e.g. "code".
	Field string
	// Value is the value that clashed.
	Value any
	// HolderID is the global id of the record that holds the value (0 when
	// unknown, e.g. after a race reported only by the database).
	HolderID int
	// HolderLabel names the holder for people ("Tashkent", "Karimov Aziz").
	HolderLabel string
}

func (e Conflict) Error() string {
	var b strings.Builder
	if e.Value != nil {
		fmt.Fprintf(&b, "%s %q is already used", e.Field, fmt.Sprint(e.Value))
	} else {
		fmt.Fprintf(&b, "%s is already used", e.Field)
	}
	if e.HolderID != 0 {
		fmt.Fprintf(&b, " by %s %d", e.Entity, e.HolderID)
		if e.HolderLabel != "" {
			fmt.Fprintf(&b, " (%s)", e.HolderLabel)
		}
	}
	return b.String()
}

// Is makes Conflict match ErrConflict.
func (e Conflict) Is(target error) bool { return target == ErrConflict }

// FieldError is what is wrong with one input field. It is an error itself,
// so an ent schema validator can return it and the API shows its key and
// message on that field.
type FieldError struct {
	// Key is a stable message key, e.g. "pinfl.checksum".
	Key string
	// Message is the English text, e.g. "check digit does not match".
	Message string
}

func (e FieldError) Error() string { return e.Message }

// Invalid reports input rejected field by field; nothing was changed.
type Invalid struct {
	// Fields maps an input field name (as the client spells it) to its error.
	Fields map[string]FieldError
}

// InvalidField returns an Invalid with one field error.
func InvalidField(field, key, message string) Invalid {
	return Invalid{Fields: map[string]FieldError{field: {Key: key, Message: message}}}
}

// Add returns a copy of e with one more field error, so a service can
// collect every problem before returning.
func (e Invalid) Add(field, key, message string) Invalid {
	fs := maps.Clone(e.Fields)
	if fs == nil {
		fs = map[string]FieldError{}
	}
	fs[field] = FieldError{Key: key, Message: message}
	return Invalid{Fields: fs}
}

// Empty reports whether no field error was added.
func (e Invalid) Empty() bool { return len(e.Fields) == 0 }

func (e Invalid) Error() string {
	names := slices.Sorted(maps.Keys(e.Fields))
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + ": " + e.Fields[n].Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Is makes Invalid match ErrInvalid.
func (e Invalid) Is(target error) bool { return target == ErrInvalid }

// As finds the first error of type T in err's chain, whether it was
// returned as a T or a *T.
func As[T error](err error) (T, bool) {
	var v T
	if errors.As(err, &v) {
		return v, true
	}
	return findPtr[T](err)
}

// findPtr walks err's tree for a *T (errors.As cannot be asked for one when
// T is a type parameter).
func findPtr[T error](err error) (T, bool) {
	var zero T
	if err == nil {
		return zero, false
	}
	if p, ok := any(err).(*T); ok && p != nil {
		return *p, true
	}
	if e, ok := err.(interface{ Unwrap() []error }); ok {
		for _, inner := range e.Unwrap() {
			if v, ok := findPtr[T](inner); ok {
				return v, true
			}
		}
		return zero, false
	}
	return findPtr[T](errors.Unwrap(err))
}

// CodeOf returns the code of the first apperr error in err's chain, or
// CodeInternal for anything else (nil gives "").
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	if _, ok := As[NotFound](err); ok {
		return CodeNotFound
	}
	if _, ok := As[Conflict](err); ok {
		return CodeConflict
	}
	if _, ok := As[Invalid](err); ok {
		return CodeBadUserInput
	}
	if _, ok := As[FieldError](err); ok {
		return CodeBadUserInput
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}
