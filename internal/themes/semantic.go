package themes

import (
	"fmt"
	"math"
	"sort"

	"github.com/civicgraph/civicgraph/internal/embed"
)

// Prototype is one text that stands for a theme in embedding space: the
// theme's name and description, or one of its examples.
type Prototype struct {
	Theme string // slug
	Text  string
}

// Prototypes returns the texts to embed for NewMeaning, theme by theme in
// file order: "name: description" first, then each example. They are
// embedded as queries (e5's "query:" convention) and compared with the
// initiatives' passage vectors: a theme is what one would search for.
func (t *Taxonomy) Prototypes() []Prototype {
	var out []Prototype
	for _, th := range t.themes {
		out = append(out, Prototype{Theme: th.Slug, Text: th.Name + ": " + th.Description})
		for _, ex := range th.Examples {
			out = append(out, Prototype{Theme: th.Slug, Text: ex})
		}
	}
	return out
}

// Tuning constants of Meaning.Decide. See Decide for the rule and
// testdata/labelled.tsv for the set they were tuned on (its tuning part
// only; the held-out part measures them).
const (
	// MeaningCategoryWeight is the evidence a showroom category adds to
	// the themes it maps to.
	MeaningCategoryWeight = 0.75
	// MeaningKeywordWeight multiplies a keyword match's confidence
	// (Classify's, 0.39 at its threshold) into evidence.
	MeaningKeywordWeight = 4.0
	// MeaningMarginWeight weighs how far a theme's z-score trails the
	// initiative's best theme.
	MeaningMarginWeight = 0.5
	// MeaningMinEvidence is the evidence a theme needs to be kept.
	MeaningMinEvidence = 1.8
	// MeaningMaxThemes caps the themes Decide keeps for one initiative.
	MeaningMaxThemes = 3
	// MeaningConfidenceScale is σ in confidence = 1 − exp(−z/σ) for a
	// theme's semantic confidence.
	MeaningConfidenceScale = 2.0
)

// Meaning scores texts against the themes' prototypes in embedding space.
// It holds only vectors, so it is pure and safe for concurrent use; the
// caller embeds Prototypes with its model and passes the vectors in.
type Meaning struct {
	slugs  []string
	protos [][][]float32 // per theme, its prototype vectors
}

// NewMeaning builds a Meaning from the query vectors of t.Prototypes(),
// in the same order. Every vector must have the same, non-zero length.
func NewMeaning(t *Taxonomy, vecs [][]float32) (*Meaning, error) {
	ps := t.Prototypes()
	if len(vecs) != len(ps) {
		return nil, fmt.Errorf("themes meaning: %d vectors for %d prototypes", len(vecs), len(ps))
	}
	m := &Meaning{}
	at := map[string]int{}
	for i, p := range ps {
		if len(vecs[i]) == 0 || len(vecs[i]) != len(vecs[0]) {
			return nil, fmt.Errorf("themes meaning: prototype %d (%s) has %d dimensions, want %d", i, p.Theme, len(vecs[i]), len(vecs[0]))
		}
		k, ok := at[p.Theme]
		if !ok {
			k = len(m.slugs)
			at[p.Theme] = k
			m.slugs = append(m.slugs, p.Theme)
			m.protos = append(m.protos, nil)
		}
		m.protos[k] = append(m.protos[k], vecs[i])
	}
	return m, nil
}

// Dim is the length of the vectors Meaning compares.
func (m *Meaning) Dim() int {
	if len(m.protos) == 0 {
		return 0
	}
	return len(m.protos[0][0])
}

// Score is one theme's semantic score for a text.
type Score struct {
	Slug string
	// Cosine is the mean cosine of the text's vector with the theme's
	// prototypes.
	Cosine float64
	// Z is Cosine as a z-score across all themes for this text: e5's
	// cosines are compressed (unrelated civic texts score 0.76–0.83,
	// related ones 0.85–0.93) and shift from text to text, so only the
	// ranking of themes within one text is meaningful.
	Z float64
}

// Scores returns every theme's score for a passage vector, in taxonomy
// order. A vector of the wrong length scores 0 everywhere.
func (m *Meaning) Scores(v []float32) []Score {
	out := make([]Score, len(m.slugs))
	var sum, sq float64
	for k, ps := range m.protos {
		c := 0.0
		for _, p := range ps {
			c += embed.Dot(v, p)
		}
		c /= float64(len(ps))
		out[k] = Score{Slug: m.slugs[k], Cosine: c}
		sum += c
	}
	mean := sum / float64(len(out))
	for _, s := range out {
		sq += (s.Cosine - mean) * (s.Cosine - mean)
	}
	sd := math.Sqrt(sq / float64(len(out)))
	if sd == 0 {
		return out
	}
	for k := range out {
		out[k].Z = (out[k].Cosine - mean) / sd
	}
	return out
}

// Decision is one theme Decide keeps, with the evidence behind it.
type Decision struct {
	Slug string
	// Category is set when a showroom category of the initiative maps to
	// the theme.
	Category bool
	// Keyword is the keyword match for the theme, if any.
	Keyword *Match
	// Z is the theme's semantic z-score (see Score).
	Z float64
	// Evidence is the combined score Decide ranks by.
	Evidence float64
	// Confidence is the semantic confidence 1 − exp(−Z/σ) (0 for Z ≤ 0);
	// 0.59 at Z 1.8, 0.78 at Z 3.
	Confidence float64
}

// Decide chooses an initiative's themes from its passage vector, the
// themes its showroom categories map to and its keyword matches
// (Classify's, before any filtering). Every theme t gets
//
//	evidence(t) = z(t) − MeaningMarginWeight·(z_best − z(t))
//	            + MeaningCategoryWeight·[a category maps to t]
//	            + MeaningKeywordWeight·(keyword confidence of t, or 0)
//
// where z is the semantic z-score across themes (see Score) and z_best
// the initiative's highest. Themes with evidence ≥ MeaningMinEvidence are
// kept, at most MeaningMaxThemes, highest evidence first (ties by slug);
// when none reaches it, the single highest is kept, so an initiative is
// never left without a theme.
//
// In words: a category theme is kept only when the text is about it (z ≥
// 1.05 if it is the best theme, more if it trails); a keyword match is
// kept when meaning does not contradict it (a confident match, 0.8,
// passes unless it is far below the mean; one at Classify's threshold,
// 0.39, needs to be near the best); a theme neither names is added only
// when it stands out (z ≥ 1.8 as the best theme). Broad categories ("democracy",
// "quality of life") thus keep only the themes the text supports, and a
// keyword such as "community" or "app" no longer files an initiative
// under a theme it is not about.
//
// A vector of the wrong length gives nil (the caller keeps what it had).
func (m *Meaning) Decide(v []float32, categories []string, keywords []Match) []Decision {
	if len(v) != m.Dim() || len(m.slugs) == 0 {
		return nil
	}
	cat := map[string]bool{}
	for _, c := range categories {
		cat[c] = true
	}
	kw := map[string]*Match{}
	for i := range keywords {
		kw[keywords[i].Slug] = &keywords[i]
	}
	scores := m.Scores(v)
	best := math.Inf(-1)
	for _, s := range scores {
		best = math.Max(best, s.Z)
	}
	ds := make([]Decision, len(scores))
	for i, s := range scores {
		d := Decision{Slug: s.Slug, Category: cat[s.Slug], Keyword: kw[s.Slug], Z: s.Z}
		d.Evidence = s.Z - MeaningMarginWeight*(best-s.Z)
		if d.Category {
			d.Evidence += MeaningCategoryWeight
		}
		if d.Keyword != nil {
			d.Evidence += MeaningKeywordWeight * d.Keyword.Confidence
		}
		if s.Z > 0 {
			d.Confidence = 1 - math.Exp(-s.Z/MeaningConfidenceScale)
		}
		ds[i] = d
	}
	sort.SliceStable(ds, func(a, b int) bool {
		if ds[a].Evidence != ds[b].Evidence {
			return ds[a].Evidence > ds[b].Evidence
		}
		return ds[a].Slug < ds[b].Slug
	})
	n := 0
	for n < len(ds) && n < MeaningMaxThemes && ds[n].Evidence >= MeaningMinEvidence {
		n++
	}
	if n == 0 {
		n = 1
	}
	return ds[:n]
}
