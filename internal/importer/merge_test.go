package importer_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/importer"
)

func byKey(recs []*importer.Record) map[string]*importer.Record {
	m := map[string]*importer.Record{}
	for _, r := range recs {
		m[r.Key] = r
	}
	return m
}

// MustRecord returns the record with key or fails.
func MustRecord(tb testing.TB, m map[string]*importer.Record, key string) *importer.Record {
	tb.Helper()
	r, ok := m[key]
	if !ok {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		tb.Fatalf("no record %q; have %q", key, keys)
	}
	return r
}

func TestMergeGolden(t *testing.T) {
	recs, st := importer.Merge(MustParseAll(t))
	golden(t, "merge.golden.json", map[string]any{"stats": st, "records": recs})
}

func TestMerge(t *testing.T) {
	recs, st := importer.Merge(MustParseAll(t))
	m := byKey(recs)

	t.Run("orphan joins the titled twin with the same summary", func(t *testing.T) {
		r := MustRecord(t, m, "vellbrook-repair-van")
		if r.TitleDerived || len(r.Sources) != 4 { // listing, search, solver, seed
			t.Errorf("record = %+v", r)
		}
	})
	t.Run("cut description and cut footer title join by prefix", func(t *testing.T) {
		r := MustRecord(t, m, "harbour-lights-data-platform")
		want := []domain.Award{
			{Year: 2023, Status: domain.AwardWinner, Sources: []domain.Source{
				{URL: "https://innovationinpolitics.eu/awards/awards-22-23/", Method: domain.MethodPageStructure},
				{URL: "https://innovationinpolitics.eu/showroom/?e-page-5138712=2&prog=innovation-in-politics-awards&project_year=2022&ipa-filter=finalists&project_cat=ecology", Method: domain.MethodWinnersFooter, Pages: 1},
			}},
			{Year: 2024, Status: domain.AwardWinner, Sources: []domain.Source{
				{URL: "https://awards.innovationinpolitics.eu/best-practices-hub", Method: domain.MethodPageStructure},
				{URL: "https://innovationinpolitics.eu/showroom/?search_term=vellbrook", Method: domain.MethodWinnersFooter, Pages: 1},
			}},
		}
		if !reflect.DeepEqual(r.Awards, want) {
			t.Errorf("awards = %+v\nwant %+v", r.Awards, want)
		}
		if len(r.CountryNames) != 0 {
			t.Errorf("a cut-off country became a fact: %+v", r.CountryNames)
		}
	})
	t.Run("winners footer is one source per fact, with its page count", func(t *testing.T) {
		r := MustRecord(t, m, "harbour-lights-data-platform")
		var footer []domain.Source
		for _, s := range r.Sources {
			switch s.Method {
			case domain.MethodWinnersFooter:
				footer = append(footer, s)
			case domain.MethodListing, domain.MethodPageStructure:
			default:
				t.Errorf("unexpected source %+v", s)
			}
		}
		// Two pages carry a footer naming it (the 2023 and the 2024 footer):
		// one footer source, not one per page; the pages that describe it
		// stay sources of their own.
		if len(footer) != 1 || footer[0].Pages != 2 {
			t.Errorf("footer sources = %+v, want one with pages 2", footer)
		}
		if len(r.Sources) != 3 {
			t.Errorf("sources = %+v, want the two describing pages and one footer entry", r.Sources)
		}
	})
	t.Run("translation in brackets: one record, parts as alt titles", func(t *testing.T) {
		r := MustRecord(t, m, "tallvik-youth-parliament-tallviks-ungdomsrad")
		if r.Title != "Tallvik Youth Parliament (Tallviks Ungdomsråd)" ||
			!slices.Equal(r.AltTitles, []string{"Tallvik Youth Parliament", "Tallviks Ungdomsråd"}) || len(r.Sources) != 2 {
			t.Errorf("record = %+v", r)
		}
		if _, ok := m["tallviks-ungdomsrad"]; ok {
			t.Error("bracket part kept as its own record")
		}
	})
	t.Run("two titles, one summary: one record", func(t *testing.T) {
		r := MustRecord(t, m, "who-owns-the-river")
		if !slices.Equal(r.AltTitles, []string{"River Charter Inquiry"}) {
			t.Errorf("record = %+v", r)
		}
		d := MustRecord(t, m, "drive-in-council-meetings")
		if !slices.Equal(d.AltTitles, []string{"Drive-in Council"}) {
			t.Errorf("drive-in record = %+v", d)
		}
		if st.TitlesMergedBySummary != 2 {
			t.Errorf("TitlesMergedBySummary = %d", st.TitlesMergedBySummary)
		}
	})
	t.Run("glued title fragment and glued description join their initiatives", func(t *testing.T) {
		if r := MustRecord(t, m, "puzzle-town-the-bright-path-of-towns"); len(r.Sources) != 2 {
			t.Errorf("puzzle town sources = %+v", r.Sources)
		}
		if r := MustRecord(t, m, "shade-atlas"); len(r.Sources) != 2 || r.Summary == "" || r.SummaryTruncated {
			t.Errorf("shade atlas = %+v", r)
		}
	})
	t.Run("capitals, curly quotes and diacritics fold to one key; mixed case shown", func(t *testing.T) {
		r := MustRecord(t, m, "green-roofs-for-orlevik")
		if r.Title != "Green Roofs for Orlevik" || len(r.Sources) != 4 {
			t.Errorf("record = %+v", r)
		}
		r = MustRecord(t, m, "lantern-gardens-of-vellbrook")
		if r.Title != "Lantern Gardens of Vellbrook" || !slices.ContainsFunc(r.Awards, func(a domain.Award) bool {
			return a.Year == 2019 && a.Status == domain.AwardWinner && a.Category == "human-rights"
		}) {
			t.Errorf("record = %+v", r)
		}
	})
	t.Run("url facts: year+finalists, undated finalists, country, covid", func(t *testing.T) {
		r := MustRecord(t, m, "who-owns-the-river")
		if len(r.Awards) != 1 || r.Awards[0].Year != 2022 || r.Awards[0].Status != domain.AwardFinalist || r.Awards[0].Sources[0].Method != domain.MethodURLYear {
			t.Errorf("awards = %+v", r.Awards)
		}
		if len(r.UndatedAwards) != 1 || r.UndatedAwards[0].Category != "ecology" {
			t.Errorf("undated = %+v", r.UndatedAwards)
		}
		b := MustRecord(t, m, "bridge-bakers-cooperative")
		if !slices.ContainsFunc(b.CountryNames, func(c importer.CountryFact) bool {
			return c.Code == "AT" && c.Source.Method == domain.MethodURLCountry
		}) {
			t.Errorf("countries = %+v", b.CountryNames)
		}
		c := MustRecord(t, m, "drive-in-council-meetings")
		if !c.Covid || len(c.Awards) != 0 {
			t.Errorf("covid record = %+v", c)
		}
	})
	t.Run("unmatched description gets a derived title", func(t *testing.T) {
		r := MustRecord(t, m, "a-lonely-description-whose-initiative-appears-nowhere-else")
		if !r.TitleDerived || r.Title != "A lonely description whose initiative appears nowhere else …" {
			t.Errorf("record = %+v", r)
		}
	})
	t.Run("fragment title without match stays flagged", func(t *testing.T) {
		r := MustRecord(t, m, "open-streets-platform")
		if !r.TitleIncomplete || r.Title != "Open Streets Platform" { // the dash is dropped, the flag says the start is lost
			t.Errorf("record = %+v", r)
		}
	})
	t.Run("title clean-up rules", func(t *testing.T) {
		for _, tc := range []struct {
			key, title string
			incomplete bool
		}{
			// Wrapped at a colon: the lower-case second line continues the title.
			{"lets-plan-vellbrook-together-creating-the-participatory-vellbrook-2030-strategy",
				"Let’s Plan Vellbrook Together: creating the participatory Vellbrook 2030 Strategy", false},
			// Leading dash: the start is lost; shown without it, flagged.
			{"quiet-harbour-platform", "Quiet Harbour Platform", true},
			// One short word is kept but flagged; an acronym is a name.
			{"zap", "Zap", true},
			{"zoe", "ZOE", false},
		} {
			r := MustRecord(t, m, tc.key)
			if r.Title != tc.title || r.TitleIncomplete != tc.incomplete || r.TitleDerived || r.Summary == "" {
				t.Errorf("%s: title %q incomplete %v derived %v summary %q; want %q incomplete %v with a summary",
					tc.key, r.Title, r.TitleIncomplete, r.TitleDerived, r.Summary, tc.title, tc.incomplete)
			}
		}
		if _, ok := m["lets-plan-vellbrook-together"]; ok {
			t.Error("the wrapped title's first line became an initiative of its own")
		}
	})
	t.Run("an untitled paraphrase joins its one clear titled twin", func(t *testing.T) {
		MustRecord(t, m, "green-ferry-pass")
		for k, r := range m {
			if r.TitleDerived && strings.Contains(r.Summary, "harbour board") {
				t.Errorf("paraphrase stayed apart as %s", k)
			}
		}
		// A description with no twin keeps its own record.
		if r := MustRecord(t, m, "teenagers-repaint-the-bus-shelters-of-their-suburb"); !r.TitleDerived {
			t.Errorf("record = %+v", r)
		}
		if st.OrphansParaphrased != 1 {
			t.Errorf("OrphansParaphrased = %d, want 1", st.OrphansParaphrased)
		}
	})
	t.Run("no header, counter or footer line became an initiative", func(t *testing.T) {
		for _, r := range recs {
			for _, bad := range []string{"showroom", "best-practice-in-politics", "the-winners", "country-austria",
				"3-project-s-matching-your-criteria-found", "the-10-finalists", "ecology", "explore-projects",
				"7-projects-where-towns-cooled-their-streets", "awards-2023", "und-nun-die-gewinner"} {
				if r.Key == bad {
					t.Errorf("header line became record %q", r.Key)
				}
			}
		}
	})
	t.Run("cut titles never become initiatives", func(t *testing.T) {
		for _, k := range []string{"vel", "opening-school-kitchens-to-cook-for-the-elderly", "harbour-lights-data-pl"} {
			if _, ok := m[k]; ok {
				t.Errorf("cut fragment %q became a record", k)
			}
		}
		if st.TruncatedDropped != 2 || st.TruncatedMatched != 1 {
			t.Errorf("stats = %+v", st)
		}
	})
}

func TestMergeIndependentOfPageOrder(t *testing.T) {
	ps := MustParseAll(t)
	want, _ := importer.Merge(ps)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5; i++ {
		shuffled := slices.Clone(ps)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		got, _ := importer.Merge(shuffled)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("order %d gives a different result", i)
		}
	}
}
