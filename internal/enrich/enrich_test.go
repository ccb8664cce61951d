package enrich_test

import (
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/enrich"
	"github.com/civicgraph/civicgraph/internal/gazetteer"
	"github.com/civicgraph/civicgraph/internal/importer"
	"github.com/civicgraph/civicgraph/internal/themes"
)

// Records below are written for these tests in the shape Merge and the
// user-file readers produce; no showroom text.
const (
	listingURL = "https://example.org/showroom/?project_cat=ecology"
	countryURL = "https://example.org/showroom/?country=austria"
	covidURL   = "https://example.org/coping-with-the-coronavirus-crisis/health/"
	userFile   = "file:extra.jsonl"
)

func newEnricher() *enrich.Enricher {
	return &enrich.Enricher{Gaz: gazetteer.Default(), Tax: themes.Default()}
}

func listed(url string) []domain.Source {
	return []domain.Source{{URL: url, Method: domain.MethodListing}}
}

// MustBuildOne enriches one record and returns its initiative and the report.
func MustBuildOne(tb testing.TB, r *importer.Record) (*domain.Initiative, *enrich.Report) {
	tb.Helper()
	ins, rep := newEnricher().Build([]*importer.Record{r})
	if len(ins) != 1 {
		tb.Fatalf("Build returned %d initiatives for one record", len(ins))
	}
	return ins[0], rep
}

func themeBySlug(in *domain.Initiative, slug string) *domain.ThemeAssignment {
	for i := range in.Themes {
		if in.Themes[i].Slug == slug {
			return &in.Themes[i]
		}
	}
	return nil
}

func TestBuildPlaces(t *testing.T) {
	t.Run("country fact beats a city elsewhere in the text", func(t *testing.T) {
		in, rep := MustBuildOne(t, &importer.Record{
			Key: "river-clean-up", Title: "River Clean-Up",
			Summary:      "Volunteers in Ljubljana pull plastic out of the river every spring.",
			CountryNames: []importer.CountryFact{{Name: "Austria", Code: "AT", Source: domain.Source{URL: countryURL, Method: domain.MethodURLCountry}}},
			Sources:      listed(countryURL),
		})
		if in.City != nil {
			t.Errorf("city %s kept against the stated country AT", in.City.Name)
		}
		if in.Country == nil || in.Country.Code != "AT" || in.Country.Sources[0].Method != domain.MethodURLCountry {
			t.Errorf("country = %+v; want AT from the URL filter", in.Country)
		}
		if len(rep.Conflicts) != 1 || !strings.Contains(rep.Conflicts[0].Note, "Ljubljana") || rep.Conflicts[0].Key != "river-clean-up" {
			t.Errorf("conflicts = %+v; want one naming Ljubljana", rep.Conflicts)
		}
	})
	t.Run("country fact and text city agree", func(t *testing.T) {
		in, rep := MustBuildOne(t, &importer.Record{
			Key: "heat-plan", Title: "Heat Plan",
			Summary:      "Graz opens cool rooms in libraries during heatwaves.",
			CountryNames: []importer.CountryFact{{Name: "Austria", Code: "AT", Source: domain.Source{URL: countryURL, Method: domain.MethodURLCountry}}},
			Sources:      listed(countryURL),
		})
		if in.City == nil || in.City.Name != "Graz" || in.Country == nil || in.Country.Code != "AT" {
			t.Fatalf("place = %+v / %+v; want Graz, AT", in.City, in.Country)
		}
		if in.Country.Sources[0].Method != domain.MethodURLCountry || in.City.Sources[0].Method != domain.MethodText {
			t.Errorf("sources: city %+v, country %+v; want text and url-country", in.City.Sources, in.Country.Sources)
		}
		if len(rep.Conflicts) != 0 {
			t.Errorf("unexpected conflicts %+v", rep.Conflicts)
		}
	})
	t.Run("two country facts disagree", func(t *testing.T) {
		in, rep := MustBuildOne(t, &importer.Record{
			Key: "border-buses", Title: "Border Buses",
			Summary: "A bus line links two market towns across the border.",
			CountryNames: []importer.CountryFact{
				{Name: "Austria", Code: "AT", Source: domain.Source{URL: countryURL, Method: domain.MethodURLCountry}},
				{Name: "Slovenia", Source: domain.Source{URL: listingURL, Method: domain.MethodPageStructure}},
			},
			Sources: listed(countryURL),
		})
		if in.Country == nil || in.Country.Code != "AT" {
			t.Errorf("country = %+v; want the first fact, AT", in.Country)
		}
		if len(rep.Conflicts) != 1 || !strings.Contains(rep.Conflicts[0].Note, "AT vs SI") {
			t.Errorf("conflicts = %+v; want AT vs SI", rep.Conflicts)
		}
	})
	t.Run("nothing to go on", func(t *testing.T) {
		in, rep := MustBuildOne(t, &importer.Record{
			Key: "quiet-hours", Title: "Quiet Hours",
			Summary: "Shops dim their lights for one hour a week.", Sources: listed(listingURL),
		})
		if in.City != nil || in.Country != nil {
			t.Errorf("place = %+v / %+v; want none", in.City, in.Country)
		}
		if len(rep.NoPlace) != 1 || rep.NoPlace[0].Key != "quiet-hours" {
			t.Errorf("NoPlace = %+v", rep.NoPlace)
		}
	})
}

func TestBuildThemes(t *testing.T) {
	t.Run("category themes plus a strong text theme", func(t *testing.T) {
		in, _ := MustBuildOne(t, &importer.Record{
			Key: "welcome-gardens", Title: "Welcome Gardens for Refugees",
			Summary:    "Refugees and asylum seekers grow vegetables with neighbours, an integration programme for newly arrived migrants.",
			Categories: []importer.CategoryFact{{Slug: "ecology", Source: domain.Source{URL: listingURL, Method: domain.MethodURLCategory}}},
			Sources:    listed(listingURL),
		})
		cat := themeBySlug(in, "climate-environment")
		if cat == nil || cat.Source != domain.ThemeSourceCategory || cat.Confidence != 0.95 ||
			len(cat.Sources) != 1 || cat.Sources[0] != (domain.Source{URL: listingURL, Method: domain.MethodURLCategory}) {
			t.Errorf("category theme = %+v; want climate-environment from the ecology page", cat)
		}
		txt := themeBySlug(in, "migration-integration")
		if txt == nil || txt.Source != domain.ThemeSourceText || txt.Confidence < 0.6 || len(txt.Terms) == 0 {
			t.Errorf("text theme = %+v; want migration-integration from text with its terms", txt)
		}
		for _, th := range in.Themes {
			if th.Source == domain.ThemeSourceText && th.Confidence < 0.6 {
				t.Errorf("weak text theme %+v added next to a category", th)
			}
		}
	})
	t.Run("text themes fill in without a category", func(t *testing.T) {
		in, rep := MustBuildOne(t, &importer.Record{
			Key: "bike-lanes", Title: "Protected Bike Lanes",
			Summary: "The council builds protected cycle lanes and safer crossings for cyclists.",
			Sources: listed(listingURL),
		})
		th := themeBySlug(in, "mobility-public-space")
		if th == nil || th.Source != domain.ThemeSourceText {
			t.Errorf("themes = %+v; want mobility-public-space from text", in.Themes)
		}
		if len(rep.NoTheme) != 0 {
			t.Errorf("NoTheme = %+v", rep.NoTheme)
		}
	})
	t.Run("COVID-19 measures get covid-19 from the category", func(t *testing.T) {
		in, _ := MustBuildOne(t, &importer.Record{
			Key: "phone-buddies", Title: "Phone Buddies",
			Summary: "Students call older people who live alone twice a week.",
			Covid:   true,
			Sources: append(listed(listingURL), listed(covidURL)...),
		})
		th := themeBySlug(in, "covid-19")
		if th == nil || th.Source != domain.ThemeSourceCategory {
			t.Fatalf("themes = %+v; want covid-19 from the category", in.Themes)
		}
		if th.Sources[0].URL != covidURL || th.Sources[0].Method != domain.MethodURLCategory {
			t.Errorf("covid-19 source = %+v; want the coronavirus page, url-category", th.Sources)
		}
	})
	t.Run("no category and no keywords is reported", func(t *testing.T) {
		_, rep := MustBuildOne(t, &importer.Record{
			Key: "project-x", Title: "Project X", Summary: "", Sources: listed(listingURL),
		})
		if len(rep.NoTheme) != 1 {
			t.Errorf("NoTheme = %+v; want project-x", rep.NoTheme)
		}
	})
}

func TestBuildUserFile(t *testing.T) {
	src := domain.Source{URL: userFile, Method: domain.MethodUserFile}
	t.Run("city and themes from the file", func(t *testing.T) {
		in, rep := MustBuildOne(t, &importer.Record{
			Key: "tool-library", Title: "Tool Library",
			Summary:      "Residents in Ljubljana borrow drills.", // the file's city wins over text
			CityName:     "Graz",
			CountryNames: []importer.CountryFact{{Code: "AT", Source: src}},
			ThemeSlugs:   []string{"economy-jobs", "no-such-theme"},
			Sources:      []domain.Source{src},
		})
		if in.City == nil || in.City.Name != "Graz" || in.City.CountryCode != "AT" {
			t.Fatalf("city = %+v; want Graz", in.City)
		}
		if in.City.Confidence != 1 || in.City.Sources[0] != src {
			t.Errorf("city provenance = %v %+v; want 1 and the user file", in.City.Confidence, in.City.Sources)
		}
		th := themeBySlug(in, "economy-jobs")
		if th == nil || th.Source != domain.ThemeSourceUser || th.Sources[0] != src {
			t.Errorf("user theme = %+v", th)
		}
		if themeBySlug(in, "no-such-theme") != nil {
			t.Error("a slug outside the taxonomy was kept")
		}
		if len(rep.Ambiguous)+len(rep.Conflicts) != 0 {
			t.Errorf("report = %+v", rep)
		}
	})
	t.Run("city without country takes the country from the city", func(t *testing.T) {
		in, _ := MustBuildOne(t, &importer.Record{
			Key: "night-library", Title: "Night Library", CityName: "Tampere", Sources: []domain.Source{src},
		})
		if in.Country == nil || in.Country.Code != "FI" || in.Country.Sources[0] != src {
			t.Errorf("country = %+v; want FI with the user file as source", in.Country)
		}
	})
	t.Run("unknown city is reported, not guessed", func(t *testing.T) {
		in, rep := MustBuildOne(t, &importer.Record{
			Key: "atlantis-talks", Title: "Atlantis Talks", CityName: "Atlantis", Sources: []domain.Source{src},
		})
		if in.City != nil {
			t.Errorf("city = %+v; want none", in.City)
		}
		if len(rep.Ambiguous) != 1 || !strings.Contains(rep.Ambiguous[0].Note, "Atlantis") {
			t.Errorf("Ambiguous = %+v", rep.Ambiguous)
		}
	})
	t.Run("file city in another country than the file's country", func(t *testing.T) {
		in, rep := MustBuildOne(t, &importer.Record{
			Key: "ferry-votes", Title: "Ferry Votes", CityName: "Split",
			CountryNames: []importer.CountryFact{{Code: "AT", Source: src}}, Sources: []domain.Source{src},
		})
		if in.City != nil || in.Country == nil || in.Country.Code != "AT" {
			t.Errorf("place = %+v / %+v; want AT only", in.City, in.Country)
		}
		if len(rep.Ambiguous) != 1 {
			t.Errorf("Ambiguous = %+v; want Split not found in AT", rep.Ambiguous)
		}
	})
}

// TestBuildProvenance checks that every initiative and every link it
// carries names at least one source with a method.
func TestBuildProvenance(t *testing.T) {
	recs := []*importer.Record{
		{Key: "a", Title: "Bristol’s Tree Census", Summary: "Residents count street trees.",
			Categories: []importer.CategoryFact{{Slug: "ecology", Source: domain.Source{URL: listingURL, Method: domain.MethodURLCategory}}},
			Awards: []domain.Award{{Year: 2021, Status: domain.AwardFinalist,
				Sources: []domain.Source{{URL: "https://example.org/showroom/?project_year=2021", Method: domain.MethodURLYear}}}},
			Sources: listed(listingURL)},
		{Key: "b", Title: "Irish Repair Law", Summary: "An Irish law makes spare parts available for ten years.",
			Sources: listed(listingURL)},
		{Key: "c", Title: "Phone Buddies", Summary: "Students call older people in Tampere.", Covid: true,
			Sources: listed(covidURL)},
		{Key: "d", Title: "Tool Library", CityName: "Graz", ThemeSlugs: []string{"economy-jobs"},
			Sources: []domain.Source{{URL: userFile, Method: domain.MethodUserFile}}},
		{Key: "e", Title: "Quiet Hours", Summary: "Shops dim their lights.",
			CountryNames: []importer.CountryFact{{Name: "Austria", Code: "AT", Source: domain.Source{URL: countryURL, Method: domain.MethodURLCountry}}},
			Sources:      listed(countryURL)},
	}
	ins, _ := newEnricher().Build(recs)
	if len(ins) != len(recs) {
		t.Fatalf("%d initiatives for %d records", len(ins), len(recs))
	}
	for i := 1; i < len(ins); i++ {
		if ins[i-1].ID >= ins[i].ID {
			t.Errorf("output not sorted by key: %s before %s", ins[i-1].ID, ins[i].ID)
		}
	}
	check := func(id, what string, ss []domain.Source) {
		t.Helper()
		if len(ss) == 0 {
			t.Errorf("%s: %s has no source", id, what)
		}
		for _, s := range ss {
			if s.Method == "" || s.URL == "" {
				t.Errorf("%s: %s source %+v lacks a URL or method", id, what, s)
			}
		}
	}
	links := 0
	for _, in := range ins {
		check(in.ID, "initiative", in.Sources)
		if in.City != nil {
			check(in.ID, "city", in.City.Sources)
			links++
		}
		if in.Country != nil {
			check(in.ID, "country", in.Country.Sources)
			links++
		}
		for _, th := range in.Themes {
			check(in.ID, "theme "+th.Slug, th.Sources)
			links++
		}
		for _, a := range in.Awards {
			check(in.ID, "award", a.Sources)
			links++
		}
	}
	if links < 10 {
		t.Errorf("only %d links checked; the records should yield more", links)
	}
}

func TestSuspectedDuplicates(t *testing.T) {
	mk := func(id, title, summary string) *domain.Initiative {
		return &domain.Initiative{ID: id, Title: title, Summary: summary}
	}
	ins := []*domain.Initiative{
		mk("a", "Green Courtyards", "Residents of old tenement blocks turn paved courtyards into shared gardens with benches, trees and rain barrels."),
		mk("b", "Courtyard Gardens Programme", "Residents of old tenement blocks turn paved courtyards into shared gardens with benches, trees and rain butts."),
		mk("c", "Night Buses for Students", "Students vote on new night bus routes linking the campus with the suburbs."),
		mk("d", "Youth Night Buses for Students", "A youth council plans late buses so teenagers get home safely after sports."),
		mk("e", "Repair Café", "Volunteers fix broken toasters, lamps and bicycles every Saturday in the town library."),
	}
	got := enrich.SuspectedDuplicates(ins)
	pairs := map[string]string{}
	for _, d := range got {
		a, b := d.A, d.B
		if b < a {
			a, b = b, a
		}
		pairs[a+" ~ "+b] = d.Why
	}
	if why, ok := pairs["Courtyard Gardens Programme ~ Green Courtyards"]; !ok || !strings.Contains(why, "summaries") {
		t.Errorf("near-identical summaries not found: %+v", got)
	}
	if why, ok := pairs["Night Buses for Students ~ Youth Night Buses for Students"]; !ok || !strings.Contains(why, "titles") {
		t.Errorf("near-identical titles not found: %+v", got)
	}
	if len(got) != 2 {
		t.Errorf("want exactly the two pairs, got %+v", got)
	}
}
