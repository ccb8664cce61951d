package themes

import (
	"unicode"

	"github.com/civicgraph/civicgraph/internal/textfold"
)

// Fold lowercases s, removes diacritics ("Bürger" → "burger", "Skåne" →
// "skane") and turns curly quotes and typographic dashes into their ASCII
// forms (see textfold). Keywords and text go through the same function, so
// a taxonomy author may write either spelling.
func Fold(s string) string { return textfold.Fold(s) }

// Tokens folds s and splits it into words: runs of letters and digits.
// An apostrophe does not split a word, and a possessive "'s" is dropped
// ("citizens’" → "citizens", "city's" → "city"); every other character
// separates words, so "COVID-19" gives "covid", "19".
func Tokens(s string) []string {
	rs := []rune(Fold(s))
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case isWord(r):
			cur = append(cur, r)
		case r == '\'':
			if len(cur) > 0 && i+1 < len(rs) && rs[i+1] == 's' && (i+2 == len(rs) || !isWord(rs[i+2])) {
				i++ // possessive 's
			}
		default:
			flush()
		}
	}
	flush()
	return out
}
