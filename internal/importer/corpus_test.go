package importer_test

import (
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/importer"
	"github.com/civicgraph/civicgraph/internal/shareddata"
)

// TestCorpus parses every seed and corpus page. It skips when the data is
// absent, except under CI=true, where missing data fails the build.
func TestCorpus(t *testing.T) {
	seeds, corpus := shareddata.Pages(t)
	parse := func(files []string) []*importer.Page {
		var ps []*importer.Page
		for _, f := range files {
			p, err := importer.ParseFile(f)
			if err != nil {
				t.Fatalf("parse %s: %v", f, err)
			}
			ps = append(ps, p)
		}
		return ps
	}
	corpusPages, seedPages := parse(corpus), parse(seeds)

	// The corpus alone, against the counts its README states: about 410
	// distinct titles, 51 COVID-19 measures, 14 description-only.
	recs, st := importer.Merge(corpusPages)
	titled := st.Records - st.TitleDerived
	if titled < 380 || titled > 440 {
		t.Errorf("corpus: %d titled records, want about 410", titled)
	}
	if st.Covid != 51 {
		t.Errorf("corpus: %d COVID-19 measures, want 51", st.Covid)
	}
	if st.TitleDerived < 8 || st.TitleDerived > 20 {
		t.Errorf("corpus: %d description-only records, want about 14", st.TitleDerived)
	}
	logStats(t, "corpus", recs, st)

	all, ast := importer.Merge(append(corpusPages, seedPages...))
	logStats(t, "corpus+seeds", all, ast)
	if ast.Records < st.Records || ast.Records > st.Records+30 {
		t.Errorf("seeds add %d records; want a few", ast.Records-st.Records)
	}

	bad := []string{"showroom", "best-practice-in-politics", "the-winners", "the-10-finalists",
		"country-germany", "54-project-s-matching-your-criteria-found", "explore-projects", "best",
		"practices", "hub", "links-und-ressourcen", "europe-s-best", "awards-2020", "awards-2023",
		"awards-2022-2023", "winners-2024", "finalists-2024", "in-alphabetical-order"}
	for _, r := range all {
		if r.Title == "" && r.Summary == "" {
			t.Errorf("record %q has neither title nor summary", r.Key)
		}
		for _, b := range bad {
			if r.Key == b {
				t.Errorf("header/counter/footer line became record %q", r.Key)
			}
		}
		f := strings.ToLower(r.Title)
		if strings.HasPrefix(f, "of the innovation in politics awards") || strings.Contains(f, "matching your criteria") ||
			strings.HasPrefix(f, "here we collect") || strings.HasPrefix(f, "we recognise") || strings.HasPrefix(f, "never before") {
			t.Errorf("header/counter/footer text became record %q (%q)", r.Key, r.Title)
		}
		if len(r.Sources) == 0 {
			t.Errorf("record %q has no source", r.Key)
		}
	}
}

func logStats(t *testing.T, name string, recs []*importer.Record, st importer.MergeStats) {
	t.Helper()
	t.Logf("%s: pages=%d entries=%d footer=%d records=%d orphanSummaries=%d orphansMerged=%d "+
		"titlesMergedBySummary=%d duplicatesCollapsed=%d truncatedMatched=%d truncatedDropped=%d "+
		"titleDerived=%d withCountry=%d withAwardYear=%d winners=%d covid=%d",
		name, st.Pages, st.Entries, st.FooterEntries, st.Records, st.OrphanSummaries, st.OrphansMerged,
		st.TitlesMergedBySummary, st.DuplicatesCollapsed, st.TruncatedMatched, st.TruncatedDropped,
		st.TitleDerived, st.WithCountry, st.WithAwardYear, st.Winners, st.Covid)
}
