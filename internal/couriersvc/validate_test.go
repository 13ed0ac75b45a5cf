package couriersvc_test

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mycourier/mycourier/ent/courier"
	"github.com/mycourier/mycourier/internal/couriersvc"
	"github.com/mycourier/mycourier/internal/couriersvc/searchkey"
	"github.com/mycourier/mycourier/internal/pinfl"
)

func TestCheckPINFL(t *testing.T) {
	valid, _ := pinfl.Make(time.Date(1995, 3, 14, 0, 0, 0, 0, time.UTC), pinfl.Male, 123456)
	wrongCheck := valid[:13] + string('0'+(valid[13]-'0'+1)%10)
	for _, tc := range []struct {
		name, in, key string
	}{
		{"valid", valid, ""},
		{"empty", "", "validation.required"},
		{"wrong check digit", wrongCheck, "pinfl.checksum"},
		{"impossible date 31.02", "33102950000001", "pinfl.birthDate"},
		{"bad century digit 7", "71403951234561", "pinfl.centurySex"},
		{"bad century digit 0", "01403951234561", "pinfl.centurySex"},
		{"too short", valid[:13], "pinfl.length"},
		{"too long", valid + "1", "pinfl.length"},
		{"letters", valid[:5] + "AB" + valid[7:], "pinfl.notDigits"},
		{"spaces inside", valid[:7] + " " + valid[8:], "pinfl.notDigits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if e := couriersvc.CheckPINFL(tc.in); e != nil {
				got = e.Key
			}
			if got != tc.key {
				t.Errorf("CheckPINFL(%q): got %q, want %q", tc.in, got, tc.key)
			}
		})
	}
}

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct{ in, want, key string }{
		{"90 123 45 67", "+998901234567", ""},
		{"+998 (90) 123-45-67", "+998901234567", ""},
		{"998901234567", "+998901234567", ""},
		{"00998901234567", "+998901234567", ""},
		{"+998.90.123.45.67", "+998901234567", ""},
		{"", "", "validation.required"},
		{"+7 900 123 45 67", "", "phone.countryCode"},
		{"90 123 45 6", "", "phone.length"},
		{"90-123-45-67 ext", "", "phone.characters"},
		{"0 123 45 67 8", "", "phone.length"},
	} {
		got, e := couriersvc.NormalizePhone(tc.in)
		key := ""
		if e != nil {
			key = e.Key
		}
		if got != tc.want || key != tc.key {
			t.Errorf("NormalizePhone(%q): got %q/%q, want %q/%q", tc.in, got, key, tc.want, tc.key)
		}
	}
}

func TestNormalizePlate(t *testing.T) {
	car, moto, foot := courier.TransportTypeCar, courier.TransportTypeMoto, courier.TransportTypeFoot
	for _, tc := range []struct {
		in   string
		t    courier.TransportType
		want string
		key  string
	}{
		{"01 A 123 BC", car, "01A123BC", ""},
		{"01a123bc", car, "01A123BC", ""},
		{"10 123 ABC", car, "10123ABC", ""},
		{"95-B-456-CD", car, "95B456CD", ""},
		{"01 A 1234", moto, "01A1234", ""},
		{"30 AB 1234", moto, "30AB1234", ""},
		{"", car, "", "vehiclePlate.required"},
		{"00 A 123 BC", car, "", "vehiclePlate.format"},
		{"01 А 123 ВС", car, "", "vehiclePlate.format"}, // Cyrillic look-alikes
		{"A 123 BC 01", car, "", "vehiclePlate.format"},
		{"01A1234", car, "", "vehiclePlate.format"},
		{"01A123BC", foot, "", "vehiclePlate.notApplicable"},
		{"", foot, "", ""},
	} {
		got, e := couriersvc.NormalizePlate(tc.in, tc.t)
		key := ""
		if e != nil {
			key = e.Key
		}
		if got != tc.want || key != tc.key {
			t.Errorf("NormalizePlate(%q, %s): got %q/%q, want %q/%q", tc.in, tc.t, got, key, tc.want, tc.key)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	for _, tc := range []struct{ in, want, key string }{
		{"  Каримов  ", "Каримов", ""},
		{"Ahmedov", "Ahmedov", ""},
		{"Ўринбоев", "Ўринбоев", ""},
		{"O‘g‘li", "O‘g‘li", ""},
		{"Петров-Водкин", "Петров-Водкин", ""},
		{"Abdulla  Ogli", "Abdulla Ogli", ""},
		{"", "", "validation.required"},
		{"A", "", "validation.tooShort"},
		{strings.Repeat("а", 101), "", "validation.tooLong"},
		{"Kарим", "", "name.mixedScript"}, // Latin K
		{"Karim2", "", "name.invalidChars"},
		{"Karim!", "", "name.invalidChars"},
		{"--", "", "name.invalidChars"},
		{"Ka-", "", "name.invalidChars"},
		{"كريم", "", "name.invalidChars"},
		// The edges: 2 letters and 100 characters are accepted.
		{"Ли", "Ли", ""},
		{strings.Repeat("а", 100), strings.Repeat("а", 100), ""},
		// A hyphen or apostrophe may not start a name or follow a separator.
		{"'Karim", "", "name.invalidChars"},
		{"-Karim", "", "name.invalidChars"},
		{"Ka--ya", "", "name.invalidChars"},
		{"Петров -Водкин", "", "name.invalidChars"},
	} {
		got, e := couriersvc.NormalizeName(tc.in, true)
		key := ""
		if e != nil {
			key = e.Key
		}
		if got != tc.want || key != tc.key {
			t.Errorf("NormalizeName(%q): got %q/%q, want %q/%q", tc.in, got, key, tc.want, tc.key)
		}
	}
}

func TestCheckBirthDate(t *testing.T) {
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	pin, _ := pinfl.Make(time.Date(1995, 3, 14, 0, 0, 0, 0, time.UTC), pinfl.Male, 1)
	other := time.Date(1995, 3, 15, 0, 0, 0, 0, time.UTC)
	if _, e := couriersvc.CheckBirthDate(&other, pin, true, now); e == nil || e.Key != "birthDate.pinflMismatch" {
		t.Errorf("mismatch: got %v", e)
	}
	young, _ := pinfl.Make(time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), pinfl.Female, 1)
	if _, e := couriersvc.CheckBirthDate(nil, young, true, now); e == nil || e.Key != "birthDate.age" {
		t.Errorf("16-year-old: got %v", e)
	}
	// The age limits are inclusive: 18 and 75 on the day of the check.
	for _, tc := range []struct {
		birth time.Time
		ok    bool
	}{
		{time.Date(2008, 11, 25, 0, 0, 0, 0, time.UTC), true},  // 18 today
		{time.Date(2008, 11, 26, 0, 0, 0, 0, time.UTC), false}, // 18 tomorrow
		{time.Date(1951, 11, 25, 0, 0, 0, 0, time.UTC), true},  // 75 today
		{time.Date(1950, 11, 26, 0, 0, 0, 0, time.UTC), true},  // 76 tomorrow
		{time.Date(1950, 11, 25, 0, 0, 0, 0, time.UTC), false}, // 76 today
	} {
		birth := tc.birth
		if _, e := couriersvc.CheckBirthDate(&birth, "", false, now); (e == nil) != tc.ok {
			t.Errorf("born %s, checked %s: error %v, want accepted %v", birth.Format(time.DateOnly), now.Format(time.DateOnly), e, tc.ok)
		}
	}
	d, e := couriersvc.CheckBirthDate(nil, pin, true, now)
	if e != nil || d.Format("2006-01-02") != "1995-03-14" {
		t.Errorf("from PINFL: got %v %v", d, e)
	}
}

func TestSearchKeyFoldsAlphabets(t *testing.T) {
	for _, pair := range [][2]string{
		{"Хасанов", "Xasanov"}, {"Хасанов", "Khasanov"}, {"ШЕРЗОД", "sherzod"},
		{"Жураев", "Zhuraev"}, {"Ғуломов", "G‘ulomov"}, {"Тошпўлатов", "Toshpo'latov"},
	} {
		if a, b := searchkey.Fold(pair[0]), searchkey.Fold(pair[1]); a != b {
			t.Errorf("Fold(%q) = %q, Fold(%q) = %q: want equal", pair[0], a, pair[1], b)
		}
	}
}

var (
	digits14 = regexp.MustCompile(`^[0-9]{14}$`)
	e164     = regexp.MustCompile(`^\+998[1-9][0-9]{8}$`)
	plateOK  = regexp.MustCompile(`^[0-9]{2}[A-Z0-9]{4,6}$`)
)

// validInputs builds from r one valid value of each validated field, as a
// user may type it, with what it must normalize to: the converse of the
// fuzz target's "accepted input obeys the rules".
type validInputs struct {
	pinfl            string
	phone, phoneWant string
	car, carWant     string
	moto, motoWant   string
	name, nameWant   string
}

func buildValid(r *rand.Rand) validInputs {
	var v validInputs
	// PINFL: century digit, a real date DDMMYY (day ≤ 28 keeps every
	// month real; the pinfl package's fuzz covers month ends), serial,
	// check digit with weights 7,3,1.
	first := 1 + r.IntN(6)
	p := fmt.Sprintf("%d%02d%02d%02d%06d", first, 1+r.IntN(28), 1+r.IntN(12), r.IntN(100), r.IntN(1000000))
	sum := 0
	for i, c := range p {
		sum += int(c-'0') * []int{7, 3, 1}[i%3]
	}
	v.pinfl = p + strconv.Itoa(sum%10)

	// Phone: nine digits, the first not 0, in a common spelling.
	d := strconv.Itoa(1+r.IntN(9)) + fmt.Sprintf("%08d", r.IntN(100000000))
	v.phoneWant = "+998" + d
	v.phone = []string{d[:2] + " " + d[2:5] + " " + d[5:7] + " " + d[7:], "+998 (" + d[:2] + ") " + d[2:5] + "-" + d[5:7] + "-" + d[7:], "998" + d, "+998" + d, d}[r.IntN(5)]

	// Plates: a region 01–99, then a car's "A123BC" or "123ABC", a moto's
	// "A1234", "AB1234" or "1234AB"; typed in any case, with spaces or
	// hyphens between the groups.
	letter := func() string { return string(rune('A' + r.IntN(26))) }
	num := func(n int) string { return fmt.Sprintf("%0*d", n, r.IntN(pow10(n))) }
	region := fmt.Sprintf("%02d", 1+r.IntN(99))
	sep := func() string { return []string{"", " ", "-", "  "}[r.IntN(4)] }
	lower := func(s string) string {
		if r.IntN(2) == 0 {
			return strings.ToLower(s)
		}
		return s
	}
	car := [][]string{{region, letter(), num(3), letter() + letter()}, {region, num(3), letter() + letter() + letter()}}[r.IntN(2)]
	moto := [][]string{{region, letter(), num(4)}, {region, letter() + letter(), num(4)}, {region, num(4), letter() + letter()}}[r.IntN(3)]
	for _, g := range car {
		v.car += lower(g) + sep()
		v.carWant += g
	}
	for _, g := range moto {
		v.moto += sep() + lower(g)
		v.motoWant += g
	}

	// Name: one alphabet, one to three words of letters joined by a space
	// or a hyphen, an apostrophe inside a word now and then (O‘g‘li).
	alphabet := []rune("abcdefghijklmnopqrstuvwxyz")
	if r.IntN(2) == 0 {
		alphabet = []rune("абвгдеёжзийклмнопрстуфхцчшщъыьэюяўқғҳ")
	}
	var words []string
	for range 1 + r.IntN(3) {
		w := []rune{unicode.ToUpper(alphabet[r.IntN(len(alphabet))])}
		for range 1 + r.IntN(10) {
			w = append(w, alphabet[r.IntN(len(alphabet))])
		}
		if r.IntN(4) == 0 {
			w = append(w[:1], append([]rune{[]rune("'ʻʼ‘’`")[r.IntN(6)]}, w[1:]...)...)
		}
		words = append(words, string(w))
	}
	joiner := []string{" ", "-"}[r.IntN(2)]
	v.nameWant = strings.Join(words, joiner)
	v.name = "  " + v.nameWant + " "
	if joiner == " " { // inner runs of space collapse
		v.name = " " + strings.Join(words, "   ") + "\t"
	}
	return v
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

// FuzzValidators: the validators never panic, what they accept obeys the
// rules independently restated here, and (the converse, so that a validator
// refusing everything fails) valid values built from the input are accepted
// and normalized as expected.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{"31403950000011", "90 123 45 67", "+998 (90) 123-45-67", "01 A 123 BC", "Каримов", "O‘g‘li", "", "\xff\xfe", "00998901234567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h := fnv.New64a()
		_, _ = h.Write([]byte(s))
		v := buildValid(rand.New(rand.NewPCG(h.Sum64(), uint64(len(s)))))
		if err := couriersvc.CheckPINFL(v.pinfl); err != nil {
			t.Fatalf("CheckPINFL(%q) = %v; built by the rules from %q", v.pinfl, err, s)
		}
		if got, err := couriersvc.NormalizePhone(v.phone); err != nil || got != v.phoneWant {
			t.Fatalf("NormalizePhone(%q) = %q, %v; want %q", v.phone, got, err, v.phoneWant)
		}
		if got, err := couriersvc.NormalizePlate(v.car, courier.TransportTypeCar); err != nil || got != v.carWant {
			t.Fatalf("NormalizePlate(%q, car) = %q, %v; want %q", v.car, got, err, v.carWant)
		}
		if got, err := couriersvc.NormalizePlate(v.moto, courier.TransportTypeMoto); err != nil || got != v.motoWant {
			t.Fatalf("NormalizePlate(%q, moto) = %q, %v; want %q", v.moto, got, err, v.motoWant)
		}
		if got, err := couriersvc.NormalizeName(v.name, true); err != nil || got != v.nameWant {
			t.Fatalf("NormalizeName(%q) = %q, %v; want %q", v.name, got, err, v.nameWant)
		}
		if couriersvc.CheckPINFL(s) == nil {
			if !digits14.MatchString(s) || s[0] < '1' || s[0] > '6' {
				t.Fatalf("accepted PINFL %q", s)
			}
			sum := 0
			w := []int{7, 3, 1}
			for i := 0; i < 13; i++ {
				sum += int(s[i]-'0') * w[i%3]
			}
			if int(s[13]-'0') != sum%10 {
				t.Fatalf("accepted PINFL %q with a wrong check digit", s)
			}
			if _, err := time.Parse("020106", s[1:7]); err != nil {
				t.Fatalf("accepted PINFL %q with no real date", s)
			}
		}
		if p, e := couriersvc.NormalizePhone(s); e == nil && !e164.MatchString(p) {
			t.Fatalf("NormalizePhone(%q) = %q, not E.164 +998", s, p)
		}
		for _, tt := range []courier.TransportType{courier.TransportTypeCar, courier.TransportTypeMoto} {
			if p, e := couriersvc.NormalizePlate(s, tt); e == nil && (!plateOK.MatchString(p) || p[:2] == "00") {
				t.Fatalf("NormalizePlate(%q) = %q", s, p)
			}
		}
		if n, e := couriersvc.NormalizeName(s, true); e == nil {
			if !utf8.ValidString(n) || n != strings.TrimSpace(n) || utf8.RuneCountInString(n) < 2 || utf8.RuneCountInString(n) > 100 {
				t.Fatalf("NormalizeName(%q) = %q", s, n)
			}
			for _, r := range n {
				if strings.ContainsRune("0123456789!@#$%^&*()_=+[]{};:\",.<>/?\\|\t\n", r) {
					t.Fatalf("NormalizeName(%q) kept %q", s, r)
				}
			}
		}
		_ = searchkey.Fold(s)
	})
}
