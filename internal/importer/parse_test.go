package importer_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/importer"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// MustParse parses a testdata page or fails the test.
func MustParse(tb testing.TB, name string) *importer.Page {
	tb.Helper()
	p, err := importer.ParseFile(filepath.Join("testdata", "pages", name))
	if err != nil {
		tb.Fatalf("parse %s: %v", name, err)
	}
	return p
}

// MustParseAll parses every testdata page.
func MustParseAll(tb testing.TB) []*importer.Page {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "pages", "*.txt"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no testdata pages: %v", err)
	}
	var ps []*importer.Page
	for _, f := range files {
		ps = append(ps, MustParse(tb, filepath.Base(f)))
	}
	return ps
}

// golden compares got (as indented JSON) with testdata/name, or rewrites
// it under -update.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if !bytes.Equal(want, b) {
		t.Errorf("%s differs from the parser's output; run go test -update and review the diff.\ngot:\n%s", path, b)
	}
}

func TestParsePageGolden(t *testing.T) {
	for _, p := range MustParseAll(t) {
		name := filepath.Base(p.Path)
		t.Run(name, func(t *testing.T) {
			golden(t, filepath.Join("pages", strings.TrimSuffix(name, ".txt")+".golden.json"), p)
		})
	}
}

func titles(es []importer.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Title)
	}
	return out
}

func TestParsePage(t *testing.T) {
	t.Run("listing with header, orphan, odd titles and footer", func(t *testing.T) {
		p := MustParse(t, "listing.txt")
		want := []string{"Lantern Gardens of Vellbrook", "", "Ask Your Mayor Anything!", "Who Owns the River?",
			"GREEN ROOFS FOR ORLEVIK", "Tallvik Youth Parliament (Tallviks Ungdomsråd)"}
		if got := titles(p.Entries); !slices.Equal(got, want) {
			t.Fatalf("titles = %q, want %q", got, want)
		}
		if !strings.HasPrefix(p.Entries[1].Summary, "A travelling repair van") || p.Entries[1].Line != 17 {
			t.Errorf("orphan = %+v", p.Entries[1])
		}
		f := p.Facts
		if f.Year != 2022 || !f.Finalists || f.Category != "ecology" || f.Kind != importer.KindListing || f.Programme != "innovation-in-politics-awards" {
			t.Errorf("facts = %+v", f)
		}
		if len(p.Winners) != 2 || p.Winners[0].Year != 2023 || p.Winners[0].Title != "Bridge Bakers Cooperative" {
			t.Fatalf("winners = %+v", p.Winners)
		}
		if w := p.Winners[1]; !w.Truncated || w.Summary != "" || w.Title != "Harbour Lights Data Pl" {
			t.Errorf("cut footer winner = %+v", w)
		}
	})
	t.Run("single newlines and repeated blocks", func(t *testing.T) {
		p := MustParse(t, "search.txt")
		if got := titles(p.Entries); !slices.Equal(got, []string{"Lantern Gardens of Vellbrook", "Vellbrook Repair Van"}) {
			t.Fatalf("titles = %q", got)
		}
		if p.Duplicates != 2 || p.Facts.Search != "vellbrook" || p.Facts.Kind != importer.KindSearch {
			t.Errorf("duplicates = %d, facts = %+v", p.Duplicates, p.Facts)
		}
		if w := p.Winners[1]; !w.Truncated || !strings.HasSuffix(w.Summary, "railway bri") {
			t.Errorf("cut footer summary = %+v", w)
		}
	})
	t.Run("covid page: sentence-case titles, wrapped line, cut title", func(t *testing.T) {
		p := MustParse(t, "covid.txt")
		if !p.Facts.Covid || p.Facts.Kind != importer.KindCovid {
			t.Errorf("facts = %+v", p.Facts)
		}
		if len(p.Entries) != 4 {
			t.Fatalf("entries = %+v", p.Entries)
		}
		if got := p.Entries[1].Summary; got != "A regional government opens a hotline that explains quarantine rules to residents in six languages." {
			t.Errorf("wrapped summary = %q", got)
		}
		if e := p.Entries[3]; !e.Truncated || e.Summary != "" {
			t.Errorf("last line = %+v, want a cut title", e)
		}
	})
	t.Run("glued lines are split", func(t *testing.T) {
		p := MustParse(t, "glued.txt")
		if len(p.Entries) != 4 {
			t.Fatalf("entries = %+v", p.Entries)
		}
		if e := p.Entries[0]; !strings.HasSuffix(e.Summary, "before the vote.") {
			t.Errorf("first summary = %q", e.Summary)
		}
		if e := p.Entries[1]; e.Title != "The Bright Path of Towns" || !e.TitleFragment || !strings.HasPrefix(e.Summary, "In a playful way") {
			t.Errorf("title fragment entry = %+v", e)
		}
		if e := p.Entries[3]; e.Title != "" || !e.SummaryFragment || !e.Truncated || !strings.HasPrefix(e.Summary, "is a digital atlas") {
			t.Errorf("glued description = %+v", e)
		}
	})
	t.Run("bullets with country, repaired bracket, lost start, cut country", func(t *testing.T) {
		p := MustParse(t, "bullets.txt")
		want := []importer.Entry{
			{Title: "Bridge Bakers Cooperative", CountryName: "Austria", Year: 2023, Status: domain.AwardEntry, Line: 11},
			{Title: "Green Roofs for Orlevik", CountryName: "Sweden", Year: 2023, Status: domain.AwardEntry, Line: 12},
			{Title: "Open Streets Platform", TitleFragment: true, CountryName: "Poland", Year: 2023, Status: domain.AwardEntry, Line: 13},
			{Title: "Quennstadter Bürgerfunk (Quennstadt Citizens’ Radio)", CountryName: "Germany", Year: 2023, Status: domain.AwardEntry, Line: 14},
			{Title: "Harbour Lights Data Platform", Year: 2023, Status: domain.AwardEntry, Line: 15},
		}
		if !slices.Equal(p.Entries, want) {
			t.Errorf("entries =\n%+v\nwant\n%+v", p.Entries, want)
		}
	})
	t.Run("German winners page", func(t *testing.T) {
		p := MustParse(t, "de.txt")
		if p.Facts.Lang != "de" || len(p.Entries) != 2 {
			t.Fatalf("page = %+v", p)
		}
		e := p.Entries[1]
		if e.Title != "LANTERN GARDENS OF VELLBROOK" || e.Category != "human-rights" || e.CountryName != "Vereinigtes Königreich" || e.Year != 2019 || e.Status != domain.AwardWinner {
			t.Errorf("entry = %+v", e)
		}
	})
	t.Run("hub sections", func(t *testing.T) {
		p := MustParse(t, "hub.txt")
		if len(p.Entries) != 4 {
			t.Fatalf("entries = %+v", p.Entries)
		}
		if e := p.Entries[0]; e.Title != "" || e.Year != 2024 || e.Status != domain.AwardWinner {
			t.Errorf("winner = %+v", e)
		}
		if e := p.Entries[2]; e.Status != domain.AwardFinalist {
			t.Errorf("finalist = %+v", e)
		}
	})
	t.Run("finalists page header and unreliable year", func(t *testing.T) {
		p := MustParse(t, "finalists.txt")
		if got := titles(p.Entries); !slices.Equal(got, []string{"GREEN ROOFS FOR ORLEVIK", "Who Owns the River?"}) {
			t.Errorf("titles = %q", got)
		}
		if f := p.Facts; f.Year != 0 || !f.Finalists || f.Category != "ecology" || f.Kind != importer.KindFinalists {
			t.Errorf("facts = %+v", f)
		}
	})
	t.Run("counter lines and country filter", func(t *testing.T) {
		p := MustParse(t, "counter.txt")
		want := []string{"Bridge Bakers Cooperative", "e-Mobility for All", "Participatory Budget in Quennstadt: bringing more say and responsibility to the town’s residents"}
		if got := titles(p.Entries); !slices.Equal(got, want) {
			t.Errorf("titles = %q", got)
		}
		if p.Facts.Country != "AT" || p.Facts.CountryName != "Austria" {
			t.Errorf("facts = %+v", p.Facts)
		}
	})
	t.Run("ipi: cut mark, programme and image lines", func(t *testing.T) {
		p := MustParse(t, "ipi.txt")
		if len(p.Entries) != 2 || !p.Entries[0].Truncated || strings.Contains(p.Entries[0].Summary, "[…]") || p.Entries[1].Title != "Drive-in Council" {
			t.Errorf("entries = %+v", p.Entries)
		}
	})
	t.Run("climate list header", func(t *testing.T) {
		p := MustParse(t, "climate.txt")
		if got := titles(p.Entries); !slices.Equal(got, []string{"Green Roofs for Orlevik", "Misting Benches"}) {
			t.Errorf("titles = %q", got)
		}
	})
	t.Run("seed without URL", func(t *testing.T) {
		p := MustParse(t, "seed.txt")
		if p.URL != "" || p.SourceURL() != "file:seed.txt" || p.Facts.Kind != importer.KindSeed || len(p.Entries) != 3 || p.Duplicates != 1 {
			t.Errorf("page = %+v", p)
		}
	})
}

func TestParsePageRejects(t *testing.T) {
	for name, in := range map[string]string{
		"empty":     "",
		"blank":     " \n\n\t\n",
		"binary":    "\x00\x01\x02PNG",
		"not utf-8": strings.Repeat("\xff\xfe", 50),
	} {
		t.Run(name, func(t *testing.T) {
			p, err := importer.ParsePage(name, strings.NewReader(in))
			if !errors.Is(err, importer.ErrNotPage) || p != nil {
				t.Errorf("ParsePage = %v, %v; want ErrNotPage", p, err)
			}
		})
	}
	if _, err := importer.ParseFile("testdata/no-such-page.txt"); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzParsePage(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "pages", "*.txt"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("URL: \n\nThe Winners\n"))
	f.Add([]byte("  • – , \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := importer.ParsePage("fuzz", bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, importer.ErrNotPage) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		// Lines as the parser numbers them: CRLF and a lone CR (old Mac
		// files) both end a line.
		norm := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		lines := bytes.Count(norm, []byte("\n")) + bytes.Count(norm, []byte("\r")) + 1
		for _, e := range p.Entries {
			if e.Line < 1 || e.Line > lines {
				t.Fatalf("entry line %d outside 1..%d", e.Line, lines)
			}
			if e.Title == "" && e.Summary == "" {
				t.Fatalf("empty entry %+v", e)
			}
		}
		recs, st := importer.Merge([]*importer.Page{p})
		if st.Records != len(recs) {
			t.Fatalf("stats records %d != %d", st.Records, len(recs))
		}
		for _, r := range recs {
			if r.Key == "" || (r.Title == "" && r.Summary == "") {
				t.Fatalf("bad record %+v", r)
			}
		}
	})
}

// TestParsePageWithoutInitiatives: a page with text but nothing the
// reader knows as an initiative says so in its warnings (the import
// reports them) instead of yielding nothing in silence.
func TestParsePageWithoutInitiatives(t *testing.T) {
	page := "URL: https://innovationinpolitics.eu/showroom/?project_cat=democracy\n\nShowroom\n\nBest Practice in Politics\n\nHere we collect invented political work for this fixture.\n"
	p, err := importer.ParsePage("header-only.txt", strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) != 0 || !slices.Contains(p.Warnings, "no initiative found on the page") {
		t.Errorf("entries %q, warnings %q; want none and the page's warning", titles(p.Entries), p.Warnings)
	}
	p = MustParse(t, "listing.txt")
	if slices.Contains(p.Warnings, "no initiative found on the page") {
		t.Errorf("listing.txt (%d entries) warned that it has none", len(p.Entries))
	}
}
