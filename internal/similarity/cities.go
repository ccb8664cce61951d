package similarity

import (
	"cmp"
	"slices"
	"sort"
)

// City similarity, the formula stated once (README "Similar cities", and
// the schema's SimilarCity.score point here): a city's theme profile is
// the number of its initiatives per theme; two cities score the weighted
// Jaccard of their profiles, Σ_t min(a_t, b_t) / Σ_t max(a_t, b_t), in
// 0–1. Only cities sharing at least one theme are ranked; ties go to the
// lower city id, so the order is stable.

// CityScore is one ranked city with the themes both profiles have.
type CityScore struct {
	City         string
	Score        float64
	SharedThemes []string // sorted
}

// RankCities ranks every city of profiles but city itself by its
// similarity to city's profile, best first, and keeps the first first.
// profiles maps city ids to their theme profiles; a city missing from it
// has no themes and gets an empty ranking.
func RankCities(city string, profiles map[string]map[string]float64, first int) []CityScore {
	mine, ok := profiles[city]
	if !ok {
		return []CityScore{}
	}
	out := make([]CityScore, 0, len(profiles))
	for id, prof := range profiles {
		if id == city {
			continue
		}
		score, shared := WeightedJaccard(mine, prof)
		if len(shared) == 0 {
			continue
		}
		out = append(out, CityScore{City: id, Score: score, SharedThemes: shared})
	}
	slices.SortFunc(out, func(a, b CityScore) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.City, b.City)
	})
	if len(out) > first {
		out = out[:max(first, 0)]
	}
	return out
}

// WeightedJaccard is Σ min(a,b) / Σ max(a,b) over the union of keys, with
// the keys present in both (sorted); 0 when both are empty.
func WeightedJaccard(a, b map[string]float64) (float64, []string) {
	var num, den float64
	var shared []string
	for k, va := range a {
		vb := b[k]
		num += min(va, vb)
		den += max(va, vb)
		if vb > 0 && va > 0 {
			shared = append(shared, k)
		}
	}
	for k, vb := range b {
		if _, ok := a[k]; !ok {
			den += vb
		}
	}
	sort.Strings(shared)
	if den == 0 {
		return 0, shared
	}
	return num / den, shared
}
