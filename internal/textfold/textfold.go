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
// a base letter plus a combining mark (lower case; FoldRune lowers first).
var special = map[rune]string{
	'ß': "ss", 'æ': "ae", 'ø': "o", 'œ': "oe", 'ł': "l", 'đ': "d", 'ð': "d",
	'þ': "th", 'ı': "i", 'ŀ': "l", 'ħ': "h",
}

// FoldRune folds one letter the way Fold does: lower case, canonically
// decomposed without combining marks, and the letters of special spelled
// out. It is the one letter folding of civicgraph: Fold, Key, the
// importer's comparisons and the gazetteer's place-name keys all build on
// it.
func FoldRune(r rune) string {
	r = unicode.ToLower(r)
	if m, ok := special[r]; ok {
		return m
	}
	if r < 0x80 {
		return string(r)
	}
	var b strings.Builder
	for _, x := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, x) {
			continue
		}
		x = unicode.ToLower(x)
		if m, ok := special[x]; ok {
			b.WriteString(m)
		} else {
			b.WriteRune(x)
		}
	}
	return b.String()
}

// WordForm is the folded word form of s: its words (letters and digits,
// FoldRune'd) separated by single spaces; apostrophes join ("citizen’s" →
// "citizens"); every other character separates. Comparisons in the
// importer (titles, summaries, paraphrases) use it. s is first put in
// compatibility decomposition (NFKD), so "ﬁ" reads "fi" and "CO²" "co2".
func WordForm(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // no leading space
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			f := FoldRune(r)
			for _, x := range f {
				if unicode.IsLetter(x) || unicode.IsDigit(x) {
					b.WriteRune(x)
					space = false
				} else if !space { // "½" folds to "1⁄2": a separator inside
					b.WriteByte(' ')
					space = true
				}
			}
		case r == '’' || r == '‘' || r == '\'' || r == '`' || r == '´' || r == 'ʼ':
			// apostrophes join the word
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// Key is the stable key of a title, the one rule for initiative keys
// (import, curation, the API's IDs): WordForm with hyphens for spaces, so
// "Bristol’s First Citizens’ Assembly" is "bristols-first-citizens-assembly"
// and "Ærø Straße" "aero-strasse". Letters of every script are kept
// (folded); punctuation, symbols and emoji separate words. The empty
// string means the title has no letter or digit.
func Key(title string) string { return strings.ReplaceAll(WordForm(title), " ", "-") }

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
