// Package pinfl validates, decodes and generates Uzbek personal
// identification numbers (ПИНФЛ): 14 digits carrying century, sex, birth date
// and a check digit.
package pinfl

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Length is the number of digits in a PINFL.
const Length = 14

// Validation failures. Validate returns exactly one of them (wrapped with
// detail), so callers map them to a field error with errors.Is.
var (
	ErrLength     = errors.New("pinfl: must be exactly 14 digits")
	ErrNotDigits  = errors.New("pinfl: must contain only digits")
	ErrCenturySex = errors.New("pinfl: first digit must be 1–6 (century and sex)")
	ErrBirthDate  = errors.New("pinfl: digits 2–7 are not a real birth date (DDMMYY)")
	ErrCheckDigit = errors.New("pinfl: check digit does not match")
)

// Gender is the sex encoded by the first digit: odd male, even female.
// The values match the courier schema's gender enum.
type Gender string

// Genders.
const (
	Male   Gender = "male"
	Female Gender = "female"
)

var weights = [Length - 1]int{7, 3, 1, 7, 3, 1, 7, 3, 1, 7, 3, 1, 7}

// Validate reports whether s is a well-formed PINFL. It checks only what
// the number itself encodes; age limits and uniqueness are business rules
// that belong to the caller.
func Validate(s string) error {
	if len(s) != Length {
		return fmt.Errorf("%w: got %d characters", ErrLength, len(s))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return fmt.Errorf("%w: position %d", ErrNotDigits, i+1)
		}
	}
	if _, ok := century(s[0]); !ok {
		return fmt.Errorf("%w: got %c", ErrCenturySex, s[0])
	}
	if _, ok := birthDate(s); !ok {
		return fmt.Errorf("%w: %s.%s.%s", ErrBirthDate, s[1:3], s[3:5], s[5:7])
	}
	if want := CheckDigit(s[:Length-1]); s[Length-1] != want {
		return fmt.Errorf("%w: got %c, want %c", ErrCheckDigit, s[Length-1], want)
	}
	return nil
}

// CheckDigit computes the 14th digit from the first 13: each digit times the
// weights 7,3,1,… summed, modulo 10. It panics unless first13 is 13 digits,
// which only a programming error produces.
func CheckDigit(first13 string) byte {
	if len(first13) != Length-1 {
		panic("pinfl: CheckDigit needs 13 digits")
	}
	sum := 0
	for i := 0; i < Length-1; i++ {
		sum += int(first13[i]-'0') * weights[i]
	}
	return byte('0' + sum%10)
}

// BirthDate returns the birth date encoded in a valid PINFL.
func BirthDate(s string) (time.Time, error) {
	if err := Validate(s); err != nil {
		return time.Time{}, err
	}
	d, _ := birthDate(s)
	return d, nil
}

// GenderOf returns the sex encoded in a valid PINFL.
func GenderOf(s string) (Gender, error) {
	if err := Validate(s); err != nil {
		return "", err
	}
	return genderOf(s[0]), nil
}

func genderOf(first byte) Gender {
	if (first-'0')%2 == 1 {
		return Male
	}
	return Female
}

// century returns the first year of the century the first digit encodes.
func century(first byte) (int, bool) {
	switch first {
	case '1', '2':
		return 1800, true
	case '3', '4':
		return 1900, true
	case '5', '6':
		return 2000, true
	}
	return 0, false
}

// birthDate decodes digits 2–7 (DDMMYY); ok is false for a date the
// calendar does not have (31 April, 29 February of a common year).
func birthDate(s string) (time.Time, bool) {
	c, ok := century(s[0])
	if !ok {
		return time.Time{}, false
	}
	two := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	day, month, year := two(1), two(3), c+two(5)
	if month < 1 || month > 12 || day < 1 {
		return time.Time{}, false
	}
	d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	// time.Date normalises 31.04 to 01.05; a changed day means no such date.
	if d.Day() != day || int(d.Month()) != month {
		return time.Time{}, false
	}
	return d, true
}

// ErrUnencodable reports a birth date or gender a PINFL cannot carry.
var ErrUnencodable = errors.New("pinfl: birth date must be in 1800–2099 and gender male or female")

// Make builds the PINFL for a birth date, a gender and a six-digit serial
// (digits 8–13: district code and sequence number, 0–999999). Derived
// serials give bulk generators unique numbers without lookups.
func Make(birth time.Time, g Gender, serial int) (string, error) {
	y := birth.Year()
	if y < 1800 || y > 2099 || (g != Male && g != Female) || serial < 0 || serial > 999999 {
		return "", ErrUnencodable
	}
	first := 1 + 2*((y-1800)/100)
	if g == Female {
		first++
	}
	var b [Length]byte
	b[0] = byte('0' + first)
	put := func(at, v, n int) {
		for i := at + n - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(1, birth.Day(), 2)
	put(3, int(birth.Month()), 2)
	put(5, y%100, 2)
	put(7, serial, 6)
	b[Length-1] = CheckDigit(string(b[:Length-1]))
	return string(b[:]), nil
}

// Generate returns a random valid PINFL for a birth date and gender. Its
// serial starts with a district code 100–899; 0xx and 9xx are left to
// derived numbers (see Make) so generated and derived PINFLs never collide.
func Generate(r *rand.Rand, birth time.Time, g Gender) (string, error) {
	return Make(birth, g, 100000+r.IntN(800000))
}
