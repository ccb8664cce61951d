package neo4jdb

import (
	"github.com/civicgraph/civicgraph/internal/domain"
)

// The driver has no struct mapping: Cypher returns map projections and
// the decoder (plan.go) reads them into domain structs with their types
// checked; a mistyped value is a decoding error, never a zero value.

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

// city decodes a cityProjection.
func (d *decoder) city(m map[string]any) *domain.CityRow {
	return &domain.CityRow{City: &domain.City{
		ID: d.str(m, "id"), Name: d.str(m, "name"), CountryCode: d.str(m, "countryCode"),
		Lat: d.f64(m, "lat"), Lon: d.f64(m, "lon"), Population: int(d.i64(m, "population")),
		AltNames: d.strs(m, "altNames"),
	}, CountryName: d.str(m, "countryName")}
}

// cityProjection returns a city `c` with its country's name.
const cityProjection = `c {.id, .name, .countryCode, .lat, .lon, .population, .altNames,
  countryName: head([(c)-[:LOCATED_IN]->(co:Country) | co.name])}`
