package similarity_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/similarity"
)

var names = map[string]string{
	"covid-19":              "COVID-19 response",
	"social-inclusion":      "Social inclusion & community",
	"climate-environment":   "Climate & environment",
	"participation":         "Citizen participation & deliberation",
	"mobility-public-space": "Mobility & public space",
}

func smallCorpus() []similarity.Doc {
	return []similarity.Doc{
		{ID: "leuven-helps", CityID: "gn:leuven", Title: "Leuven Helps",
			Summary: "A city platform connects volunteers with neighbours in need during the corona crisis, for meal delivery and shopping.",
			Themes:  []string{"covid-19", "social-inclusion"}},
		{ID: "gdansk-helps", CityID: "gn:gdansk", Title: "Gdańsk Helps",
			Summary: "Volunteers deliver meals and shopping to neighbours in need during the coronavirus lockdown, coordinated through a city platform.",
			Themes:  []string{"social-inclusion", "covid-19"}},
		{ID: "river-robot", CityID: "gn:aarhus", Title: "River Robot",
			Summary: "A floating robot collects plastic litter at the river mouth before it reaches the harbour.",
			Themes:  []string{"climate-environment"}},
		{ID: "climate-assembly", CityID: "gn:bristol", Title: "Citizens’ Assembly on Climate",
			Summary: "Randomly selected residents deliberate on the city's climate targets and recommend measures.",
			Themes:  []string{"participation", "climate-environment"}},
		{ID: "leuven-bikes", CityID: "gn:leuven", Title: "Leuven Bike Lanes",
			Summary: "Temporary bike lanes give cyclists more room on the ring road.",
			Themes:  []string{"mobility-public-space"}},
		{ID: "vienna-bikes", CityID: "gn:vienna", Title: "Pop-up Bike Lanes",
			Summary: "Vienna opens temporary bike lanes so that cyclists can keep their distance.",
			Themes:  []string{"mobility-public-space", "covid-19"}},
	}
}

func linksFrom(links []similarity.Link, from string) []similarity.Link {
	var out []similarity.Link
	for _, l := range links {
		if l.From == from {
			out = append(out, l)
		}
	}
	return out
}

func TestCompute(t *testing.T) {
	links := similarity.Compute(smallCorpus(), similarity.Options{})

	t.Run("covid volunteer platforms are each other's top link", func(t *testing.T) {
		for _, pair := range [][2]string{{"leuven-helps", "gdansk-helps"}, {"gdansk-helps", "leuven-helps"}} {
			ls := linksFrom(links, pair[0])
			if len(ls) == 0 || ls[0].To != pair[1] {
				t.Fatalf("top link of %s = %+v, want %s", pair[0], ls, pair[1])
			}
			l := ls[0]
			if !slices.Equal(l.SharedThemes, []string{"covid-19", "social-inclusion"}) {
				t.Errorf("SharedThemes = %v", l.SharedThemes)
			}
			if l.ThemeScore != 1 || l.TextScore <= 0 || l.SameCity {
				t.Errorf("scores %+v", l)
			}
			if want := (1-similarity.DefaultThemeWeight)*l.TextScore + similarity.DefaultThemeWeight*l.ThemeScore; math.Abs(l.Score-want) > 1e-12 {
				t.Errorf("Score %v, want %v", l.Score, want)
			}
			joined := strings.Join(l.SharedTerms, " ")
			if !strings.Contains(joined, "volunteers") && !strings.Contains(joined, "neighbours") {
				t.Errorf("SharedTerms = %v", l.SharedTerms)
			}
			var ns []string
			for _, th := range l.SharedThemes {
				ns = append(ns, names[th])
			}
			if r := similarity.Reason(ns, l.SharedTerms, "", ""); !strings.HasPrefix(r, "Shares themes COVID-19 response, Social inclusion & community; both mention \"") {
				t.Errorf("Reason = %q", r)
			}
		}
	})

	t.Run("unrelated documents are not linked", func(t *testing.T) {
		for _, l := range links {
			if (l.From == "leuven-helps" && l.To == "river-robot") || (l.From == "river-robot" && l.To == "leuven-helps") {
				t.Errorf("unexpected link %+v", l)
			}
		}
	})

	t.Run("same-city links are marked and kept", func(t *testing.T) {
		var found bool
		for _, l := range linksFrom(links, "leuven-bikes") {
			if l.To == "leuven-helps" && !l.SameCity {
				t.Errorf("link to same city not marked: %+v", l)
			}
			if l.To == "vienna-bikes" {
				found = true
				if l.SameCity || !slices.Contains(l.SharedTerms, "bike") && !slices.Contains(l.SharedTerms, "lanes") {
					t.Errorf("bike link %+v", l)
				}
			}
		}
		if !found {
			t.Errorf("leuven-bikes not linked to vienna-bikes: %+v", linksFrom(links, "leuven-bikes"))
		}
	})

	t.Run("links are valid", func(t *testing.T) {
		for _, l := range links {
			if l.From == l.To || l.Score < similarity.DefaultMinScore || l.Score > 1+1e-9 || len(l.SharedThemes) == 0 && l.TextScore == 0 && l.SemanticScore == 0 {
				t.Errorf("bad link %+v", l)
			}
		}
	})
}

func TestSameCityQuota(t *testing.T) {
	var docs []similarity.Doc
	for i := range 12 {
		docs = append(docs, similarity.Doc{
			ID: fmt.Sprintf("home-%02d", i), CityID: "gn:home", Title: "Repair Café",
			Summary: "Volunteers repair broken toasters and bicycles for their neighbours.",
		})
	}
	for i := range 12 {
		docs = append(docs, similarity.Doc{
			ID: fmt.Sprintf("away-%02d", i), CityID: fmt.Sprintf("gn:away%d", i), Title: "Repair Workshop",
			Summary: "Neighbours repair broken bicycles and toasters with the help of volunteers.",
		})
	}
	links := similarity.Compute(docs, similarity.Options{K: 4, SameCityK: 2})
	ls := linksFrom(links, "home-00")
	same, other := 0, 0
	for _, l := range ls {
		if l.SameCity {
			same++
		} else {
			other++
		}
	}
	// Same-city documents are textually closer (identical text), yet the
	// quota keeps four cross-city neighbours.
	if same != 2 || other != 4 {
		t.Errorf("same-city %d, other %d, want 2 and 4: %+v", same, other, ls)
	}
	if !ls[0].SameCity {
		t.Errorf("closest link should be the identical same-city text: %+v", ls[0])
	}
	// Ties are broken by ID.
	if ls[0].To != "home-01" || ls[1].To != "home-02" {
		t.Errorf("tie order %s, %s", ls[0].To, ls[1].To)
	}
	// SameCityK < 0 disables same-city links.
	for _, l := range similarity.Compute(docs, similarity.Options{K: 4, SameCityK: -1}) {
		if l.SameCity {
			t.Fatalf("same-city link with SameCityK -1: %+v", l)
		}
	}
}

func TestDeterministic(t *testing.T) {
	docs := synthetic(500, 1)
	want := similarity.Compute(docs, similarity.Options{})
	shuffled := slices.Clone(docs)
	rand.New(rand.NewPCG(7, 7)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for range 2 {
		if got := similarity.Compute(shuffled, similarity.Options{}); !reflect.DeepEqual(got, want) {
			t.Fatal("output depends on input order or run")
		}
	}
}

// TestSameWithAnyWorkerCount checks the parallel scoring: one worker and
// several give the same links and the same work counts.
func TestSameWithAnyWorkerCount(t *testing.T) {
	docs := synthetic(3000, 2)
	prev := runtime.GOMAXPROCS(1)
	want, wantSt := similarity.ComputeStats(docs, similarity.Options{})
	runtime.GOMAXPROCS(4)
	got, gotSt := similarity.ComputeStats(docs, similarity.Options{})
	runtime.GOMAXPROCS(prev)
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("4 workers gave %d links, 1 worker %d; or they differ", len(got), len(want))
	}
	if gotSt != wantSt {
		t.Errorf("stats differ: 4 workers %+v, 1 worker %+v", gotSt, wantSt)
	}
	prev = runtime.GOMAXPROCS(4)
	capped, cappedSt := similarity.ComputeStats(docs, similarity.Options{Workers: 1})
	runtime.GOMAXPROCS(prev)
	if !reflect.DeepEqual(capped, want) || cappedSt != wantSt {
		t.Errorf("Options.Workers 1 on 4 CPUs gave other links or stats than 1 CPU")
	}
	// Workers that join while the scoring runs (an import's writes end),
	// join at once, or are never let in: the same links and counts, and a
	// channel never closed does not keep the computation waiting.
	closedNow := make(chan struct{})
	close(closedNow)
	later := make(chan struct{})
	time.AfterFunc(2*time.Millisecond, func() { close(later) })
	for name, more := range map[string]chan struct{}{"closed before": closedNow, "closed during": later, "never closed": make(chan struct{})} {
		prev = runtime.GOMAXPROCS(4)
		got, gotSt := similarity.ComputeStats(docs, similarity.Options{Workers: 1, MoreWorkers: more})
		runtime.GOMAXPROCS(prev)
		if !reflect.DeepEqual(got, want) || gotSt != wantSt {
			t.Errorf("Workers 1 with MoreWorkers %s gave other links or stats than 1 CPU", name)
		}
	}
}

// TestEmit checks the streamed output: every document once, in ID order,
// with the links Compute returns for it (nil when none), on any number of
// workers and with a slow consumer; Compute then returns no links.
func TestEmit(t *testing.T) {
	docs := synthetic(3000, 2)
	want, wantSt := similarity.ComputeStats(docs, similarity.Options{})
	byFrom := map[string][]similarity.Link{}
	for _, l := range want {
		byFrom[l.From] = append(byFrom[l.From], l)
	}
	ids := make([]string, 0, len(docs))
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	sort.Strings(ids)
	for _, procs := range []int{1, 4} {
		var got []string
		mismatch := 0
		opt := similarity.Options{Emit: func(id string, ls []similarity.Link) {
			if len(got)%500 == 0 {
				time.Sleep(time.Millisecond) // a consumer slower than the scoring
			}
			got = append(got, id)
			if !reflect.DeepEqual(ls, byFrom[id]) {
				mismatch++
			}
		}}
		prev := runtime.GOMAXPROCS(procs)
		links, st := similarity.ComputeStats(docs, opt)
		runtime.GOMAXPROCS(prev)
		if links != nil {
			t.Errorf("%d CPUs: Compute with Emit returned %d links, want none", procs, len(links))
		}
		if !slices.Equal(got, ids) {
			t.Errorf("%d CPUs: emitted %d documents, want all %d once in ID order", procs, len(got), len(ids))
		}
		if mismatch > 0 {
			t.Errorf("%d CPUs: %d documents emitted with other links than Compute gives", procs, mismatch)
		}
		if st != wantSt {
			t.Errorf("%d CPUs: stats %+v, want %+v", procs, st, wantSt)
		}
	}
	var one []string
	similarity.Compute(docs[:1], similarity.Options{Emit: func(id string, ls []similarity.Link) {
		if ls != nil {
			t.Errorf("the only document emitted with %d links", len(ls))
		}
		one = append(one, id)
	}})
	if !slices.Equal(one, []string{docs[0].ID}) {
		t.Errorf("one document: emitted %v, want [%s]", one, docs[0].ID)
	}
}

func TestReason(t *testing.T) {
	for _, c := range []struct {
		themes, terms []string
		a, b          string
		want          string
	}{
		{[]string{"Climate"}, []string{"river", "robot"}, "", "", `Shares theme Climate; both mention "river", "robot".`},
		{[]string{"A", "B"}, nil, "", "", "Shares themes A, B."},
		{nil, []string{"bike"}, "", "", `Both mention "bike".`},
		{nil, nil, "", "", "Similar wording"},
		{[]string{"Climate"}, nil, "A robot cleans the river.", "Drones collect plastic from the canal.",
			"Closest in meaning: “A robot cleans the river” and “Drones collect plastic from the canal”. Shares theme Climate."},
		{nil, nil, "Only one side.", "", "Similar wording"},
	} {
		if got := similarity.Reason(c.themes, c.terms, c.a, c.b); got != c.want {
			t.Errorf("Reason(%v, %v) = %q, want %q", c.themes, c.terms, got, c.want)
		}
	}
}

func TestEdgeCases(t *testing.T) {
	if l := similarity.Compute(nil, similarity.Options{}); l != nil {
		t.Errorf("nil docs: %v", l)
	}
	one := []similarity.Doc{{ID: "a", Title: "Solo"}}
	if l := similarity.Compute(one, similarity.Options{}); l != nil {
		t.Errorf("one doc: %v", l)
	}
	dup := []similarity.Doc{{ID: "a", Title: "Bike lanes"}, {ID: "a", Title: "Bike lanes"}, {ID: "b", Title: "Bike lanes"}}
	links := similarity.Compute(dup, similarity.Options{})
	if len(links) != 2 {
		t.Errorf("duplicate IDs: %+v", links)
	}
	// Unknown cities never count as the same city.
	for _, l := range links {
		if l.SameCity {
			t.Errorf("empty CityID counted as same city: %+v", l)
		}
	}
}

// TestWorkIsLinear counts work, not time: with the index capped, the
// number of postings read and pairs scored per document must not grow
// with the corpus.
func TestWorkIsLinear(t *testing.T) {
	opt := similarity.Options{MaxCandidates: 100, MaxDF: 40}
	_, s1 := similarity.ComputeStats(synthetic(1000, 1), opt)
	_, s4 := similarity.ComputeStats(synthetic(4000, 2), opt)
	for _, s := range []similarity.Stats{s1, s4} {
		if s.PairsScored > s.Docs*opt.MaxCandidates {
			t.Errorf("%d docs: %d pairs scored > %d", s.Docs, s.PairsScored, s.Docs*opt.MaxCandidates)
		}
		if s.DroppedTerms == 0 {
			t.Errorf("%d docs: no term dropped from the index", s.Docs)
		}
	}
	per1 := float64(s1.PostingsVisited+s1.PairsScored) / float64(s1.Docs)
	per4 := float64(s4.PostingsVisited+s4.PairsScored) / float64(s4.Docs)
	t.Logf("work per doc: 1k %.0f, 4k %.0f; stats 1k %+v; 4k %+v", per1, per4, s1, s4)
	if per4 > 1.5*per1 {
		t.Errorf("work per document grew from %.0f to %.0f: not linear", per1, per4)
	}
	// A quadratic algorithm would score 4000×3999 pairs.
	if s4.PairsScored > s4.Docs*s4.Docs/20 {
		t.Errorf("pairs scored %d", s4.PairsScored)
	}
}

// synthetic builds n documents from a Zipf-distributed vocabulary, with 1–3
// of 14 themes and 1 of n/10 cities each.
func synthetic(n int, seed uint64) []similarity.Doc {
	r := rand.New(rand.NewPCG(seed, 42))
	const vocab = 20000
	z := zipf(r, vocab)
	themes := []string{"covid-19", "participation", "democracy-transparency", "digital-government",
		"climate-environment", "social-inclusion", "culture", "education-youth", "health-care",
		"mobility-public-space", "gender-equality", "migration-integration", "economy-jobs", "housing-regional-development"}
	words := func(k int) string {
		var b strings.Builder
		for i := range k {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "w%dx", z())
		}
		return b.String()
	}
	docs := make([]similarity.Doc, n)
	for i := range docs {
		var th []string
		for range 1 + r.IntN(3) {
			th = append(th, themes[r.IntN(len(themes))])
		}
		docs[i] = similarity.Doc{
			ID:      fmt.Sprintf("doc-%06d", i),
			CityID:  fmt.Sprintf("gn:%d", r.IntN(max(1, n/10))),
			Title:   words(3 + r.IntN(4)),
			Summary: words(15 + r.IntN(20)),
			Themes:  th,
		}
	}
	return docs
}

func zipf(r *rand.Rand, n int) func() int {
	// Inverse-CDF sampling of P(k) ∝ 1/k.
	cdf := make([]float64, n)
	s := 0.0
	for k := range n {
		s += 1 / float64(k+1)
		cdf[k] = s
	}
	return func() int {
		u := r.Float64() * s
		i, _ := slices.BinarySearch(cdf, u)
		return min(i, n-1)
	}
}

func benchmarkCompute(b *testing.B, n int) {
	docs := synthetic(n, 3)
	opt := similarity.Options{}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		links := similarity.Compute(docs, opt)
		if len(links) < n {
			b.Fatalf("%d links for %d docs", len(links), n)
		}
		if links[0].From != docs[0].ID || links[0].Score <= 0 {
			b.Fatalf("first link %+v", links[0])
		}
	}
}

func BenchmarkCompute1k(b *testing.B)  { benchmarkCompute(b, 1000) }
func BenchmarkCompute10k(b *testing.B) { benchmarkCompute(b, 10000) }

// TestComputeFor: the links of a few documents, computed alone, are
// exactly their links in the full computation.
func TestComputeFor(t *testing.T) {
	docs := synthetic(1500, 3)
	all := similarity.Compute(docs, similarity.Options{})
	ids := []string{docs[0].ID, docs[700].ID, docs[1499].ID, "no-such-doc"}
	got := similarity.ComputeFor(docs, ids, similarity.Options{})
	var want []similarity.Link
	for _, l := range all {
		if slices.Contains(ids, l.From) {
			want = append(want, l)
		}
	}
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("ComputeFor gave %d links, the full run %d for those documents (or they differ)", len(got), len(want))
	}
	if l := similarity.ComputeFor(docs, nil, similarity.Options{}); l != nil {
		t.Errorf("no ids: %d links", len(l))
	}
}
