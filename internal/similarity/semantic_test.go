package similarity_test

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/embed/embedtest"
	"github.com/civicgraph/civicgraph/internal/similarity"
)

// Fixtures of our own, in the shape of showroom entries: pairs about the
// same thing in different words or languages, and a decoy that shares
// words and themes but not the subject.
var semanticDocs = []similarity.Doc{
	{ID: "de-bikes", CityID: "berlin", Title: "Radwege für alle",
		Summary: "Die Stadt baut geschützte Radwege entlang der Hauptstraßen. Familien fahren sicher mit dem Fahrrad zur Schule.", Themes: []string{"mobility"}},
	{ID: "en-bikes", CityID: "leeds", Title: "Protected cycle lanes",
		Summary: "The council builds separated bike lanes on main roads. Parents now cycle with their children to school.", Themes: []string{"mobility"}},
	{ID: "pl-lonely", CityID: "krakow", Title: "Telefon dla seniora",
		Summary: "Wolontariusze codziennie dzwonią do samotnych seniorów. Rozmowy przeciwdziałają izolacji osób starszych.", Themes: []string{"social-inclusion"}},
	{ID: "en-lonely", CityID: "york", Title: "Calls against loneliness",
		Summary: "Volunteers phone isolated older residents every day. The conversations ease the loneliness of elderly people.", Themes: []string{"social-inclusion"}},
	{ID: "decoy", CityID: "york", Title: "City council launches digital service portal",
		Summary: "The city council launches an online portal where citizens can call up services and take part in surveys.", Themes: []string{"social-inclusion", "mobility"}},
}

// background gives term weights a corpus to be computed over (with five
// documents every shared word is "rare"); none is about bikes or loneliness.
var background = func() []similarity.Doc {
	var out []similarity.Doc
	for i, s := range []string{
		"The city council opens a citizens' assembly on the new harbour plan.",
		"Residents vote on how the municipal budget is spent in their district.",
		"A youth parliament gives pupils a say in council decisions.",
		"The town publishes every council contract online for citizens to check.",
		"A repair café lets residents fix broken appliances instead of buying new ones.",
		"Ten thousand new trees cool the streets in summer.",
		"An app lets citizens report potholes and broken street lights to the city.",
		"Migrants and locals cook together at weekly neighbourhood dinners.",
		"The municipality turns empty shops into studios for young artists.",
		"The museum opens its archive of the town's history to researchers.",
		"The city launches a call for ideas to make its squares greener.",
		"A regional government trains civil servants in open data.",
	} {
		out = append(out, similarity.Doc{ID: "bg-" + itoa(i), CityID: "bg" + itoa(i), Title: s[:strings.Index(s, " ")], Summary: s})
	}
	return out
}()

func withVectors(t *testing.T, docs []similarity.Doc) []similarity.Doc {
	t.Helper()
	m := embedtest.Model(t)
	ctx := context.Background()
	out := append([]similarity.Doc(nil), docs...)
	for i := range out {
		vs, err := m.Passages(ctx, []string{embed.Passage(out[i].Title, out[i].Summary, false)})
		if err != nil {
			t.Fatal(err)
		}
		out[i].Vec = vs[0]
		out[i].Sentences = similarity.Sentences(out[i].Summary)
		if out[i].SentVecs, err = m.Passages(ctx, out[i].Sentences); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestSemanticSimilarity(t *testing.T) {
	docs := withVectors(t, append(append([]similarity.Doc(nil), semanticDocs...), background...))
	links := similarity.Compute(docs, similarity.Options{MinScore: -1})
	best := map[string]similarity.Link{}
	for _, l := range links {
		if b, ok := best[l.From]; !ok || l.Score > b.Score {
			best[l.From] = l
		}
	}
	// The same subject in another language is the nearest, although the
	// pair shares no word; the decoy shares themes and words, not meaning.
	for from, want := range map[string]string{"de-bikes": "en-bikes", "en-bikes": "de-bikes", "pl-lonely": "en-lonely", "en-lonely": "pl-lonely"} {
		l := best[from]
		if l.To != want {
			t.Errorf("%s: best link to %s (%.3f), want %s; links %+v", from, l.To, l.Score, want, linksFrom(links, from))
			continue
		}
		if l.SemanticScore <= 0 {
			t.Errorf("%s→%s: semantic score %.3f", from, want, l.SemanticScore)
		}
		// The score is the documented blend.
		w := similarity.DefaultSemanticWeight
		lex := (1-similarity.DefaultThemeWeight)*l.TextScore + similarity.DefaultThemeWeight*l.ThemeScore
		if got := w*l.SemanticScore + (1-w)*lex; math.Abs(got-l.Score) > 1e-9 {
			t.Errorf("%s→%s: score %.6f, blend gives %.6f", from, want, l.Score, got)
		}
		// The reason quotes the two closest sentences, one of each.
		if l.ClosestA == "" || !strings.Contains(docs[idx(docs, from)].Summary, l.ClosestA) || !strings.Contains(docs[idx(docs, want)].Summary, l.ClosestB) {
			t.Errorf("%s→%s: closest sentences %q / %q", from, want, l.ClosestA, l.ClosestB)
		}
	}
	// Themes do not outweigh text: the decoy shares both themes and some
	// words with the others, yet scores below every true pair.
	for _, l := range linksFrom(links, "en-lonely") {
		if l.To == "decoy" && l.Score >= best["en-lonely"].Score {
			t.Errorf("decoy outranks the true pair: %+v", l)
		}
	}
	// Generic words are never quoted as the shared terms.
	for _, l := range links {
		for _, term := range l.SharedTerms {
			if g := strings.ToLower(term); g == "city" || g == "council" || g == "launches" || g == "citizens" || g == "part" || g == "call" {
				t.Errorf("link %s→%s quotes the generic word %q", l.From, l.To, term)
			}
		}
	}
	// Without vectors the score is the lexical one (the fallback).
	lexical := similarity.Compute(append(append([]similarity.Doc(nil), semanticDocs...), background...), similarity.Options{MinScore: -1})
	for _, l := range lexical {
		if l.SemanticScore != 0 || math.Abs(l.Score-((1-similarity.DefaultThemeWeight)*l.TextScore+similarity.DefaultThemeWeight*l.ThemeScore)) > 1e-9 {
			t.Errorf("lexical fallback link %+v", l)
		}
	}
}

func idx(docs []similarity.Doc, id string) int {
	for i, d := range docs {
		if d.ID == id {
			return i
		}
	}
	return -1
}

// TestSemanticCandidatesAtScale: above ExactLimit, semantic neighbours
// come from LSH; planted near-copies must still be linked (recall), and the
// work must stay far from all pairs. Vectors are synthetic (clusters in a
// shared cone, like e5's), so no model is needed.
func TestSemanticCandidatesAtScale(t *testing.T) {
	const n, dim = similarity.ExactLimit + 1000, 64
	rng := rand.New(rand.NewPCG(7, 9))
	common := randUnit(rng, dim)
	docs := make([]similarity.Doc, n)
	var planted [][2]int
	for i := range docs {
		v := make([]float32, dim)
		if i%2 == 1 { // a near-copy of the previous document
			for d := range v {
				v[d] = docs[i-1].Vec[d] + float32(0.04*rng.NormFloat64())
			}
			planted = append(planted, [2]int{i - 1, i})
		} else {
			r := randUnit(rng, dim)
			for d := range v {
				v[d] = 2*common[d] + r[d]
			}
		}
		embed.Normalize(v)
		docs[i] = similarity.Doc{ID: idOf(i), Title: "doc " + idOf(i), Vec: v}
	}
	links, st := similarity.ComputeStats(docs, similarity.Options{MinScore: -1})
	linked := map[[2]string]bool{}
	for _, l := range links {
		linked[[2]string{l.From, l.To}] = true
	}
	var pairCos float64
	for _, p := range planted {
		pairCos += embed.Dot(docs[p[0]].Vec, docs[p[1]].Vec) / float64(len(planted))
	}
	found := 0
	for _, p := range planted {
		if linked[[2]string{idOf(p[0]), idOf(p[1])}] {
			found++
		}
	}
	recall := float64(found) / float64(len(planted))
	t.Logf("LSH at n=%d: %d of %d planted pairs (mean cosine %.3f; random pairs ≈ 0.8) linked (recall %.3f), %d pairs scored (%.4f of all pairs)",
		n, found, len(planted), pairCos, recall, st.PairsScored, float64(st.PairsScored)/float64(n*(n-1)))
	if recall < 0.95 {
		t.Errorf("recall of planted near-copies %.3f < 0.95", recall)
	}
	if st.PairsScored > n*200 {
		t.Errorf("%d pairs scored: not bounded per document", st.PairsScored)
	}
}

func randUnit(rng *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	for d := range v {
		v[d] = float32(rng.NormFloat64())
	}
	embed.Normalize(v)
	return v
}

func idOf(i int) string { return "d" + strings.Repeat("0", 6-len(itoa(i))) + itoa(i) }

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// benchmarkComputeSemantic is benchmarkCompute with 384-float passage
// vectors (synthetic, in a shared cone like e5's): the precompute's cost
// per initiative with the semantic part, exact at 1k, LSH at 10k.
func benchmarkComputeSemantic(b *testing.B, n int) {
	docs := synthetic(n, 1)
	rng := rand.New(rand.NewPCG(3, 4))
	common := randUnit(rng, 384)
	for i := range docs {
		r := randUnit(rng, 384)
		v := make([]float32, 384)
		for d := range v {
			v[d] = 2*common[d] + r[d]
		}
		embed.Normalize(v)
		docs[i].Vec = v
	}
	b.ResetTimer()
	for b.Loop() {
		similarity.Compute(docs, similarity.Options{})
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N)/float64(n), "ms/initiative")
}

func BenchmarkComputeSemantic1k(b *testing.B)  { benchmarkComputeSemantic(b, 1000) }
func BenchmarkComputeSemantic10k(b *testing.B) { benchmarkComputeSemantic(b, 10000) }
