// Package httperror writes the one error body mycourier's plain HTTP routes
// answer with (file downloads, exports, the schema, sign-in failures): the
// GraphQL error shape, so clients read every failure the same way, with the
// request id that ties it to the log line and the audit event.
package httperror

import (
	"encoding/json"
	"errors"
	"net/http"

	"entgo.io/ent/privacy"
	"github.com/go-chi/chi/v5/middleware"

	gen "github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/platform/database"
	"github.com/mycourier/mycourier/internal/platform/logging"
)

// RetryAfter is the Retry-After (seconds) of a 503 UNAVAILABLE answer: long
// enough for a restarted database to accept connections again.
const RetryAfter = "5"

// Write answers with status and one error carrying code (extensions.code),
// the message key and an English message. A 503 carries Retry-After.
func Write(w http.ResponseWriter, r *http.Request, status int, code, key, msg string) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", RetryAfter)
	}
	ext := map[string]any{"code": code, "key": key}
	if id := middleware.GetReqID(r.Context()); id != "" {
		ext["requestId"] = id
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": ext}}})
}

// statusOf is the HTTP status of each code.
var statusOf = map[apperr.Code]int{
	apperr.CodeUnauthenticated:   http.StatusUnauthorized,
	apperr.CodeForbidden:         http.StatusForbidden,
	apperr.CodeBadUserInput:      http.StatusBadRequest,
	apperr.CodeNotFound:          http.StatusNotFound,
	apperr.CodeConflict:          http.StatusConflict,
	apperr.CodeInsufficientStock: http.StatusConflict,
	apperr.CodeInvalidTransition: http.StatusConflict,
	apperr.CodeRateLimited:       http.StatusTooManyRequests,
}

// WriteError answers with err as the plain HTTP routes present it: a coded
// error (apperr) keeps its code, key and message; a read the privacy policy
// refused is 403 FORBIDDEN and a record ent did not find is 404 NOT_FOUND,
// so a refusal is never mistaken for a fault; an unreachable database or a
// passed deadline is 503 UNAVAILABLE with Retry-After; anything else is
// logged here, once, and answers 500 INTERNAL with a fixed message.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apperr.Error
	switch code := apperr.CodeOf(err); {
	case database.Unavailable(err):
		logging.FromContext(r.Context()).Warn().Err(err).Str("path", r.URL.Path).Msg("http: unavailable")
		Unavailable(w, r)
	case code == apperr.CodeNotFound:
		Write(w, r, http.StatusNotFound, string(code), "error.notFound", "not found")
	case code == apperr.CodeConflict:
		Write(w, r, http.StatusConflict, string(code), "error.conflict", err.Error())
	case code == apperr.CodeBadUserInput && !errors.As(err, &ae):
		Write(w, r, http.StatusBadRequest, string(code), "error.invalid", err.Error())
	case statusOf[code] != 0 && errors.As(err, &ae):
		Write(w, r, statusOf[code], string(code), ae.Key, ae.Message)
	case errors.Is(err, privacy.Deny):
		Write(w, r, http.StatusForbidden, string(apperr.CodeForbidden), "error.forbidden", "you are not allowed to do this")
	case gen.IsNotFound(err):
		Write(w, r, http.StatusNotFound, string(apperr.CodeNotFound), "error.notFound", "not found")
	default:
		logging.FromContext(r.Context()).Error().Err(err).Str("path", r.URL.Path).Msg("http: internal error")
		Write(w, r, http.StatusInternalServerError, string(apperr.CodeInternal), "error.internal", "internal error")
	}
}

// Unavailable answers 503 UNAVAILABLE with Retry-After: the database (or
// another dependency) is out of reach, or the request's deadline passed.
// The cause belongs in the log, never in the answer.
func Unavailable(w http.ResponseWriter, r *http.Request) {
	Write(w, r, http.StatusServiceUnavailable, "UNAVAILABLE", "error.unavailable",
		"the service is temporarily unavailable, try again later")
}
