package gazetteer

import (
	"os"
	"testing"
)

func TestZZScratch(t *testing.T) {
	g := Default()
	title, summary := os.Getenv("T"), os.Getenv("S")
	r := resolver{g: g, hints: map[string]bool{}}
	r.src = [2]string{title, summary}
	r.toks = tokenize(title, summary)
	r.findMentions()
	for _, m := range r.mentions {
		t.Logf("mention %+v", m)
		if m.cities {
			t.Logf("  verdict %+v", r.judge(m))
			for _, c := range r.candidates(m.key) {
				t.Logf("    cand %s %s pop=%d eff=%d alt=%v kind=%c", g.cities[c.idx].Name, g.cities[c.idx].CountryCode, g.cities[c.idx].Population, c.effPop, c.alt, g.kind[c.via])
			}
		}
	}
	t.Logf("res %+v", g.Resolve(title, summary, Hints{}))
}
