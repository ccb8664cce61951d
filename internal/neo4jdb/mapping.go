package neo4jdb

import (
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// The driver has no struct mapping: Cypher returns map projections and
// these helpers read them into domain structs with explicit types. A
// missing or mistyped value reads as the zero value.

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func i64(m map[string]any, k string) int64 {
	n, _ := m[k].(int64)
	return n
}

func f64(m map[string]any, k string) float64 {
	switch v := m[k].(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	}
	return 0
}

func boolean(m map[string]any, k string) bool {
	b, _ := m[k].(bool)
	return b
}

func strs(m map[string]any, k string) []string {
	raw, _ := m[k].([]any)
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func maps(m map[string]any, k string) []map[string]any {
	raw, _ := m[k].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, v := range raw {
		if mm, ok := v.(map[string]any); ok {
			out = append(out, mm)
		}
	}
	return out
}

func sub(m map[string]any, k string) map[string]any {
	mm, _ := m[k].(map[string]any)
	return mm
}

// sources zips the parallel lists su (URLs) and sm (methods) that stand in
// for a list of maps, which Neo4j properties cannot hold.
func sources(m map[string]any) []domain.Source {
	urls, methods := strs(m, "su"), strs(m, "sm")
	pages, _ := m["sp"].([]any) // page counts (winners footer); absent on older data and most links
	out := make([]domain.Source, 0, len(urls))
	for i, u := range urls {
		s := domain.Source{URL: u}
		if i < len(methods) {
			s.Method = methods[i]
		}
		if i < len(pages) {
			n, _ := pages[i].(int64)
			s.Pages = int(n)
		}
		out = append(out, s)
	}
	return out
}

// sourcePages is the page count of each source (0 for one page), stored
// beside su/sm as sp where a source may stand for many pages.
func sourcePages(ss []domain.Source) []int64 {
	out := make([]int64, len(ss))
	for i, s := range ss {
		out[i] = int64(s.Pages)
	}
	return out
}

func splitSources(ss []domain.Source) (urls, methods []string) {
	urls = make([]string, len(ss))
	methods = make([]string, len(ss))
	for i, s := range ss {
		urls[i], methods[i] = s.URL, s.Method
	}
	return urls, methods
}

// initiativeProjection returns an initiative `i` with all its links as
// one map; projection(p) the same with only the parts in p (key, sort
// key, title and flags are always there). The variants are constant
// strings built once. Their pattern comprehensions name their variables
// p* (pr, pc, pco, pt, py) so that no variable of the statement around
// them is captured: a comprehension over (i)-[:IN_COUNTRY]->(c:Country)
// inside a statement that bound c to a City matched nothing (the country
// was lost under orderBy CITY), and one over (y:AwardYear) inside the
// winners query kept only that year's award. Statements that use a
// projection must not bind variables named p*.
var initiativeProjection = projection(domain.PartsAll)

var projections = func() [domain.PartsAll + 1]string {
	var out [domain.PartsAll + 1]string
	for p := range domain.PartsAll + 1 {
		parts := []string{".key, .sortTitle, .title, .titleDerived, .titleIncomplete, .altTitles, .covid, .level, .levelConfidence, .levelEvidence, .levelSourceUrls, .levelSourceMethods"}
		if p&domain.PartSummary != 0 {
			parts = append(parts, ".summary")
		}
		if p&domain.PartSources != 0 {
			parts = append(parts, "su: i.sourceUrls, sm: i.sourceMethods, sp: i.sourcePages")
		}
		if p&domain.PartPlace != 0 {
			parts = append(parts, `city: head([(i)-[pr:IN_CITY]->(pc:City) | pc {.id, .name, .countryCode, .lat, .lon, .population,
        countryName: head([(pc)-[:LOCATED_IN]->(pco:Country) | pco.name]),
        confidence: pr.confidence, evidence: pr.evidence, su: pr.sourceUrls, sm: pr.sourceMethods}])`,
				`country: head([(i)-[pr:IN_COUNTRY]->(pc:Country) | pc {.code, .name,
        confidence: pr.confidence, evidence: pr.evidence, su: pr.sourceUrls, sm: pr.sourceMethods}])`)
		}
		if p&domain.PartThemes != 0 {
			parts = append(parts, `themes: [(i)-[pr:HAS_THEME]->(pt:Theme) | {slug: pt.slug, name: pt.name, description: pt.description, source: pr.source,
        confidence: pr.confidence, terms: pr.terms, su: pr.sourceUrls, sm: pr.sourceMethods}]`)
		}
		if p&domain.PartAwards != 0 {
			parts = append(parts, `awards: [(i)-[pr:AWARDED]->(py:AwardYear) | {year: py.year, status: pr.status, category: pr.category,
        su: pr.sourceUrls, sm: pr.sourceMethods, sp: pr.sourcePages}]`)
		}
		out[p] = "i {\n  " + strings.Join(parts, ",\n  ") + "\n}"
	}
	return out
}()

func projection(p domain.Parts) string { return projections[p&domain.PartsAll] }

// toInitiativeParts is toInitiative for a projection(p).
func toInitiativeParts(m map[string]any, p domain.Parts) *domain.Initiative {
	in := toInitiative(m)
	in.Parts = p & domain.PartsAll
	return in
}

func toInitiative(m map[string]any) *domain.Initiative {
	in := &domain.Initiative{
		ID:              str(m, "key"),
		Title:           str(m, "title"),
		SortKey:         str(m, "sortTitle"),
		TitleDerived:    boolean(m, "titleDerived"),
		TitleIncomplete: boolean(m, "titleIncomplete"),
		Summary:         str(m, "summary"),
		AltTitles:       strs(m, "altTitles"),
		Covid:           boolean(m, "covid"),
		Sources:         sources(m),
		Themes:          []domain.ThemeAssignment{},
		Awards:          []domain.Award{},
		Parts:           domain.PartsAll,
	}
	if c := sub(m, "city"); c != nil {
		in.City = &domain.CityRef{
			ID: str(c, "id"), Name: str(c, "name"), CountryCode: str(c, "countryCode"),
			Lat: f64(c, "lat"), Lon: f64(c, "lon"), Population: int(i64(c, "population")),
			Confidence: f64(c, "confidence"), Evidence: str(c, "evidence"), Sources: sources(c),
			CountryName: str(c, "countryName"),
		}
	}
	if l := str(m, "level"); l != "" {
		in.Level = &domain.LevelRef{Level: l, Confidence: f64(m, "levelConfidence"), Evidence: str(m, "levelEvidence"),
			Sources: sources(map[string]any{"su": m["levelSourceUrls"], "sm": m["levelSourceMethods"]})}
	}
	if c := sub(m, "country"); c != nil {
		in.Country = &domain.CountryRef{
			Code: str(c, "code"), Name: str(c, "name"),
			Confidence: f64(c, "confidence"), Evidence: str(c, "evidence"), Sources: sources(c),
		}
	}
	for _, t := range maps(m, "themes") {
		in.Themes = append(in.Themes, domain.ThemeAssignment{
			Slug: str(t, "slug"), Source: str(t, "source"), Confidence: f64(t, "confidence"),
			Terms: strs(t, "terms"), Sources: sources(t),
			Theme: &domain.Theme{Slug: str(t, "slug"), Name: str(t, "name"), Description: str(t, "description")},
		})
	}
	for _, a := range maps(m, "awards") {
		in.Awards = append(in.Awards, domain.Award{
			Year: int(i64(a, "year")), Status: str(a, "status"), Category: str(a, "category"), Sources: sources(a),
		})
	}
	sortInitiativeLinks(in)
	return in
}

func recordMap(rec *neo4j.Record, key string) map[string]any {
	m, _, _ := neo4j.GetRecordValue[map[string]any](rec, key)
	return m
}

func toCity(m map[string]any) *domain.City {
	return &domain.City{
		ID: str(m, "id"), Name: str(m, "name"), CountryCode: str(m, "countryCode"),
		Lat: f64(m, "lat"), Lon: f64(m, "lon"), Population: int(i64(m, "population")),
		CountryName: str(m, "countryName"), AltNames: strs(m, "altNames"),
	}
}

// cityProjection returns a city `c` with its country's name.
const cityProjection = `c {.id, .name, .countryCode, .lat, .lon, .population, .altNames,
  countryName: head([(c)-[:LOCATED_IN]->(co:Country) | co.name])}`
