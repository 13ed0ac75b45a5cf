// Package httperror writes the one error body mycourier's plain HTTP routes
// answer with (file downloads, exports, the schema, sign-in failures): the
// GraphQL error shape, so clients read every failure the same way, with the
// request id that ties it to the log line and the audit event.
package httperror

import (
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"
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

// Unavailable answers 503 UNAVAILABLE with Retry-After: the database (or
// another dependency) is out of reach, or the request's deadline passed.
// The cause belongs in the log, never in the answer.
func Unavailable(w http.ResponseWriter, r *http.Request) {
	Write(w, r, http.StatusServiceUnavailable, "UNAVAILABLE", "error.unavailable",
		"the service is temporarily unavailable, try again later")
}
