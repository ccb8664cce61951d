package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/civicgraph/civicgraph/internal/gazetteer"
	"github.com/civicgraph/civicgraph/internal/importer"
	"github.com/civicgraph/civicgraph/internal/themes"
)

func genFile(t *testing.T, size int, seed string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "gen.jsonl")
	var stderr bytes.Buffer
	if err := runGen(context.Background(), []string{"--size", itoa(size), "--seed", seed, "--out", out}, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("gen: %v (%s)", err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestGen(t *testing.T) {
	t.Run("same seed gives the same bytes, another seed others", func(t *testing.T) {
		a, b, c := genFile(t, 500, "7"), genFile(t, 500, "7"), genFile(t, 500, "8")
		if !bytes.Equal(a, b) {
			t.Fatal("two runs with seed 7 differ")
		}
		if bytes.Equal(a, c) {
			t.Fatal("seeds 7 and 8 gave the same file")
		}
	})

	t.Run("shape", func(t *testing.T) {
		const n = 3000
		data := genFile(t, n, "1")
		// The importer's own reader accepts every line.
		recs, err := importer.ReadJSONL(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("importer rejects generated lines: %v", err)
		}
		if len(recs) != n {
			t.Fatalf("importer read %d records, want %d", len(recs), n)
		}
		perCity := map[string]int{}
		var national, winners, awarded, entries int
		keys := map[string]bool{}
		for _, r := range recs {
			if keys[r.Key] {
				t.Fatalf("duplicate key %q", r.Key)
			}
			keys[r.Key] = true
			if len(r.ThemeSlugs) < 1 || len(r.ThemeSlugs) > 4 {
				t.Errorf("%s has %d themes, want 1–4", r.Key, len(r.ThemeSlugs))
			}
			if r.CityName == "" {
				national++
			} else {
				perCity[r.CityName]++
			}
			if len(r.Awards) > 0 {
				awarded++
			}
			for _, a := range r.Awards {
				entries++
				if a.Year < 2017 || a.Year > 2025 {
					t.Errorf("%s has award year %d", r.Key, a.Year)
				}
				if a.Status == "winner" {
					winners++
				}
			}
		}
		counts := make([]int, 0, len(perCity))
		for _, c := range perCity {
			counts = append(counts, c)
		}
		sort.Sort(sort.Reverse(sort.IntSlice(counts)))
		if len(counts) < 100 {
			t.Errorf("only %d cities used, want a long tail of ≥ 100", len(counts))
		}
		if counts[0] < 10*counts[len(counts)/2] {
			t.Errorf("city sizes not skewed: largest %d, median %d", counts[0], counts[len(counts)/2])
		}
		if national < n/20 || national > n/5 {
			t.Errorf("%d national initiatives of %d, want 5–20%%", national, n)
		}
		if awarded < n/2 || winners == 0 || winners > entries/5 {
			t.Errorf("awards: %d awarded, %d winners of %d entries; want most awarded and a minority of winners", awarded, winners, entries)
		}
	})

	t.Run("every city resolves in the gazetteer", func(t *testing.T) {
		g := newGenerator(1, gazetteer.Default(), themes.Default())
		if len(g.cities) < 150 {
			t.Fatalf("only %d of %d listed cities resolve", len(g.cities), len(genCities))
		}
	})
}
