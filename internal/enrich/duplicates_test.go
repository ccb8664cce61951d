package enrich_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/embed/embedtest"
	"github.com/civicgraph/civicgraph/internal/enrich"
	"github.com/civicgraph/civicgraph/internal/importer"
	"github.com/civicgraph/civicgraph/internal/textfold"
)

// MustMerge embeds ins with the real model (through the shared cache) and
// merges their duplicates.
func MustMerge(tb testing.TB, ins []*domain.Initiative) ([]*domain.Initiative, [][]float32, enrich.DuplicateReport) {
	tb.Helper()
	ctx := context.Background()
	m, c := embedtest.Model(tb), embedtest.Cache(tb)
	vecs, _, err := enrich.Embed(ctx, c, m, ins)
	if err != nil {
		tb.Fatalf("embed passages: %v", err)
	}
	desc, _, err := enrich.EmbedDescriptions(ctx, c, m, ins)
	if err != nil {
		tb.Fatalf("embed descriptions: %v", err)
	}
	return enrich.MergeDuplicates(ins, vecs, desc)
}

func foldedTitle(in *domain.Initiative) string { return textfold.Fold(in.Title) }

// checkMerged asserts that the output holds one initiative for the keys
// and that it is the survivor the policy names.
func checkMerged(t *testing.T, out []*domain.Initiative, survivor string, gone ...string) {
	t.Helper()
	var got *domain.Initiative
	for _, in := range out {
		if in.ID == survivor {
			got = in
		}
		if slices.Contains(gone, in.ID) {
			t.Errorf("%s is still an initiative of its own; want it merged into %s", in.ID, survivor)
		}
	}
	if got == nil {
		t.Fatalf("survivor %s missing from the output", survivor)
	}
	for _, k := range gone {
		if !slices.Contains(got.MergedKeys, k) {
			t.Errorf("%s: MergedKeys %v lack %s", survivor, got.MergedKeys, k)
		}
	}
}

// TestMergeDuplicatesShowroom runs the real pipeline and model over the
// seeds and the showroom: the pairs issue 9 names end up merged, found by
// their content (not by keys), and no merge crosses places.
func TestMergeDuplicatesShowroom(t *testing.T) {
	ins := corpusInitiatives(t)
	byKey := map[string]*domain.Initiative{}
	for _, in := range ins {
		byKey[in.ID] = in
	}
	out, outVecs, rep := MustMerge(t, ins)
	t.Logf("%d initiatives → %d; %d merged pairs, %d uncertain; %s", rep.Before, rep.After, len(rep.Merged), len(rep.Uncertain), rep.Method)
	if rep.Lexical || rep.Before != len(ins) || rep.After != len(out) || len(outVecs) != len(out) {
		t.Fatalf("report %+v does not match %d in, %d out, %d vectors", rep, len(ins), len(out), len(outVecs))
	}

	t.Run("Gdańsk: the untitled description joins #GDAŃSKPOMAGA", func(t *testing.T) {
		var titled, untitled []string
		for _, in := range ins {
			switch {
			case strings.Contains(foldedTitle(in), "gdanskpomaga"):
				titled = append(titled, in.ID)
			case in.TitleDerived && in.City == nil && in.Country == nil:
				untitled = append(untitled, in.ID)
			}
		}
		if len(titled) != 1 {
			t.Fatalf("want one #GDAŃSKPOMAGA initiative, got %v", titled)
		}
		var s *domain.Initiative
		for _, in := range out {
			if in.ID == titled[0] {
				s = in
			}
		}
		if s == nil {
			t.Fatalf("%s did not survive", titled[0])
		}
		var joined []string
		for _, k := range s.MergedKeys {
			if slices.Contains(untitled, k) {
				joined = append(joined, k)
			}
		}
		if len(joined) != 1 {
			t.Fatalf("%s merged %v; want exactly one untitled description", s.ID, s.MergedKeys)
		}
		if s.TitleDerived || s.City == nil || s.City.Name != "Gdańsk" {
			t.Errorf("survivor %+v: want the titled one, in Gdańsk", s)
		}
		if d := byKey[joined[0]]; len(s.Sources) < len(d.Sources)+1 {
			t.Errorf("survivor has %d sources; want its own plus the description's %v", len(s.Sources), d.Sources)
		}
	})

	t.Run("Molières: the titled constitution absorbs its paraphrase", func(t *testing.T) {
		var titled, derived []string
		for _, in := range ins {
			if in.City == nil || in.City.Name != "Molières" {
				continue
			}
			if in.TitleDerived {
				derived = append(derived, in.ID)
			} else {
				titled = append(titled, in.ID)
			}
		}
		if len(titled) != 1 || len(derived) != 1 {
			t.Fatalf("want one titled and one untitled initiative in Molières, got %v and %v", titled, derived)
		}
		checkMerged(t, out, titled[0], derived[0])
	})

	t.Run("Plovdiv: school digitalisation under two titles is one", func(t *testing.T) {
		var keys []string
		for _, in := range ins {
			f := foldedTitle(in)
			if in.City != nil && in.City.Name == "Plovdiv" && strings.Contains(f, "digitalisation") && strings.Contains(f, "school") {
				keys = append(keys, in.ID)
			}
		}
		if len(keys) != 2 {
			t.Fatalf("want two Plovdiv school-digitalisation titles, got %v", keys)
		}
		slices.Sort(keys)
		checkMerged(t, out, keys[0], keys[1]) // both titled: the earlier key survives
		for _, in := range out {
			if in.ID == keys[0] && !slices.Contains(in.AltTitles, byKey[keys[1]].Title) {
				t.Errorf("AltTitles %v lack the merged title %q", in.AltTitles, byKey[keys[1]].Title)
			}
		}
	})

	t.Run("Rybnik's city and youth participatory budgets stay two, listed as uncertain", func(t *testing.T) {
		var keys []string
		for _, in := range ins {
			if in.City != nil && in.City.Name == "Rybnik" && strings.Contains(foldedTitle(in), "participatory budgeting") {
				keys = append(keys, in.ID)
			}
		}
		if len(keys) != 2 {
			t.Fatalf("want two Rybnik participatory budgets, got %v", keys)
		}
		n := 0
		for _, in := range out {
			if slices.Contains(keys, in.ID) {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%v: %d left, want both", keys, n)
		}
		if !slices.ContainsFunc(rep.Uncertain, func(p enrich.DuplicatePair) bool {
			return slices.Contains(keys, p.A.Key) && slices.Contains(keys, p.B.Key)
		}) {
			t.Errorf("the Rybnik pair is not among the uncertain pairs")
		}
	})

	t.Run("no merge joins two countries or two cities", func(t *testing.T) {
		for _, s := range out {
			for _, k := range s.MergedKeys {
				o := byKey[k]
				if cc, oc := country(s), country(o); cc != "" && oc != "" && cc != oc {
					t.Errorf("%s (%s) merged %s (%s)", s.ID, cc, o.ID, oc)
				}
				if s.City != nil && o.City != nil && s.City.ID != o.City.ID {
					t.Errorf("%s (%s) merged %s (%s)", s.ID, s.City.Name, o.ID, o.City.Name)
				}
			}
		}
	})

	t.Run("merged keys account for every initiative gone", func(t *testing.T) {
		n := 0
		for _, in := range out {
			n += len(in.MergedKeys)
		}
		if len(ins)-len(out) != n || n == 0 {
			t.Errorf("%d initiatives gone, %d merged keys recorded", len(ins)-len(out), n)
		}
		for i, in := range out {
			if outVecs[i] == nil && len(in.MergedKeys) == 0 {
				t.Errorf("%s lost its vector without being merged", in.ID)
			}
		}
	})

	t.Run("the scalable candidate path finds the same pairs", func(t *testing.T) {
		defer func(n int) { enrich.ExactLimit = n }(enrich.ExactLimit)
		enrich.ExactLimit = 10
		_, _, rep2 := MustMerge(t, ins)
		if !strings.HasPrefix(rep2.Method, "IVF") {
			t.Fatalf("method %q: the forced path was not taken", rep2.Method)
		}
		if !slices.Equal(pairKeys(rep.Merged), pairKeys(rep2.Merged)) || !slices.Equal(pairKeys(rep.Uncertain), pairKeys(rep2.Uncertain)) {
			t.Errorf("exact: merged %v, uncertain %v\nIVF: merged %v, uncertain %v",
				pairKeys(rep.Merged), pairKeys(rep.Uncertain), pairKeys(rep2.Merged), pairKeys(rep2.Uncertain))
		}
		t.Logf("%s; %d candidates", rep2.Method, rep2.Candidates)
	})
}

func country(in *domain.Initiative) string {
	if in.Country != nil {
		return in.Country.Code
	}
	if in.City != nil {
		return in.City.CountryCode
	}
	return ""
}

func pairKeys(ps []enrich.DuplicatePair) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.A.Key+"~"+p.B.Key)
	}
	slices.Sort(out)
	return out
}

// nearMissPage is a listing page written for this test in the shape of
// the showroom's: titled entries, an untitled paraphrase of one of them,
// initiatives alike in topic but in different cities. No showroom text.
const nearMissPage = `URL: https://example.org/showroom/?project_cat=democracy

Showroom

Tampere Decides

Every year residents of Tampere propose neighbourhood projects and vote on which of them the city finances from a share of its budget.

The People's Budget of Ghent

In Ghent, citizens hand in ideas and then vote on how a part of the municipal budget is spent in their districts.

Porto Neighbours Help

During the lockdown a city platform in Porto matched volunteers with older residents who needed shopping and medicine delivered to their door.

Brno Stands Together

A web platform that Brno set up in the pandemic connects volunteers with elderly people who need groceries and prescriptions brought home.

Youth Budget

Pupils in the town's schools draft proposals and vote on how a small school budget is spent on projects for young people.

Citizens' Budget

Residents of the town propose projects and decide by vote how a share of the municipal budget is spent each year.

Green Roofs for Aarhus

The City of Aarhus pays part of the cost when owners plant vegetation on flat roofs, which cools the streets and holds back rainwater during storms.

Night Library Kaunas

The city library in Kaunas stays open until midnight on weekdays so that students and shift workers have a quiet place to study and borrow books.

Library Bus for Kaunas Villages

A mobile library bus visits the villages around Kaunas every week, bringing books and internet access to older residents.
`

// yearPage holds an untitled paraphrase of an entry of nearMissPage.
const yearPage = `URL: https://example.org/showroom/?prog=innovation-in-politics-awards&project_year=2021

Showroom

The municipality of Aarhus covers a share of the costs for owners who turn flat roofs green, cooling the streets and retaining rain during storms.

From Monday to Friday the main library of Kaunas no longer closes in the evening: until midnight its reading rooms serve pupils preparing for exams and workers coming off late shifts.
`

// countryPages state two countries for reworded copies of one text.
const countryPageAT = `URL: https://example.org/showroom/?country=austria

Showroom

Repair Together

Volunteers open a workshop every Saturday where neighbours bring broken lamps, toasters and bicycles and learn to mend them instead of throwing them away.
`

const countryPageDE = `URL: https://example.org/showroom/?country=germany

Showroom

Every Saturday volunteers run a workshop where neighbours bring their broken lamps, toasters and bikes and learn to fix them rather than discard them.
`

func fixtureInitiatives(t *testing.T, pages ...string) []*domain.Initiative {
	t.Helper()
	var ps []*importer.Page
	for i, text := range pages {
		p, err := importer.ParsePage("fixture-"+string(rune('a'+i))+".txt", strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	recs, _ := importer.Merge(ps)
	ins, _ := newEnricher().Build(recs)
	return ins
}

// TestMergeDuplicatesNearMisses: initiatives alike in topic stay apart;
// a reworded copy in the same city merges; conflicting countries never
// merge, however alike the texts.
func TestMergeDuplicatesNearMisses(t *testing.T) {
	ins := fixtureInitiatives(t, nearMissPage, yearPage, countryPageAT, countryPageDE)
	byTitle := map[string]*domain.Initiative{}
	for _, in := range ins {
		byTitle[in.Title] = in
		t.Logf("%-40s %-12s derived=%v", in.Title, placeOf(in), in.TitleDerived)
	}
	out, _, rep := MustMerge(t, ins)
	for _, p := range rep.Merged {
		t.Logf("merged %s ~ %s: %s; %s", p.A.Title, p.B.Title, p.Rule, strings.Join(p.Evidence, "; "))
	}
	for _, p := range rep.Uncertain {
		t.Logf("uncertain %s ~ %s: %s; %s", p.A.Title, p.B.Title, p.Rule, strings.Join(p.Evidence, "; "))
	}
	left := map[string]bool{}
	for _, in := range out {
		left[in.Title] = true
	}
	for _, pair := range [][2]string{
		{"Tampere Decides", "The People's Budget of Ghent"},
		{"Porto Neighbours Help", "Brno Stands Together"},
		{"Youth Budget", "Citizens' Budget"}, // no place to tell them apart
	} {
		t.Run(pair[0]+" and "+pair[1]+" stay two", func(t *testing.T) {
			for _, title := range pair {
				if byTitle[title] == nil {
					t.Fatalf("fixture %q not parsed", title)
				}
				if !left[title] {
					t.Errorf("%q was merged away", title)
				}
			}
		})
	}
	t.Run("the untitled paraphrase in Aarhus joins Green Roofs for Aarhus", func(t *testing.T) {
		// The importer's lexical paraphrase join may already have joined
		// the two (same words, same city); either way the outcome must be
		// one initiative with both pages, the paraphrase's 2021 entry and
		// no untitled Aarhus initiative beside it.
		var s *domain.Initiative
		for _, in := range out {
			if in.Title == "Green Roofs for Aarhus" {
				s = in
			}
		}
		if s == nil || s.City == nil {
			t.Fatalf("fixture not parsed or not placed: %+v", s)
		}
		for _, in := range out {
			if in.TitleDerived && in.City != nil && in.City.ID == s.City.ID {
				t.Errorf("the untitled Aarhus description stayed apart: %q", in.Title)
			}
		}
		if len(s.Sources) != 2 || slices.ContainsFunc(s.AltTitles, func(a string) bool { return strings.HasPrefix(a, "The municipality of Aarhus") }) {
			t.Errorf("sources %v, alt titles %v: want both pages, no derived title", s.Sources, s.AltTitles)
		}
		if len(s.Awards) != 1 || s.Awards[0].Year != 2021 {
			t.Errorf("awards %v: want the paraphrase's 2021 entry", s.Awards)
		}
	})
	t.Run("copies stated in Austria and Germany do not merge", func(t *testing.T) {
		s := byTitle["Repair Together"]
		if s == nil || country(s) != "AT" {
			t.Fatalf("fixture not parsed or not placed: %+v", s)
		}
		var de *domain.Initiative
		for _, in := range ins {
			if country(in) == "DE" && in.TitleDerived {
				de = in
			}
		}
		if de == nil {
			t.Fatal("the German copy was not parsed")
		}
		for _, in := range out {
			if len(in.MergedKeys) > 0 && (in.ID == s.ID || in.ID == de.ID) {
				t.Errorf("%s merged %v across countries", in.ID, in.MergedKeys)
			}
		}
		if !slices.ContainsFunc(rep.Uncertain, func(p enrich.DuplicatePair) bool {
			return (p.A.Key == s.ID && p.B.Key == de.ID) || (p.A.Key == de.ID && p.B.Key == s.ID)
		}) {
			t.Errorf("the cross-country copies are not reported as uncertain")
		}
	})
	t.Run("a looser paraphrase merges as each other's clear nearest; the library bus stays", func(t *testing.T) {
		s := byTitle["Night Library Kaunas"]
		if s == nil || byTitle["Library Bus for Kaunas Villages"] == nil {
			t.Fatal("Kaunas fixtures not parsed")
		}
		var derived *domain.Initiative
		for _, in := range ins {
			if in.TitleDerived && strings.Contains(in.Summary, "Kaunas") {
				derived = in
			}
		}
		if derived == nil {
			t.Fatal("the untitled Kaunas description was not parsed as its own initiative")
		}
		checkMerged(t, out, s.ID, derived.ID)
		if !left["Library Bus for Kaunas Villages"] {
			t.Error("the library bus was merged away")
		}
		for _, p := range rep.Merged {
			if p.A.Key == derived.ID || p.B.Key == derived.ID {
				if p.Description >= enrich.DescriptionCertain || !slices.ContainsFunc(p.Evidence, func(e string) bool { return strings.HasPrefix(e, "each other's nearest") }) {
					t.Errorf("want this pair below DescriptionCertain and merged as clear nearest: %+v", p)
				}
			}
		}
	})
	// One initiative per distinct fixture: the ten titled ones and the
	// German copy (another country); the Kaunas paraphrase merged.
	if rep.After != 11 {
		t.Errorf("%d → %d initiatives; want 11 (ten titled fixtures and the German copy)", len(ins), rep.After)
	}
}

// aarhusID is the city the untitled Aarhus description resolved to.
func aarhusID(ins []*domain.Initiative) string {
	for _, in := range ins {
		if in.TitleDerived && in.City != nil && strings.Contains(in.Summary, "Aarhus") {
			return in.City.ID
		}
	}
	return "not resolved"
}

func placeOf(in *domain.Initiative) string {
	if in.City != nil {
		return in.City.Name
	}
	return country(in)
}

// TestMergeDuplicatesWithoutModel: without vectors nothing is merged and
// the lexical suspicions are reported.
func TestMergeDuplicatesWithoutModel(t *testing.T) {
	ins := fixtureInitiatives(t, nearMissPage)
	out, vecs, rep := enrich.MergeDuplicates(ins, nil, nil)
	if len(out) != len(ins) || vecs != nil || !rep.Lexical || len(rep.Merged) != 0 {
		t.Errorf("without vectors: %d → %d initiatives, vectors %v, report %+v", len(ins), len(out), vecs != nil, rep)
	}
}

// syntheticDuplicates makes n initiatives with vectors in one narrow cone
// (unrelated pairs at cosine ≈ 0.8, like e5's) and plants every 100th as
// an untitled copy at cosine ≈ 0.96 of the one before it.
func syntheticDuplicates(n, dim int) ([]*domain.Initiative, [][]float32, int) {
	rng := rand.New(rand.NewPCG(1, 2))
	unit := func() []float32 {
		v := make([]float32, dim)
		for k := range v {
			v[k] = float32(rng.NormFloat64())
		}
		embed.Normalize(v)
		return v
	}
	mix := func(a []float32, wa float64, b []float32, wb float64) []float32 {
		v := make([]float32, dim)
		for k := range v {
			v[k] = float32(wa)*a[k] + float32(wb)*b[k]
		}
		embed.Normalize(v)
		return v
	}
	name := func(i int) string {
		var b []byte
		for i++; i > 0; i /= 26 {
			b = append(b, byte('a'+i%26))
		}
		return string(b)
	}
	axis := unit()
	ins := make([]*domain.Initiative, 0, n)
	vecs := make([][]float32, 0, n)
	var noise []float32
	planted := 0
	for i := 0; i < n; i++ {
		in := &domain.Initiative{ID: fmt.Sprintf("i%07d", i), Title: "Initiative " + name(i), Summary: "Summary " + name(i) + "."}
		if i%100 == 99 {
			in.Title, in.TitleDerived = "Summary …", true
			noise = mix(noise, math.Sqrt(0.8), unit(), math.Sqrt(0.2))
			planted++
		} else {
			noise = unit()
		}
		ins = append(ins, in)
		vecs = append(vecs, mix(axis, math.Sqrt(0.8), noise, math.Sqrt(0.2)))
	}
	return ins, vecs, planted
}

// BenchmarkMergeDuplicates measures candidate generation and judging on
// synthetic vectors (no model): the exact path at 1000, the IVF path at
// 10 000. Every planted copy must be merged, nothing else.
func BenchmarkMergeDuplicates(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ins, vecs, planted := syntheticDuplicates(n, 384)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				out, _, rep := enrich.MergeDuplicates(ins, vecs, vecs)
				if len(ins)-len(out) != planted || len(rep.Uncertain) != 0 {
					b.Fatalf("%d initiatives: %d merged, %d uncertain; want %d planted copies merged (%s)", n, len(ins)-len(out), len(rep.Uncertain), planted, rep.Method)
				}
			}
		})
	}
}

// TestSuspectedDuplicatesAnyWorkerCount checks that the workers (one per
// CPU, dupChunk initiatives at a time) find the pairs a single loop finds,
// in the same order, over several chunks.
func TestSuspectedDuplicatesAnyWorkerCount(t *testing.T) {
	words := []string{"garden", "bike", "repair", "school", "budget", "housing", "energy", "library", "market", "river", "youth", "care"}
	var ins []*domain.Initiative
	for k := range 3000 {
		w := func(n int) string { return words[(k*7+n*k/3+n)%len(words)] }
		title := fmt.Sprintf("%s %s %s project %d", w(1), w(2), w(3), k%900)
		summary := fmt.Sprintf("Residents run a %s and %s %s for the %s of the %s district %d.", w(4), w(5), w(6), w(7), w(8), k%700)
		ins = append(ins, &domain.Initiative{ID: fmt.Sprintf("k%04d", k), Title: title, Summary: summary})
	}
	prev := runtime.GOMAXPROCS(1)
	want := enrich.SuspectedDuplicates(ins)
	runtime.GOMAXPROCS(4)
	got := enrich.SuspectedDuplicates(ins)
	runtime.GOMAXPROCS(prev)
	if len(want) == 0 {
		t.Fatal("the fixture has no suspected duplicates")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("4 workers found %d pairs, 1 worker %d, or in another order", len(got), len(want))
	}
}
