package gazetteer_test

import (
	"testing"

	"github.com/civicgraph/civicgraph/internal/gazetteer"
)

// TestResolveRules covers the rules added after measuring place precision
// on labelled showroom initiatives (internal/enrich/precision_test.go).
// The sentences are ours; each pair shows the rule firing and, where the
// rule could over-reach, a sentence where it must not.
func TestResolveRules(t *testing.T) {
	g := gazetteer.Default()
	tests := []struct {
		name           string
		title, summary string
		want           want
	}{
		// Run-together hashtags: a big city at the start of the tag.
		{"all-caps hashtag with diacritics", "#KRAKÓWRAZEM (#KRAKOWTOGETHER)",
			"Neighbours deliver shopping to older residents.",
			want{city: "Kraków", country: "PL"}},
		{"camel-case hashtag", "#LeipzigHilft",
			"Neighbours deliver shopping to older residents.",
			want{city: "Leipzig", country: "DE"}},
		{"hashtag of ordinary words", "#StopWasteNow",
			"Shops give unsold bread to food banks.",
			want{noCity: true, country: "-"}},
		{"hashtag starting with a small town's name is no place", "#FreeTransitForAll",
			"Buses cost nothing on Sundays.",
			want{noCity: true, country: "-"}},

		// London boroughs written in capitals and with "and".
		{"borough with and, in capitals", "KENSINGTON AND CHELSEA YOUTH FORUM",
			"Teenagers question councillors once a month.",
			want{city: "London", country: "GB", method: "district"}},
		{"Barking alone is a London district", "Job Clubs",
			"Job clubs in Barking help school leavers write their first CV.",
			want{city: "London", country: "GB"}},

		// Curated districts, demonyms and short names.
		{"Malmö district", "Football for Everyone",
			"Coaches in Rosengård train girls twice a week.",
			want{city: "Malmö", country: "SE", method: "district"}},
		{"city demonym at a sentence start", "Pocket Parks",
			"Cracovians vote on which empty lots become pocket parks.",
			want{city: "Kraków", country: "PL", method: "city-adjective"}},
		{"short name closing a title-cased title", "The Repair Café Newcastle",
			"Volunteers fix toasters and lamps every Saturday.",
			want{city: "Newcastle upon Tyne", country: "GB"}},

		// Apposition: "X, a town …", "X – a municipality …".
		{"apposition lifts a small town at a title start", "Wutöschingen – a Village That Learns",
			"Parents and teachers redesign the school day together.",
			want{city: "Wutöschingen", country: "DE", method: "city-of"}},
		{"apposition after a sentence start", "Smart Services",
			"Tartu, a university city, puts every permit online.",
			want{city: "Tartu", country: "EE"}},
		{"an article after a comma is not a verb object", "Harbour Walks",
			"Gdynia, the youngest port in the region, opens its quays to walkers.",
			want{city: "Gdynia", country: "PL"}},

		// "of X" in a title.
		{"of before a small unique place in a title", "The Citizens’ Garden of Ungersheim",
			"Residents grow vegetables for the school canteen.",
			want{city: "Ungersheim", country: "FR"}},
		{"of before ordinary words in a title", "The Library of Sports and Skills",
			"Teenagers borrow bikes and skates for free.",
			want{noCity: true, country: "-"}},

		// Plural demonyms.
		{"plural demonym", "Coding Clubs",
			"Young Estonians learn to code in village libraries.",
			want{country: "EE", method: "country-adjective", noCity: true}},
		{"plural demonym at a sentence start", "Votes at Sixteen",
			"Austrians may vote from the age of sixteen.",
			want{country: "AT", noCity: true}},

		// Adjectives that modify a country name yield to the noun.
		{"adjectives before a country name", "Shared Kitchen",
			"A community centre in the buffer zone brings Turkish and Greek Cyprus together.",
			want{country: "CY", noCity: true}},
		{"adjectives alone keep the first", "Twin Schools",
			"Czech and Slovak pupils swap classrooms for a week.",
			want{country: "CZ", noCity: true}},

		// A region in the title beats a city named in the summary.
		{"region in the title, city in the summary", "Night Trains across Bavaria",
			"Sleeper services leave Munich every evening for rural towns.",
			want{region: "Bavaria", country: "DE", noCity: true}},
		{"city in the title, region in the summary", "Augsburg Bike Library",
			"The Bavarian city lends cargo bikes to families for free.",
			want{city: "Augsburg", country: "DE"}},

		// English counties are regions.
		{"county council", "Flood Wardens",
			"Essex County Council trains volunteers to watch river levels.",
			want{region: "Essex", country: "GB", noCity: true}},

		// Acronyms are not the function words they spell.
		{"US in a sentence is the country", "Laptops for Pupils",
			"A county in the US hands out laptops to pupils who lack one.",
			want{country: "US", noCity: true}},
		{"us as a pronoun", "Plant With Us",
			"Join us to plant a tree in every schoolyard.",
			want{noCity: true, country: "-"}},
		{"US in an all-caps title is the pronoun", "HELP US GROW",
			"Residents share seeds and tools.",
			want{noCity: true, country: "-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, g.Resolve(tt.title, tt.summary, gazetteer.Hints{}), tt.want)
		})
	}
}
