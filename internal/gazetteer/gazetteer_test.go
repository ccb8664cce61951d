package gazetteer_test

import (
	"testing"

	"github.com/civicgraph/civicgraph/internal/gazetteer"
)

// want describes the expected shape of a Resolution; empty fields are not
// checked.
type want struct {
	city      string // City.Name
	country   string // Country.Code
	region    string
	method    string
	noCity    bool
	ambiguous bool
}

func check(t *testing.T, got gazetteer.Resolution, w want) {
	t.Helper()
	desc := func() string {
		s := "method=" + got.Method + " evidence=" + got.Evidence + " note=" + got.Note
		if got.City != nil {
			s += " city=" + got.City.Name
		}
		if got.Country != nil {
			s += " country=" + got.Country.Code
		}
		return s
	}
	if w.city != "" && (got.City == nil || got.City.Name != w.city) {
		t.Errorf("city: want %s; got %s", w.city, desc())
	}
	if (w.noCity || w.ambiguous) && got.City != nil {
		t.Errorf("want no city; got %s", desc())
	}
	if w.ambiguous && len(got.Ambiguous) < 2 {
		t.Errorf("want ambiguous candidates; got %s", desc())
	}
	if w.country != "" && w.country != "-" && (got.Country == nil || got.Country.Code != w.country) {
		t.Errorf("country: want %s; got %s", w.country, desc())
	}
	if w.country == "-" && got.Country != nil {
		t.Errorf("want no country; got %s", desc())
	}
	if w.region != got.Region {
		t.Errorf("region: want %q; got %q (%s)", w.region, got.Region, desc())
	}
	if w.method != "" && got.Method != w.method {
		t.Errorf("method: want %s; got %s", w.method, desc())
	}
	if got.Confidence < 0 || got.Confidence > 1 {
		t.Errorf("confidence %v out of [0,1]", got.Confidence)
	}
	if got.City != nil && got.Note == "" && got.Confidence < 0.3 {
		t.Errorf("low confidence %v without a note", got.Confidence)
	}
}

func TestResolve(t *testing.T) {
	g := gazetteer.Default()
	tests := []struct {
		name           string
		title, summary string
		hints          []string
		want           want
	}{
		{"plain city mid-sentence", "Bike Lanes for Everyone",
			"Cyclists in Ljubljana get wider lanes after a public vote.", nil,
			want{city: "Ljubljana", country: "SI", method: "city-name"}},
		{"city as title subject", "Tampere Listens",
			"Tampere opens its budget to residents through neighbourhood meetings.", nil,
			want{city: "Tampere", country: "FI"}},
		{"diacritics folded away in text", "Night Buses",
			"Students in Lodz vote on new night routes.", nil,
			want{city: "Łódź", country: "PL"}},
		{"diacritics in text, ASCII in data too", "Harbour Talks",
			"Fishermen and councillors in Klaipėda meet every month.", nil,
			want{city: "Klaipėda", country: "LT"}},
		{"ASCII spelling of a Lithuanian city", "Harbour Talks",
			"Fishermen and councillors in Klaipeda meet every month.", nil,
			want{city: "Klaipėda"}},
		{"German native name", "Repair Week",
			"Households in München bring broken toasters to volunteers.", nil,
			want{city: "Munich", country: "DE", method: "exonym"}},
		{"straight apostrophe possessive", "Tree Census",
			"Bristol's residents count every street tree in one weekend.", nil,
			want{city: "Bristol", country: "GB", method: "possessive"}},
		{"curly apostrophe possessive", "Tree Census",
			"Bristol’s residents count every street tree in one weekend.", nil,
			want{city: "Bristol", method: "possessive"}},
		{"possessive of a name ending in s", "Tree Census",
			"Brussels’ residents count every street tree in one weekend.", nil,
			want{city: "Brussels", country: "BE", method: "possessive"}},
		{"City of X lifts a tiny town", "A Charter Written by Everyone",
			"The City of Molières asks every household to co-write its charter.", []string{"FR"},
			want{city: "Molières", country: "FR", method: "city-of"}},
		{"X City Council", "Warm Rooms",
			"Utrecht City Council turns libraries into warm rooms in winter.", nil,
			want{city: "Utrecht", method: "city-of"}},
		{"Stadt X", "Klimaschutz",
			"Die Stadt Freiburg fördert Lastenräder für Familien.", nil,
			want{city: "Freiburg", country: "DE", method: "city-of"}},
		{"district to city, curated", "Haringey Listens",
			"Neighbours in Haringey run a phone tree for isolated pensioners.", nil,
			want{city: "London", country: "GB", method: "district"}},
		{"district to city, GeoNames PPLX", "Kiez Kitchen",
			"A soup kitchen in Kreuzberg feeds night-shift workers.", nil,
			want{city: "Berlin", country: "DE", method: "district"}},
		{"Viennese district", "Market Hall Revival",
			"Traders in Ottakring reopen an old market hall.", nil,
			want{city: "Vienna", country: "AT", method: "district"}},
		{"region, not a city", "Open Data Portal",
			"The Government of Tyrol publishes all spending online.", nil,
			want{region: "Tyrol", country: "AT", method: "region", noCity: true}},
		{"region with accent", "Rural Broadband",
			"Villages across Aragón get fibre through a regional scheme.", nil,
			want{region: "Aragon", country: "ES", noCity: true}},
		{"region adjective", "Language Cafés",
			"Flemish libraries host weekly language cafés for newcomers.", nil,
			want{region: "Flanders", country: "BE", noCity: true}},
		{"national adjective", "Cheap Solar Kits",
			"This Lithuanian programme pays half the cost of balcony solar panels.", nil,
			want{country: "LT", method: "country-adjective", noCity: true}},
		{"national law", "Right to Repair",
			"An amendment to Irish law obliges makers to sell spare parts.", nil,
			want{country: "IE", noCity: true}},
		{"country name", "Digital Identity",
			"Citizens across all of Ukraine sign documents with a phone app.", nil,
			want{country: "UA", method: "country-name", noCity: true}},
		{"native country name", "Bürgerrat",
			"Ein Bürgerrat in Deutschland berät über Ernährung.", nil,
			want{country: "DE", noCity: true}},
		{"ambiguous without hint", "Spa Town Volunteers",
			"Volunteers in Baden guide visitors to accessible baths.", nil,
			want{ambiguous: true, method: "ambiguous"}},
		{"ambiguous resolved by hint", "Spa Town Volunteers",
			"Volunteers in Baden guide visitors to accessible baths.", []string{"CH"},
			want{city: "Baden", country: "CH"}},
		{"ambiguous resolved by country in text", "Spa Town Volunteers",
			"Volunteers in Baden, Austria, guide visitors to accessible baths.", nil,
			want{city: "Baden", country: "AT"}},
		{"dominant namesake accepted", "Night Markets",
			"Street food stalls in Frankfurt stay open until midnight.", nil,
			want{city: "Frankfurt am Main", country: "DE"}},
		{"common word at sentence start is no city", "Mobile Clinics",
			"Mobile clinics bring vaccines to remote farms.", nil,
			want{noCity: true, country: "-"}},
		{"Nice as an adjective", "Friendly Streets",
			"Nice gestures between neighbours are rewarded with plant vouchers.", nil,
			want{noCity: true}},
		{"Split as a verb", "Split the Bill",
			"Split the bill lets diners share costs with a small charity donation.", nil,
			want{noCity: true}},
		{"Government is no town", "Government Goes Online",
			"Government services move to one portal.", nil,
			want{noCity: true}},
		{"City of Nice resolves a stop word", "Shade for Schools",
			"The City of Nice plants trees in every schoolyard.", nil,
			want{city: "Nice", country: "FR", method: "city-of"}},
		{"verb in a title-cased title", "Brake the Curve",
			"Volunteers coordinate help for neighbours during the pandemic.", []string{"DE"},
			want{noCity: true, country: "DE", method: "hint"}},
		{"hint alone", "Dignified Food Aid",
			"A card lets people in need choose their own groceries.", []string{"DK"},
			want{country: "DK", method: "hint", noCity: true}},
		{"nothing at all", "Dignified Food Aid",
			"A card lets people in need choose their own groceries.", nil,
			want{noCity: true, country: "-"}},
		{"exonym Cologne", "Carnival Without Waste",
			"During carnival week Cologne bans single-use cups.", nil,
			want{city: "Köln", country: "DE", method: "exonym"}},
		{"exonym at a sentence start needs more evidence", "Sophia Chatbot",
			"Sophia, a chatbot, answers questions about benefits.", nil,
			want{noCity: true}},
		{"native name Warszawa", "Budżet",
			"Mieszkańcy Warszawa głosują na projekty.", nil,
			want{city: "Warsaw", country: "PL"}},
		{"native name Lisboa", "Hills on Foot",
			"New lifts in Lisboa help older residents climb the hills.", nil,
			want{city: "Lisbon", country: "PT"}},
		{"native name København", "Harbour Baths",
			"Swimmers in København use three free harbour baths.", nil,
			want{city: "Copenhagen", country: "DK"}},
		{"native name Bruxelles", "Zone 30",
			"Drivers in Bruxelles slow down across the whole region.", nil,
			want{city: "Brussels", country: "BE"}},
		{"native name Athína", "Cool Roofs",
			"Schools in Athína paint roofs white to beat the heat.", nil,
			want{city: "Athens", country: "GR"}},
		{"native name Praha", "Smart Bins",
			"Sensors in Praha tell trucks which bins are full.", nil,
			want{city: "Prague", country: "CZ"}},
		{"native name Wien", "Heat Relief",
			"Misting poles in Wien cool down bus stops.", nil,
			want{city: "Vienna", country: "AT"}},
		{"city adjective", "Wiener Wohnen Goes Solar",
			"The Wiener housing company fits solar panels on estates.", nil,
			want{city: "Vienna"}},
		{"title city wins over summary city", "Gdynia Sea School",
			"Pupils from Gdynia sail to Gdańsk to learn about the coast.", nil,
			want{city: "Gdynia", country: "PL"}},
		{"small town without evidence stays unresolved", "Village Shop",
			"Volunteers run the only shop left in Rzekuń.", nil,
			want{}},
		{"small town with hint", "Village Shop",
			"Volunteers run the only shop left in Rzekuń.", []string{"PL"},
			want{city: "Rzekuń", country: "PL"}},
		{"city in the country named in the text", "Learning Hub",
			"A youth hub in Plovdiv, Bulgaria, teaches coding.", nil,
			want{city: "Plovdiv", country: "BG"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := g.Resolve(tt.title, tt.summary, gazetteer.Hints{CountryCodes: tt.hints})
			check(t, got, tt.want)
		})
	}
}

func TestResolveMultipleCitiesLowersConfidence(t *testing.T) {
	g := gazetteer.Default()
	one := g.Resolve("Sea School", "Pupils from Gdynia learn to sail.", gazetteer.Hints{})
	two := g.Resolve("Sea School", "Pupils from Gdynia sail to Gdańsk to learn about the coast.", gazetteer.Hints{})
	if one.City == nil || two.City == nil || two.City.Name != "Gdynia" {
		t.Fatalf("want Gdynia twice; got %+v and %+v", one, two)
	}
	if two.Confidence >= one.Confidence {
		t.Errorf("two cities: confidence %v, want below %v", two.Confidence, one.Confidence)
	}
}

func TestCountryByName(t *testing.T) {
	g := gazetteer.Default()
	for in, code := range map[string]string{
		"germany": "DE", "Germany": "DE", "United Kingdom": "GB", "united-kingdom": "GB",
		"UK": "GB", "Czech": "CZ", "Czechia": "CZ", "Irish": "IE", "Deutschland": "DE",
		"Österreich": "AT", "osterreich": "AT", "Sverige": "SE", "Polska": "PL",
		"Dutch": "NL", "Swiss": "CH", "Scottish": "GB", "Welsh": "GB", "British": "GB",
		"iraq": "IQ", "Türkiye": "TR", "Lithuanian": "LT",
	} {
		c, ok := g.CountryByName(in)
		if !ok || c.Code != code {
			t.Errorf("CountryByName(%q) = %+v, %v; want %s", in, c, ok, code)
		}
	}
	if c, ok := g.CountryByName("Island"); ok {
		t.Errorf("Island should not be a country name, got %+v", c)
	}
	if c, ok := g.CountryByCode("at"); !ok || c.Name != "Austria" {
		t.Errorf("CountryByCode(at) = %+v, %v", c, ok)
	}
}

func TestCityByName(t *testing.T) {
	g := gazetteer.Default()
	tests := []struct {
		name, cc, want string
		ok             bool
	}{
		{"Lodz", "", "Łódź", true},
		{"Łódź", "", "Łódź", true},
		{"Munchen", "", "Munich", true},
		{"Muenchen", "", "Munich", true},
		{"VIENNA", "", "Vienna", true},
		{"Baden", "", "", false},
		{"Baden", "CH", "Baden", true},
		{"Molières", "fr", "Molières", true},
		{"Atlantis", "", "", false},
	}
	for _, tt := range tests {
		c, ok := g.CityByName(tt.name, tt.cc)
		if ok != tt.ok || (ok && c.Name != tt.want) {
			t.Errorf("CityByName(%q, %q) = %q, %v; want %q, %v", tt.name, tt.cc, c.Name, ok, tt.want, tt.ok)
		}
	}
}

func TestDataSizes(t *testing.T) {
	s := gazetteer.Default().Stats()
	if s.Cities < 50000 || s.Countries < 200 || s.Regions < 50 || s.Districts < 100 {
		t.Errorf("tables look truncated: %+v", s)
	}
	t.Logf("%+v", s)
}

func TestIsPlaceName(t *testing.T) {
	g := gazetteer.Default()
	for name, want := range map[string]bool{"Łódź": true, "lodz": true, "Essen": true, "Impfung": false, "Obdachlose": false, "Radwege": false} {
		if got := g.IsPlaceName(name); got != want {
			t.Errorf("IsPlaceName(%q) = %v, want %v", name, got, want)
		}
	}
}
