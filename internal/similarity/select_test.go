package similarity

import (
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
