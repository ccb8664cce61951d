package enrich_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed/embedtest"
	"github.com/civicgraph/civicgraph/internal/enrich"
	"github.com/civicgraph/civicgraph/internal/gazetteer"
	"github.com/civicgraph/civicgraph/internal/importer"
	"github.com/civicgraph/civicgraph/internal/themes"
)

// Floors for themes with meaning on the held-out part of labelled.tsv
// (themes.HeldOut), set just below what it measures with the fitted rule
// of themes.Meaning.Decide. The target, precision ≥ 0.90 at
// recall ≥ 0.85, is not reached on the held-out part (cross-validated on
// the tuning part: 0.848 / 0.855); see the README's Themes paragraph.
const (
	minMeaningPrecision = 0.80 // measured 0.819 (lexical 0.750; hand-set rule before it 0.800)
	minMeaningRecall    = 0.76 // measured 0.782 (lexical 0.736; hand-set rule before it 0.764)
	// On labelled-fresh.tsv (234 other initiatives, other annotators,
	// never fitted on), measured once with the committed rule.
	minFreshPrecision = 0.84 // measured 0.862 (lexical 0.725)
	minFreshRecall    = 0.76 // measured 0.780 (lexical 0.661)
)

// split divides labels into the tuning and the held-out part.
func split(labelled map[string][]string) (tuning, heldOut map[string][]string) {
	tuning, heldOut = map[string][]string{}, map[string][]string{}
	for k, v := range labelled {
		if themes.HeldOut(k) {
			heldOut[k] = v
		} else {
			tuning[k] = v
		}
	}
	return tuning, heldOut
}

func cloneThemes(ins []*domain.Initiative) [][]domain.ThemeAssignment {
	out := make([][]domain.ThemeAssignment, len(ins))
	for i, in := range ins {
		for _, t := range in.Themes {
			t.Terms = slices.Clone(t.Terms)
			t.Sources = slices.Clone(t.Sources)
			out[i] = append(out[i], t)
		}
		if in.Themes != nil && out[i] == nil {
			out[i] = []domain.ThemeAssignment{}
		}
	}
	return out
}

// TestSemanticThemePrecision measures the full pipeline with meaning
// (Build, Embed through the shared vector cache, SemanticThemes with the
// real model) against labelled.tsv, on its tuning and held-out parts, and
// the lexical pipeline (Build alone) on the same parts for comparison,
// and on labelled-fresh.tsv. It fails when the held-out or the fresh
// figures fall below their floors or do not beat lexical.
func TestSemanticThemePrecision(t *testing.T) {
	ins := corpusInitiatives(t)
	labelled := themeLabels(t, ins)
	tuning, heldOut := split(labelled)
	if len(heldOut) != 64 || len(tuning) != 126 {
		t.Fatalf("split %d held out / %d tuning, want 64 / 126", len(heldOut), len(tuning))
	}
	lexical := themesByKey(ins)

	m, c := embedtest.Model(t), embedtest.Cache(t)
	ctx := context.Background()
	vecs, _, err := enrich.Embed(ctx, c, m, ins)
	if err != nil {
		t.Fatal(err)
	}
	en := &enrich.Enricher{Gaz: gazetteer.Default(), Tax: themes.Default()}
	start := time.Now()
	if err := en.SemanticThemes(ctx, ins, vecs, m); err != nil {
		t.Fatal(err)
	}
	t.Logf("SemanticThemes over %d initiatives took %v", len(ins), time.Since(start).Round(time.Millisecond))
	meaning := themesByKey(ins)

	// Each part is logged; the measured ones (with floors) must also beat
	// lexical on both figures and stay above their floors.
	for _, part := range []struct {
		name             string
		labels           map[string][]string
		minPrec, minRecl float64 // 0: logged only
	}{
		{"tuning", tuning, 0, 0},
		{"held-out", heldOut, minMeaningPrecision, minMeaningRecall},
		{"all", labelled, 0, 0},
		{"fresh", freshLabels(t, ins), minFreshPrecision, minFreshRecall},
	} {
		lp, lr := themes.Precision(part.labels, lexical)
		p, r := themes.Precision(part.labels, meaning)
		t.Logf("%-8s (%3d labelled): meaning precision %.3f recall %.3f | lexical precision %.3f recall %.3f",
			part.name, len(part.labels), p, r, lp, lr)
		if part.minPrec == 0 {
			continue
		}
		if p <= lp || r <= lr {
			t.Errorf("%s: meaning (precision %.3f, recall %.3f) does not beat lexical (%.3f, %.3f) on both", part.name, p, r, lp, lr)
		}
		if p < part.minPrec || r < part.minRecl {
			t.Errorf("%s: theme precision %.3f / recall %.3f below the floors %.2f / %.2f", part.name, p, r, part.minPrec, part.minRecl)
		}
	}

	// Mismatches of the tuning part only: the held-out part is for
	// measuring, not for reading and tuning against.
	logThemeMismatches(t, tuning, meaning)

	// Every initiative keeps at least one theme; sources stay within the
	// import contract.
	for _, in := range ins {
		if len(in.Themes) == 0 {
			t.Errorf("%s: no theme after SemanticThemes", in.ID)
		}
		for _, th := range in.Themes {
			switch th.Source {
			case domain.ThemeSourceCategory, domain.ThemeSourceText, domain.ThemeSourceUser:
			default:
				t.Errorf("%s: theme %s has source %q", in.ID, th.Slug, th.Source)
			}
			if th.Confidence <= 0 || th.Confidence > 1 || len(th.Sources) == 0 {
				t.Errorf("%s: theme %+v lacks confidence or provenance", in.ID, th)
			}
		}
	}
}

// TestSemanticThemesWithoutModel: with no Embedder the pass leaves every
// theme exactly as Build assigned it (the lexical fallback).
func TestSemanticThemesWithoutModel(t *testing.T) {
	ins := corpusInitiatives(t)
	before := cloneThemes(ins)
	en := &enrich.Enricher{Gaz: gazetteer.Default(), Tax: themes.Default()}
	if err := en.SemanticThemes(context.Background(), ins, nil, nil); err != nil {
		t.Fatal(err)
	}
	if after := cloneThemes(ins); !reflect.DeepEqual(before, after) {
		t.Error("SemanticThemes without a model changed themes")
	}
}

// TestSemanticThemes checks the rule on initiatives written for the test,
// against the real model.
func TestSemanticThemes(t *testing.T) {
	m, c := embedtest.Model(t), embedtest.Cache(t)
	ctx := context.Background()
	cat := func(slug string) importer.CategoryFact {
		return importer.CategoryFact{Slug: slug, Source: domain.Source{URL: "https://example.org/?project_cat=" + slug, Method: domain.MethodURLCategory}}
	}
	src := []domain.Source{{URL: "https://example.org/p", Method: domain.MethodListing}}
	recs := []*importer.Record{
		// No category, no keyword of the theme: meaning alone adds it.
		{Key: "a-light-rail", Title: "Light rail to the suburbs",
			Summary: "Residents ride the new light-rail line to work instead of driving, and every stop has room for scooters.", Sources: src},
		// German, and no keyword of the theme.
		{Key: "b-solar", Title: "Sonne statt Öl",
			Summary: "Die Gemeinde baut Solaranlagen auf alle öffentlichen Dächer und heizt das Rathaus mit Erdwärme statt mit Öl und Gas.", Sources: src},
		// A broad category maps to two themes; the text is about one.
		{Key: "c-jury", Title: "Residents decide by lot",
			Summary:    "Fifty residents chosen by lot deliberate for six weekends and recommend how the town should spend its budget.",
			Categories: []importer.CategoryFact{cat("democracy")}, Sources: src},
		// A user's theme is kept whatever the text says.
		{Key: "d-user", Title: "A new tram line for the suburbs",
			Summary:    "Trams now run every five minutes between the station and the outer districts.",
			ThemeSlugs: []string{"culture"}, Sources: src},
	}
	en := &enrich.Enricher{Gaz: gazetteer.Default(), Tax: themes.Default()}
	ins, _ := en.Build(recs)
	vecs, _, err := enrich.Embed(ctx, c, m, ins)
	if err != nil {
		t.Fatal(err)
	}
	if err := en.SemanticThemes(ctx, ins, vecs, m); err != nil {
		t.Fatal(err)
	}
	byKey := map[string]map[string]domain.ThemeAssignment{}
	for _, in := range ins {
		byKey[in.ID] = map[string]domain.ThemeAssignment{}
		for _, th := range in.Themes {
			byKey[in.ID][th.Slug] = th
		}
		t.Logf("%s: %+v", in.ID, in.Themes)
	}
	want := func(key, slug, source string) {
		t.Helper()
		th, ok := byKey[key][slug]
		if !ok {
			t.Errorf("%s: no theme %s; got %v", key, slug, byKey[key])
			return
		}
		if th.Source != source {
			t.Errorf("%s: theme %s has source %s, want %s", key, slug, th.Source, source)
		}
	}
	for _, key := range []string{"a-light-rail", "b-solar"} {
		for _, th := range byKey[key] {
			if len(th.Terms) > 0 {
				t.Errorf("%s: keyword match %v; the case is for meaning alone", key, th.Terms)
			}
		}
	}
	want("a-light-rail", "mobility-public-space", domain.ThemeSourceText)
	want("b-solar", "climate-environment", domain.ThemeSourceText)
	want("c-jury", "participation", domain.ThemeSourceCategory)
	if _, ok := byKey["c-jury"]["democracy-transparency"]; ok {
		t.Errorf("c-jury: the democracy category's second theme was kept without support from the text")
	}
	want("d-user", "culture", domain.ThemeSourceUser)
	want("d-user", "mobility-public-space", domain.ThemeSourceText)
}
