// Package textfold is the one place that says how civicgraph compares
// text: lower case, no diacritics, typographic punctuation made ASCII.
// Search keys, theme keywords, similarity terms and sort keys all use it,
// so "Łódź", "LODZ" and "lodz" are the same word everywhere.
package textfold

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// special spells out letters that Unicode decomposition does not reduce to
// a base letter plus a combining mark.
var special = map[rune]string{
	'ß': "ss", 'æ': "ae", 'ø': "o", 'œ': "oe", 'ł': "l", 'đ': "d", 'ð': "d",
	'þ': "th", 'ı': "i", 'ŀ': "l",
}

// Fold lowercases s, removes diacritics ("Bürger" → "burger", "Łódź" →
// "lodz") and turns curly quotes and typographic dashes into their ASCII
// forms. ASCII input is only lowercased.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	lower := strings.ToLower(s)
	if ascii {
		return lower
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, lower)
	if err != nil {
		folded = lower
	}
	var b strings.Builder
	b.Grow(len(folded))
	for _, r := range folded {
		switch r {
		case '’', '‘', '‚', '‛', '`', '´', 'ʼ':
			b.WriteByte('\'')
		case '“', '”', '„', '«', '»':
			b.WriteByte('"')
		case '–', '—', '‐', '‑', '−':
			b.WriteByte('-')
		default:
			if m, ok := special[r]; ok {
				b.WriteString(m)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// Words calls emit for every word of s, in order: a run of letters and
// digits. An apostrophe (', ’ or ʼ) does not split a word and is left out,
// and a possessive "'s" goes with it ("citizens’" → "citizens", "city's" →
// "city"); every other character separates words, so "COVID-19" gives
// "COVID", "19". s is split as given: fold it first to compare words.
func Words(s string, emit func(word string)) {
	rs := []rune(s)
	var word []rune
	flush := func() {
		if len(word) > 0 {
			emit(string(word))
			word = word[:0]
		}
	}
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case isWordRune(r):
			word = append(word, r)
		case r == '\'' || r == '’' || r == 'ʼ':
			if len(word) > 0 && i+1 < len(rs) && rs[i+1] == 's' && (i+2 == len(rs) || !isWordRune(rs[i+2])) {
				i++ // possessive 's
			}
		default:
			flush()
		}
	}
	flush()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
