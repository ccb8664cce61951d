package embed_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/embed/embedtest"
)

func TestE5MeaningAcrossLanguages(t *testing.T) {
	m := embedtest.Model(t)
	ctx := context.Background()
	passages := []string{
		"The city council invites residents to propose and vote on projects for the municipal budget.",
		"A climate protection plan cuts the town's carbon emissions by half by 2030.",
		"Volunteers deliver groceries to elderly people isolated during the pandemic lockdown.",
		"A blood donation drive at the town hall.",
		"Citizens' participation in urban planning decisions.",
		"Flood protection along the river.",
	}
	vs, err := m.Passages(ctx, passages)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != len(passages) {
		t.Fatalf("got %d vectors for %d passages", len(vs), len(passages))
	}
	for i, v := range vs {
		if len(v) != m.Dim() || m.Dim() != 384 {
			t.Fatalf("vector %d has %d dims (model says %d)", i, len(v), m.Dim())
		}
		if n := embed.Dot(v, v); math.Abs(n-1) > 1e-3 {
			t.Fatalf("vector %d not unit length: |v|² = %f", i, n)
		}
	}
	// A query in German, Polish or English is closest to the passage it means.
	cases := []struct {
		query string
		want  int
	}{
		{"Bürgerbeteiligung", 4},
		{"Klimaschutz", 1},
		{"Hochwasserschutz", 5},
		{"flood", 5},
		{"pomoc dla seniorów w czasie pandemii", 2},
		{"residents decide how public money is spent", 0},
		{"loneliness of older people", 2},
	}
	for _, c := range cases {
		q, err := m.Query(ctx, c.query)
		if err != nil {
			t.Fatal(err)
		}
		best, bestScore := -1, -1.0
		for i, v := range vs {
			if s := embed.Dot(q, v); s > bestScore {
				best, bestScore = i, s
			}
		}
		if best != c.want {
			t.Errorf("query %q: closest passage %d (%.3f), want %d (%.3f)", c.query, best, bestScore, c.want, embed.Dot(q, vs[c.want]))
		}
	}
	// The batch path and the single path agree on the same passage.
	one, err := m.Passages(ctx, passages[:1])
	if err != nil {
		t.Fatal(err)
	}
	if d := embed.Dot(one[0], vs[0]); d < 0.999 {
		t.Errorf("batch of 1 vs batch of 4: cosine %.4f, want ≈ 1", d)
	}
}

func TestE5QueryCache(t *testing.T) {
	m := embedtest.Model(t)
	a, err := m.Query(context.Background(), "citizens assembly")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.Query(context.Background(), "citizens assembly")
	if &a[0] != &b[0] {
		t.Error("a repeated query was embedded again instead of answered from the cache")
	}
}

// TestE5Concurrent calls the engine from many goroutines at once, queries
// and passage batches mixed (every call runs on the engine's one thread),
// and checks each answer equals the one a lone call gave.
func TestE5Concurrent(t *testing.T) {
	m := embedtest.Model(t)
	ctx := context.Background()
	texts := []string{"housing first for homeless people", "a youth council advises the mayor", "Radwege in der Innenstadt", "budżet obywatelski"}
	want := make([][]float32, len(texts))
	for i, s := range texts {
		v, err := m.Passages(ctx, []string{s})
		if err != nil {
			t.Fatal(err)
		}
		want[i] = v[0]
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			i := g % len(texts)
			// A query of a text never asked before (so not from the cache)
			// beside a passage whose vector is known.
			if _, err := m.Query(ctx, fmt.Sprintf("%s %d", texts[i], g)); err != nil {
				errs <- err
				return
			}
			vs, err := m.Passages(ctx, []string{texts[i], texts[(i+1)%len(texts)]})
			if err != nil {
				errs <- err
				return
			}
			for j, v := range vs {
				if w := want[(i+j)%len(texts)]; !slices.Equal(v, w) {
					errs <- fmt.Errorf("goroutine %d: passage %q embedded concurrently differs from alone (cos %.4f)", g, texts[(i+j)%len(texts)], embed.Dot(v, w))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestOpenE5Missing(t *testing.T) {
	_, err := embed.OpenE5(t.TempDir(), 0)
	if !errors.Is(err, embed.ErrUnavailable) {
		t.Fatalf("OpenE5 on an empty dir: %v, want ErrUnavailable", err)
	}
	if _, err := embed.OpenE5("", 0); !errors.Is(err, embed.ErrUnavailable) {
		t.Fatalf("OpenE5 without a dir: %v, want ErrUnavailable", err)
	}
}

func BenchmarkE5Passages(b *testing.B) {
	m := embedtest.Model(b)
	texts := make([]string, 64)
	for i := range texts {
		texts[i] = "The municipality opens a citizens' assembly on climate policy, where residents chosen by lot deliberate for six weekends and present recommendations to the council."
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Passages(context.Background(), texts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(texts)*b.N)/b.Elapsed().Seconds(), "texts/s")
}

func BenchmarkE5Query(b *testing.B) {
	m := embedtest.Model(b)
	i := 0
	for b.Loop() {
		i++ // distinct texts: measures the engine, not the cache
		if _, err := m.Query(context.Background(), "participatory budget for young people "+string(rune('a'+i%26))+string(rune('a'+i/26%26))+string(rune('a'+i/676%26))); err != nil {
			b.Fatal(err)
		}
	}
}
