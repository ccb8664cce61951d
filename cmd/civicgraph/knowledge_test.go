package main

import (
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestKnowledgeFacts covers issue 15 end to end over the imported showroom
// pages: place evidence with its method, the covid flag agreeing with the
// COVID-19 theme, city lookup by alternate names, the level of government
// as field, filter and facet, the coverage summary and the winners footer
// as one source per fact.
func TestKnowledgeFacts(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)

	t.Run("place evidence beyond the resolver, with its method", func(t *testing.T) {
		for _, tc := range []struct{ key, city, country, method string }{
			{"crowdfund-angus", "", "GB", "subdivision"},
			{"ferla-agora-ideas-square", "Ferla", "IT", "title-place"},
			{"innovative-school-wutoschingen", "Wutöschingen", "DE", "title-place"},
		} {
			var got struct {
				Initiative *struct {
					City *struct {
						City    struct{ Name string }
						Sources []struct{ Method string }
					}
					Country *struct {
						Country struct{ Code string }
						Sources []struct{ Method string }
					}
				}
			}
			mustData(t, srv, `query($k: ID!) { initiative(id: $k) { city { city { name } sources { method } }
			  country { country { code } sources { method } } } }`, map[string]any{"k": tc.key}, &got)
			in := got.Initiative
			if in == nil || in.Country == nil || in.Country.Country.Code != tc.country || in.Country.Sources[0].Method != tc.method {
				t.Errorf("%s: country %+v, want %s by %s", tc.key, in, tc.country, tc.method)
				continue
			}
			if tc.city != "" && (in.City == nil || in.City.City.Name != tc.city || in.City.Sources[0].Method != tc.method) {
				t.Errorf("%s: city %+v, want %s by %s", tc.key, in.City, tc.city, tc.method)
			}
		}
	})

	t.Run("covid flag and COVID-19 theme select the same initiatives", func(t *testing.T) {
		keys := func(filter string) []string {
			var c struct{ Initiatives connection }
			mustData(t, srv, `{ initiatives(first: 100, filter: `+filter+`) { totalCount edges { node { key } } } }`, nil, &c)
			if c.Initiatives.TotalCount > 100 {
				t.Fatalf("%s: %d initiatives, more than a page", filter, c.Initiatives.TotalCount)
			}
			var out []string
			for _, e := range c.Initiatives.Edges {
				out = append(out, e.Node.Key)
			}
			sort.Strings(out)
			return out
		}
		for _, pair := range [][2]string{
			{`{covid: true}`, `{themes: ["covid-19"]}`},
			{`{covid: true, countries: ["PL"]}`, `{themes: ["covid-19"], countries: ["PL"]}`},
		} {
			a, b := keys(pair[0]), keys(pair[1])
			if len(a) == 0 || !slices.Equal(a, b) {
				t.Errorf("%s gives %d, %s gives %d: %v vs %v", pair[0], len(a), pair[1], len(b), a, b)
			}
		}
		// And on every initiative, straight from the graph.
		rows := rawQuery(t, `MATCH (i:Initiative)
		  WHERE i.covid <> EXISTS { (i)-[:HAS_THEME]->(:Theme {slug: 'covid-19'}) } RETURN i.key`, nil)
		if len(rows) > 0 {
			t.Errorf("%d initiatives whose covid flag disagrees with the theme: %v", len(rows), rows)
		}
	})

	t.Run("cities by alternate names and exonyms", func(t *testing.T) {
		for _, tc := range []struct{ query, want string }{{"Aarhus", "Århus"}, {"Wien", "Vienna"}, {"wien", "Vienna"}, {"Arhus", "Århus"}} {
			var got struct {
				Cities struct {
					Edges []struct {
						Node struct {
							Name           string
							AlternateNames []string
						}
					}
				}
			}
			mustData(t, srv, `query($n: String) { cities(name: $n) { edges { node { name alternateNames } } } }`, map[string]any{"n": tc.query}, &got)
			found := false
			for _, e := range got.Cities.Edges {
				if e.Node.Name == tc.want {
					found = len(e.Node.AlternateNames) > 0
				}
			}
			if !found {
				t.Errorf("cities(name: %q) = %+v, want %s with its alternate names", tc.query, got.Cities.Edges, tc.want)
			}
		}
	})

	t.Run("search finds initiatives by their city's exonym", func(t *testing.T) {
		var got struct {
			Search []struct {
				Initiative struct {
					City *struct{ City struct{ Name string } }
				}
			}
		}
		mustData(t, srv, `{ search(query: "Wien", first: 20) { initiative { city { city { name } } } } }`, nil, &got)
		found := false
		for _, h := range got.Search {
			if c := h.Initiative.City; c != nil && c.City.Name == "Vienna" {
				found = true
			}
		}
		if !found {
			t.Errorf("search(Wien) found no initiative in Vienna: %+v", got.Search)
		}
	})

	t.Run("level of government: field, filter and facet agree", func(t *testing.T) {
		var all struct {
			Initiatives struct {
				TotalCount int
				Facets     struct {
					Levels []struct {
						Value string
						Count int
					}
				}
			}
		}
		mustData(t, srv, `{ initiatives(first: 1) { totalCount facets { levels { value count } } } }`, nil, &all)
		counts := map[string]int{}
		sum := 0
		for _, b := range all.Initiatives.Facets.Levels {
			counts[b.Value] = b.Count
			sum += b.Count
		}
		if sum != all.Initiatives.TotalCount || counts["MUNICIPAL"] == 0 || counts["unknown"] == 0 {
			t.Fatalf("level facets %v do not add up to %d or lack MUNICIPAL/unknown", counts, all.Initiatives.TotalCount)
		}
		var mun struct {
			Initiatives struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Key   string
						Level *struct {
							Level, Evidence string
							Sources         []struct{ Method string }
						}
					}
				}
			}
		}
		mustData(t, srv, `{ initiatives(first: 100, filter: {levels: [MUNICIPAL]}) { totalCount edges { node { key level { level evidence sources { method } } } } } }`, nil, &mun)
		if mun.Initiatives.TotalCount != counts["MUNICIPAL"] {
			t.Errorf("filter MUNICIPAL gives %d, facet %d", mun.Initiatives.TotalCount, counts["MUNICIPAL"])
		}
		for _, e := range mun.Initiatives.Edges {
			l := e.Node.Level
			if l == nil || l.Level != "MUNICIPAL" || l.Evidence == "" || len(l.Sources) != 1 || l.Sources[0].Method != "text" {
				t.Errorf("%s: level %+v", e.Node.Key, l)
			}
		}
		var leipzig struct {
			Initiative struct {
				Level *struct{ Level, Evidence string }
			}
		}
		mustData(t, srv, `{ initiative(id: "year-of-democracy") { level { level evidence } } }`, nil, &leipzig)
		if l := leipzig.Initiative.Level; l == nil || l.Level != "MUNICIPAL" || !strings.EqualFold(l.Evidence, "the City of Leipzig") {
			t.Errorf("Leipzig level = %+v", l)
		}
	})

	t.Run("coverage counts what is known", func(t *testing.T) {
		var got struct {
			Coverage struct {
				Initiatives, WithCity, WithCountry, CountryOnly, WithoutPlace, WithYear, WithLevel, WithTheme, DerivedTitles, Covid int
			}
			All     struct{ TotalCount int } `json:"all"`
			Covid   struct{ TotalCount int } `json:"covidSet"`
			Unknown struct {
				Facets struct {
					Levels []struct {
						Value string
						Count int
					}
				}
			} `json:"unknown"`
		}
		mustData(t, srv, `{ coverage { initiatives withCity withCountry countryOnly withoutPlace withYear withLevel withTheme derivedTitles covid }
		  all: initiatives(first: 1) { totalCount }
		  covidSet: initiatives(first: 1, filter: {covid: true}) { totalCount }
		  unknown: initiatives(first: 1) { facets { levels { value count } } } }`, nil, &got)
		c := got.Coverage
		if c.Initiatives != got.All.TotalCount || c.WithCity+c.CountryOnly+c.WithoutPlace != c.Initiatives ||
			c.WithCountry != c.WithCity+c.CountryOnly || c.Covid != got.Covid.TotalCount {
			t.Errorf("coverage %+v does not add up (all %d, covid %d)", c, got.All.TotalCount, got.Covid.TotalCount)
		}
		unknown := 0
		for _, b := range got.Unknown.Facets.Levels {
			if b.Value == "unknown" {
				unknown = b.Count
			}
		}
		if c.WithLevel == 0 || c.WithLevel+unknown != c.Initiatives || c.WithYear == 0 || c.WithTheme == 0 {
			t.Errorf("coverage %+v, unknown level %d", c, unknown)
		}
		rows := rawQuery(t, `MATCH (i:Initiative) WHERE EXISTS { (i)-[:AWARDED]->() } RETURN count(i)`, nil)
		if n, _ := rows[0][0].(int64); int(n) != c.WithYear {
			t.Errorf("withYear %d, graph says %d", c.WithYear, n)
		}
	})

	t.Run("a winner's sources: the pages that describe it plus one footer entry", func(t *testing.T) {
		var got struct {
			Initiative struct {
				Sources []struct {
					URL, Method string
					Pages       *int
				}
				Awards []struct {
					Year    int
					Sources []struct {
						Method string
						Pages  *int
					}
				}
			}
		}
		mustData(t, srv, `{ initiative(id: "seaprotectorone-aarhus") { sources { url method pages } awards { year sources { method pages } } } }`, nil, &got)
		footer := 0
		for _, s := range got.Initiative.Sources {
			if s.Method == "winners-footer" {
				footer++
				if s.Pages == nil || *s.Pages < 2 {
					t.Errorf("footer source %+v lacks its page count", s)
				}
			} else if s.Pages != nil {
				t.Errorf("page source %+v has a page count", s)
			}
		}
		if footer != 1 || len(got.Initiative.Sources) > 6 {
			t.Errorf("sources = %+v, want the describing pages and one footer entry", got.Initiative.Sources)
		}
		for _, a := range got.Initiative.Awards {
			n := 0
			for _, s := range a.Sources {
				if s.Method == "winners-footer" {
					n++
				}
			}
			if n > 1 {
				t.Errorf("award %d has %d footer sources", a.Year, n)
			}
		}
	})

	t.Run("trends: every year of the range, zeros and shares", func(t *testing.T) {
		var got struct {
			ThemeTrends []struct {
				Theme              struct{ Slug string }
				Year, Count, Total int
				Share              float64
			}
			ThemeByCountry []struct {
				Theme        struct{ Slug string }
				Country      struct{ Code string }
				Count, Total int
				Share        float64
			}
		}
		mustData(t, srv, `{ themeTrends(themes: ["covid-19", "participation"]) { theme { slug } year count total share }
		  themeByCountry(themes: ["covid-19"]) { theme { slug } country { code } count total share } }`, nil, &got)
		years := map[string][]int{}
		zeros := 0
		for _, r := range got.ThemeTrends {
			years[r.Theme.Slug] = append(years[r.Theme.Slug], r.Year)
			if r.Count == 0 {
				zeros++
			}
			if r.Count > r.Total || math.Abs(r.Share-ratio(r.Count, r.Total)) > 1e-4 {
				t.Errorf("trend row %+v: share is not count/total", r)
			}
		}
		lo, hi := rawQuery(t, `MATCH (y:AwardYear) RETURN min(y.year), max(y.year)`, nil)[0][0].(int64), rawQuery(t, `MATCH (y:AwardYear) RETURN max(y.year)`, nil)[0][0].(int64)
		for _, slug := range []string{"covid-19", "participation"} {
			ys := years[slug]
			if len(ys) != int(hi-lo+1) || ys[0] != int(lo) || ys[len(ys)-1] != int(hi) {
				t.Errorf("%s trend years %v, want every year %d–%d", slug, ys, lo, hi)
			}
		}
		if zeros == 0 {
			t.Error("no zero rows: years without entries are missing")
		}
		zeros = 0
		for _, r := range got.ThemeByCountry {
			if r.Count == 0 {
				zeros++
			}
			if r.Total == 0 || r.Count > r.Total || math.Abs(r.Share-ratio(r.Count, r.Total)) > 1e-4 {
				t.Errorf("country row %+v", r)
			}
		}
		if zeros == 0 {
			t.Error("themeByCountry has no zero rows")
		}
	})
}

func ratio(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(total)*10000) / 10000
}
