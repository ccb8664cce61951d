package themes

import (
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
	var out []string
	textfold.Words(Fold(s), func(w string) { out = append(out, w) })
	return out
}
