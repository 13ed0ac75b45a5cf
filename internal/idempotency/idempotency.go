// Package idempotency makes a retried mutation harmless. A caller may send
// an idempotency key with any mutation whose retry could duplicate work
// (stock operations, lifecycle transitions, onboarding, documents). The key
// is optional: without one every call is a new request. With one, the
// first call is remembered per caller and operation in the same
// transaction as its change; a repeat with the same input returns the first
// result and changes nothing, and a repeat with other input is refused with
// ErrMismatch.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mycourier/mycourier/ent"
	"github.com/mycourier/mycourier/ent/idempotencykey"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/authz"
)

// MaxKeyLen is the longest key accepted, in characters (the column's width).
const MaxKeyLen = 100

// KeyTooLong is the message key of a key longer than MaxKeyLen: its own
// message, so a client sees that the key (not its input) is at fault.
const KeyTooLong = "idempotency.keyTooLong"

// Sentinel errors (both CONFLICT; tell them apart with IsInFlight).
var (
	// ErrMismatch: the key was already used by this caller for another request.
	ErrMismatch = apperr.New(apperr.CodeConflict, "idempotency.mismatch",
		"this idempotency key was already used for a different request").
		WithRu("Ключ идемпотентности уже использован для другого запроса")
	// ErrInFlight: a twin request with the same key committed first while
	// this one ran; retrying it returns the twin's result.
	ErrInFlight = apperr.New(apperr.CodeConflict, "idempotency.inFlight",
		"a request with this idempotency key is being processed; retry it to get its result").
		WithRu("Запрос с этим ключом идемпотентности уже выполняется; повторите его, чтобы получить результат")
)

// Request is one call of an operation as its key identifies it.
type Request struct {
	op, key, actor, hash string
}

// New checks key and fingerprints input (its IdempotencyKey field, if any,
// left out). An empty key gives a Request that remembers nothing.
func New(ctx context.Context, operation, key string, input any) (Request, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return Request{op: operation}, nil
	}
	if utf8.RuneCountInString(key) > MaxKeyLen {
		return Request{}, apperr.InvalidField("idempotencyKey", KeyTooLong,
			fmt.Sprintf("an idempotency key has at most %d characters", MaxKeyLen))
	}
	h, err := hash(input)
	if err != nil {
		return Request{}, err
	}
	return Request{op: operation, key: key, actor: Actor(authz.FromContext(ctx)), hash: h}, nil
}

// Keyed tells whether the caller sent a key.
func (r Request) Keyed() bool { return r.key != "" }

// Key is the trimmed key ("" when none was sent).
func (r Request) Key() string { return r.key }

// Actor names the caller keys belong to: a user's key never answers a
// token's request.
func Actor(v *authz.Viewer) string {
	switch {
	case v == nil:
		return "anonymous"
	case v.System():
		return "system:" + v.Name
	}
	return string(v.Kind) + ":" + strconv.Itoa(v.ID)
}

// Lookup finds an earlier call with the same key. It returns its result
// and true for the very same request, ErrMismatch for another one, and
// false when the key is new (or none was sent).
func (r Request) Lookup(ctx context.Context, tx *ent.Client) (map[string]any, bool, error) {
	if !r.Keyed() {
		return nil, false, nil
	}
	k, err := tx.IdempotencyKey.Query().
		Where(idempotencykey.Actor(r.actor), idempotencykey.Operation(r.op), idempotencykey.Key(r.key)).
		Only(authz.SystemContext(ctx, "idempotency"))
	switch {
	case ent.IsNotFound(err):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("idempotency: %w", err)
	case k.RequestHash != r.hash:
		return nil, false, ErrMismatch
	}
	return k.Result, true, nil
}

// Record remembers the call and its result in tx. When a concurrent twin
// recorded the same key first the insert fails with ErrInFlight and the
// caller's transaction must roll back.
func (r Request) Record(ctx context.Context, tx *ent.Client, result map[string]any) error {
	if !r.Keyed() {
		return nil
	}
	err := tx.IdempotencyKey.Create().
		SetActor(r.actor).SetOperation(r.op).SetKey(r.key).SetRequestHash(r.hash).
		SetResult(result).
		Exec(authz.SystemContext(ctx, "idempotency"))
	if err != nil {
		if ent.IsConstraintError(err) || errors.Is(err, apperr.ErrConflict) {
			return ErrInFlight
		}
		return fmt.Errorf("idempotency: %w", err)
	}
	return nil
}

// IsInFlight tells ErrInFlight from other conflicts (apperr errors match by code).
func IsInFlight(err error) bool {
	var ae *apperr.Error
	return errors.As(err, &ae) && ae.Key == ErrInFlight.Key
}

// RetryInFlight runs fn, and once more when it lost the race to a twin
// with the same key, so the second run answers with the twin's result. In a
// caller's transaction (a GraphQL mutation) it runs once: that transaction
// is already aborted, and the client retries with the same key.
func RetryInFlight(ctx context.Context, fn func() error) error {
	err := fn()
	if err != nil && IsInFlight(err) && ent.TxFromContext(ctx) == nil {
		err = fn()
	}
	return err
}

// hash fingerprints input without its key.
func hash(input any) (string, error) {
	b, err := json.Marshal(input)
	if err != nil {
		return "", fmt.Errorf("idempotency: hash request: %w", err)
	}
	var m map[string]any
	if json.Unmarshal(b, &m) == nil {
		delete(m, "IdempotencyKey")
		b, _ = json.Marshal(m)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
