package similarity

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// Semantic part of the score (see the package documentation).
const (
	// DefaultSemanticWeight is s in score = s·sem + (1−s)·lexical when both
	// documents have passage vectors.
	DefaultSemanticWeight = 0.6
	// DefaultSemanticFloor is the cosine below which two e5 passages count
	// as unrelated: e5 cosines are compressed (unrelated civic texts score
	// 0.76–0.83), so sem = (cos − floor)/(1 − floor), clamped to [0,1].
	DefaultSemanticFloor = 0.8
	// ExactLimit is the corpus size up to which semantic neighbours are
	// found by comparing every pair (at most ExactLimit²/2 dot products of
	// 384 floats); above it by locality-sensitive hashing.
	ExactLimit = 3000
	// semNeighbours is how many nearest documents by meaning each document
	// adds to its candidates.
	semNeighbours = 40
	// LSH: lshTables tables of lshBits random hyperplanes each, over
	// vectors centred on the corpus mean (e5 vectors share one dominant
	// direction, so uncentred hyperplanes would put nearly all documents
	// on one side). From each bucket a document takes at most lshBudget
	// neighbours around its own position, so large buckets stay linear.
	lshTables = 20
	lshBits   = 8
	lshBudget = 24
)

// semScore rescales a cosine to [0,1] above the floor.
func semScore(cos, floor float64) float64 {
	if cos <= floor {
		return 0
	}
	return min((cos-floor)/(1-floor), 1)
}

func dot32(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return float64(s)
}

// semanticNeighbours returns for every document with a vector the indices
// of up to k nearest documents by cosine (nil for documents without one).
func semanticNeighbours(ds []doc, k int) [][]int32 {
	n := len(ds)
	out := make([][]int32, n)
	have := make([]int32, 0, n)
	for i := range ds {
		if len(ds[i].Vec) > 0 {
			have = append(have, int32(i))
		}
	}
	if len(have) < 2 {
		return out
	}
	if len(have) <= ExactLimit {
		parallel(len(have), func(x int) { out[have[x]] = nearest(ds, have[x], have, k) })
		return out
	}
	// Candidates from LSH buckets, then the k nearest of those.
	dim := len(ds[have[0]].Vec)
	mean := make([]float64, dim)
	for _, i := range have {
		for d, x := range ds[i].Vec {
			mean[d] += float64(x)
		}
	}
	for d := range mean {
		mean[d] /= float64(len(have))
	}
	rng := rand.New(rand.NewPCG(1, 2)) // fixed seed: same links for the same input
	cands := make([]map[int32]bool, n)
	for _, i := range have {
		cands[i] = map[int32]bool{}
	}
	for t := 0; t < lshTables; t++ {
		planes := make([][]float64, lshBits)
		for b := range planes {
			planes[b] = make([]float64, dim)
			for d := range planes[b] {
				planes[b][d] = rng.NormFloat64()
			}
		}
		buckets := map[uint32][]int32{}
		for _, i := range have {
			var h uint32
			for b, p := range planes {
				var s float64
				for d, x := range ds[i].Vec {
					s += (float64(x) - mean[d]) * p[d]
				}
				if s > 0 {
					h |= 1 << b
				}
			}
			buckets[h] = append(buckets[h], i)
		}
		for _, list := range buckets {
			for pos, i := range list {
				lo, hi := max(0, pos-lshBudget/2), min(len(list), pos+lshBudget/2+1)
				for _, j := range list[lo:hi] {
					if j != i {
						cands[i][j] = true
					}
				}
			}
		}
	}
	parallel(len(have), func(x int) {
		i := have[x]
		list := make([]int32, 0, len(cands[i]))
		for j := range cands[i] {
			list = append(list, j)
		}
		out[i] = nearest(ds, i, list, k)
	})
	return out
}

// parallel runs f(0..n-1) on one goroutine per CPU; each f writes only
// its own slot, so the result does not depend on the schedule.
func parallel(n int, f func(int)) {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/minDocsPerWorker))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				x := int(next.Add(1)) - 1
				if x >= n {
					return
				}
				f(x)
			}
		}()
	}
	wg.Wait()
}

// nearest returns the k documents of among closest to ds[i] (not i itself).
func nearest(ds []doc, i int32, among []int32, k int) []int32 {
	type nb struct {
		j   int32
		cos float64
	}
	best := make([]nb, 0, len(among))
	for _, j := range among {
		if j != i {
			best = append(best, nb{j, dot32(ds[i].Vec, ds[j].Vec)})
		}
	}
	sort.Slice(best, func(a, b int) bool {
		if best[a].cos != best[b].cos {
			return best[a].cos > best[b].cos
		}
		return best[a].j < best[b].j
	})
	out := make([]int32, 0, min(k, len(best)))
	for _, b := range best[:min(k, len(best))] {
		out = append(out, b.j)
	}
	return out
}

// Sentences splits a summary into sentences at ".", "!" or "?" followed
// by a space and an upper-case letter, digit or quote (so "e.g. the" and
// "St. Pölten" stay whole); fragments shorter than 25 bytes are joined to
// the next one. The importer embeds these for the closest-sentence reason.
func Sentences(text string) []string {
	text = strings.TrimSpace(text)
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(text) && (text[j] == '"' || text[j] == ')' || text[j] == '\'') {
			j++
		}
		if j >= len(text) || text[j] != ' ' {
			continue
		}
		r, _ := utf8.DecodeRuneInString(text[j+1:])
		if !(unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '“' || r == '„') {
			continue
		}
		if s := strings.TrimSpace(text[start:j]); len(s) >= 25 {
			out = append(out, s)
			start = j + 1
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		if len(s) < 25 && len(out) > 0 {
			out[len(out)-1] += " " + s
		} else {
			out = append(out, s)
		}
	}
	return out
}

// closestSentences returns the pair of sentences, one of a and one of b,
// whose vectors are closest, and their cosine; empty when either lacks
// sentence vectors.
func closestSentences(a, b *doc) (string, string, float64) {
	best, bi, bj := math.Inf(-1), -1, -1
	for i, va := range a.SentVecs {
		for j, vb := range b.SentVecs {
			if c := dot32(va, vb); c > best {
				best, bi, bj = c, i, j
			}
		}
	}
	if bi < 0 || bi >= len(a.Sentences) || bj >= len(b.Sentences) {
		return "", "", 0
	}
	return a.Sentences[bi], b.Sentences[bj], best
}
