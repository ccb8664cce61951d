package similarity_test

import (
	"fmt"
	"testing"

	"github.com/civicgraph/civicgraph/internal/similarity"
)

func TestWeightedJaccard(t *testing.T) {
	a := map[string]float64{"covid-19": 3, "culture": 1}
	b := map[string]float64{"covid-19": 1, "education-youth": 2}
	score, shared := similarity.WeightedJaccard(a, b)
	// min: covid 1; max: covid 3 + culture 1 + education 2 = 6.
	if score != 1.0/6 || len(shared) != 1 || shared[0] != "covid-19" {
		t.Errorf("score %v shared %v", score, shared)
	}
	if s, _ := similarity.WeightedJaccard(a, a); s != 1 {
		t.Errorf("self similarity %v", s)
	}
	if s, sh := similarity.WeightedJaccard(nil, nil); s != 0 || len(sh) != 0 {
		t.Errorf("empty profiles: %v %v", s, sh)
	}
}

func TestRankCities(t *testing.T) {
	profiles := map[string]map[string]float64{
		"lodz":     {"participation": 2, "climate": 1},
		"leuven":   {"participation": 2, "climate": 1},  // identical: 1
		"aarhus":   {"climate": 1, "participation": 1},  // 2/3
		"gdansk":   {"participation": 1, "covid-19": 3}, // 1/6
		"bristol":  {"participation": 1, "covid-19": 3}, // 1/6, a tie: ranked before gdansk by id
		"molieres": {"culture": 4},                      // nothing shared
	}
	got := similarity.RankCities("lodz", profiles, 10)
	want := "leuven 1.000 [climate participation]|aarhus 0.667 [climate participation]|bristol 0.167 [participation]|gdansk 0.167 [participation]"
	var s string
	for i, c := range got {
		if i > 0 {
			s += "|"
		}
		s += fmt.Sprintf("%s %.3f %v", c.City, c.Score, c.SharedThemes)
	}
	if s != want {
		t.Errorf("ranking\n%s\nwant\n%s", s, want)
	}
	if got := similarity.RankCities("lodz", profiles, 2); len(got) != 2 || got[1].City != "aarhus" {
		t.Errorf("first 2: %+v", got)
	}
	if got := similarity.RankCities("nowhere", profiles, 10); got == nil || len(got) != 0 {
		t.Errorf("a city without a profile: %+v, want an empty ranking", got)
	}
}
