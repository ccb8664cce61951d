package themes_test

import (
	"os"
	"path/filepath"
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
	// Three themes: z is ±1.22 at most, so meaning alone never passes
	// MeaningMinEvidence and only the best theme is kept.
	about := []float32{0.9, 0.3, 0.3}
	if got := slugs(m.Decide(about, nil, nil)); got != "a" {
		t.Errorf("meaning alone: %s, want a", got)
	}
	// The broad category names a and b; the text is about a: b is dropped.
	if got := slugs(m.Decide(about, []string{"a", "b"}, nil)); got != "a" {
		t.Errorf("category a,b: %s, want a", got)
	}
	// A confident keyword for c is dropped when meaning is against it
	// (c scores well below the mean), and kept beside the category theme
	// when meaning does not contradict it (c near the mean).
	kw := []themes.Match{{Slug: "c", Confidence: 0.8, Terms: []string{"gamma"}}}
	if got := slugs(m.Decide(about, []string{"a", "b"}, kw)); got != "a" {
		t.Errorf("keyword c against meaning: %s, want a", got)
	}
	ds := m.Decide([]float32{0.9, 0.2, 0.5}, []string{"a", "b"}, kw)
	if got := slugs(ds); got != "c,a" { // highest evidence first
		t.Fatalf("category a,b + keyword c: %s, want c,a", got)
	}
	if ds[0].Keyword == nil || ds[0].Keyword.Terms[0] != "gamma" || !ds[1].Category || ds[1].Confidence <= 0 {
		t.Errorf("evidence not reported: %+v", ds)
	}
	if m.Decide([]float32{1, 0}, nil, nil) != nil {
		t.Error("a vector of the wrong length was scored")
	}
}
