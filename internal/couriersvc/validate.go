package couriersvc

import (
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/internal/apperr"
	"github.com/mycourier/mycourier/internal/phone"
	"github.com/mycourier/mycourier/internal/pinfl"
)

// Limits of the personal fields.
const (
	NameMinLen = 2
	NameMaxLen = 100
	MinAge     = 18
	MaxAge     = 75
)

// Fields collects field errors so a service reports every problem at once.
type Fields struct{ apperr.Invalid }

// Add records one field error; the first error of a field wins.
func (f *Fields) Add(field, key, message string) {
	if _, ok := f.Invalid.Fields[field]; ok {
		return
	}
	f.Invalid = f.Invalid.Add(field, key, message)
}

// Err returns the collected errors as an apperr.Invalid, or nil.
func (f *Fields) Err() error {
	if f.Invalid.Empty() {
		return nil
	}
	return f.Invalid
}

// NormalizeName trims a name part and collapses inner runs of space. It
// reports a field error for an empty (when required), too short, too long,
// mixed-script or otherwise odd name. Names are written in Cyrillic (Russian
// or Uzbek) or Latin, with hyphens, spaces and apostrophes (O‘g‘li, D'Artagnan).
func NormalizeName(s string, required bool) (string, *apperr.FieldError) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		if required {
			return "", &apperr.FieldError{Key: "validation.required", Message: "is required"}
		}
		return "", nil
	}
	if !utf8.ValidString(s) {
		return "", &apperr.FieldError{Key: "name.invalidChars", Message: "may contain only letters, spaces, hyphens and apostrophes"}
	}
	n := utf8.RuneCountInString(s)
	if n < NameMinLen {
		return "", &apperr.FieldError{Key: "validation.tooShort", Message: "is too short"}
	}
	if n > NameMaxLen {
		return "", &apperr.FieldError{Key: "validation.tooLong", Message: "is too long"}
	}
	var cyr, lat bool
	letters := 0
	prevSep := true
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cyrillic, r) && unicode.IsLetter(r):
			cyr = true
			letters++
			prevSep = false
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			lat = true
			letters++
			prevSep = false
		case r == '-' || r == ' ' || r == '\'' || r == 'ʻ' || r == 'ʼ' || r == '‘' || r == '’' || r == '`':
			if prevSep && r != ' ' && r != '-' {
				return "", &apperr.FieldError{Key: "name.invalidChars", Message: "may contain only letters, spaces, hyphens and apostrophes"}
			}
			if prevSep && r == '-' {
				return "", &apperr.FieldError{Key: "name.invalidChars", Message: "may contain only letters, spaces, hyphens and apostrophes"}
			}
			prevSep = r == ' ' || r == '-'
		default:
			return "", &apperr.FieldError{Key: "name.invalidChars", Message: "may contain only letters, spaces, hyphens and apostrophes"}
		}
	}
	if cyr && lat {
		return "", &apperr.FieldError{Key: "name.mixedScript", Message: "mixes Cyrillic and Latin letters; use one alphabet"}
	}
	if letters < NameMinLen || prevSep {
		return "", &apperr.FieldError{Key: "name.invalidChars", Message: "may contain only letters, spaces, hyphens and apostrophes"}
	}
	return s, nil
}

// CheckPINFL maps pinfl.Validate's failure to a field error.
func CheckPINFL(s string) *apperr.FieldError {
	err := pinfl.Validate(s)
	switch {
	case err == nil:
		return nil
	case s == "":
		return &apperr.FieldError{Key: "validation.required", Message: "is required"}
	case errors.Is(err, pinfl.ErrLength):
		return &apperr.FieldError{Key: "pinfl.length", Message: "must be exactly 14 digits"}
	case errors.Is(err, pinfl.ErrNotDigits):
		return &apperr.FieldError{Key: "pinfl.notDigits", Message: "must contain only digits"}
	case errors.Is(err, pinfl.ErrCenturySex):
		return &apperr.FieldError{Key: "pinfl.centurySex", Message: "first digit must be 1–6 (century and sex)"}
	case errors.Is(err, pinfl.ErrBirthDate):
		return &apperr.FieldError{Key: "pinfl.birthDate", Message: "digits 2–7 are not a real birth date (DDMMYY)"}
	case errors.Is(err, pinfl.ErrCheckDigit):
		return &apperr.FieldError{Key: "pinfl.checksum", Message: "check digit does not match"}
	}
	return &apperr.FieldError{Key: "validation.invalid", Message: "is invalid"}
}

// NormalizePhone returns the E.164 form or a field error.
func NormalizePhone(s string) (string, *apperr.FieldError) {
	p, err := phone.Normalize(s)
	switch {
	case err == nil:
		return p, nil
	case errors.Is(err, phone.ErrEmpty):
		return "", &apperr.FieldError{Key: "validation.required", Message: "is required"}
	case errors.Is(err, phone.ErrCharacter):
		return "", &apperr.FieldError{Key: "phone.characters", Message: "may contain only digits, spaces, +, -, ., ( and )"}
	case errors.Is(err, phone.ErrCountryCode):
		return "", &apperr.FieldError{Key: "phone.countryCode", Message: "only Uzbek numbers (+998) are accepted"}
	}
	return "", &apperr.FieldError{Key: "phone.length", Message: "must be 9 digits, optionally after +998"}
}

// Uzbek plates, written without spaces: private cars "01A123BC", company
// cars "01123ABC", motorcycles "01A1234" or "01AB1234". The first two
// digits are the region code (01–99).
var (
	carPlates  = []*regexp.Regexp{regexp.MustCompile(`^\d{2}[A-Z]\d{3}[A-Z]{2}$`), regexp.MustCompile(`^\d{2}\d{3}[A-Z]{3}$`)}
	motoPlates = []*regexp.Regexp{regexp.MustCompile(`^\d{2}[A-Z]{1,2}\d{4}$`), regexp.MustCompile(`^\d{2}\d{4}[A-Z]{2}$`)}
)

// NeedsPlate tells whether a transport type is registered with a plate.
func NeedsPlate(t courier.TransportType) bool {
	return t == courier.TransportTypeMoto || t == courier.TransportTypeCar
}

// NormalizePlate upper-cases a plate and drops spaces and hyphens, then
// checks it against the formats of the transport type.
func NormalizePlate(s string, t courier.TransportType) (string, *apperr.FieldError) {
	p := strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(s))
	if !NeedsPlate(t) {
		if p != "" {
			return "", &apperr.FieldError{Key: "vehiclePlate.notApplicable", Message: "only moto and car couriers have a plate"}
		}
		return "", nil
	}
	if p == "" {
		return "", &apperr.FieldError{Key: "vehiclePlate.required", Message: "is required for moto and car transport"}
	}
	formats := carPlates
	if t == courier.TransportTypeMoto {
		formats = motoPlates
	}
	for _, re := range formats {
		if re.MatchString(p) && p[:2] != "00" {
			return p, nil
		}
	}
	return "", &apperr.FieldError{Key: "vehiclePlate.format", Message: "is not an Uzbek plate (e.g. 01A123BC, 01123ABC; moto 01A1234)"}
}

// CheckBirthDate checks a birth date against the PINFL and the age limits.
// It returns the date to store: the given one, or the PINFL's.
func CheckBirthDate(given *time.Time, pin string, pinOK bool, now time.Time) (time.Time, *apperr.FieldError) {
	var fromPIN time.Time
	if pinOK {
		fromPIN, _ = pinfl.BirthDate(pin)
	}
	var d time.Time
	switch {
	case given != nil:
		d = time.Date(given.Year(), given.Month(), given.Day(), 0, 0, 0, 0, time.UTC)
		if pinOK && !d.Equal(fromPIN) {
			return d, &apperr.FieldError{Key: "birthDate.pinflMismatch", Message: "does not match the birth date in the PINFL"}
		}
	case pinOK:
		d = fromPIN
	default:
		return d, nil // the PINFL error speaks for both
	}
	age := now.Year() - d.Year()
	if d.AddDate(age, 0, 0).After(now) {
		age--
	}
	if age < MinAge || age > MaxAge {
		return d, &apperr.FieldError{Key: "birthDate.age", Message: "the courier must be 18 to 75 years old"}
	}
	return d, nil
}
