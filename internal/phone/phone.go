// Package phone normalises Uzbek phone numbers to the stored E.164 form,
// +998 followed by nine digits.
package phone

import (
	"errors"
	"fmt"
	"strings"
)

// CountryCode is Uzbekistan's calling code.
const CountryCode = "998"

// Normalisation failures; Normalize wraps exactly one of them with detail.
var (
	ErrEmpty       = errors.New("phone: empty")
	ErrCharacter   = errors.New("phone: only digits, spaces, +, -, ., ( and ) are allowed")
	ErrLength      = errors.New("phone: want 9 digits, optionally after +998")
	ErrCountryCode = errors.New("phone: only Uzbek numbers (+998) are accepted")
)

// Normalize turns a common spelling of an Uzbek number ("90 123 45 67",
// "+998 (90) 123-45-67", "998901234567", "00998901234567") into
// "+998901234567".
//
// Operator codes are deliberately not checked: operators get new codes
// (33, 77, 20…) faster than a list in code is updated, and refusing a real
// courier's number is worse than storing an unusual one. KnownOperator
// lets a UI warn instead.
func Normalize(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ErrEmpty
	}
	digits := make([]byte, 0, 16)
	plus := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == '+' && i == 0:
			plus = true
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '\t':
		default:
			return "", fmt.Errorf("%w: %q", ErrCharacter, s)
		}
	}
	d := string(digits)
	if !plus && strings.HasPrefix(d, "00") {
		// 00 is the international prefix dialled instead of +.
		d, plus = d[2:], true
	}
	switch {
	case len(d) == 12 && strings.HasPrefix(d, CountryCode):
		d = d[3:]
	case plus:
		if strings.HasPrefix(d, CountryCode) {
			return "", fmt.Errorf("%w: got %d digits after +998", ErrLength, len(d)-3)
		}
		return "", fmt.Errorf("%w: %q", ErrCountryCode, s)
	case len(d) != 9:
		return "", fmt.Errorf("%w: got %d digits", ErrLength, len(d))
	}
	if d[0] == '0' {
		// No Uzbek operator or area code starts with 0: this is a typo or a
		// trunk prefix, and guessing which would store a wrong number.
		return "", fmt.Errorf("%w: the number after +998 cannot start with 0", ErrLength)
	}
	return "+" + CountryCode + d, nil
}

// operators are the mobile codes in use when this was written.
var operators = map[string]bool{
	"20": true, "33": true, "50": true, "55": true, "77": true, "88": true,
	"90": true, "91": true, "93": true, "94": true, "95": true, "97": true, "98": true, "99": true,
}

// Operators lists the known mobile operator codes, for generators.
func Operators() []string {
	return []string{"90", "91", "93", "94", "95", "97", "98", "99", "33", "88", "77", "50", "55", "20"}
}

// KnownOperator reports whether a normalised number has a known mobile
// operator code.
func KnownOperator(e164 string) bool {
	return len(e164) == 13 && strings.HasPrefix(e164, "+"+CountryCode) && operators[e164[4:6]]
}
