package neo4jdb

import (
	"strings"
	"unicode"

	"github.com/civicgraph/civicgraph/internal/textfold"
)

// luceneSpecial are the characters Lucene's query parser treats specially.
const luceneSpecial = `+-&|!(){}[]^"~*?:\/`

// EscapeLucene escapes every Lucene query-syntax character in s, so user
// input is always searched as text.
func EscapeLucene(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(luceneSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// maxQueryTerms bounds the work one search request can ask for.
const maxQueryTerms = 12

// queryTerms splits user input into words (letters and digits), folded to
// lower-case ASCII where possible, at most maxQueryTerms.
func queryTerms(q string) []string {
	words := strings.FieldsFunc(Fold(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	seen := map[string]bool{}
	var out []string
	for _, w := range words {
		if seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == maxQueryTerms {
			break
		}
	}
	return out
}

// fuzzyMinLen is the shortest word matched within one edit: shorter
// words have too many neighbours one edit away ("flood" ~ "blood",
// "food").
const fuzzyMinLen = 6

// LuceneQuery turns user input into a Lucene query for the
// standard-folding analyzer (see the hybrid search rule in search.go):
// every content word is a SHOULD clause (exact, boosted; the last word
// also as a prefix; words of fuzzyMinLen letters or more also within one
// edit, weakly), and with several words a clause requiring all of them
// and a phrase clause add to the score of hits that have them all, so
// ranking prefers them while a missing word never empties the result.
// Words are escaped, so no user input reaches the query parser as
// syntax. "" when the input has no content words.
func LuceneQuery(q string) string {
	terms := contentTerms(queryTerms(q))
	if len(terms) == 0 {
		return ""
	}
	parts := make([]string, 0, len(terms)+2)
	esc := make([]string, len(terms))
	for k, t := range terms {
		e := EscapeLucene(t)
		esc[k] = e
		alt := []string{e + "^3"}
		if k == len(terms)-1 && len([]rune(t)) >= 3 {
			alt = append(alt, e+"*^1.5")
		}
		if len([]rune(t)) >= fuzzyMinLen {
			alt = append(alt, e+"~1^0.5")
		}
		parts = append(parts, "("+strings.Join(alt, " OR ")+")")
	}
	if len(terms) > 1 {
		parts = append(parts, "("+strings.Join(esc, " AND ")+")^4", `"`+strings.Join(esc, " ")+`"^6`)
	}
	return strings.Join(parts, " OR ")
}

// withRenderings adds to a Lucene query (LuceneQuery's, possibly "") a
// SHOULD clause per English rendering of a foreign query word: one word
// exactly, several as a phrase within two positions. Boosted below the
// query's own words, which rank first where they match.
func withRenderings(q string, renderings []string) string {
	parts := []string{}
	if q != "" {
		parts = append(parts, q)
	}
	for _, r := range renderings {
		terms := contentTerms(queryTerms(r))
		esc := make([]string, len(terms))
		for k, t := range terms {
			esc[k] = EscapeLucene(t)
		}
		switch len(esc) {
		case 0:
		case 1:
			parts = append(parts, esc[0]+"^2")
		default:
			parts = append(parts, `"`+strings.Join(esc, " ")+`"~2^3`)
		}
	}
	return strings.Join(parts, " OR ")
}

// Fold lower-cases s and removes diacritics: "Łódź" → "lodz".
func Fold(s string) string { return strings.TrimSpace(textfold.Fold(s)) }
