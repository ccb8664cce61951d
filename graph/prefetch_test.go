package graph

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/loader"
	"github.com/civicgraph/civicgraph/internal/mock"
)

// TestPrefetchCachesOnlyWholeInitiatives: a page read for a narrow
// selection must not answer a later lookup by key that wants everything.
func TestPrefetchCachesOnlyWholeInitiatives(t *testing.T) {
	var fetched []string
	s := &mock.Store{InitiativesByKeysFn: func(_ context.Context, keys []string) (map[string]*domain.Initiative, error) {
		fetched = append(fetched, keys...)
		out := map[string]*domain.Initiative{}
		for _, k := range keys {
			out[k] = &domain.Initiative{ID: k, Summary: "read whole", Parts: domain.PartsAll}
		}
		return out, nil
	}}
	ctx := loader.With(context.Background(), loader.New(s))
	whole := &domain.Initiative{ID: "whole", Summary: "from the page", Parts: domain.PartsAll}
	narrow := &domain.Initiative{ID: "narrow", Parts: domain.PartThemes}
	if err := prefetch(ctx, s, &graphql.OperationContext{}, []*domain.Initiative{whole, narrow}, nil, 0); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"whole": "from the page", "narrow": "read whole"} {
		got, err := loader.Load(ctx, loader.For(ctx).Initiative, key)
		if err != nil || got == nil || got.Summary != want {
			t.Errorf("%s: %+v, %v; want summary %q", key, got, err, want)
		}
	}
	if len(fetched) != 1 || fetched[0] != "narrow" {
		t.Errorf("store reads by key: %v, want only the narrow one", fetched)
	}
}
