package neo4jdb

import (
	"github.com/civicgraph/civicgraph/internal/domain"
)

// The driver has no struct mapping: Cypher returns map projections and
// the decoder (plan.go) reads them into domain structs with their types
// checked. These lenient forms, for reads whose values the statement
// itself guarantees, read a missing or mistyped value as the zero value.

func str(m map[string]any, k string) string { return new(decoder).str(m, k) }

func i64(m map[string]any, k string) int64 { return new(decoder).i64(m, k) }

func f64(m map[string]any, k string) float64 { return new(decoder).f64(m, k) }

func boolean(m map[string]any, k string) bool { return new(decoder).boolean(m, k) }

func strs(m map[string]any, k string) []string { return new(decoder).strs(m, k) }

func maps(m map[string]any, k string) []map[string]any { return new(decoder).maps(m, k) }

func sub(m map[string]any, k string) map[string]any { return new(decoder).sub(m, k) }

func sources(m map[string]any) []domain.Source { return new(decoder).sources(m) }

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

// city decodes a cityProjection.
func (d *decoder) city(m map[string]any) *domain.City {
	return &domain.City{
		ID: d.str(m, "id"), Name: d.str(m, "name"), CountryCode: d.str(m, "countryCode"),
		Lat: d.f64(m, "lat"), Lon: d.f64(m, "lon"), Population: int(d.i64(m, "population")),
		CountryName: d.str(m, "countryName"), AltNames: d.strs(m, "altNames"),
	}
}

// cityProjection returns a city `c` with its country's name.
const cityProjection = `c {.id, .name, .countryCode, .lat, .lon, .population, .altNames,
  countryName: head([(c)-[:LOCATED_IN]->(co:Country) | co.name])}`
