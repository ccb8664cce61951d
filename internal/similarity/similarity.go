// Package similarity precomputes "similar initiatives" links at import
// time, so that the API answers "what is like this?" with a graph lookup
// instead of a scan. It is pure: documents in, links out, no database.
//
// # Score
//
// The score of a link from initiative A to initiative B, shown to users,
// when both have passage vectors (the embedding model ran at import), is
//
//	score = s × sem(A, B) + (1 − s) × lexical(A, B)
//	lexical = wText × cos(A, B) + wTheme × jaccard(themes(A), themes(B))
//	sem = clamp((vcos(A, B) − floor) / (1 − floor), 0, 1)
//
// with s = Options.SemanticWeight (default 0.6), vcos the cosine of the
// two multilingual e5 passage vectors (title + summary), floor =
// Options.SemanticFloor (default 0.8: e5 puts unrelated civic texts at
// 0.76–0.83), wTheme = Options.ThemeWeight (default 0.25) and wText =
// 1 − wTheme. So by default text weighs 0.9 (0.6 meaning + 0.3 words) and
// shared themes 0.1. When either lacks a vector (no model), the pair is
// scored by lexical alone — the behaviour before embeddings.
//
// The reason users read quotes the two sentences (one of each summary)
// whose vectors are closest, the shared themes, and only distinctive
// shared terms: in at most 3% of documents and not one of the words every
// civic description uses ("city", "citizens", "launches", …).
//
// Semantic candidates: each document adds its 40 nearest documents by
// vcos to its candidates — found exactly up to ExactLimit documents, by
// random-hyperplane LSH over centred vectors above (20 tables × 8 bits; a
// test plants near-copies among 4,000 documents and finds 97.5%).
//
// For the lexical part:
// The default is low because cosines of one-sentence summaries are small
// (0.1–0.3 for clearly related initiatives): with 0.4, two initiatives that
// merely share a theme list outranked ones sharing "housing" and "homes".
//
// cos(A, B) is the cosine of TF-IDF vectors built from title and summary:
// text is lowercased, diacritics removed ("Bürger" = "burger"), split into
// words, English/German/Swedish stop words and a few words every showroom
// entry uses ("project", "initiative") dropped, and each word lightly
// stemmed so that "volunteers", "volunteering" and "volunteered" count as
// one term. A term's count is TitleWeight (default 2) per occurrence in the
// title plus 1 per occurrence in the summary; its weight is
// (1 + ln count) × ln(1 + N/df), where N is the number of documents and df
// the number containing the term, so rare shared words count most. Terms
// found in only one document can never be shared: they are left out of
// the index but count in the vector's norm, so a short text is not "identical"
// to every text sharing its one common word. Vectors are normalised, so cos
// is in [0,1].
//
// jaccard is |shared themes| / |themes of either|, in [0,1] (0 when neither
// has themes). The score is therefore in [0,1]; TextScore and ThemeScore on
// a Link are the unweighted cos and jaccard.
//
// # Which links are kept
//
// Links are directed: each document keeps its own best neighbours, so
// A→B may exist without B→A. For each document Compute keeps the K best
// documents in other cities (or with an unknown city) and, separately, up
// to SameCityK best documents in the same city, each with score ≥
// MinScore. Keeping the two lists apart guarantees every initiative its
// cross-city neighbours, which the API's differentCity filter needs, even
// when a city has many similar entries of its own. Ties are broken by
// document ID, and output is sorted by From, then score descending, then
// To, so the same input always gives the same links.
//
// # Work
//
// Comparing every pair is quadratic. Instead Compute builds an inverted
// index from terms and themes to documents and only scores documents that
// share something:
//
//   - Terms in more than MaxDF documents (default: 5% of documents, at
//     least 50 and at most 200) are left out of the index: they would make
//     nearly everything a candidate while adding little to the cosine. They
//     still count in the final score.
//   - From each theme's document list a document takes at most
//     MaxCandidates/(number of its themes) entries, starting after its own
//     position, so popular themes cannot make the work quadratic.
//   - Candidates are ranked by the partial score from the index (text dot
//     product over indexed terms plus the exact theme part) and only the
//     best MaxCandidates (default 200) get a full score.
//
// So the work per document is bounded by its length × MaxDF plus
// MaxCandidates full scores, whatever the corpus size; Stats reports the
// counts and a test checks they grow linearly.
package similarity

import (
	"container/heap"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Doc is one initiative as similarity sees it.
type Doc struct {
	ID      string
	CityID  string // "" when unknown: never counts as the same city
	Title   string
	Summary string
	Themes  []string // theme slugs
	// Vec is the passage vector (unit length; see internal/embed), nil
	// when the model was not available: such a document is scored
	// lexically (see Score).
	Vec []float32
	// Sentences of the summary (see Sentences) and their vectors, for the
	// closest-sentence part of the reason; optional.
	Sentences []string
	SentVecs  [][]float32
}

// Link is one directed "similar initiative" edge.
type Link struct {
	From, To string
	// Score: see the package documentation; in [0,1].
	Score float64
	// TextScore is the TF-IDF cosine, ThemeScore the theme Jaccard,
	// SemanticScore the rescaled passage cosine (0 without vectors).
	TextScore, ThemeScore, SemanticScore float64
	// ClosestA and ClosestB are the sentence of From and the sentence of
	// To closest in meaning (empty without sentence vectors).
	ClosestA, ClosestB string
	SameCity           bool
	// SharedThemes are the theme slugs both have, sorted.
	SharedThemes []string
	// SharedTerms are up to three shared words contributing most to
	// TextScore, as written in From's text. Reason turns them and the
	// shared themes into the line users read; it is not stored, so the
	// wording can change without a new import.
	SharedTerms []string
}

// Options tunes Compute. The zero value gives the defaults.
type Options struct {
	// K is how many links each document keeps to documents in other
	// cities. Default 10.
	K int
	// SameCityK is how many links each document keeps to documents in its
	// own city. Default K/2; negative means none.
	SameCityK int
	// MinScore is the lowest score kept. Default 0.05; negative means any
	// score above zero.
	MinScore float64
	// MaxCandidates caps the documents fully scored per document. Default 200.
	MaxCandidates int
	// ThemeWeight is wTheme in [0,1]. Default 0.25; negative means 0 (text only).
	ThemeWeight float64
	// TitleWeight is how much a title occurrence counts against a summary
	// occurrence. Default 2.
	TitleWeight float64
	// SemanticWeight is s in [0,1]: the share of the score given to the
	// passage cosine when both documents have vectors. Default 0.6;
	// negative means 0 (lexical only).
	SemanticWeight float64
	// SemanticFloor is the cosine counted as "unrelated". Default 0.8.
	SemanticFloor float64
	// MaxDF is the document frequency above which a term is not indexed.
	// Default: 5% of documents, clamped to [50, 200], so a small corpus indexes every term.
	MaxDF int
	// Workers caps the scoring goroutines (0: one per CPU). The links do
	// not depend on it; an import computing while it writes leaves a CPU
	// to the database and its own writer.
	Workers int
	// MoreWorkers, when closed, lets the scoring grow to one goroutine per
	// CPU: an import closes it when its writes end.
	MoreWorkers <-chan struct{}
	// Emit, when set, receives each document's links (nil: none) as soon
	// as they and those of every document before it are scored, in
	// document (ID) order, from one goroutine; Compute then returns no
	// links (Stats.Links still counts them). An import writes them while
	// the rest is scored. Emit may block; scoring goes on meanwhile.
	Emit func(id string, links []Link)
}

// Defaults.
const (
	DefaultK             = 10
	DefaultMinScore      = 0.05
	DefaultMaxCandidates = 200
	DefaultThemeWeight   = 0.25
	DefaultTitleWeight   = 2.0
	defaultMaxDFFraction = 0.05
	minMaxDF             = 50
	maxMaxDF             = 200
	sharedTermsShown     = 3
)

// Stats counts Compute's work, so tests can check it stays linear.
type Stats struct {
	Docs int
	// Terms is the number of distinct terms; DroppedTerms of them were too
	// frequent (df > MaxDF) to be indexed.
	Terms, DroppedTerms int
	MaxDF               int
	// PostingsVisited counts index entries read while gathering candidates.
	PostingsVisited int
	// Candidates counts distinct (document, candidate) pairs met in the
	// index; PairsScored those fully scored (≤ Docs × MaxCandidates).
	Candidates, PairsScored int
	Links                   int
}

func (o Options) withDefaults(n int) Options {
	if o.K <= 0 {
		o.K = DefaultK
	}
	switch {
	case o.SameCityK == 0:
		o.SameCityK = o.K / 2
	case o.SameCityK < 0:
		o.SameCityK = 0
	}
	switch {
	case o.MinScore == 0:
		o.MinScore = DefaultMinScore
	case o.MinScore < 0:
		o.MinScore = 0
	}
	if o.MaxCandidates <= 0 {
		o.MaxCandidates = DefaultMaxCandidates
	}
	switch {
	case o.ThemeWeight == 0:
		o.ThemeWeight = DefaultThemeWeight
	case o.ThemeWeight < 0:
		o.ThemeWeight = 0
	case o.ThemeWeight > 1:
		o.ThemeWeight = 1
	}
	if o.TitleWeight <= 0 {
		o.TitleWeight = DefaultTitleWeight
	}
	switch {
	case o.SemanticWeight == 0:
		o.SemanticWeight = DefaultSemanticWeight
	case o.SemanticWeight < 0:
		o.SemanticWeight = 0
	case o.SemanticWeight > 1:
		o.SemanticWeight = 1
	}
	if o.SemanticFloor <= 0 || o.SemanticFloor >= 1 {
		o.SemanticFloor = DefaultSemanticFloor
	}
	if o.MaxDF <= 0 {
		o.MaxDF = min(max(int(math.Ceil(defaultMaxDFFraction*float64(n))), minMaxDF), maxMaxDF)
	}
	return o
}

// Compute returns the similar-initiative links of docs; see the package
// documentation for the score and which links are kept. Document IDs should
// be unique; of several documents with one ID only the first is used.
func Compute(docs []Doc, opt Options) []Link {
	links, _ := ComputeStats(docs, opt)
	return links
}

// weighted is one term of a document vector.
type weighted struct {
	term int32
	w    float64
}

type doc struct {
	Doc
	vec    []weighted // sorted by term, unit length
	common []weighted // the part of vec with terms not indexed (df > MaxDF)
	// commonNorm is common's Euclidean length: with another document's, a
	// bound on the part of their dot product over common terms.
	commonNorm float64
	surface    map[int32]string // term -> first surface form
	themes     []string         // sorted, unique
	mask       []uint64         // themes as a bit set over all theme slugs
	city       int32            // CityID interned (0: unknown), compared per scored pair
}

// ComputeStats is Compute that also reports how much work it did.
func ComputeStats(docs []Doc, opt Options) ([]Link, Stats) {
	return compute(docs, nil, opt)
}

// ComputeFor returns the links of the documents with the given IDs only,
// scored against all of docs (which set term weights and candidates): the
// same links Compute gives those documents. It is how one curated
// initiative gets its links without rewriting everyone's. The index over
// docs is still built, so the cost is linear in len(docs).
func ComputeFor(docs []Doc, ids []string, opt Options) []Link {
	if len(ids) == 0 {
		return nil
	}
	links, _ := compute(docs, ids, opt)
	return links
}

// compute scores every document, or only those in only when it is not nil.
func compute(docs []Doc, only []string, opt Options) ([]Link, Stats) {
	links, st, _ := computeCorpus(docs, only, opt)
	return links, st
}

// counted is what tokenizing documents gives: the vocabulary (stem ->
// term id, and back), each term's document frequency among them and
// each document's raw term counts.
type counted struct {
	vocab  map[string]int32
	stems  []string
	df     []int
	counts []map[int32]float64
}

// count tokenizes ds (setting their surface forms).
func count(ds []doc, opt Options) counted {
	c := counted{vocab: map[string]int32{}, counts: make([]map[int32]float64, len(ds))}
	var toks []token
	for i := range ds {
		d := &ds[i]
		m := map[int32]float64{}
		d.surface = map[int32]string{}
		for field, text := range [2]string{d.Title, d.Summary} {
			wt := 1.0
			if field == 0 {
				wt = opt.TitleWeight
			}
			toks = tokenize(text, toks[:0])
			for _, tk := range toks {
				id, ok := c.vocab[tk.stem]
				if !ok {
					id = int32(len(c.df))
					c.vocab[tk.stem] = id
					c.df = append(c.df, 0)
					c.stems = append(c.stems, tk.stem)
				}
				if _, seen := m[id]; !seen {
					c.df[id]++
					d.surface[id] = tk.surface
				}
				m[id] += wt
			}
		}
		c.counts[i] = m
	}
	return c
}

// vectorize sets each document's unit TF-IDF vector from its raw counts,
// the document frequencies df (per term id) and the corpus size n, and
// the part of it over terms too common to be indexed (df > MaxDF).
func vectorize(ds []doc, counts []map[int32]float64, df []int, n int, opt Options) {
	for i := range ds {
		vec := make([]weighted, 0, len(counts[i]))
		var own []float64 // weights of terms no other document has
		for id, c := range counts[i] {
			if df[id] >= 2 {
				vec = append(vec, weighted{id, c})
			} else {
				w := (1 + math.Log(c)) * math.Log(1+float64(n))
				own = append(own, w*w)
			}
		}
		// Sorted before summing, so the norm does not depend on map order.
		sort.Slice(vec, func(a, b int) bool { return vec[a].term < vec[b].term })
		sort.Float64s(own)
		// A term no other document has cannot be shared, so it is left out
		// of the vector, but it stays in the norm: otherwise a short text
		// whose only shared word is "council" would have a cosine of 1
		// with every text that says "council".
		var norm2 float64
		for _, w2 := range own {
			norm2 += w2
		}
		for k, tw := range vec {
			w := (1 + math.Log(tw.w)) * math.Log(1+float64(n)/float64(df[tw.term]))
			vec[k].w = w
			norm2 += w * w
		}
		if norm2 > 0 {
			inv := 1 / math.Sqrt(norm2)
			for k := range vec {
				vec[k].w *= inv
			}
		}
		ds[i].vec = vec
		ds[i].common = nil
		var c2 float64
		for _, tw := range vec {
			if df[tw.term] > opt.MaxDF {
				ds[i].common = append(ds[i].common, tw)
				c2 += tw.w * tw.w
			}
		}
		ds[i].commonNorm = math.Sqrt(c2)
	}
}

// themeMasks sets each document's themes as a bit set over the themes
// any of them has, for a fast Jaccard, and returns the slugs by bit. Bits
// follow the slugs' sorted order, so the bits of a shared mask, low to
// high, are the shared slugs in sorted order (see makeLink).
func themeMasks(ds []doc) []string {
	seen := map[string]bool{}
	var slugs []string
	for i := range ds {
		for _, th := range ds[i].themes {
			if !seen[th] {
				seen[th] = true
				slugs = append(slugs, th)
			}
		}
	}
	sort.Strings(slugs)
	themeBit := make(map[string]int, len(slugs))
	for b, th := range slugs {
		themeBit[th] = b
	}
	words := (len(themeBit) + 63) / 64
	for i := range ds {
		ds[i].mask = make([]uint64, words)
		for _, th := range ds[i].themes {
			b := themeBit[th]
			ds[i].mask[b/64] |= 1 << (b % 64)
		}
	}
	return slugs
}

// computeCorpus is compute that also returns the corpus statistics it
// derived (see Corpus).
func computeCorpus(docs []Doc, only []string, opt Options) ([]Link, Stats, Corpus) {
	ds := prepare(docs)
	n := len(ds)
	opt = opt.withDefaults(n)
	st := Stats{Docs: n, MaxDF: opt.MaxDF}
	// Vocabulary and raw counts.
	cnt := count(ds, opt)
	df := cnt.df
	corpus := Corpus{N: n, DF: make(map[string]int)}
	for id, f := range df {
		if f >= 2 {
			corpus.DF[cnt.stems[id]] = f
		}
	}
	if n < 2 {
		if opt.Emit != nil {
			for _, d := range ds {
				if only == nil || slices.Contains(only, d.ID) {
					opt.Emit(d.ID, nil)
				}
			}
		}
		return nil, st, corpus
	}
	st.Terms = len(df)

	// TF-IDF vectors and the inverted index of not-too-common terms.
	vectorize(ds, cnt.counts, df, n, opt)
	postings := make([][]weighted, len(df)) // term -> (doc, weight)
	for i := range ds {
		for _, tw := range ds[i].vec {
			if df[tw.term] <= opt.MaxDF {
				postings[tw.term] = append(postings[tw.term], weighted{int32(i), tw.w})
			}
		}
	}
	for _, f := range df {
		if f > opt.MaxDF {
			st.DroppedTerms++
		}
	}

	// Theme index: theme -> documents, in document (ID) order, and each
	// document's themes as a bit set for a fast Jaccard.
	themeDocs := map[string][]int32{}
	for i := range ds {
		for _, th := range ds[i].themes {
			themeDocs[th] = append(themeDocs[th], int32(i))
		}
	}
	themeSlugs := themeMasks(ds)

	// Each document's links depend only on the shared, now read-only
	// index, so documents are scored by one worker per CPU, each with its
	// own scratch space; results are joined in document order, so the
	// output does not depend on the number of workers.
	var semNN [][]int32
	if opt.SemanticWeight > 0 {
		semNN = semanticNeighbours(ds, semNeighbours)
	}
	ix := &index{ds: ds, n: n, postings: postings, themeDocs: themeDocs, opt: opt, semNN: semNN, df: df, themeSlugs: themeSlugs}
	todo := make([]int, 0, n)
	if only == nil {
		for i := range n {
			todo = append(todo, i)
		}
	} else {
		want := make(map[string]bool, len(only))
		for _, id := range only {
			want[id] = true
		}
		for i := range ds {
			if want[ds[i].ID] {
				todo = append(todo, i)
			}
		}
	}
	perDoc := make([][]Link, len(todo))
	// With Emit, workers report each finished claim (a run of docsPerClaim
	// documents) and one goroutine hands out the documents up to the
	// first unfinished claim.
	var finished chan int
	emitted := make(chan struct{})
	emittedLinks := 0
	if opt.Emit != nil {
		claims := (len(todo) + docsPerClaim - 1) / docsPerClaim
		finished = make(chan int, claims) // never blocks a worker
		go func() {
			defer close(emitted)
			done := make([]bool, claims)
			frontier := 0
			for c := range finished {
				done[c] = true
				for ; frontier < len(done) && done[frontier]; frontier++ {
					for k := frontier * docsPerClaim; k < min((frontier+1)*docsPerClaim, len(todo)); k++ {
						emittedLinks += len(perDoc[k])
						opt.Emit(ds[todo[k]].ID, perDoc[k])
						perDoc[k] = nil // handed over: not kept until the end
					}
				}
			}
		}()
	} else {
		close(emitted)
	}
	most := min(runtime.GOMAXPROCS(0), max(1, len(todo)/minDocsPerWorker))
	workers := most
	if opt.Workers > 0 {
		workers = min(workers, opt.Workers)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex // guards ws while more workers may join
	var ws []*worker
	claimed := make(chan struct{}) // closed when every document is claimed
	var claimedOnce sync.Once
	start := func() {
		wk := newWorker(n)
		mu.Lock()
		ws = append(ws, wk)
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				first := int(next.Add(docsPerClaim)) - docsPerClaim
				if first >= len(todo) {
					claimedOnce.Do(func() { close(claimed) })
					return
				}
				for k := first; k < min(first+docsPerClaim, len(todo)); k++ {
					perDoc[k] = ix.linksOf(todo[k], wk)
				}
				if finished != nil {
					finished <- first / docsPerClaim
				}
			}
		}()
	}
	for range workers {
		start()
	}
	if opt.MoreWorkers != nil && workers < most {
		wg.Add(1) // held until the extra workers are started (or not needed)
		go func() {
			defer wg.Done()
			select {
			case <-opt.MoreWorkers:
				for range most - workers {
					start()
				}
			case <-claimed:
			}
		}()
	}
	wg.Wait()
	if finished != nil {
		close(finished)
	}
	<-emitted
	for _, wk := range ws {
		st.PostingsVisited += wk.st.PostingsVisited
		st.Candidates += wk.st.Candidates
		st.PairsScored += wk.st.PairsScored
	}
	if opt.Emit != nil {
		st.Links = emittedLinks
		return nil, st, corpus
	}
	// One allocation of the exact size: growing it by append copied the
	// links about five times over at 100k documents (1.3M links), and the
	// fresh pages each copy faulted in were a tenth of the import's CPU.
	total := 0
	for _, ls := range perDoc {
		total += len(ls)
	}
	links := make([]Link, 0, total)
	for _, ls := range perDoc {
		links = append(links, ls...)
	}
	st.Links = len(links)
	return links, st, corpus
}

// Work sharing between the scoring workers: documents are claimed in
// runs of docsPerClaim; small inputs use one worker.
const (
	docsPerClaim     = 64
	minDocsPerWorker = 256
)

// index is what scoring a document reads; it is not changed while
// workers use it.
type index struct {
	ds        []doc
	n         int // documents in the corpus (N of the term weights)
	postings  [][]weighted
	themeDocs map[string][]int32
	opt       Options
	semNN     [][]int32 // nearest documents by meaning, per document
	df        []int     // document frequency per term
	// themeSlugs are the theme slugs by bit of the documents' masks.
	themeSlugs []string
}

// worker is one scoring goroutine's scratch space and counters.
type worker struct {
	common      []float64 // by term: the weights of the ranked document's common terms, else 0
	acc         []float64
	mark        []bool
	touched     []int32
	cands       []cand
	other, same linkHeap
	st          Stats
}

func newWorker(n int) *worker {
	return &worker{acc: make([]float64, n), mark: make([]bool, n)}
}

// linksOf returns document i's kept links, best first.
func (ix *index) linksOf(i int, w *worker) []Link {
	ds, opt := ix.ds, ix.opt
	d := &ds[i]
	w.touched = w.touched[:0]
	touch := func(j int32) {
		if !w.mark[j] {
			w.mark[j] = true
			w.touched = append(w.touched, j)
		}
	}
	for _, tw := range d.vec {
		for _, p := range ix.postings[tw.term] {
			w.st.PostingsVisited++
			if int(p.term) == i {
				continue
			}
			w.acc[p.term] += tw.w * p.w
			touch(p.term)
		}
	}
	if len(d.themes) > 0 {
		budget := max(1, opt.MaxCandidates/len(d.themes))
		for _, th := range d.themes {
			list := ix.themeDocs[th]
			pos := sort.Search(len(list), func(k int) bool { return list[k] >= int32(i) })
			for k := 1; k <= min(budget, len(list)-1); k++ {
				w.st.PostingsVisited++
				touch(list[(pos+k)%len(list)])
			}
		}
	}
	if ix.semNN != nil {
		for _, j := range ix.semNN[i] {
			w.st.PostingsVisited++
			touch(j)
		}
	}
	return ix.rank(i, w)
}

// rank scores document i against the candidates in w.touched, whose
// partial text scores (dot product over indexed terms) are in w.acc, and
// returns its kept links, best first. It resets w.acc and w.mark for the
// touched candidates. Compute and Incremental both end here, so the two
// paths score and keep links by one rule.
func (ix *index) rank(i int, w *worker) []Link {
	ds, opt := ix.ds, ix.opt
	wTheme := opt.ThemeWeight
	wText := 1 - wTheme
	d := &ds[i]
	w.st.Candidates += len(w.touched)

	cands := w.cands[:0]
	for _, j := range w.touched {
		th := jaccard(d.mask, ds[j].mask)
		c := cand{doc: j, text: w.acc[j], theme: th, est: wText*w.acc[j] + wTheme*th}
		if sw := ix.semWeight(d, &ds[j]); sw > 0 {
			c.sem = semScore(dot32(d.Vec, ds[j].Vec), opt.SemanticFloor)
			c.est = sw*c.sem + (1-sw)*c.est
		}
		cands = append(cands, c)
		w.acc[j], w.mark[j] = 0, false
	}
	if len(cands) > opt.MaxCandidates {
		selectTop(cands, opt.MaxCandidates)
		cands = cands[:opt.MaxCandidates]
	}
	w.cands = cands

	other, same := &w.other, &w.same
	*other, *same = (*other)[:0], (*same)[:0]
	// d's common terms spread over the vocabulary, so each candidate's
	// part over them is one pass over its own list (see dotDense); zeroed
	// again after the candidates.
	if len(w.common) < len(ix.df) {
		w.common = make([]float64, len(ix.df))
	}
	common := w.common
	for _, tw := range d.common {
		common[tw.term] = tw.w
	}
	for _, c := range cands {
		e := &ds[c.doc]
		w.st.PairsScored++
		sc := d.city != 0 && d.city == e.city
		h, k := other, opt.K
		if sc {
			h, k = same, opt.SameCityK
		}
		if k <= 0 {
			continue // this list keeps nothing
		}
		theme := c.theme
		sw := ix.semWeight(d, e)
		full := func(text float64) float64 {
			score := wText*text + wTheme*theme
			if sw > 0 {
				score = sw*c.sem + (1-sw)*score
			}
			return score
		}
		// When the list is full, a candidate whose score cannot beat its
		// worst even with the most its common terms can add (the product
		// of the two common parts' lengths, by Cauchy–Schwarz, widened by
		// far more than the sums' rounding) is not scored: every step
		// from the text part to the score is monotonic, also rounded, so
		// the skipped ones are exactly those the list would reject.
		if h.Len() >= k {
			bound := full(min(c.text+d.commonNorm*e.commonNorm*(1+1e-9), 1))
			if !better(scored{score: bound, id: e.ID}, (*h)[0]) {
				continue
			}
		}
		// The index gave the dot product over indexed terms exactly;
		// add the part over the common terms it left out.
		text := min(c.text+dotDense(e.common, common), 1)
		score := full(text)
		if score <= 0 || score < opt.MinScore {
			continue
		}
		l := scored{to: c.doc, id: e.ID, score: score, text: text, theme: theme, sem: c.sem, sameCity: sc}
		if h.Len() < k {
			heap.Push(h, l)
		} else if better(l, (*h)[0]) {
			(*h)[0] = l
			heap.Fix(h, 0)
		}
	}
	for _, tw := range d.common {
		common[tw.term] = 0
	}
	if other.Len()+same.Len() == 0 {
		return nil
	}
	kept := append(append(make([]scored, 0, other.Len()+same.Len()), *other...), *same...)
	sort.Slice(kept, func(a, b int) bool { return better(kept[a], kept[b]) })
	links := make([]Link, 0, len(kept))
	for _, l := range kept {
		links = append(links, ix.makeLink(d, &ds[l.to], l))
	}
	return links
}

// prepare copies docs sorted by ID, drops duplicate IDs and normalises
// theme lists.
func prepare(docs []Doc) []doc {
	ds := make([]doc, 0, len(docs))
	seen := map[string]bool{}
	cities := map[string]int32{"": 0}
	for _, d := range docs {
		if seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		th := append([]string(nil), d.Themes...)
		sort.Strings(th)
		th = compact(th)
		city, ok := cities[d.CityID]
		if !ok {
			city = int32(len(cities))
			cities[d.CityID] = city
		}
		ds = append(ds, doc{Doc: d, themes: th, city: city})
	}
	sort.Slice(ds, func(a, b int) bool { return ds[a].ID < ds[b].ID })
	return ds
}

func compact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if v != "" && (i == 0 || v != s[i-1]) {
			out = append(out, v)
		}
	}
	return out
}

type cand struct {
	doc         int32
	text, theme float64 // partial text dot product, theme Jaccard
	sem         float64 // rescaled passage cosine (0 without vectors)
	est         float64 // partial score used to rank candidates
}

// candBefore is the strict order candidates are ranked in: higher partial
// score first, then lower document index (= lower ID).
func candBefore(a, b cand) bool {
	if a.est != b.est {
		return a.est > b.est
	}
	return a.doc < b.doc
}

// selectTop moves the m best candidates to the front of c, in no
// particular order (quickselect: linear on average, deterministic pivots).
func selectTop(c []cand, m int) {
	lo, hi := 0, len(c)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		// median of three as pivot, moved to hi
		if candBefore(c[mid], c[lo]) {
			c[mid], c[lo] = c[lo], c[mid]
		}
		if candBefore(c[hi], c[lo]) {
			c[hi], c[lo] = c[lo], c[hi]
		}
		if candBefore(c[mid], c[hi]) {
			c[mid], c[hi] = c[hi], c[mid]
		}
		p := c[hi]
		i := lo
		for j := lo; j < hi; j++ {
			if candBefore(c[j], p) {
				c[i], c[j] = c[j], c[i]
				i++
			}
		}
		c[i], c[hi] = c[hi], c[i]
		switch {
		case i == m-1 || i == m:
			return
		case i < m:
			lo = i + 1
		default:
			hi = i - 1
		}
	}
}

// dot is the dot product of two term-sorted vectors.
func dot(a, b []weighted) float64 {
	var s float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].term < b[j].term:
			i++
		case a[i].term > b[j].term:
			j++
		default:
			s += a[i].w * b[j].w
			i++
			j++
		}
	}
	return s
}

// dotDense is dot(a, b) for b given densely by term (dense[t] is b's
// weight of term t, 0 where b lacks it): the same value to the last bit,
// since the shared terms' products are added in a's term order, as dot
// adds them, and the others add +0. It is one pass without the merge's
// unpredictable branches (the merge was 14 % of the scoring at 100k).
func dotDense(a []weighted, dense []float64) float64 {
	var s float64
	for _, tw := range a {
		s += tw.w * dense[tw.term]
	}
	return s
}

// jaccard of two theme bit sets of equal length.
func jaccard(a, b []uint64) float64 {
	inter, union := 0, 0
	for k := range a {
		inter += bits.OnesCount64(a[k] & b[k])
		union += bits.OnesCount64(a[k] | b[k])
	}
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

type scored struct {
	to          int32
	id          string
	score       float64
	text, theme float64
	sem         float64
	sameCity    bool
}

// better orders links: higher score first, then lower target ID.
func better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.id < b.id
}

// linkHeap is a min-heap with the worst kept link at the root.
type linkHeap []scored

func (h linkHeap) Len() int           { return len(h) }
func (h linkHeap) Less(i, j int) bool { return better(h[j], h[i]) }
func (h linkHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *linkHeap) Push(x any)        { *h = append(*h, x.(scored)) }
func (h *linkHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// semWeight is the semantic share of the score of a pair: the option's
// when both have vectors, else 0 (the pair is scored lexically).
func (ix *index) semWeight(a, b *doc) float64 {
	if len(a.Vec) == 0 || len(a.Vec) != len(b.Vec) {
		return 0
	}
	return ix.opt.SemanticWeight
}

// distinctive reports whether a shared term says something about the
// pair: rare in the corpus (in at most 3% of documents, at least 3) and
// not one of the words every civic description uses.
func (ix *index) distinctive(term int32, surface string) bool {
	if ix.df[term] > max(3, ix.n*3/100) {
		return false
	}
	return !generic[stem(fold(surface))]
}

func (ix *index) makeLink(a, b *doc, s scored) Link {
	l := Link{
		From: a.ID, To: b.ID, Score: s.score, TextScore: s.text, ThemeScore: s.theme, SemanticScore: s.sem, SameCity: s.sameCity,
	}
	l.ClosestA, l.ClosestB, _ = closestSentences(a, b)
	// The shared themes, in slug order: the bits both masks have.
	for k := range a.mask {
		for m := a.mask[k] & b.mask[k]; m != 0; m &= m - 1 {
			l.SharedThemes = append(l.SharedThemes, ix.themeSlugs[k*64+bits.TrailingZeros64(m)])
		}
	}
	type contrib struct {
		term int32
		c    float64
	}
	var cs []contrib
	for i, j := 0, 0; i < len(a.vec) && j < len(b.vec); {
		switch {
		case a.vec[i].term < b.vec[j].term:
			i++
		case a.vec[i].term > b.vec[j].term:
			j++
		default:
			cs = append(cs, contrib{a.vec[i].term, a.vec[i].w * b.vec[j].w})
			i++
			j++
		}
	}
	sort.Slice(cs, func(x, y int) bool {
		if cs[x].c != cs[y].c {
			return cs[x].c > cs[y].c
		}
		return a.surface[cs[x].term] < a.surface[cs[y].term]
	})
	for _, c := range cs {
		if len(l.SharedTerms) == sharedTermsShown {
			break
		}
		if sf := a.surface[c.term]; ix.distinctive(c.term, sf) {
			l.SharedTerms = append(l.SharedTerms, sf)
		}
	}
	return l
}

// Reason is the plain-language line users read about a link, e.g.
//
//	Closest in meaning: “Volunteers deliver meals to isolated seniors.” and “Students phone elderly residents living alone.” Shares theme COVID-19 response; both mention "loneliness".
//
// from the two sentences closest in meaning (when known), the shared
// themes' display names and the distinctive shared terms. It is built
// when links are read, not stored, so the wording can change without a
// new import.
func Reason(themeNames, terms []string, closestA, closestB string) string {
	var parts []string
	if closestA != "" && closestB != "" {
		parts = append(parts, fmt.Sprintf("Closest in meaning: “%s” and “%s”.", quote(closestA), quote(closestB)))
	}
	var facts []string
	if ns := themeNames; len(ns) > 0 {
		word := "themes"
		if len(ns) == 1 {
			word = "theme"
		}
		facts = append(facts, fmt.Sprintf("Shares %s %s", word, strings.Join(ns, ", ")))
	}
	if len(terms) > 0 {
		q := make([]string, len(terms))
		for i, t := range terms {
			q[i] = fmt.Sprintf("%q", t)
		}
		m := "both mention " + strings.Join(q, ", ")
		if len(facts) == 0 {
			m = "Both mention " + strings.Join(q, ", ")
		}
		facts = append(facts, m)
	}
	if len(facts) > 0 {
		parts = append(parts, strings.Join(facts, "; ")+".")
	}
	if len(parts) == 0 {
		return "Similar wording"
	}
	return strings.Join(parts, " ")
}

// quote shortens a sentence for the reason line (at a word, with "…").
func quote(s string) string {
	const max = 160
	s = strings.TrimRight(strings.TrimSpace(s), ".")
	if len(s) <= max {
		return s
	}
	cut := strings.LastIndex(s[:max], " ")
	if cut < max/2 {
		cut = max
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}
