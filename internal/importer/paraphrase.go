package importer

import (
	"math"
	"slices"
	"strings"
)

// Paraphrase matching of untitled descriptions. The showroom prints the
// same initiative's description in different words on different pages
// ("Area Hosts and Lighthouse Keepers guide residents through …" /
// "Lighthouse Keepers and Area Hosts accompany residents through …"), so
// an untitled description that matches no summary exactly may still be
// a titled initiative's. It joins that initiative when the TF-IDF cosine
// of its words with the initiative's title and summaries is at least
// paraphraseMin and at least paraphraseMargin times the next best
// initiative's: one clear twin, else it stays apart (never a guess).
// Measured on the showroom: true twins score 0.36–0.64 with the runner-up
// at 0.08–0.16; the best non-twin scores 0.26.
const (
	paraphraseMin    = 0.33
	paraphraseMargin = 2.5
	// paraphraseMaxDF: words in more groups than this carry almost no
	// weight and are skipped when gathering candidates, so the work stays
	// linear in the data.
	paraphraseMaxDF = 2000
)

// stopParaphrase are function words left out of the vectors.
var stopParaphrase = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the and for with that this from into their they them have has are was were its our
	your who which while through across more also than other over under about been will can each every such onto upon
	both most many some very all out not but new how what when where one two three der die das und les des une pour`) {
		m[w] = true
	}
	return m
}()

func paraphraseTerms(s string) []string {
	var out []string
	for _, w := range strings.Fields(fold(s)) {
		if len(w) > 2 && !stopParaphrase[w] {
			out = append(out, w)
		}
	}
	return out
}

// joinParaphrases unions each untitled group with its one clear titled
// twin and returns how many untitled descriptions it joined.
func joinParaphrases(occ []*occurrence, uf unionFind, dropped []bool) int {
	// Groups as they stand: text and whether they have a title.
	type group struct {
		root      int
		titled    bool
		text      strings.Builder
		vec       map[string]float64
		countries map[string]bool // countries its pages or entries state
	}
	byRoot := map[int]*group{}
	var order []*group
	for i, o := range occ {
		if dropped[i] {
			continue
		}
		r := uf.find(i)
		g := byRoot[r]
		if g == nil {
			g = &group{root: r}
			byRoot[r] = g
			order = append(order, g)
		}
		if o.titled() {
			g.titled = true
			g.text.WriteString(o.e.Title + " ")
		}
		for _, c := range []string{o.page.Facts.CountryName, o.e.CountryName} {
			if c = fold(c); c != "" {
				if g.countries == nil {
					g.countries = map[string]bool{}
				}
				g.countries[c] = true
			}
		}
		g.text.WriteString(o.e.Summary + " ")
	}
	slices.SortFunc(order, func(a, b *group) int { return a.root - b.root })
	df := map[string]int{}
	terms := make([][]string, len(order))
	for k, g := range order {
		terms[k] = paraphraseTerms(g.text.String())
		seen := map[string]bool{}
		for _, t := range terms[k] {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	n := float64(len(order))
	postings := map[string][]int{} // term → titled groups
	for k, g := range order {
		tf := map[string]int{}
		for _, t := range terms[k] {
			tf[t]++
		}
		g.vec = make(map[string]float64, len(tf))
		norm := 0.0
		for t, c := range tf {
			w := (1 + math.Log(float64(c))) * math.Log(n/float64(df[t]))
			g.vec[t] = w
			norm += w * w
		}
		norm = math.Sqrt(norm)
		for t := range g.vec {
			if norm > 0 {
				g.vec[t] /= norm
			}
			if g.titled && df[t] <= paraphraseMaxDF {
				postings[t] = append(postings[t], k)
			}
		}
	}
	joined := 0
	for _, g := range order {
		if g.titled || len(g.vec) == 0 {
			continue
		}
		score := map[int]float64{}
		for t, w := range g.vec {
			for _, k := range postings[t] {
				score[k] += w * order[k].vec[t]
			}
		}
		best, second, bestK := 0.0, 0.0, -1
		for k, s := range score {
			switch {
			case s > best || (s == best && k < bestK):
				best, second, bestK = s, best, k
			case s > second:
				second = s
			}
		}
		if bestK < 0 || best < paraphraseMin || best < paraphraseMargin*second {
			continue
		}
		// Pages stating different countries are two initiatives, however
		// alike their words (one model copied in another country).
		if conflict(g.countries, order[bestK].countries) {
			continue
		}
		for i, o := range occ {
			if !dropped[i] && uf.find(i) == g.root && o.e.Title == "" && o.e.Summary != "" {
				joined++
			}
		}
		uf.union(g.root, order[bestK].root)
	}
	return joined
}

// conflict reports whether two groups' stated countries disagree (both
// state some, and none in common).
func conflict(a, b map[string]bool) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	for c := range a {
		if b[c] {
			return false
		}
	}
	return true
}
