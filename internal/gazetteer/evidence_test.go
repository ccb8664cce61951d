package gazetteer_test

import (
	"slices"
	"testing"

	"github.com/civicgraph/civicgraph/internal/gazetteer"
)

// TestFindings covers the place evidence beyond Resolve: institutions,
// ISO 3166-2 subdivisions and small places in titles. The sentences are
// ours; each rule has a case where it must not fire.
func TestFindings(t *testing.T) {
	g := gazetteer.Default()
	tests := []struct {
		name           string
		title, summary string
		want           string // "kind country city" of the findings, or "" for none
	}{
		{"parliament", "Ask Your MP", "Citizens put questions to members of the Bundestag every month.",
			"institution DE"},
		{"parliament in two words, diacritics folded", "Open Sittings", "The Dail Eireann streams its sittings.",
			"institution IE"},
		{"national agency", "Queue-Free Clinics", "The NHS books appointments online.", "institution GB"},
		{"an institution name shared by countries is no evidence", "Youth Sessions",
			"Pupils debate in the Nationalrat once a year.", ""},
		{"council area", "Crowdfund Angus", "A crowdfunding platform for a remote area.", "subdivision GB"},
		{"a subdivision word at a sentence start is not taken", "Green Roofs",
			"Angus farmers plant hedges.", ""},
		{"small town at the end of a title", "Innovative School Wutöschingen",
			"This school has dropped fixed timetables.", "title-place DE Wutöschingen"},
		{"small town at the start of a title segment", "Ferla Agorà – Ideas Square",
			"Residents meet in the town’s main square to vote.", "title-place IT Ferla"},
		{"title place needs a word saying it is a place", "Ferla Agorà – Ideas Square",
			"People debate current issues and vote on them.", ""},
		{"an English inflected form is not a village", "Schule im Aufbruch – School Gets Going",
			"The school changes how pupils learn.", ""},
		{"a name shared by several places is not a title place", "Newport Pride",
			"Residents paint the town's benches.", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range g.Findings(tc.title, tc.summary) {
				s := f.Kind + " " + f.Country
				if f.City != nil {
					s += " " + f.City.Name
				}
				got = append(got, s)
			}
			var want []string
			if tc.want != "" {
				want = []string{tc.want}
			}
			if !slices.Equal(got, want) {
				t.Errorf("Findings(%q, %q) = %q, want %q", tc.title, tc.summary, got, want)
			}
		})
	}
}

// TestAlternateNames: the exonyms the City lookup offers come from the table.
func TestAlternateNames(t *testing.T) {
	g := gazetteer.Default()
	for _, tc := range []struct{ name, cc, alt string }{{"Århus", "DK", "Aarhus"}, {"Vienna", "AT", "Wien"}} {
		c, ok := g.CityByName(tc.name, tc.cc)
		if !ok {
			t.Fatalf("CityByName(%q) not found", tc.name)
		}
		if !slices.Contains(c.AlternateNames(), tc.alt) {
			t.Errorf("%s alternate names %q lack %q", tc.name, c.AlternateNames(), tc.alt)
		}
	}
}

// TestIslands: islands resolve to their country as regions.
func TestIslands(t *testing.T) {
	g := gazetteer.Default()
	for _, tc := range []struct{ title, summary, country string }{
		{"Zero Waste Tilos", "The island recycles almost everything its residents throw away.", "GR"},
		{"Ferry Timetables", "Residents of Gozo plan trips with one shared timetable.", "MT"},
		{"Solar Crete", "Schools in Crete put solar panels on their roofs.", "GR"},
	} {
		res := g.Resolve(tc.title, tc.summary, gazetteer.Hints{})
		if res.Country == nil || res.Country.Code != tc.country || res.City != nil {
			t.Errorf("Resolve(%q, %q) = %+v, want country %s and no city", tc.title, tc.summary, res, tc.country)
		}
	}
}
