package enrich

import (
	"context"
	"fmt"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/themes"
)

// Meaning embeds the taxonomy's prototypes (themes.Taxonomy.Prototypes)
// as queries with emb and returns the scorer SemanticThemes uses.
func (e *Enricher) Meaning(ctx context.Context, emb embed.Embedder) (*themes.Meaning, error) {
	ps := e.Tax.Prototypes()
	vecs := make([][]float32, len(ps))
	for i, p := range ps {
		v, err := emb.Query(ctx, p.Text)
		if err != nil {
			return nil, fmt.Errorf("embed theme prototype %s %q: %w", p.Theme, p.Text, err)
		}
		vecs[i] = v
	}
	return themes.NewMeaning(e.Tax, vecs)
}

// SemanticThemes re-decides the category and text themes of initiatives
// built by Build, adding the meaning of each one's passage (vecs[i] is
// the passage vector of ins[i], as Embed returns it) to its categories and
// keywords by the rule of themes.Meaning.Decide:
//
//   - user themes (from a user's file) are kept as they are;
//   - a category theme is kept, with its source and confidence, only when
//     meaning supports it;
//   - a keyword match (source "text", with its Terms) is kept when meaning
//     agrees; its confidence is the higher of the keyword and the semantic
//     confidence;
//   - a theme that neither a category nor a keyword names is added when
//     the text is clearly about it, as source "text" with no Terms and the
//     semantic confidence (provenance method "text": it comes from the
//     title and summary);
//   - at most themes.MeaningMaxThemes themes besides user ones; never none.
//
// Run it once, on Build's output: it reads the category themes Build
// assigned, so a second run would not see the ones the first dropped.
// With a nil Embedder it does nothing, so themes stay lexical (Build's)
// when the model is unavailable. An initiative whose vector is missing or
// has the wrong length keeps its lexical themes. It fails only when the
// prototypes cannot be embedded or vecs does not match ins; then no
// initiative is changed.
func (e *Enricher) SemanticThemes(ctx context.Context, ins []*domain.Initiative, vecs [][]float32, emb embed.Embedder) error {
	if emb == nil {
		return nil
	}
	if len(vecs) != len(ins) {
		return fmt.Errorf("semantic themes: %d vectors for %d initiatives", len(vecs), len(ins))
	}
	m, err := e.Meaning(ctx, emb)
	if err != nil {
		return fmt.Errorf("semantic themes: %w", err)
	}
	for i, in := range ins {
		e.semanticThemes(m, in, vecs[i])
	}
	return nil
}

func (e *Enricher) semanticThemes(m *themes.Meaning, in *domain.Initiative, v []float32) {
	if len(v) != m.Dim() || in.ThemesComplete {
		return
	}
	var kept []domain.ThemeAssignment
	user := map[string]bool{}
	category := map[string]domain.ThemeAssignment{}
	var cats []string
	for _, t := range in.Themes {
		switch t.Source {
		case domain.ThemeSourceUser:
			kept = append(kept, t)
			user[t.Slug] = true
		case domain.ThemeSourceCategory:
			category[t.Slug] = t
			cats = append(cats, t.Slug)
		}
	}
	ds := m.Decide(v, cats, e.Tax.Classify(in.Title, in.Summary))
	if ds == nil {
		return
	}
	url := ""
	if len(in.Sources) > 0 {
		url = in.Sources[0].URL
	}
	text := domain.Source{URL: url, Method: domain.MethodText}
	for _, d := range ds {
		if user[d.Slug] {
			continue
		}
		switch {
		case d.Category:
			kept = append(kept, category[d.Slug])
		case d.Keyword != nil:
			kept = append(kept, domain.ThemeAssignment{Slug: d.Slug, Source: domain.ThemeSourceText,
				Confidence: round3(max(d.Keyword.Confidence, d.Confidence)), Terms: d.Keyword.Terms,
				Sources: []domain.Source{text}})
		default:
			kept = append(kept, domain.ThemeAssignment{Slug: d.Slug, Source: domain.ThemeSourceText,
				Confidence: round3(d.Confidence), Sources: []domain.Source{text}})
		}
	}
	if kept == nil {
		kept = []domain.ThemeAssignment{}
	}
	in.Themes = kept
}
