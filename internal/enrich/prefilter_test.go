package enrich

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/gazetteer"
	"github.com/civicgraph/civicgraph/internal/importer"
	"github.com/civicgraph/civicgraph/internal/shareddata"
	"github.com/civicgraph/civicgraph/internal/themes"
)

// prefilterTexts are texts made to probe the folding and the joins.
var prefilterTexts = []string{
	"The City of Leipzig runs it", "the CITY OF Leipzig", "THE ſity", "a muniſipality", // long s folds to s
	"Stadtverwaltung", "STADTVERWALTUNG", "bürgermeisterin", "BÜRGERMEISTER", "the city’s park", "THE CITY'S",
	"Aragon's government", "Aragon’s regional Government", "the government of Aragon", "Government of Ireland",
	"a housing cooperative run by", "co-operatives.", "CO-OPERATIVE", "cooperative", "UNICEF", "who", "WHO",
	"the Kelvin sign: \u212a", "Local Authority", "city  council", "city council", "", "x",
}

// corpusRecords parses and merges the seeds and showroom pages (skipped
// without the data, failed under CI=true).
func corpusRecords(t *testing.T) []*importer.Record {
	t.Helper()
	seeds, corpus := shareddata.Pages(t)
	var pages []*importer.Page
	for _, f := range append(seeds, corpus...) {
		p, err := importer.ParseFile(f)
		if err != nil {
			t.Fatalf("parse %s: %v", f, err)
		}
		pages = append(pages, p)
	}
	recs, _ := importer.Merge(pages)
	return recs
}

// TestLevelPrefilterAgrees checks the prefilter is a necessary condition:
// on every text of the shared corpus and the probes above, no rule the
// prefilter skips matches, and the levels are the same with and without it.
func TestLevelPrefilterAgrees(t *testing.T) {
	recs := corpusRecords(t)
	texts := append([]string(nil), prefilterTexts...)
	for _, r := range recs {
		texts = append(texts, r.Title, r.Summary)
	}
	skipped := 0
	for k, rule := range levelRules {
		if levelNeeds[k] == nil {
			t.Errorf("rule %q has no prefilter", rule.re)
		}
		for _, s := range texts {
			if mayMatch(levelNeeds[k], foldText(s)) {
				continue
			}
			skipped++
			if m := rule.re.FindStringIndex(s); m != nil {
				t.Errorf("rule %q matches %q in %q but its prefilter %q skips it", rule.re, s[m[0]:m[1]], s, levelNeeds[k])
			}
		}
	}
	if skipped == 0 {
		t.Error("the prefilter skipped nothing")
	}
	en := &Enricher{Gaz: gazetteer.Default(), Tax: themes.Default()}
	with, _ := en.Build(recs)
	usePrefilter = false
	without, _ := en.Build(recs)
	usePrefilter = true
	for i := range with {
		if !reflect.DeepEqual(with[i].Level, without[i].Level) {
			t.Errorf("%s: level %+v with the prefilter, %+v without", with[i].ID, with[i].Level, without[i].Level)
		}
	}
}

func TestFoldText(t *testing.T) {
	for in, want := range map[string]string{"City": "CITY", "ſity": "SITY", "\u212a": "K", "Bürger": "BÜRGER", "bÜrger": "BÜRGER"} {
		if got := foldText(in); got != want {
			t.Errorf("foldText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNeedIndexAgrees: the automaton marks exactly the rules whose
// prefilter strings mayMatch finds, on the shared corpus, the probes
// above, and texts made of the prefilter strings themselves, cut and
// glued so that they overlap, nest and share prefixes and suffixes.
func TestNeedIndexAgrees(t *testing.T) {
	texts := append([]string(nil), prefilterTexts...)
	for _, r := range corpusRecords(t) {
		texts = append(texts, r.Title, r.Summary)
	}
	var pieces []string
	for _, need := range levelNeeds {
		pieces = append(pieces, need...)
	}
	rng := rand.New(rand.NewPCG(5, 9))
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			s := pieces[rng.IntN(len(pieces))]
			switch rng.IntN(4) {
			case 0: // a prefix
				s = s[:rng.IntN(len(s)+1)]
			case 1: // a suffix
				s = s[rng.IntN(len(s)+1):]
			}
			b.WriteString(s)
			b.WriteString([]string{"", " ", "x", "’"}[rng.IntN(4)])
		}
		texts = append(texts, b.String())
	}
	may := make([]bool, len(levelRules))
	marked := 0
	for _, s := range texts {
		folded := foldText(s)
		levelIndex.mark(folded, may)
		for k := range levelRules {
			if want := mayMatch(levelNeeds[k], folded); may[k] != want {
				t.Fatalf("rule %d (%q) on %q: the index says %v, mayMatch %v", k, levelNeeds[k], folded, may[k], want)
			}
			if may[k] {
				marked++
			}
		}
	}
	if marked == 0 {
		t.Error("the index marked no rule on any text")
	}
}

// mayMatch is the plain definition the automaton must agree with:
// whether text (folded by foldText) contains one of the prefilter
// strings; with no prefilter, always.
func mayMatch(need []string, folded string) bool {
	if need == nil {
		return true
	}
	for _, s := range need {
		if strings.Contains(folded, s) {
			return true
		}
	}
	return false
}
