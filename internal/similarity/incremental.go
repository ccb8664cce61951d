package similarity

import (
	"math"
	"sort"
)

// Corpus is what the score of one document needs from all the others:
// the number of documents N and, per term (stem), the number of documents
// containing it. Terms in fewer than two documents are left out (a term
// not in DF counts as in one document: the one being scored). MaxDF and
// the rule for distinctive shared terms follow from N (see Options).
// Compute derives it from the documents it is given; Incremental scores
// one document with a stored Corpus instead of reading every document.
type Corpus struct {
	N  int
	DF map[string]int
}

// ComputeCorpus is ComputeStats that also returns the corpus statistics
// the links were scored with, so they can be stored and one document
// scored later without the others (Incremental). With Options.Emit, the
// Stats are how a streamed refresh learns how many links it made.
func ComputeCorpus(docs []Doc, opt Options) ([]Link, Stats, Corpus) {
	return computeCorpus(docs, nil, opt)
}

// Candidate is a document Incremental may link to, with the way it was
// found, mirroring Compute's three sources of candidates.
type Candidate struct {
	Doc
	// InThemeWindow: among the ThemeBudget documents that follow the
	// scored document in ID order (cyclically) in the list of one of its
	// themes — the documents Compute takes from its theme index.
	InThemeWindow bool
	// NearVector: returned by a nearest-neighbour search on the scored
	// document's vector. Of these only the SemanticNeighbours closest
	// (by the same cosine and tie order as Compute) count, as in Compute.
	NearVector bool
}

// SemanticNeighbours is how many nearest documents by meaning Compute adds
// to each document's candidates.
const SemanticNeighbours = semNeighbours

// ThemeBudget is how many documents per theme Compute takes from the
// theme index for a document with nThemes (distinct) themes.
func ThemeBudget(nThemes int, opt Options) int {
	if nThemes == 0 {
		return 0
	}
	return max(1, opt.withDefaults(0).MaxCandidates/nThemes)
}

// MaxDF is the document frequency above which a term is not indexed, for
// a corpus of n documents (see Options.MaxDF).
func MaxDF(n int, opt Options) int { return opt.withDefaults(n).MaxDF }

// Pair is the score of a document with one candidate. The score is
// symmetric, so it is also the candidate's score of the document.
type Pair struct {
	ID       string
	Score    float64
	SameCity bool
}

// Incremental returns the links of d scored against cands with the
// corpus statistics c: the links Compute gives d over the whole corpus
// when cands hold every document Compute takes as a candidate for d
// (documents sharing an indexed term, its theme windows, its nearest
// documents by meaning) and c are the statistics of that corpus. The
// rule — which candidates count, their ranking by partial score, the cap
// of MaxCandidates full scores, the kept top K per city class — is
// Compute's (both end in one function). Candidates found in none of the
// three ways Compute would use are ignored (a full-text hit that shares
// no indexed term, a vector neighbour beyond the closest
// SemanticNeighbours). It also returns d's score with every candidate
// (the score is symmetric): the caller decides from it which candidates
// may now keep d among their own links.
func Incremental(d Doc, cands []Candidate, c Corpus, opt Options) ([]Link, []Pair) {
	all := make([]Doc, 0, len(cands)+1)
	all = append(all, d)
	via := map[string]Candidate{}
	for _, cd := range cands {
		if cd.ID == d.ID {
			continue
		}
		if prev, ok := via[cd.ID]; ok {
			prev.InThemeWindow = prev.InThemeWindow || cd.InThemeWindow
			prev.NearVector = prev.NearVector || cd.NearVector
			via[cd.ID] = prev
			continue
		}
		via[cd.ID] = cd
		all = append(all, cd.Doc)
	}
	ds := prepare(all)
	n := max(c.N, 1)
	opt = opt.withDefaults(n)
	i := sort.Search(len(ds), func(k int) bool { return ds[k].ID >= d.ID })
	cnt := count(ds, opt)
	df := make([]int, len(cnt.df))
	for id, stem := range cnt.stems {
		df[id] = max(c.DF[stem], 1)
	}
	vectorize(ds, cnt.counts, df, n, opt)
	ix := &index{ds: ds, n: n, opt: opt, df: df, themeSlugs: themeMasks(ds)}
	w := newWorker(len(ds))
	touch := func(j int32) {
		if !w.mark[j] {
			w.mark[j] = true
			w.touched = append(w.touched, j)
		}
	}
	me := &ds[i]
	// Shared indexed terms, summed in the order of me's terms as
	// Compute's postings do.
	for j := range ds {
		if j == i {
			continue
		}
		e := &ds[j]
		acc, shared := indexedDot(me.vec, e.vec, df, opt.MaxDF)
		if shared {
			w.acc[j] = acc
			touch(int32(j))
		}
	}
	var near []int32
	for j := range ds {
		cd := via[ds[j].ID]
		if j != i && cd.InThemeWindow && len(me.themes) > 0 {
			touch(int32(j))
		}
		if j != i && cd.NearVector && len(ds[j].Vec) > 0 {
			near = append(near, int32(j))
		}
	}
	if opt.SemanticWeight > 0 && len(me.Vec) > 0 {
		for _, j := range nearest(ds, int32(i), near, semNeighbours) {
			touch(j)
		}
	}
	links := ix.rank(i, w)

	pairs := make([]Pair, 0, len(ds)-1)
	wTheme := opt.ThemeWeight
	for j := range ds {
		if j == i {
			continue
		}
		e := &ds[j]
		score := (1-wTheme)*min(dot(me.vec, e.vec), 1) + wTheme*jaccard(me.mask, e.mask)
		if sw := ix.semWeight(me, e); sw > 0 {
			score = sw*semScore(dot32(me.Vec, e.Vec), opt.SemanticFloor) + (1-sw)*score
		}
		if math.IsNaN(score) {
			score = 0
		}
		pairs = append(pairs, Pair{ID: e.ID, Score: score, SameCity: me.CityID != "" && me.CityID == e.CityID})
	}
	return links, pairs
}

// QueryTerms returns up to max of d's indexed terms (in at least two and
// at most MaxDF documents of c), rarest first, each as written in d: the
// words a full-text search for documents sharing d's rarest terms asks
// for.
func QueryTerms(d Doc, c Corpus, opt Options, max int) []string {
	n := c.N
	opt = opt.withDefaults(n)
	type term struct {
		surface string
		df      int
	}
	seen := map[string]bool{}
	var ts []term
	var toks []token
	for _, text := range [2]string{d.Title, d.Summary} {
		toks = tokenize(text, toks[:0])
		for _, tk := range toks {
			if seen[tk.stem] {
				continue
			}
			seen[tk.stem] = true
			if f := c.DF[tk.stem]; f >= 2 && f <= opt.MaxDF {
				ts = append(ts, term{tk.surface, f})
			}
		}
	}
	sort.SliceStable(ts, func(a, b int) bool { return ts[a].df < ts[b].df })
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		if len(out) == max {
			break
		}
		out = append(out, t.surface)
	}
	return out
}

// Resolved returns opt with its defaults filled in for a corpus of n
// documents: the K, SameCityK and MinScore links are kept by.
func Resolved(opt Options, n int) Options { return opt.withDefaults(n) }

// PairLink returns the link from a to b as Compute scores it (score,
// sub-scores, shared themes and terms as written in a), whether or not
// it would be kept, and whether a and b share an indexed term (then each
// is among the other's candidates in Compute). Statistics come from c.
// It is how a neighbour's stored list is patched after b was edited.
func PairLink(a, b Doc, c Corpus, opt Options) (Link, bool) {
	ds := prepare([]Doc{a, b})
	n := max(c.N, 1)
	opt = opt.withDefaults(n)
	if len(ds) < 2 {
		return Link{From: a.ID, To: b.ID}, false
	}
	cnt := count(ds, opt)
	df := make([]int, len(cnt.df))
	for id, stem := range cnt.stems {
		df[id] = max(c.DF[stem], 1)
	}
	vectorize(ds, cnt.counts, df, n, opt)
	ix := &index{ds: ds, n: n, opt: opt, df: df, themeSlugs: themeMasks(ds)}
	i, j := 0, 1
	if ds[0].ID != a.ID {
		i, j = 1, 0
	}
	d, e := &ds[i], &ds[j]
	acc, shared := indexedDot(d.vec, e.vec, df, opt.MaxDF)
	wTheme := opt.ThemeWeight
	text := min(acc+dot(d.common, e.common), 1)
	theme := jaccard(d.mask, e.mask)
	score := (1-wTheme)*text + wTheme*theme
	var sem float64
	if sw := ix.semWeight(d, e); sw > 0 {
		sem = semScore(dot32(d.Vec, e.Vec), opt.SemanticFloor)
		score = sw*sem + (1-sw)*score
	}
	sc := d.CityID != "" && d.CityID == e.CityID
	return ix.makeLink(d, e, scored{to: int32(j), id: e.ID, score: score, text: text, theme: theme, sem: sem, sameCity: sc}), shared
}

// indexedDot is the TF-IDF cosine of two unit vectors (sorted by term)
// over the terms the full precompute indexes (document frequency at most
// maxDF), and whether they share one such term.
func indexedDot(p, q []weighted, df []int, maxDF int) (acc float64, shared bool) {
	for a, b := 0, 0; a < len(p) && b < len(q); {
		switch {
		case p[a].term < q[b].term:
			a++
		case p[a].term > q[b].term:
			b++
		default:
			if df[p[a].term] <= maxDF {
				acc += p[a].w * q[b].w
				shared = true
			}
			a++
			b++
		}
	}
	return acc, shared
}
