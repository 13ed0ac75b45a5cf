package phone_test

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mycourier/mycourier/internal/phone"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr error
	}{
		{"90 123 45 67", "+998901234567", nil},
		{"+998 (90) 123-45-67", "+998901234567", nil},
		{"998901234567", "+998901234567", nil},
		{"901234567", "+998901234567", nil},
		{"+998901234567", "+998901234567", nil},
		{"  +998 90 123.45.67 ", "+998901234567", nil},
		{"00998 90 123 45 67", "+998901234567", nil},
		{"(33) 700-00-01", "+998337000001", nil},
		{"", "", phone.ErrEmpty},
		{"   ", "", phone.ErrEmpty},
		{"90 123 45 6", "", phone.ErrLength},
		{"90 123 45 678", "", phone.ErrLength},
		{"+998 90 123 45 6", "", phone.ErrLength},
		{"+998 90 123 45 678", "", phone.ErrLength},
		{"099 123 45 67", "", phone.ErrLength},
		{"+998 09 123 45 67", "", phone.ErrLength},
		{"90 12E 45 67", "", phone.ErrCharacter},
		{"90+1234567", "", phone.ErrCharacter},
		{"+7 916 123 45 67", "", phone.ErrCountryCode},
		{"+77011234567", "", phone.ErrCountryCode},
		{"0079161234567", "", phone.ErrCountryCode},
		{"+99690123456", "", phone.ErrCountryCode},
	}
	for _, tt := range tests {
		got, err := phone.Normalize(tt.in)
		if got != tt.want || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("Normalize(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestNormalizeSaysHowManyDigitsFollowTheCountryCode: a number one digit
// short or long after +998 is told so in digits, not in characters typed.
func TestNormalizeSaysHowManyDigitsFollowTheCountryCode(t *testing.T) {
	for in, want := range map[string]string{
		"+998 90 123 45 6":   "got 8 digits after +998",
		"+998 90 123 45 678": "got 10 digits after +998",
		"90 123 45 6":        "got 8 digits",
	} {
		_, err := phone.Normalize(in)
		if !errors.Is(err, phone.ErrLength) || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("Normalize(%q) error = %v, want %v ending in %q", in, err, phone.ErrLength, want)
		}
	}
}

func TestKnownOperator(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"+998901234567", true},
		{"+998337000001", true},
		{"+998711234567", false}, // Tashkent landline
		{"901234567", false},
	}
	for _, tt := range tests {
		if got := phone.KnownOperator(tt.in); got != tt.want {
			t.Errorf("KnownOperator(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

var e164 = regexp.MustCompile(`^\+998[1-9][0-9]{8}$`)

// validSpelling builds from r a valid Uzbek number (nine digits, the first
// not 0) and one of the spellings people write it in (DESIGN.md: "90 123
// 45 67", "+998 (90) 123-45-67", "998901234567"), and returns the spelling
// and the E.164 form it must normalize to.
func validSpelling(r *rand.Rand) (spelled, want string) {
	d := strconv.Itoa(1+r.IntN(9)) + fmt.Sprintf("%08d", r.IntN(100000000))
	op, a, b, c := d[:2], d[2:5], d[5:7], d[7:]
	forms := []string{
		op + " " + a + " " + b + " " + c,
		"+998 (" + op + ") " + a + "-" + b + "-" + c,
		"998" + d,
		"+998" + d,
		d,
		"(" + op + ") " + a + "-" + b + "-" + c,
		"+998 " + op + " " + a + " " + b + " " + c,
		"00998" + d,
		"998 " + op + " " + a + "-" + b + "-" + c,
		op + "." + a + "." + b + "." + c,
		"+998-" + op + "-" + a + "-" + b + "-" + c,
		"\t+998\t" + d + " ",
	}
	return forms[r.IntN(len(forms))], "+998" + d
}

// FuzzNormalize: never panics; whatever it accepts is E.164 +998, is a
// fixed point, and keeps the subscriber digits of the input in order; and
// (the converse, so that a normalizer refusing everything fails) a valid
// number built from the input, in any common spelling, is accepted.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"90 123 45 67", "+998 (90) 123-45-67", "998901234567", "+7 916", "0099890", "+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h := fnv.New64a()
		_, _ = h.Write([]byte(s))
		spelled, want := validSpelling(rand.New(rand.NewPCG(h.Sum64(), uint64(len(s)))))
		if got, err := phone.Normalize(spelled); got != want || err != nil {
			t.Fatalf("Normalize(%q) = %q, %v; want %q (built from %q)", spelled, got, err, want, s)
		}
		got, err := phone.Normalize(s)
		if err != nil {
			if got != "" {
				t.Fatalf("Normalize(%q) returned %q with error %v", s, got, err)
			}
			return
		}
		if !e164.MatchString(got) {
			t.Fatalf("Normalize(%q) = %q, not +998 and 9 digits", s, got)
		}
		if again, err := phone.Normalize(got); again != got || err != nil {
			t.Fatalf("Normalize(%q) = %q, %v; want it unchanged", got, again, err)
		}
		var in strings.Builder
		for _, c := range s {
			if c >= '0' && c <= '9' {
				in.WriteRune(c)
			}
		}
		if !strings.HasSuffix(in.String(), got[4:]) {
			t.Fatalf("Normalize(%q) = %q: subscriber digits are not the input's", s, got)
		}
	})
}
