package gazetteer_test

import (
	"testing"

	"github.com/civicgraph/civicgraph/internal/gazetteer"
)

// BenchmarkLoad measures parsing the embedded tables, what Default pays once.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		g := gazetteer.Load()
		if s := g.Stats(); s.Cities < 50000 {
			b.Fatalf("loaded %d cities", s.Cities)
		}
	}
}

// BenchmarkResolve measures one title+summary resolution on a loaded gazetteer.
func BenchmarkResolve(b *testing.B) {
	g := gazetteer.Default()
	b.ReportAllocs()
	for b.Loop() {
		r := g.Resolve("Culture to the Courtyards",
			"Throughout the pandemic Kaunas brings concerts and theatre to citizens’ courtyards across the city.",
			gazetteer.Hints{})
		if r.City == nil || r.City.Name != "Kaunas" {
			b.Fatalf("got %+v", r)
		}
	}
}
