package authsvc

import (
	_ "embed"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"github.com/mycourier/mycourier/internal/apperr"
)

// PasswordParams are argon2id's cost settings: OWASP's recommended minimum
// for argon2id (19 MiB, 2 iterations, 1 lane). alexedwards/argon2id wraps
// x/crypto's argon2 with salt generation, PHC-format encoding and a
// constant-time compare, which is all we would otherwise write by hand.
var PasswordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

//go:embed common_passwords.txt
var commonPasswordList string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonPasswordList, "\n") {
		if l = strings.TrimSpace(strings.ToLower(l)); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m
}()

// HashPassword hashes a password for storage.
func HashPassword(pw string) (string, error) {
	h, err := argon2id.CreateHash(pw, PasswordParams)
	if err != nil {
		return "", fmt.Errorf("authsvc: hash password: %w", err)
	}
	return h, nil
}

// passwordChecks counts argon2id comparisons (PasswordChecks).
var passwordChecks atomic.Uint64

// PasswordChecks is how many password comparisons this process has made:
// every sign-in attempt that gets past the throttle costs exactly one, known
// login or not, so the answer's timing does not tell which logins exist.
func PasswordChecks() uint64 { return passwordChecks.Load() }

// checkPassword compares in constant time; a malformed hash never matches.
func checkPassword(pw, hash string) bool {
	passwordChecks.Add(1)
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// CheckPasswordPolicy reports why a password may not be used, as a
// field error on field.
func CheckPasswordPolicy(field, login, pw string) error {
	lower := strings.ToLower(pw)
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return apperr.InvalidField(field, "password.tooShort", fmt.Sprintf("use at least %d characters", MinPasswordLength))
	case len(pw) > 256:
		return apperr.InvalidField(field, "password.tooLong", "use at most 256 bytes")
	case login != "" && strings.Contains(lower, strings.ToLower(login)):
		return apperr.InvalidField(field, "password.containsLogin", "the password must not contain the login")
	case commonPasswords[lower] || commonPasswords[strings.TrimRight(lower, "0123456789!")]:
		return apperr.InvalidField(field, "password.common", "this password is too common")
	case len(uniqueRunes(pw)) < 4:
		return apperr.InvalidField(field, "password.trivial", "use more different characters")
	}
	return nil
}

func uniqueRunes(s string) map[rune]bool {
	m := map[rune]bool{}
	for _, r := range s {
		m[r] = true
	}
	return m
}
