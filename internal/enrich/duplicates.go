package enrich

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/themes"
)

// Duplicate is a pair of initiatives that may be the same one.
type Duplicate struct {
	A, B string // titles
	Why  string
}

// Thresholds for SuspectedDuplicates (token Jaccard).
const (
	dupTitle   = 0.75
	dupSummary = 0.8
	// maxPosting bounds the candidates one shingle can generate, keeping
	// the check near-linear on large imports.
	maxPosting = 50
)

// SuspectedDuplicates finds pairs with near-identical titles or
// summaries. Candidates come from shared word pairs (an inverted index
// with a cap on frequent ones), so it is not all-pairs.
func SuspectedDuplicates(ins []*domain.Initiative) []Duplicate {
	type doc struct {
		title, summary map[string]bool
	}
	docs := make([]doc, len(ins))
	index := map[string][]int{}
	for i, in := range ins {
		docs[i] = doc{title: tokenSet(in.Title), summary: tokenSet(in.Summary)}
		seen := map[string]bool{}
		for _, sh := range shingles(in.Title + " . " + in.Summary) {
			if !seen[sh] {
				seen[sh] = true
				index[sh] = append(index[sh], i)
			}
		}
	}
	pairs := map[[2]int]bool{}
	for _, post := range index {
		if len(post) > maxPosting {
			continue
		}
		for a := 0; a < len(post); a++ {
			for b := a + 1; b < len(post); b++ {
				pairs[[2]int{post[a], post[b]}] = true
			}
		}
	}
	var out []Duplicate
	for p := range pairs {
		a, b := docs[p[0]], docs[p[1]]
		tj, sj := jaccard(a.title, b.title), jaccard(a.summary, b.summary)
		switch {
		case len(a.summary) > 3 && sj >= dupSummary:
			out = append(out, Duplicate{A: ins[p[0]].Title, B: ins[p[1]].Title, Why: fmt.Sprintf("summaries %.0f%% alike", 100*sj)})
		case len(a.title) > 1 && tj >= dupTitle:
			out = append(out, Duplicate{A: ins[p[0]].Title, B: ins[p[1]].Title, Why: fmt.Sprintf("titles %.0f%% alike", 100*tj)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].A != out[j].A {
			return out[i].A < out[j].A
		}
		return out[i].B < out[j].B
	})
	return out
}

func words(s string) []string {
	return strings.FieldsFunc(themes.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func tokenSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words(s) {
		m[w] = true
	}
	return m
}

func shingles(s string) []string {
	ws := words(s)
	out := make([]string, 0, len(ws))
	for i := 0; i+1 < len(ws); i++ {
		out = append(out, ws[i]+" "+ws[i+1])
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for k := range a {
		if b[k] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
