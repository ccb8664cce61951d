package similarity_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/civicgraph/civicgraph/internal/similarity"
)

// themeWindows marks, for doc d, the documents Compute takes from its
// theme index: per theme of d, the ThemeBudget documents after d in ID
// order, cyclically.
func themeWindows(docs []similarity.Doc, d similarity.Doc, opt similarity.Options) map[string]bool {
	out := map[string]bool{}
	themes := slices.Compact(slices.Sorted(slices.Values(d.Themes)))
	budget := similarity.ThemeBudget(len(themes), opt)
	for _, th := range themes {
		var list []string
		for _, e := range docs {
			if slices.Contains(e.Themes, th) {
				list = append(list, e.ID)
			}
		}
		sort.Strings(list)
		list = slices.Compact(list)
		pos := sort.SearchStrings(list, d.ID)
		for k := 1; k <= min(budget, len(list)-1); k++ {
			out[list[(pos+k)%len(list)]] = true
		}
	}
	return out
}

// clusteredVectors gives docs unit vectors near one of a few topic
// directions, so that e5-like cosines (0.8–1) and the semantic part of
// the score come into play.
func clusteredVectors(docs []similarity.Doc, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 7))
	const dim = 32
	base := randUnit(r, dim)
	topics := make([][]float32, 12)
	for k := range topics {
		topics[k] = randUnit(r, dim)
	}
	for i := range docs {
		t := topics[r.IntN(len(topics))]
		v := make([]float32, dim)
		var n2 float64
		for d := range v {
			v[d] = 2*base[d] + 0.8*t[d] + 0.35*float32(r.NormFloat64())/float32(math.Sqrt(dim))
			n2 += float64(v[d]) * float64(v[d])
		}
		for d := range v {
			v[d] /= float32(math.Sqrt(n2))
		}
		docs[i].Vec = v
	}
}

// TestIncrementalEqualsCompute: one document scored by Incremental
// against Compute's candidate sources (here: every document, with its
// theme windows and all vectors offered) and the corpus statistics
// Compute derived gets exactly Compute's links — targets, scores (within
// 1e-9: sums run in another order), sub-scores, shared themes and terms.
func TestIncrementalEqualsCompute(t *testing.T) {
	for _, withVec := range []bool{false, true} {
		docs := synthetic(1500, 3)
		if withVec {
			clusteredVectors(docs, 3)
		}
		opt := similarity.Options{}
		full, _, corpus := similarity.ComputeCorpus(docs, opt)
		if corpus.N != len(docs) || len(corpus.DF) == 0 {
			t.Fatalf("corpus: N %d, %d terms", corpus.N, len(corpus.DF))
		}
		checked, links := 0, 0
		for k := 0; k < len(docs); k += 37 {
			d := docs[k]
			win := themeWindows(docs, d, opt)
			cands := make([]similarity.Candidate, 0, len(docs))
			for _, e := range docs {
				cands = append(cands, similarity.Candidate{Doc: e, InThemeWindow: win[e.ID], NearVector: true})
			}
			got, pairs := similarity.Incremental(d, cands, corpus, opt)
			want := linksFrom(full, d.ID)
			if len(pairs) != len(docs)-1 {
				t.Fatalf("%d pair scores, want %d", len(pairs), len(docs)-1)
			}
			if !sameLinks(got, want) {
				t.Fatalf("vectors %v, %s: incremental\n%+v\nwant\n%+v", withVec, d.ID, got, want)
			}
			score := map[string]float64{}
			for _, p := range pairs {
				score[p.ID] = p.Score
			}
			for _, l := range want {
				if math.Abs(score[l.To]-l.Score) > 1e-9 {
					t.Fatalf("pair score %s→%s %v, link score %v", l.From, l.To, score[l.To], l.Score)
				}
			}
			checked++
			links += len(want)
		}
		t.Logf("vectors %v: %d documents, %d links, all equal", withVec, checked, links)
	}
}

// sameLinks: same targets in the same order, scores within 1e-9, same
// shared themes and terms.
func sameLinks(a, b []similarity.Link) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.From != y.From || x.To != y.To || x.SameCity != y.SameCity ||
			math.Abs(x.Score-y.Score) > 1e-9 || math.Abs(x.TextScore-y.TextScore) > 1e-9 ||
			math.Abs(x.ThemeScore-y.ThemeScore) > 1e-9 || math.Abs(x.SemanticScore-y.SemanticScore) > 1e-9 ||
			!slices.Equal(x.SharedThemes, y.SharedThemes) || !slices.Equal(x.SharedTerms, y.SharedTerms) {
			return false
		}
	}
	return true
}

// TestQueryTerms: rarest indexed terms first, common and unique ones left
// out.
func TestQueryTerms(t *testing.T) {
	c := similarity.Corpus{N: 1000, DF: map[string]int{"garden": 3, "volunteer": 40, "citi": 900}}
	d := similarity.Doc{ID: "x", Title: "Volunteers garden", Summary: "City volunteers plant a garden of zyzzyva."}
	got := similarity.QueryTerms(d, c, similarity.Options{}, 5)
	if !slices.Equal(got, []string{"garden", "volunteers"}) {
		t.Errorf("QueryTerms = %q", got)
	}
}
