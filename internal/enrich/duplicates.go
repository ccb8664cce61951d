package enrich

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/textfold"
)

// Near-duplicate initiatives: the showroom publishes one initiative under
// reworded descriptions (an untitled paraphrase beside the titled entry,
// two titles for one project), and the importer, which only matches
// identical or cut text, keeps them apart. MergeDuplicates finds them by
// meaning and merges the certain ones.
//
// # The rule
//
// A pair is compared by the cosine of its descriptions (the summaries
// embedded alone: a title such as "#GDAŃSKPOMAGA" pulls the title+summary
// passage away from its own paraphrase), the cosine of its passages
// (title + summary, what search and similarity use), its places and its
// titles. It is certain — and merged — when no place conflicts (two known
// cities differ, or two known countries differ) and either
//
//   - R1, reworded description: description cosine ≥ DescriptionCertain,
//     or ≥ DescriptionNearest when the two are each other's nearest
//     description and both lead their second nearest by NearestMargin (a
//     rewording is far closer to its twin than to anything else), and the
//     titles do not contradict it: one of them is derived from the summary
//     (an untitled description), or the titles overlap (TitleOverlap); or
//   - R2, one project under two titles: both titled, passage cosine ≥
//     PassageCertain, titles overlapping (TitleOverlap) with at least one
//     shared distinctive title word.
//
// Everything else that comes close is uncertain and only reported: a
// description cosine ≥ DescriptionUncertain, a passage cosine ≥
// PassageUncertain, overlapping titles with a passage cosine ≥
// TitleUncertainPassage, and every pair that would be certain but for a
// place conflict.
//
// Measured on the showroom (449 initiatives after enrichment, 100 576
// pairs, multilingual-e5-small): description cosines of unrelated pairs
// peak at 0.79; the highest pair that is not a rewording is 0.919 (two
// urban projects in two countries); the 12 reworded pairs lie at
// 0.955–0.987 with nothing in between, so 0.94 sits in the gap; the best
// match of every other untitled description is at most 0.908, so the
// clear-nearest part (from 0.92) adds nothing there — it is for looser
// paraphrases elsewhere (a test fixture at 0.938 whose next nearest is
// 0.056 behind). Passage cosines of two titled entries of one project
// (Plovdiv's school digitalisation) reach 0.972, while a city's
// participatory budget and its youth budget (titles 80 % alike by words,
// the same city) reach 0.937, hence 0.955.
// A pair between the two (the same flat-share project under two titles,
// 0.945) stays uncertain, for a curator.
//
// # Candidates
//
// Up to ExactLimit (2000) initiatives every pair is scored: n²/2 pairs of
// two dot products, 0.1 M pairs on the showroom (under 0.1 s), 2 M at
// 2000 (1000 took 0.15–0.65 s on this shared, loaded 2-core machine).
// Above it, candidates come from an inverted-file partition (IVF): the
// description vectors are centred on their mean (e5's vectors share one narrow cone;
// centred, unrelated pairs are near-orthogonal), k = 4·√(n/2) centroids
// are drawn from a seeded sample and refined by two k-means rounds, each
// initiative joins the cells of its 4 nearest centroids, and pairs are
// scored within cells only; a block per distinctive title word (postings
// capped at maxPosting) adds pairs whose descriptions differ (R2). The
// assignment costs n·k dot products and the cells about 16·n²/(2k) pairs,
// so the work grows as n^1.5, not n². Measured on synthetic vectors in a
// cone like e5's (BenchmarkMergeDuplicates; no cluster structure, the
// hard case for a partition): 10 000 initiatives in 2.3–7.0 s (the
// machine's load varied) with every planted copy found; 30 000 scored 3 %
// of all pairs and found 299 of 300 copies.
// Random-hyperplane LSH was tried first and missed one of the showroom's
// certain pairs (16 bands × 12 bits): a certain pair's centred cosine can
// be as low as 0.73, a per-bit collision probability of 0.76 against 0.5
// for unrelated pairs, so high recall needs hundreds of bands at 100k.
// Under IVF the "nearest description" of R1 is the nearest among the
// pairs scored. Forced through the IVF path, the showroom gives the same
// merges and uncertain pairs as the exact one (a test checks it).
//
// # Merging
//
// Certain pairs are joined in order of decreasing cosine; a join that
// would bring conflicting places into one group, or two titled
// initiatives into one group through a third, is refused and reported as
// uncertain. In each group the titled initiative survives (of several,
// the one with the earliest key; without titles, the earliest key). It
// gains the others' sources, titles (as AltTitles, unless derived) and
// alternate titles, keys (MergedKeys), themes (per slug the stronger
// assignment, sources joined), awards (per year the higher status,
// sources joined), COVID flag, and a city or country where it has none.
// It keeps its own summary — the text published under its title — unless
// it has none or it is a cut of the other's (the other's begins with it);
// then it takes the other's and its vector must be embedded again.
//
// # Thresholds
//
// The constants are cosines of unit e5 vectors, except TitleOverlap.
const (
	DescriptionCertain    = 0.94
	DescriptionNearest    = 0.92
	NearestMargin         = 0.03
	PassageCertain        = 0.955
	DescriptionUncertain  = 0.92
	PassageUncertain      = 0.93
	TitleUncertainPassage = 0.88
	// TitleOverlap is the IDF-weighted Jaccard of two titles' words at
	// which they count as the same name.
	TitleOverlap = 0.5
)

// ExactLimit is the size up to which candidate generation scores every
// pair; above it, IVF cells and title blocks (see "Candidates" above). A
// variable so tests can force the scalable path.
var ExactLimit = 2000

const (
	ivfProbes = 4
	ivfRounds = 2
	// maxPosting bounds the candidates one word (or shingle) can generate,
	// keeping the lexical and title-block checks near-linear.
	maxPosting = 50
	// minDistinctiveDF: a word is distinctive when at most
	// max(minDistinctiveDF, 1 % of the initiatives) contain it.
	minDistinctiveDF = 3
)

// Duplicate is a pair of initiatives that may be the same one, found by
// words alone (SuspectedDuplicates).
type Duplicate struct {
	A, B string // titles
	Why  string
}

// DuplicateSide is one initiative of a pair, as the report shows it.
type DuplicateSide struct {
	Key, Title   string
	TitleDerived bool
	Place        string // "City, CC", "CC" or ""
}

// DuplicatePair is a pair of initiatives judged by MergeDuplicates.
type DuplicatePair struct {
	A, B DuplicateSide
	// Into is the key of the initiative that survived (merged pairs only;
	// it is A or B, or a third member of their group).
	Into string
	// Description and Passage are the cosines of the summaries and of the
	// title+summary passages; Description is 0 when a summary is missing.
	Description, Passage float64
	// TitleSimilarity is the IDF-weighted Jaccard of the titles' words (0
	// when a title is derived).
	TitleSimilarity float64
	// Rule says why the pair was merged (R1, R2) or why it was not.
	Rule     string
	Evidence []string
}

// DuplicateReport says what MergeDuplicates did.
type DuplicateReport struct {
	// Lexical is set when there were no vectors: nothing was merged and
	// Suspected holds the word-based suspicions.
	Lexical   bool
	Suspected []Duplicate
	// Before and After count initiatives.
	Before, After int
	Merged        []DuplicatePair
	Uncertain     []DuplicatePair
	// Candidates is the number of pairs that came close enough to be
	// judged; Method says how pairs were generated and how many scored.
	Candidates int
	Method     string
}

// Description is the text whose embedding compares two initiatives'
// descriptions: the summary alone ("" when there is none). For an
// untitled initiative it equals its Passage, so the cache holds one
// vector for both.
func Description(in *domain.Initiative) string { return strings.TrimSpace(in.Summary) }

// EmbedDescriptions returns the description vector of every initiative (in
// order; nil where there is no summary), embedding only what the cache
// lacks.
func EmbedDescriptions(ctx context.Context, c *embed.Cache, e embed.Embedder, ins []*domain.Initiative) ([][]float32, embed.Stats, error) {
	var texts []string
	var idx []int
	for i, in := range ins {
		if d := Description(in); d != "" {
			texts = append(texts, d)
			idx = append(idx, i)
		}
	}
	vs, st, err := c.Embed(ctx, e, texts)
	if err != nil {
		return nil, st, err
	}
	out := make([][]float32, len(ins))
	for j, i := range idx {
		out[i] = vs[j]
	}
	return out, st, nil
}

// MergeDuplicates merges the certain near-duplicates of ins (see the rule
// above) and reports the uncertain ones. vecs are the passage vectors
// (Embed), descVecs the description vectors (EmbedDescriptions; nil
// entries where there is no summary); both in the order of ins. Without
// vecs (nil: no model) it merges nothing and reports SuspectedDuplicates.
// Without descVecs the passage vectors stand in for the descriptions,
// which finds fewer pairs.
//
// ins is not modified: survivors are copies. The result keeps the order
// of ins; mergedVecs[i] is the passage vector of merged[i], nil when its
// passage changed (it took the other's summary) and must be embedded
// again.
func MergeDuplicates(ins []*domain.Initiative, vecs, descVecs [][]float32) (merged []*domain.Initiative, mergedVecs [][]float32, report DuplicateReport) {
	report.Before, report.After = len(ins), len(ins)
	if vecs == nil {
		report.Lexical = true
		report.Suspected = SuspectedDuplicates(ins)
		report.Method = "lexical (no vectors)"
		return ins, nil, report
	}
	if len(vecs) != len(ins) || (descVecs != nil && len(descVecs) != len(ins)) {
		panic(fmt.Sprintf("enrich.MergeDuplicates: %d initiatives, %d passage vectors, %d description vectors", len(ins), len(vecs), len(descVecs)))
	}
	if descVecs == nil {
		descVecs = vecs
	}
	d := newDupIndex(ins)
	pairs, near, method := candidates(ins, vecs, descVecs, d)
	report.Candidates, report.Method = len(pairs), method

	var certain []judged
	for _, p := range pairs {
		j := judge(ins, vecs, descVecs, d, near, p[0], p[1])
		switch {
		case j.certain:
			certain = append(certain, j)
		case j.close:
			report.Uncertain = append(report.Uncertain, j.pair)
		}
	}
	slices.SortFunc(certain, func(a, b judged) int {
		return cmp.Or(-cmp.Compare(a.score(), b.score()), cmp.Compare(a.i, b.i), cmp.Compare(a.j, b.j))
	})

	g := newGroups(ins)
	var joined []judged
	for _, j := range certain {
		if why := g.join(j.i, j.j, j.bothTitled()); why != "" {
			j.pair.Rule += "; not merged: " + why
			report.Uncertain = append(report.Uncertain, j.pair)
			continue
		}
		joined = append(joined, j)
	}

	// Build the survivors.
	members := map[int][]int{}
	for i := range ins {
		r := g.find(i)
		members[r] = append(members[r], i)
	}
	survivorOf := map[int]int{} // root -> index of the survivor
	for r, ms := range members {
		best := ms[0]
		for _, m := range ms[1:] {
			if survives(ins[m], ins[best]) {
				best = m
			}
		}
		survivorOf[r] = best
	}
	out := make([]*domain.Initiative, 0, len(ins))
	outVecs := make([][]float32, 0, len(ins))
	for i, in := range ins {
		r := g.find(i)
		s := survivorOf[r]
		if s != i {
			continue
		}
		if len(members[r]) == 1 {
			out = append(out, in)
			outVecs = append(outVecs, vecs[i])
			continue
		}
		m := mergeGroup(ins, s, members[r])
		out = append(out, m)
		if Passage(m) == Passage(in) {
			outVecs = append(outVecs, vecs[i])
		} else {
			outVecs = append(outVecs, nil)
		}
	}
	for _, j := range joined {
		j.pair.Into = ins[survivorOf[g.find(j.i)]].ID
		report.Merged = append(report.Merged, j.pair)
	}
	sortPairs(report.Merged)
	sortPairs(report.Uncertain)
	report.After = len(out)
	return out, outVecs, report
}

func sortPairs(ps []DuplicatePair) {
	slices.SortFunc(ps, func(a, b DuplicatePair) int {
		return cmp.Or(-cmp.Compare(max(a.Description, a.Passage), max(b.Description, b.Passage)),
			cmp.Compare(a.A.Key, b.A.Key), cmp.Compare(a.B.Key, b.B.Key))
	})
}

// survives reports whether a should survive rather than b: titled first,
// then the earlier key.
func survives(a, b *domain.Initiative) bool {
	if a.TitleDerived != b.TitleDerived {
		return !a.TitleDerived
	}
	return a.ID < b.ID
}

// --- words ---------------------------------------------------------------

// dupStopWords are function words of the showroom's languages; distinctive
// words are found by document frequency, so this list only keeps titles
// such as "The City of X" from overlapping on "the" and "of".
var dupStopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an and as at by for from in into of on or the to with without its their our your
		is are was were be been has have had it they them this that these those which who whom what how where when
		every each all also more most than then there here so such can will would not no
		der die das und fur mit von zu im den dem des ein eine
		le la les de du des et en un une pour
		il lo gli di e per con`) {
		m[w] = true
	}
	return m
}()

// dupWords are the folded, lightly stemmed content words of s, once each.
func dupWords(s string) []string {
	var out []string
	seen := map[string]bool{}
	textfold.Words(textfold.Fold(s), func(w string) {
		if len(w) < 2 || dupStopWords[w] || isDigits(w) {
			return
		}
		if len(w) > 4 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is") {
			w = w[:len(w)-1]
		}
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	})
	return out
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// dupIndex holds the word statistics the rule uses.
type dupIndex struct {
	df          map[string]int // document frequency over title + summary
	n           int
	distinctive int // df at or below which a word is distinctive
	title, text [][]string
}

func newDupIndex(ins []*domain.Initiative) *dupIndex {
	d := &dupIndex{df: map[string]int{}, n: len(ins), title: make([][]string, len(ins)), text: make([][]string, len(ins))}
	d.distinctive = max(minDistinctiveDF, len(ins)/100)
	for i, in := range ins {
		if !in.TitleDerived {
			d.title[i] = withoutPlace(dupWords(strings.TrimPrefix(in.Title, "– ")), in)
		}
		d.text[i] = dupWords(in.Title + " " + in.Summary)
		for _, w := range d.text[i] {
			d.df[w]++
		}
	}
	return d
}

// withoutPlace drops the words of an initiative's city and country
// names from its title words: two initiatives of one city share them
// without being one ("Vellbrook 2030", "Vellbrook Helps").
func withoutPlace(ws []string, in *domain.Initiative) []string {
	drop := map[string]bool{}
	for _, name := range []string{cityName(in), countryName(in)} {
		for _, w := range dupWords(name) {
			drop[w] = true
		}
	}
	return slices.DeleteFunc(ws, func(w string) bool { return drop[w] })
}

func cityName(in *domain.Initiative) string {
	if in.City != nil {
		return in.City.Name
	}
	return ""
}

func countryName(in *domain.Initiative) string {
	if in.Country != nil {
		return in.Country.Name
	}
	return ""
}

func (d *dupIndex) weight(w string) float64 {
	return math.Log(1 + float64(d.n)/float64(max(1, d.df[w])))
}

// titleSimilarity is the IDF-weighted Jaccard of two word lists, and the
// distinctive words they share.
func (d *dupIndex) titleSimilarity(a, b []string) (float64, []string) {
	if len(a) == 0 || len(b) == 0 {
		return 0, nil
	}
	inB := map[string]bool{}
	for _, w := range b {
		inB[w] = true
	}
	var shared, union float64
	var distinct []string
	for _, w := range a {
		union += d.weight(w)
		if inB[w] {
			shared += d.weight(w)
			delete(inB, w)
			if d.df[w] <= d.distinctive {
				distinct = append(distinct, w)
			}
		}
	}
	for w := range inB {
		union += d.weight(w)
	}
	return shared / union, distinct
}

// sharedDistinctive lists the distinctive words two texts share.
func (d *dupIndex) sharedDistinctive(i, j int) []string {
	inJ := map[string]bool{}
	for _, w := range d.text[j] {
		inJ[w] = true
	}
	var out []string
	for _, w := range d.text[i] {
		if inJ[w] && d.df[w] <= d.distinctive {
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

// --- candidates ----------------------------------------------------------

// Floors below which a pair cannot be certain or close; candidates under
// both are not judged.
const (
	descFloor    = DescriptionUncertain
	passageFloor = TitleUncertainPassage
)

// nearest holds every initiative's two nearest descriptions among the
// pairs scored: for the "clear nearest" part of R1.
type nearest struct {
	first  []int // index of the nearest, -1 if none
	c1, c2 []float64
}

func newNearest(n int) *nearest {
	nr := &nearest{first: make([]int, n), c1: make([]float64, n), c2: make([]float64, n)}
	for i := range nr.first {
		nr.first[i] = -1
	}
	return nr
}

func (nr *nearest) see(i, j int, c float64) {
	switch {
	case c > nr.c1[i]:
		nr.first[i], nr.c2[i], nr.c1[i] = j, nr.c1[i], c
	case c > nr.c2[i]:
		nr.c2[i] = c
	}
}

// clear reports whether i and j are each other's nearest description and
// lead their second nearest by at least NearestMargin.
func (nr *nearest) clear(i, j int) bool {
	return nr.first[i] == j && nr.first[j] == i &&
		nr.c1[i]-nr.c2[i] >= NearestMargin && nr.c1[j]-nr.c2[j] >= NearestMargin
}

func candidates(ins []*domain.Initiative, vecs, descVecs [][]float32, d *dupIndex) ([][2]int, *nearest, string) {
	n := len(ins)
	var out [][2]int
	near := newNearest(n)
	keep := func(i, j int) bool {
		dc := dot(descVecs[i], descVecs[j])
		near.see(i, j, dc)
		near.see(j, i, dc)
		return dc >= descFloor || dot(vecs[i], vecs[j]) >= passageFloor
	}
	if n <= ExactLimit {
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if keep(i, j) {
					out = append(out, [2]int{i, j})
				}
			}
		}
		return out, near, fmt.Sprintf("exact all-pairs over %d initiatives", n)
	}
	cells, probes := ivfCells(vecs, descVecs)
	// firstShared reports whether c is the first cell i and j share, so
	// a pair in several cells is looked at once.
	firstShared := func(i, j, c int) bool {
		for _, a := range probes[i] {
			if a >= c {
				continue
			}
			for _, b := range probes[j] {
				if a == b {
					return false
				}
			}
		}
		return true
	}
	looked := 0
	for c, cell := range cells {
		for a := 0; a < len(cell); a++ {
			for b := a + 1; b < len(cell); b++ {
				i, j := cell[a], cell[b]
				if !firstShared(i, j, c) {
					continue
				}
				looked++
				if keep(i, j) {
					out = append(out, [2]int{i, j})
				}
			}
		}
	}
	// Title blocks: pairs sharing a distinctive title word but no cell.
	blocks := map[string][]int{}
	for i, ws := range d.title {
		for _, w := range ws {
			if d.df[w] <= maxPosting {
				blocks[w] = append(blocks[w], i)
			}
		}
	}
	seen := map[[2]int]bool{}
	for _, post := range blocks {
		for a := 0; a < len(post); a++ {
			for b := a + 1; b < len(post); b++ {
				i, j := post[a], post[b]
				if seen[[2]int{i, j}] || !firstShared(i, j, len(cells)) {
					continue
				}
				seen[[2]int{i, j}] = true
				looked++
				if keep(i, j) {
					out = append(out, [2]int{i, j})
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	return out, near, fmt.Sprintf("IVF (%d cells, %d probes, centred description vectors) and title blocks over %d initiatives; %d pairs looked at", len(cells), ivfProbes, n, looked)
}

// ivfCells partitions the centred description vectors (passage vectors
// where there is no summary) into ivfProbes·√(n/2) cells around centroids
// (a seeded sample refined by ivfRounds rounds of k-means) and puts each
// initiative in the cells of its ivfProbes nearest centroids. It returns
// the members of every cell (ascending) and every initiative's cells
// (ascending).
func ivfCells(vecs, descVecs [][]float32) (cells [][]int, probes [][]int) {
	n := len(vecs)
	if n == 0 {
		return nil, nil
	}
	raw := func(i int) []float32 {
		if descVecs[i] != nil {
			return descVecs[i]
		}
		return vecs[i]
	}
	dim := len(raw(0))
	mean := make([]float32, dim)
	for i := 0; i < n; i++ {
		for k, x := range raw(i) {
			mean[k] += x / float32(n)
		}
	}
	v := make([][]float32, n)
	for i := range v {
		v[i] = make([]float32, dim)
		for k, x := range raw(i) {
			v[i][k] = x - mean[k]
		}
		embed.Normalize(v[i])
	}
	// Assignment costs n·k dot products, pairs within cells about
	// P²·n²/(2k); k = P·√(n/2) balances the two.
	k := min(n, int(math.Ceil(ivfProbes*math.Sqrt(float64(n)/2))))
	rng := rand.New(rand.NewPCG(9, 4))
	cent := make([][]float32, k)
	for c, i := range rng.Perm(n)[:k] {
		cent[c] = slices.Clone(v[i])
	}
	nearest := func(x []float32, p int) []int {
		best := make([]int, 0, p+1)
		score := make([]float64, 0, p+1)
		for c := range cent {
			s := dot4(x, cent[c])
			at := len(best)
			for at > 0 && score[at-1] < s {
				at--
			}
			if at >= p {
				continue
			}
			best, score = slices.Insert(best, at, c), slices.Insert(score, at, s)
			if len(best) > p {
				best, score = best[:p], score[:p]
			}
		}
		return best
	}
	for round := 0; round < ivfRounds; round++ {
		sum := make([][]float32, k)
		for c := range sum {
			sum[c] = make([]float32, dim)
		}
		for i := range v {
			c := nearest(v[i], 1)[0]
			for d, x := range v[i] {
				sum[c][d] += x
			}
		}
		for c := range cent {
			if embed.Normalize(sum[c]); !slices.ContainsFunc(sum[c], func(x float32) bool { return x != 0 }) {
				continue // an empty cell keeps its centroid
			}
			cent[c] = sum[c]
		}
	}
	cells = make([][]int, k)
	probes = make([][]int, n)
	for i := range v {
		probes[i] = nearest(v[i], min(ivfProbes, k))
		slices.Sort(probes[i])
		for _, c := range probes[i] {
			cells[c] = append(cells[c], i)
		}
	}
	return cells, probes
}

// dot is the cosine of two unit vectors, 0 when one is missing.
func dot(a, b []float32) float64 {
	if a == nil || b == nil || len(a) != len(b) {
		return 0
	}
	return dot4(a, b)
}

// dot4 is embed.Dot with four accumulators (about twice as fast: the
// candidate loops are all dot products).
func dot4(a, b []float32) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return float64((s0 + s1) + (s2 + s3))
}

// --- judging -------------------------------------------------------------

type judged struct {
	i, j    int
	pair    DuplicatePair
	certain bool // merge
	close   bool // report as uncertain
	titledA bool
	titledB bool
}

func (j judged) score() float64   { return max(j.pair.Description, j.pair.Passage) }
func (j judged) bothTitled() bool { return j.titledA && j.titledB }

func side(in *domain.Initiative) DuplicateSide {
	return DuplicateSide{Key: in.ID, Title: in.Title, TitleDerived: in.TitleDerived, Place: placeLabel(in)}
}

func placeLabel(in *domain.Initiative) string {
	switch {
	case in.City != nil:
		return in.City.Name + ", " + in.City.CountryCode
	case in.Country != nil:
		return in.Country.Code
	}
	return ""
}

// placeConflict describes why two initiatives cannot be in one place, ""
// when they can (same place, or one unknown).
func placeConflict(a, b *domain.Initiative) string {
	ca, cb := countryOf(a), countryOf(b)
	if ca != "" && cb != "" && ca != cb {
		return "countries differ: " + placeLabel(a) + " vs " + placeLabel(b)
	}
	if a.City != nil && b.City != nil && a.City.ID != b.City.ID {
		return "cities differ: " + placeLabel(a) + " vs " + placeLabel(b)
	}
	return ""
}

func countryOf(in *domain.Initiative) string {
	if in.Country != nil {
		return in.Country.Code
	}
	if in.City != nil {
		return in.City.CountryCode
	}
	return ""
}

func placeAgreement(a, b *domain.Initiative) string {
	switch {
	case a.City != nil && b.City != nil:
		return "same city " + a.City.Name
	case countryOf(a) != "" && countryOf(a) == countryOf(b):
		return "same country " + countryOf(a)
	}
	return "no conflicting place"
}

func judge(ins []*domain.Initiative, vecs, descVecs [][]float32, d *dupIndex, near *nearest, i, j int) judged {
	a, b := ins[i], ins[j]
	desc := dot(descVecs[i], descVecs[j])
	pass := embed.Dot(vecs[i], vecs[j])
	titleSim, titleWords := d.titleSimilarity(d.title[i], d.title[j])
	words := d.sharedDistinctive(i, j)
	res := judged{i: i, j: j, titledA: !a.TitleDerived, titledB: !b.TitleDerived}
	res.pair = DuplicatePair{A: side(a), B: side(b), Description: round3(desc), Passage: round3(pass), TitleSimilarity: round3(titleSim)}

	ev := []string{}
	if descVecs[i] != nil && descVecs[j] != nil {
		ev = append(ev, fmt.Sprintf("description cosine %.3f", desc))
	} else {
		ev = append(ev, "no description on one side")
	}
	ev = append(ev, fmt.Sprintf("passage cosine %.3f", pass))
	conflict := placeConflict(a, b)
	if conflict != "" {
		ev = append(ev, conflict)
	} else {
		ev = append(ev, placeAgreement(a, b))
	}
	derived := a.TitleDerived || b.TitleDerived
	switch {
	case a.TitleDerived && b.TitleDerived:
		ev = append(ev, "both untitled descriptions")
	case derived:
		ev = append(ev, "untitled description vs titled")
	default:
		ev = append(ev, fmt.Sprintf("titles %.0f%% alike", 100*titleSim))
		if len(titleWords) > 0 {
			ev = append(ev, "shared title words: "+strings.Join(titleWords, ", "))
		}
	}
	if len(words) > 0 {
		ev = append(ev, "shared distinctive words: "+strings.Join(words, ", "))
	}
	res.pair.Evidence = ev

	// Two titled initiatives whose titles differ are two, unless a
	// curator says otherwise: a paraphrased description is not enough.
	titlesAgree := derived || titleSim >= TitleOverlap
	clearNearest := desc >= DescriptionNearest && near.clear(i, j)
	if clearNearest {
		res.pair.Evidence = append(res.pair.Evidence, fmt.Sprintf("each other's nearest description, %.3f ahead of the next", min(near.c1[i]-near.c2[i], near.c1[j]-near.c2[j])))
	}
	r1 := (desc >= DescriptionCertain || clearNearest) && titlesAgree
	r2 := !derived && pass >= PassageCertain && titleSim >= TitleOverlap
	switch {
	case (r1 || r2) && conflict == "":
		res.certain = true
		if r1 {
			res.pair.Rule = "R1: reworded description"
		} else {
			res.pair.Rule = "R2: one project under two titles"
		}
	case r1 || r2:
		res.close = true
		res.pair.Rule = "would merge, but " + conflict
	case desc >= DescriptionUncertain:
		res.close = true
		res.pair.Rule = "descriptions close, titles disagree"
	case pass >= PassageUncertain:
		res.close = true
		res.pair.Rule = "passages close, below the certain threshold"
	case !derived && titleSim >= TitleOverlap && pass >= TitleUncertainPassage:
		res.close = true
		res.pair.Rule = "titles alike, texts differ"
	}
	return res
}

// --- groups --------------------------------------------------------------

// groups is a union-find over initiatives that remembers each group's
// place and whether it holds a titled initiative, so a join can be
// refused.
type groups struct {
	parent []int
	city   []string // city id, "" unknown
	cc     []string // country code, "" unknown
	cityN  []string // city label for messages
	titled []int    // titled members
}

func newGroups(ins []*domain.Initiative) *groups {
	g := &groups{parent: make([]int, len(ins)), city: make([]string, len(ins)), cc: make([]string, len(ins)),
		cityN: make([]string, len(ins)), titled: make([]int, len(ins))}
	for i, in := range ins {
		g.parent[i] = i
		if in.City != nil {
			g.city[i], g.cityN[i] = in.City.ID, in.City.Name
		}
		g.cc[i] = countryOf(in)
		if !in.TitleDerived {
			g.titled[i] = 1
		}
	}
	return g
}

func (g *groups) find(i int) int {
	for g.parent[i] != i {
		g.parent[i] = g.parent[g.parent[i]]
		i = g.parent[i]
	}
	return i
}

// join merges the groups of i and j unless that would put two places or
// (through a third member) two titled initiatives together; it returns
// why not, or "".
func (g *groups) join(i, j int, direct bool) string {
	a, b := g.find(i), g.find(j)
	if a == b {
		return ""
	}
	if g.cc[a] != "" && g.cc[b] != "" && g.cc[a] != g.cc[b] {
		return "the groups' countries differ (" + g.cc[a] + " vs " + g.cc[b] + ")"
	}
	if g.city[a] != "" && g.city[b] != "" && g.city[a] != g.city[b] {
		return "the groups' cities differ (" + g.cityN[a] + " vs " + g.cityN[b] + ")"
	}
	if g.titled[a] > 0 && g.titled[b] > 0 && !(direct && g.titled[a] == 1 && g.titled[b] == 1) {
		return "it would join two titled initiatives through a third"
	}
	if b < a {
		a, b = b, a
	}
	g.parent[b] = a
	g.city[a] = cmp.Or(g.city[a], g.city[b])
	g.cityN[a] = cmp.Or(g.cityN[a], g.cityN[b])
	g.cc[a] = cmp.Or(g.cc[a], g.cc[b])
	g.titled[a] += g.titled[b]
	return ""
}

// --- merging -------------------------------------------------------------

// mergeGroup returns a copy of ins[s] with the other members merged in.
func mergeGroup(ins []*domain.Initiative, s int, members []int) *domain.Initiative {
	cp := *ins[s]
	m := &cp
	m.AltTitles = slices.Clone(m.AltTitles)
	m.MergedKeys = slices.Clone(m.MergedKeys)
	m.Sources = slices.Clone(m.Sources)
	m.Themes = cloneThemes(m.Themes)
	m.Awards = cloneAwards(m.Awards)
	if m.City != nil {
		c := *m.City
		m.City = &c
	}
	if m.Country != nil {
		c := *m.Country
		m.Country = &c
	}
	others := slices.DeleteFunc(slices.Clone(members), func(i int) bool { return i == s })
	slices.SortFunc(others, func(a, b int) int { return cmp.Compare(ins[a].ID, ins[b].ID) })
	for _, o := range others {
		mergeInto(m, ins[o])
	}
	return m
}

func cloneThemes(ts []domain.ThemeAssignment) []domain.ThemeAssignment {
	out := slices.Clone(ts)
	for i := range out {
		out[i].Sources = slices.Clone(out[i].Sources)
		out[i].Terms = slices.Clone(out[i].Terms)
	}
	return out
}

func cloneAwards(as []domain.Award) []domain.Award {
	out := slices.Clone(as)
	for i := range out {
		out[i].Sources = slices.Clone(out[i].Sources)
	}
	return out
}

// mergeInto merges o into m (see the merging policy above).
func mergeInto(m, o *domain.Initiative) {
	alt := map[string]bool{textfold.Fold(m.Title): true}
	for _, t := range m.AltTitles {
		alt[textfold.Fold(t)] = true
	}
	addAlt := func(t string) {
		if f := textfold.Fold(t); f != "" && !alt[f] {
			alt[f] = true
			m.AltTitles = append(m.AltTitles, t)
		}
	}
	if !o.TitleDerived {
		addAlt(o.Title)
	}
	for _, t := range o.AltTitles {
		addAlt(t)
	}
	slices.Sort(m.AltTitles)
	for _, k := range append([]string{o.ID}, o.MergedKeys...) {
		if k != m.ID && !slices.Contains(m.MergedKeys, k) {
			m.MergedKeys = append(m.MergedKeys, k)
		}
	}
	slices.Sort(m.MergedKeys)

	for _, s := range o.Sources {
		m.Sources = appendSource(m.Sources, s)
	}
	sortSourceList(m.Sources)

	// Summary: the survivor's own, unless it has none or it is a cut of
	// the other's.
	own, other := strings.TrimSpace(m.Summary), strings.TrimSpace(o.Summary)
	cut := strings.TrimSpace(strings.TrimRight(strings.TrimSuffix(own, "[…]"), "….  "))
	if own == "" || (len(other) > len(own) && cut != "" && strings.HasPrefix(textfold.Fold(other), textfold.Fold(cut))) {
		m.Summary = o.Summary
	}

	// Places where the survivor has none (the rule has excluded conflicts).
	if m.City == nil && o.City != nil && (m.Country == nil || m.Country.Code == o.City.CountryCode) {
		c := *o.City
		m.City = &c
	}
	switch {
	case m.Country == nil && o.Country != nil:
		c := *o.Country
		m.Country = &c
	case m.Country != nil && o.Country != nil && m.Country.Code == o.Country.Code:
		for _, s := range o.Country.Sources {
			m.Country.Sources = appendSource(m.Country.Sources, s)
		}
	}
	m.Covid = m.Covid || o.Covid

	for _, t := range o.Themes {
		k := slices.IndexFunc(m.Themes, func(x domain.ThemeAssignment) bool { return x.Slug == t.Slug })
		if k < 0 {
			t.Sources, t.Terms = slices.Clone(t.Sources), slices.Clone(t.Terms)
			m.Themes = append(m.Themes, t)
			continue
		}
		mt := &m.Themes[k]
		if themeRank(t) > themeRank(*mt) {
			srcs := mt.Sources
			*mt = t
			mt.Sources, mt.Terms = slices.Clone(t.Sources), slices.Clone(t.Terms)
			for _, s := range srcs {
				mt.Sources = appendSource(mt.Sources, s)
			}
			continue
		}
		for _, s := range t.Sources {
			mt.Sources = appendSource(mt.Sources, s)
		}
	}

	for _, a := range o.Awards {
		k := slices.IndexFunc(m.Awards, func(x domain.Award) bool { return x.Year == a.Year })
		if k < 0 {
			a.Sources = slices.Clone(a.Sources)
			m.Awards = append(m.Awards, a)
			continue
		}
		ma := &m.Awards[k]
		if domain.AwardRank(a.Status) > domain.AwardRank(ma.Status) {
			ma.Status = a.Status
		}
		ma.Category = cmp.Or(ma.Category, a.Category)
		for _, s := range a.Sources {
			ma.Sources = appendSource(ma.Sources, s)
		}
	}
	slices.SortFunc(m.Awards, func(a, b domain.Award) int { return cmp.Compare(a.Year, b.Year) })
}

func sortSourceList(ss []domain.Source) {
	slices.SortFunc(ss, func(a, b domain.Source) int {
		return cmp.Or(cmp.Compare(a.URL, b.URL), cmp.Compare(a.Method, b.Method))
	})
}

// themeRank orders assignments of one theme: a user's over a category's
// over a text match, then by confidence.
func themeRank(t domain.ThemeAssignment) float64 {
	base := map[string]float64{domain.ThemeSourceUser: 3, domain.ThemeSourceCategory: 2, domain.ThemeSourceText: 1}[t.Source]
	return base + t.Confidence/10
}

// --- lexical suspicion (no model) ----------------------------------------

// Thresholds for SuspectedDuplicates (token Jaccard).
const (
	dupTitle   = 0.75
	dupSummary = 0.8
)

// SuspectedDuplicates finds pairs with near-identical titles or
// summaries, by words alone; it is the report without a model. Candidates
// come from shared word pairs (an inverted index with a cap on frequent
// ones), so it is not all-pairs.
func SuspectedDuplicates(ins []*domain.Initiative) []Duplicate {
	// Words and shingles are interned as integers: the sets are sorted ID
	// slices, so the Jaccard of a pair is one merge, and each pair sharing
	// a shingle is visited once per initiative by a stamp, not kept in a
	// map of pairs (at 100k initiatives the maps took most of the time).
	type doc struct {
		title, summary []int32
		shingles       []int32
	}
	vocab := map[string]int32{}
	intern := func(w string) int32 {
		id, ok := vocab[w]
		if !ok {
			id = int32(len(vocab))
			vocab[w] = id
		}
		return id
	}
	set := func(ws []string) []int32 {
		ids := make([]int32, len(ws))
		for i, w := range ws {
			ids[i] = intern(w)
		}
		slices.Sort(ids)
		return slices.Compact(ids)
	}
	// Splitting into words is most of the work and needs nothing shared,
	// so it runs on every core; interning, which numbers words and
	// shingles in the order they first appear, stays in initiative order.
	type split struct{ title, summary, all []string }
	splits := make([]split, len(ins))
	inChunks(len(ins), dupChunk, func(_, _, lo, hi int) {
		for i := lo; i < hi; i++ {
			in := ins[i]
			splits[i] = split{words(in.Title), words(in.Summary), words(in.Title + " . " + in.Summary)}
		}
	})
	// A shingle (two words in a row) is keyed by its two word IDs: words
	// hold no space, so the pair names the shingle "w1 w2" exactly.
	shingleID := map[uint64]int32{}
	var postings [][]int
	docs := make([]doc, len(ins))
	for i := range ins {
		sp := splits[i]
		d := doc{title: set(sp.title), summary: set(sp.summary)}
		var prev int32
		for k, w := range sp.all {
			cur := intern(w)
			if k > 0 {
				key := uint64(uint32(prev))<<32 | uint64(uint32(cur))
				id, ok := shingleID[key]
				if !ok {
					id = int32(len(postings))
					shingleID[key] = id
					postings = append(postings, nil)
				}
				if p := postings[id]; len(p) == 0 || p[len(p)-1] != i {
					postings[id] = append(p, i)
					d.shingles = append(d.shingles, id)
				}
			}
			prev = cur
		}
		docs[i] = d
		splits[i] = split{}
	}
	// alike says why two documents look like copies ("" when they do not):
	// their summaries, else their titles, alike enough.
	alike := func(a, b doc) string {
		if len(a.summary) > 3 {
			if sj, ok := jaccardAtLeast(a.summary, b.summary, dupSummary); ok {
				return fmt.Sprintf("summaries %.0f%% alike", 100*sj)
			}
		}
		if len(a.title) > 1 {
			if tj, ok := jaccardAtLeast(a.title, b.title, dupTitle); ok {
				return fmt.Sprintf("titles %.0f%% alike", 100*tj)
			}
		}
		return ""
	}
	// The pairs of each run of dupChunk initiatives are found by one of
	// GOMAXPROCS workers (each with its own stamps) and joined in
	// initiative order, so the result is the one a single loop gives.
	chunks := make([][]Duplicate, (len(docs)+dupChunk-1)/dupChunk)
	stamps := make([][]int, runtime.GOMAXPROCS(0)) // per worker: the i that last visited each j
	inChunks(len(docs), dupChunk, func(w, c, lo, hi int) {
		stamp := stamps[w]
		if stamp == nil {
			stamp = make([]int, len(ins))
			for i := range stamp {
				stamp[i] = -1
			}
			stamps[w] = stamp
		}
		var found []Duplicate
		for i := lo; i < hi; i++ {
			d := docs[i]
			for _, sh := range d.shingles {
				post := postings[sh]
				if len(post) > maxPosting {
					continue
				}
				for _, j := range post {
					if j <= i || stamp[j] == i {
						continue
					}
					stamp[j] = i
					if why := alike(d, docs[j]); why != "" {
						found = append(found, Duplicate{A: ins[i].Title, B: ins[j].Title, Why: why})
					}
				}
			}
		}
		chunks[c] = found
	})
	var out []Duplicate
	for _, found := range chunks {
		out = append(out, found...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].A != out[j].A {
			return out[i].A < out[j].A
		}
		return out[i].B < out[j].B
	})
	return out
}

// dupChunk is how many initiatives a SuspectedDuplicates worker takes at
// a time.
const dupChunk = 1024

func words(s string) []string {
	var out []string
	textfold.Words(textfold.Fold(s), func(w string) { out = append(out, w) })
	return out
}

// jaccardAtLeast returns |a ∩ b| / |a ∪ b| of two sorted sets without
// repeats and whether it is at least t, deciding exactly as computing the
// index and comparing it would, but without finishing the merge of a pair
// that cannot reach t: it first finds the least intersection whose index
// (computed as below) reaches t, gives up when the sizes alone rule it out
// (the smaller set is the largest possible intersection), and stops the
// merge once the elements left cannot make up the intersection still
// missing. Most candidate pairs of the duplicate report share far too few
// words, so the merge stops after a few mismatches (at 100k initiatives
// the full merges were 3.5 s of CPU). The index is only returned when ok.
func jaccardAtLeast(a, b []int32, t float64) (float64, bool) {
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0, false
	}
	index := func(inter int) float64 { return float64(inter) / float64(la+lb-inter) }
	// The index grows with the intersection (and rounding keeps that
	// order), so the least one that reaches t is the exact bound
	// t(|a|+|b|)/(1+t), moved to where the computed index crosses t.
	most := min(la, lb)
	need := min(most, max(0, int(math.Ceil(t*float64(la+lb)/(1+t)))))
	for need > 0 && index(need-1) >= t {
		need--
	}
	for need <= most && index(need) < t {
		need++
	}
	if need > most {
		return 0, false
	}
	inter := 0
	for i, j := 0, 0; i < la && j < lb; {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
			continue
		case a[i] < b[j]:
			i++
		default:
			j++
		}
		if inter+min(la-i, lb-j) < need {
			return 0, false
		}
	}
	// Past the last mismatch only matches follow, one per element of the
	// side that ran out, so inter reached need.
	return index(inter), true
}
