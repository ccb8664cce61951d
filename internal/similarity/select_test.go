package similarity

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSelectTop(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 1 + r.IntN(300)
		c := make([]cand, n)
		for i := range c {
			c[i] = cand{doc: int32(i), est: float64(r.IntN(8)) / 8} // many ties
		}
		r.Shuffle(n, func(i, j int) { c[i], c[j] = c[j], c[i] })
		m := 1 + r.IntN(n)
		want := slices.Clone(c)
		slices.SortFunc(want, func(a, b cand) int {
			if candBefore(a, b) {
				return -1
			}
			return 1
		})
		selectTop(c, m)
		got := slices.Clone(c[:m])
		slices.SortFunc(got, func(a, b cand) int {
			if candBefore(a, b) {
				return -1
			}
			return 1
		})
		if !slices.Equal(got, want[:m]) {
			t.Fatalf("trial %d: n=%d m=%d: wrong top set", trial, n, m)
		}
	}
}

// TestDotDenseIsDot: the dense form gives the merge's value to the last
// bit (rank uses one, PairLink the other, and links must not depend on
// which), for random sparse vectors over a small vocabulary.
func TestDotDenseIsDot(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	vec := func() []weighted {
		var v []weighted
		for term := range int32(300) {
			if rng.IntN(4) == 0 {
				v = append(v, weighted{term, rng.Float64() * rng.Float64()})
			}
		}
		return v
	}
	dense := make([]float64, 300)
	for k := range 2000 {
		a, b := vec(), vec()
		for _, tw := range b {
			dense[tw.term] = tw.w
		}
		if got, want := dotDense(a, dense), dot(b, a); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("pair %d: dotDense %v, dot %v", k, got, want)
		}
		clear(dense)
	}
}
