package pinfl_test

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mycourier/mycourier/internal/pinfl"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"valid male 1990", "31505901234568", nil},
		{"valid female leap day 2004", "62902040000018", nil},
		{"empty", "", pinfl.ErrLength},
		{"13 digits", "3150590123456", pinfl.ErrLength},
		{"15 digits", "315059012345680", pinfl.ErrLength},
		{"letter", "3150590123456A", pinfl.ErrNotDigits},
		{"space inside", "3150590 234568", pinfl.ErrNotDigits},
		{"multibyte digits", "３１５０５９０１２３４", pinfl.ErrLength},
		{"century digit 0", "01505901234568", pinfl.ErrCenturySex},
		{"century digit 7", "71505901234568", pinfl.ErrCenturySex},
		{"day 00", "30005901234568", pinfl.ErrBirthDate},
		{"month 13", "31513901234568", pinfl.ErrBirthDate},
		{"31 April", "33104901234568", pinfl.ErrBirthDate},
		{"29 Feb common year", "62902030000018", pinfl.ErrBirthDate},
		{"29 Feb 1900 is not leap", "32902000000018", pinfl.ErrBirthDate},
		{"wrong check digit", "31505901234567", pinfl.ErrCheckDigit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pinfl.Validate(tt.in)
			if !errors.Is(got, tt.want) || (tt.want == nil) != (got == nil) {
				t.Errorf("Validate(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestBirthDateAndGender(t *testing.T) {
	tests := []struct {
		in     string
		date   string
		gender pinfl.Gender
	}{
		{"31505901234568", "1990-05-15", pinfl.Male},
		{"62902040000018", "2004-02-29", pinfl.Female},
	}
	for _, tt := range tests {
		d, err := pinfl.BirthDate(tt.in)
		if err != nil || d.Format(time.DateOnly) != tt.date {
			t.Errorf("BirthDate(%q) = %v, %v, want %v", tt.in, d, err, tt.date)
		}
		g, err := pinfl.GenderOf(tt.in)
		if err != nil || g != tt.gender {
			t.Errorf("GenderOf(%q) = %v, %v, want %v", tt.in, g, err, tt.gender)
		}
	}
	if _, err := pinfl.BirthDate("31505901234567"); !errors.Is(err, pinfl.ErrCheckDigit) {
		t.Errorf("BirthDate(bad check digit) error = %v, want %v", err, pinfl.ErrCheckDigit)
	}
}

func TestGenerateRoundTrips(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 20000; i++ {
		birth := start.AddDate(0, 0, r.IntN(300*365))
		g := []pinfl.Gender{pinfl.Male, pinfl.Female}[r.IntN(2)]
		s, err := pinfl.Generate(r, birth, g)
		if err != nil {
			t.Fatalf("Generate(%v, %v): %v", birth, g, err)
		}
		if err := pinfl.Validate(s); err != nil {
			t.Fatalf("Validate(Generate(%v, %v) = %q) = %v, want nil", birth, g, s, err)
		}
		if d, _ := pinfl.BirthDate(s); !d.Equal(birth) {
			t.Fatalf("BirthDate(%q) = %v, want %v", s, d, birth)
		}
		if got, _ := pinfl.GenderOf(s); got != g {
			t.Fatalf("GenderOf(%q) = %v, want %v", s, got, g)
		}
		if s[7] == '0' || s[7] == '9' {
			t.Fatalf("Generate gave serial %s in the range kept for Make", s[7:13])
		}
	}
}

func TestMakeRejectsUnencodable(t *testing.T) {
	tests := []struct {
		name   string
		birth  time.Time
		g      pinfl.Gender
		serial int
	}{
		{"year 1799", time.Date(1799, 12, 31, 0, 0, 0, 0, time.UTC), pinfl.Male, 1},
		{"year 2100", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), pinfl.Male, 1},
		{"no gender", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), "", 1},
		{"serial too big", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), pinfl.Female, 1000000},
		{"negative serial", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), pinfl.Female, -1},
	}
	for _, tt := range tests {
		if got, err := pinfl.Make(tt.birth, tt.g, tt.serial); !errors.Is(err, pinfl.ErrUnencodable) {
			t.Errorf("%s: Make = %q, %v, want %v", tt.name, got, err, pinfl.ErrUnencodable)
		}
	}
}

// TestMakeAcceptsTheEdgesOfItsRanges pins the inclusive bounds: serials 0
// and 999999, and the first and last encodable years, give valid PINFLs
// carrying exactly the serial asked for.
func TestMakeAcceptsTheEdgesOfItsRanges(t *testing.T) {
	tests := []struct {
		name   string
		birth  time.Time
		g      pinfl.Gender
		serial int
		want   string
	}{
		{"serial 0", time.Date(1990, 5, 15, 0, 0, 0, 0, time.UTC), pinfl.Male, 0, "3150590000000"},
		{"serial 999999", time.Date(1990, 5, 15, 0, 0, 0, 0, time.UTC), pinfl.Female, 999999, "4150590999999"},
		{"year 1800", time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC), pinfl.Male, 1, "1010100000001"},
		{"year 2099", time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC), pinfl.Female, 1, "6311299000001"},
	}
	for _, tt := range tests {
		got, err := pinfl.Make(tt.birth, tt.g, tt.serial)
		if err != nil || len(got) != pinfl.Length || got[:pinfl.Length-1] != tt.want {
			t.Errorf("%s: Make = %q, %v, want %s + check digit", tt.name, got, err, tt.want)
			continue
		}
		if err := pinfl.Validate(got); err != nil {
			t.Errorf("%s: Validate(Make = %q) = %v, want nil", tt.name, got, err)
		}
	}
}

// TestValidateNamesTheOffendingPosition: the message tells the user which
// character (counted from 1) is not a digit.
func TestValidateNamesTheOffendingPosition(t *testing.T) {
	for in, want := range map[string]string{
		"A1505901234568": "position 1",
		"315059012345X8": "position 13",
	} {
		err := pinfl.Validate(in)
		if !errors.Is(err, pinfl.ErrNotDigits) || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("Validate(%q) = %v, want %v ending in %q", in, err, pinfl.ErrNotDigits, want)
		}
	}
}

// seeded is a generator drawn from the fuzzer's input, so each input
// stands for one valid value built from it.
func seeded(s string) *rand.Rand {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return rand.New(rand.NewPCG(h.Sum64(), uint64(len(s))))
}

// validPINFL builds a PINFL from r by the rules of DESIGN.md, independently
// of the package: century and sex digit 1–6, a real date DDMMYY of that
// century (month ends, 29 February of leap years included), six serial
// digits, and the check digit (weights 7,3,1 repeating, modulo 10).
func validPINFL(r *rand.Rand) string {
	first := 1 + r.IntN(6)
	year := 1800 + 100*((first-1)/2) + r.IntN(100)
	month := 1 + r.IntN(12)
	last := 31
	switch {
	case month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0):
		last = 29
	case month == 2:
		last = 28
	case month == 4 || month == 6 || month == 9 || month == 11:
		last = 30
	}
	day := 1 + r.IntN(last)
	if r.IntN(4) == 0 {
		day = last // the month's end is where date checks go wrong
	}
	s := fmt.Sprintf("%d%02d%02d%02d%06d", first, day, month, year%100, r.IntN(1000000))
	sum := 0
	for i, c := range s {
		sum += int(c-'0') * []int{7, 3, 1}[i%3]
	}
	return s + strconv.Itoa(sum%10)
}

// FuzzValidate checks Validate against an independent restatement of the
// rules: it never panics, whatever it accepts satisfies every rule, and
// (the converse, so that a validator refusing everything fails) a PINFL
// built by the rules from the input is accepted.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{"31505901234568", "62902040000018", "", "00000000000000", "3150590123456A", "62902030000018"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if valid := validPINFL(seeded(s)); pinfl.Validate(valid) != nil {
			t.Fatalf("Validate(%q) = %v; it was built by the rules (from %q)", valid, pinfl.Validate(valid), s)
		}
		err := pinfl.Validate(s)
		if err != nil {
			return
		}
		if len(s) != 14 {
			t.Fatalf("accepted %q of length %d", s, len(s))
		}
		d := make([]int, 14)
		for i, c := range []byte(s) {
			if c < '0' || c > '9' {
				t.Fatalf("accepted non-digit in %q", s)
			}
			d[i] = int(c - '0')
		}
		if d[0] < 1 || d[0] > 6 {
			t.Fatalf("accepted century digit %d in %q", d[0], s)
		}
		year := 1800 + 100*((d[0]-1)/2) + d[5]*10 + d[6]
		date, perr := time.Parse("02012006", s[1:5]+strconv.Itoa(year))
		if perr != nil || date.Year() != year {
			t.Fatalf("accepted impossible date in %q: %v", s, perr)
		}
		sum := 0
		for i := 0; i < 13; i++ {
			sum += d[i] * []int{7, 3, 1}[i%3]
		}
		if sum%10 != d[13] {
			t.Fatalf("accepted wrong check digit in %q", s)
		}
	})
}
