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

// LuceneQuery turns user input into a Lucene query for the
// standard-folding analyzer: every word must match (AND), exactly (boosted),
// as a prefix (for search-as-you-type) or within one edit (typos; words
// of five letters or more). Words are escaped, so no user input reaches
// the query parser as syntax.
func LuceneQuery(q string) string {
	terms := queryTerms(q)
	parts := make([]string, 0, len(terms))
	for _, t := range terms {
		e := EscapeLucene(t)
		alt := []string{e + "^3", e + "*^1.5"}
		if len([]rune(t)) >= 5 {
			alt = append(alt, e+"~1")
		}
		parts = append(parts, "("+strings.Join(alt, " OR ")+")")
	}
	return strings.Join(parts, " AND ")
}

// matchedTerms returns the query terms found in text (folded, as a word
// prefix), for highlighting.
func matchedTerms(terms []string, text string) []string {
	words := strings.FieldsFunc(Fold(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := []string{}
	for _, t := range terms {
		for _, w := range words {
			if strings.HasPrefix(w, t) {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// Fold lower-cases s and removes diacritics: "Łódź" → "lodz".
func Fold(s string) string { return strings.TrimSpace(textfold.Fold(s)) }
