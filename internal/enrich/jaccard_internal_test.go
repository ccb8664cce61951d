package enrich

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// fullJaccard is the plain definition: the whole merge, then the index.
func fullJaccard(a, b []int32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// TestJaccardAtLeastDecidesAsTheFullMerge: on random sets of the sizes of
// titles and summaries, overlapping a little, much or wholly, the early
// exit decides exactly as computing the index and comparing it would, and
// returns the same index when it reaches the threshold.
func TestJaccardAtLeastDecidesAsTheFullMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	set := func(n, universe int) []int32 {
		out := make([]int32, n)
		for i := range out {
			out[i] = int32(rng.IntN(universe))
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	reached := 0
	for k := range 200000 {
		universe := []int{8, 30, 200}[k%3] // small universes overlap most
		a := set(1+rng.IntN(40), universe)
		b := set(1+rng.IntN(40), universe)
		if k%5 == 0 { // b a near copy of a
			b = slices.Clone(a)
			if len(b) > 1 && rng.IntN(2) == 0 {
				at := rng.IntN(len(b) - 1)
				b = slices.Delete(b, at, at+1) // one word fewer
			}
		}
		th := []float64{dupTitle, dupSummary, rng.Float64()}[k%3]
		want := fullJaccard(a, b)
		got, ok := jaccardAtLeast(a, b, th)
		if ok != (want >= th) {
			t.Fatalf("jaccardAtLeast(%v, %v, %v) = %v, %v; the full merge gives %v", a, b, th, got, ok, want)
		}
		if ok {
			reached++
			if got != want {
				t.Fatalf("jaccardAtLeast(%v, %v, %v) = %v, the full merge %v", a, b, th, got, want)
			}
		}
	}
	if reached < 1000 {
		t.Errorf("only %d of the pairs reached their threshold: the test does not probe the accepting side", reached)
	}
	if _, ok := jaccardAtLeast(nil, []int32{1}, 0); ok {
		t.Error("an empty set reached a threshold of 0")
	}
}
