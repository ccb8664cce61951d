package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/loader"
)

// Prefetching makes the number of Cypher round trips of a request depend
// only on the shape of the query, never on list sizes or on timing.
//
// Dataloaders alone batch by a short time window; under load (or on a
// busy 2-core machine) the resolvers of a long list may straddle two
// windows and split a batch. So list resolvers look ahead at the
// selection of their items and fetch what the items will ask for — their
// similar links (per distinct arguments), the initiatives those links
// point at, themes and countries — in one batch each, priming the
// request's loaders. Resolvers then find everything in the loader cache.

// maxPrefetchDepth bounds the look-ahead through similar → initiative.
const maxPrefetchDepth = 3

// wants collects the themes and countries that prefetched items will
// ask for, fetched in one batch each at the end.
type wants struct {
	themes, countries map[string]bool
}

func (w wants) prime(ctx context.Context, s domain.ReadStore) error {
	if err := primeThemes(ctx, s, w.themes); err != nil {
		return err
	}
	return primeCountries(ctx, s, w.countries)
}

// prefetchPath prefetches for initiatives found under the current field
// at the given path of sub-fields (e.g. "edges", "node" for a
// connection; "initiative" for search hits; none for a plain list).
func prefetchPath(ctx context.Context, s domain.ReadStore, items []*domain.Initiative, path ...string) error {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || len(items) == 0 {
		return nil
	}
	oc := graphql.GetOperationContext(ctx)
	sels := []ast.SelectionSet{fc.Field.Selections}
	for _, name := range path {
		var next []ast.SelectionSet
		for _, sel := range sels {
			for _, f := range graphql.CollectFields(oc, sel, nil) {
				if f.Name == name {
					next = append(next, f.Selections)
				}
			}
		}
		sels = next
	}
	w := wants{themes: map[string]bool{}, countries: map[string]bool{}}
	for _, sel := range sels {
		if err := prefetch(ctx, s, oc, items, sel, 0, w); err != nil {
			return err
		}
	}
	return w.prime(ctx, s)
}

// prefetch primes the loaders for what sel asks of items.
func prefetch(ctx context.Context, s domain.ReadStore, oc *graphql.OperationContext, items []*domain.Initiative, sel ast.SelectionSet, depth int, w wants) error {
	l := loader.For(ctx)
	for _, in := range items {
		l.Initiative.Prime(in.ID, in)
	}
	themeSlugs, countryCodes := w.themes, w.countries
	for _, f := range graphql.CollectFields(oc, sel, []string{"Initiative", "Node"}) {
		switch f.Name {
		case "themes":
			if hasField(oc, f.Selections, "theme") {
				for _, in := range items {
					for _, t := range in.Themes {
						if t.Theme == nil {
							themeSlugs[t.Slug] = true
						}
					}
				}
			}
		case "city":
			for _, c := range graphql.CollectFields(oc, f.Selections, nil) {
				if c.Name == "city" && hasField(oc, c.Selections, "country") {
					for _, in := range items {
						if in.City != nil && in.City.CountryName == "" {
							countryCodes[in.City.CountryCode] = true
						}
					}
				}
			}
		case "similar":
			if depth >= maxPrefetchDepth {
				continue
			}
			args := f.ArgumentMap(oc.Variables)
			first, dc := 5, true
			if v, ok := args["first"].(int64); ok {
				first = int(v)
			} else if v, ok := args["first"].(int); ok {
				first = v
			}
			if v, ok := args["differentCity"].(bool); ok {
				dc = v
			}
			if first < 1 || first > 50 {
				continue // the resolver reports the error
			}
			if err := prefetchSimilar(ctx, s, oc, items, f.Selections, first, dc, depth, w); err != nil {
				return err
			}
		}
	}
	return nil
}

func prefetchSimilar(ctx context.Context, s domain.ReadStore, oc *graphql.OperationContext, items []*domain.Initiative,
	sel ast.SelectionSet, first int, dc bool, depth int, w wants) error {
	l := loader.For(ctx)
	keys := make([]string, len(items))
	for i, in := range items {
		keys[i] = in.ID
	}
	links, err := s.SimilarOf(ctx, keys, first, dc)
	if err != nil {
		return err
	}
	var next []*domain.Initiative
	seen := map[string]bool{}
	for _, k := range keys {
		l.Similar.Prime(loader.SimilarKey{Key: k, First: first, DifferentCity: dc}, links[k])
		for _, link := range links[k] {
			if link.Target != nil && !seen[link.To] {
				seen[link.To] = true
				next = append(next, link.Target)
			}
			if len(link.Themes) != len(link.SharedThemes) {
				for _, t := range link.SharedThemes {
					w.themes[t] = true
				}
			}
		}
	}
	for _, f := range graphql.CollectFields(oc, sel, nil) {
		if f.Name == "initiative" && len(next) > 0 {
			return prefetch(ctx, s, oc, next, f.Selections, depth+1, w)
		}
	}
	return nil
}

func primeThemes(ctx context.Context, s domain.ReadStore, slugs map[string]bool) error {
	if len(slugs) == 0 {
		return nil
	}
	l := loader.For(ctx)
	list := make([]string, 0, len(slugs))
	for k := range slugs {
		list = append(list, k)
	}
	found, err := s.ThemesBySlugs(ctx, list)
	if err != nil {
		return err
	}
	for k, v := range found {
		l.Theme.Prime(k, v)
	}
	return nil
}

func primeCountries(ctx context.Context, s domain.ReadStore, codes map[string]bool) error {
	if len(codes) == 0 {
		return nil
	}
	l := loader.For(ctx)
	list := make([]string, 0, len(codes))
	for k := range codes {
		list = append(list, k)
	}
	found, err := s.CountriesByCodes(ctx, list)
	if err != nil {
		return err
	}
	for k, v := range found {
		l.Country.Prime(k, v)
	}
	return nil
}

func hasField(oc *graphql.OperationContext, sel ast.SelectionSet, name string) bool {
	for _, f := range graphql.CollectFields(oc, sel, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}
