//go:build themefit

package enrich_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/themes"
)

// TestFitMeaning refits themes.MeaningCoefficients
// on the tuning part, chooses MeaningThreshold by cross-validation there,
// and prints both as Go. It never reads the held-out part. It is a tool,
// not a check (TestMeaningCoefficients checks the committed values), so it
// is built only with the themefit tag:
//
//	go test -tags themefit -run TestFitMeaning -v ./internal/enrich/
func TestFitMeaning(t *testing.T) {
	items, slugs := tuningFitItems(t)
	// Out-of-fold probabilities, per repetition.
	oof := make([][][]float64, fitRepeats)
	for rep := range oof {
		oof[rep] = make([][]float64, len(items))
		for f := 0; f < fitFolds; f++ {
			var train, test []fitItem
			var at []int
			for i, it := range items {
				if foldOf(it.key, rep) == f {
					test = append(test, it)
					at = append(at, i)
				} else {
					train = append(train, it)
				}
			}
			w := fitMeaning(train)
			for n, it := range test {
				ps := make([]float64, len(slugs))
				for k, row := range it.rows {
					ps[k] = logistic(w, row)
				}
				oof[rep][at[n]] = ps
			}
		}
	}
	bestP, bestT := -1.0, -1.0
	for _, tau := range fitThresholds {
		var p, r float64
		for rep := range oof {
			pp, rr := fitPR(items, slugs, oof[rep], tau)
			p += pp / fitRepeats
			r += rr / fitRepeats
		}
		t.Logf("threshold %.2f: cross-validated precision %.3f recall %.3f F1 %.3f", tau, p, r, 2*p*r/(p+r))
		if r >= fitMinRecall && p > bestP+1e-12 {
			bestP, bestT = p, tau
		}
	}
	if bestT < 0 {
		t.Fatalf("no threshold reaches cross-validated recall %.2f", fitMinRecall)
	}
	w := fitMeaning(items)
	var cs []string
	for _, c := range w {
		cs = append(cs, fmt.Sprintf("%.4f", c))
	}
	t.Logf("features (after the intercept): %s", strings.Join(themes.MeaningFeatures, ", "))
	t.Logf("var MeaningCoefficients = [...]float64{%s}", strings.Join(cs, ", "))
	t.Logf("MeaningThreshold = %.2f (the most precise with cross-validated recall ≥ %.2f: precision %.3f)", bestT, fitMinRecall, bestP)
}
