package enrich

import (
	"context"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed"
)

// Passage is the text of an initiative that is embedded: its title and
// summary, as e5's "passage:" (the Embedder adds the prefix). Derived
// titles are a cut of the summary and add nothing.
func Passage(in *domain.Initiative) string {
	return embed.Passage(in.Title, in.Summary, in.TitleDerived)
}

// Embed returns the passage vector of every initiative (in order),
// embedding only those the cache lacks.
func Embed(ctx context.Context, c *embed.Cache, e embed.Embedder, ins []*domain.Initiative) ([][]float32, embed.Stats, error) {
	texts := make([]string, len(ins))
	for i, in := range ins {
		texts[i] = Passage(in)
	}
	return c.Embed(ctx, e, texts)
}
