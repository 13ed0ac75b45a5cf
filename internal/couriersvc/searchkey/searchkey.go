// Package searchkey folds courier names and phones into one lower-case Latin
// string, so a search typed in Cyrillic or Latin, in any case, finds the same
// courier. The ent schema keeps couriers.search_key current on every write
// and the search folds its query the same way.
package searchkey

import (
	"strings"
	"unicode"
)

// cyr maps Russian and Uzbek Cyrillic letters to the Latin spelling Uzbek
// documents use (х → x, ж → j), so "Хасанов" and "Xasanov" fold alike.
var cyr = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo", 'ж': "j",
	'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "x", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "sh", 'ъ': "", 'ы': "i", 'ь': "", 'э': "e", 'ю': "yu",
	'я': "ya", 'ў': "o", 'қ': "q", 'ғ': "g", 'ҳ': "h",
}

// latin folds spellings that differ between Russian-style and Uzbek Latin
// transliterations of the same name.
var latin = strings.NewReplacer("kh", "x", "zh", "j", "o'", "o", "g'", "g")

// Fold returns s in the folded form: lower case, Cyrillic transliterated,
// apostrophes and punctuation dropped, runs of space collapsed.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range strings.ToLower(s) {
		switch {
		case r == 'ʻ' || r == 'ʼ' || r == '’' || r == '‘' || r == '`':
			b.WriteByte('\'')
			space = false
		case r == '\'':
			b.WriteByte('\'')
			space = false
		case cyr[r] != "" || r == 'ъ' || r == 'ь':
			b.WriteString(cyr[r])
			space = false
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			space = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	out := latin.Replace(strings.TrimSpace(b.String()))
	return strings.ReplaceAll(out, "'", "")
}

// Key is the search key of a courier: the folded name parts, then the
// phone's digits (without the +), separated by spaces.
func Key(lastName, firstName, middleName, phone string) string {
	parts := []string{Fold(lastName), Fold(firstName), Fold(middleName), Digits(phone)}
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// Digits keeps only the ASCII digits of s.
func Digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
