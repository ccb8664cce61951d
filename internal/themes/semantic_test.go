package themes_test

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/themes"
)

func TestPrototypes(t *testing.T) {
	tx := themes.Default()
	ps := tx.Prototypes()
	seen := map[string]bool{}
	at := 0
	for _, th := range tx.Themes() {
		if ps[at].Theme != th.Slug || !strings.HasPrefix(ps[at].Text, th.Name+": ") {
			t.Fatalf("prototype %d = %+v, want %s's name and description first", at, ps[at], th.Slug)
		}
		if len(th.Examples) < 5 {
			t.Errorf("%s: %d examples, want at least 5", th.Slug, len(th.Examples))
		}
		at += 1 + len(th.Examples)
	}
	if at != len(ps) {
		t.Errorf("%d prototypes, want %d", len(ps), at)
	}
	for _, p := range ps {
		if seen[p.Text] {
			t.Errorf("prototype %q twice", p.Text)
		}
		seen[p.Text] = true
	}
}

// TestDecide checks the arithmetic of the rule on a three-theme taxonomy
// whose prototypes are the axes of a 3-dimensional space (the real model
// is exercised by enrich's tests).
func TestDecide(t *testing.T) {
	path := filepath.Join(t.TempDir(), "taxonomy.json")
	doc := `{"categories":[{"slug":"broad"}],"themes":[
	  {"slug":"a","name":"A","keywords":["alpha"],"categories":["broad"]},
	  {"slug":"b","name":"B","keywords":["beta"],"categories":["broad"]},
	  {"slug":"c","name":"C","keywords":["gamma"]}]}`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	tx, err := themes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := themes.NewMeaning(tx, [][]float32{{1, 0, 0}}); err == nil {
		t.Error("NewMeaning accepted 1 vector for 3 prototypes")
	}
	if _, err := themes.NewMeaning(tx, [][]float32{{1, 0, 0}, {0, 1}, {0, 0, 1}}); err == nil {
		t.Error("NewMeaning accepted vectors of different lengths")
	}
	m, err := themes.NewMeaning(tx, [][]float32{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}})
	if err != nil {
		t.Fatal(err)
	}
	slugs := func(ds []themes.Decision) string {
		var s []string
		for _, d := range ds {
			s = append(s, d.Slug)
		}
		return strings.Join(s, ",")
	}
	// The features of one theme row.
	kw := []themes.Match{{Slug: "c", Confidence: 0.8, Terms: []string{"gamma"}}}
	rows := m.Features([]float32{0.9, 0.2, 0.8}, []string{"a"}, kw)
	if len(rows) != 3 || len(rows[0]) != len(themes.MeaningFeatures) {
		t.Fatalf("features: %v", rows)
	}
	if r := rows[0]; r[1] != 0 || r[2] != 1 || r[3] != 0 || r[4] != 0 || r[5] != 1 {
		t.Errorf("features of a (best, category): %v", r)
	}
	if r := rows[2]; r[0] <= 0 || r[1] <= 0 || r[2] != 0 || r[3] != 0.8 || r[4] != 1 || r[5] != 0 {
		t.Errorf("features of c (keyword, second): %v", r)
	}
	x := themes.MeaningCoefficients[0]
	for j, f := range rows[2] {
		x += themes.MeaningCoefficients[1+j] * f
	}
	if p := themes.Probability(rows[2]); math.Abs(p-1/(1+math.Exp(-x))) > 1e-12 {
		t.Errorf("probability %v, want σ(%v)", p, x)
	}
	// Three themes: z is ±1.41 at most, so meaning alone does not reach
	// MeaningThreshold, and only the most probable theme is kept.
	about := []float32{0.9, 0.3, 0.3}
	if got := slugs(m.Decide(about, nil, nil)); got != "a" {
		t.Errorf("meaning alone: %s, want a", got)
	}
	// The broad category names a and b; the text is about a: b is dropped.
	if got := slugs(m.Decide(about, []string{"a", "b"}, nil)); got != "a" {
		t.Errorf("category a,b: %s, want a", got)
	}
	// A confident keyword for c is dropped when meaning is against it (c
	// well below the mean), and kept when meaning does not contradict it
	// (c above the mean), ahead of a, the best by meaning, which nothing
	// else names.
	if got := slugs(m.Decide(about, []string{"a", "b"}, kw)); got != "a" {
		t.Errorf("keyword c against meaning: %s, want a", got)
	}
	ds := m.Decide([]float32{0.9, 0.2, 0.8}, nil, kw)
	if got := slugs(ds); got != "c" {
		t.Fatalf("keyword c near meaning: %s, want c", got)
	}
	if ds[0].Keyword == nil || ds[0].Keyword.Terms[0] != "gamma" || ds[0].Probability < themes.MeaningThreshold || ds[0].Confidence <= 0 {
		t.Errorf("evidence not reported: %+v", ds)
	}
	// With the category, a is kept too, the most probable first.
	ds = m.Decide([]float32{0.9, 0.2, 0.8}, []string{"a"}, kw)
	if got := slugs(ds); got != "c,a" {
		t.Errorf("category a + keyword c: %s, want c,a", got)
	}
	if len(ds) == 0 || !sort.SliceIsSorted(ds, func(i, j int) bool { return ds[i].Probability > ds[j].Probability }) {
		t.Errorf("not ordered by probability: %+v", ds)
	}
	for _, d := range ds[1:] {
		if d.Probability < themes.MeaningThreshold {
			t.Errorf("%s kept at probability %.3f", d.Slug, d.Probability)
		}
	}
	if m.Decide([]float32{1, 0}, nil, nil) != nil {
		t.Error("a vector of the wrong length was scored")
	}
}
