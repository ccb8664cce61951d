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
// windows and split a batch. The store already reads an initiative with
// its city, country name and themes, and a similar link with its target
// and shared themes; what remains are the similar links of a list's
// items. So list resolvers look ahead at the selection of their items and
// fetch their similar links (per distinct arguments, through the links'
// targets) in one batch each, priming the request's loaders.

// maxPrefetchDepth bounds the look-ahead through similar → initiative.
const maxPrefetchDepth = 3

// prefetchPath prefetches for initiatives found under the current field
// at the given path of sub-fields (e.g. "edges", "node" for a
// connection; "initiative" for search hits; none for a plain list).
func prefetchPath(ctx context.Context, s domain.ReadStore, items []*domain.Initiative, path ...string) error {
	if len(items) == 0 {
		return nil
	}
	oc, sels := selectionsAt(ctx, path...)
	for _, sel := range sels {
		if err := prefetch(ctx, s, oc, items, sel, 0); err != nil {
			return err
		}
	}
	return nil
}

// selectionsAt returns the selection sets found under the current field
// at the given path of sub-fields (several when fragments repeat a field).
func selectionsAt(ctx context.Context, path ...string) (*graphql.OperationContext, []ast.SelectionSet) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return nil, nil
	}
	oc := graphql.GetOperationContext(ctx)
	return oc, selectionsUnder(oc, []ast.SelectionSet{fc.Field.Selections}, path...)
}

// selectionsUnder follows a path of sub-field names from sels.
func selectionsUnder(oc *graphql.OperationContext, sels []ast.SelectionSet, path ...string) []ast.SelectionSet {
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
	return sels
}

// partsAt returns the parts of an initiative that the selections under
// the current field at path ask for; see initiativeParts.
func partsAt(ctx context.Context, path ...string) domain.Parts {
	oc, sels := selectionsAt(ctx, path...)
	if oc == nil {
		return domain.PartsAll
	}
	return partsIn(oc, sels)
}

// partsIn is the union of initiativeParts over sels.
func partsIn(oc *graphql.OperationContext, sels []ast.SelectionSet) domain.Parts {
	var p domain.Parts
	for _, sel := range sels {
		p |= initiativeParts(oc, sel)
	}
	return p
}

// initiativeParts maps the fields selected on an Initiative to the parts
// the store must read for them. A field not listed here (one added to
// the schema later) asks for everything, so a new field is never served
// from a partial read.
func initiativeParts(oc *graphql.OperationContext, sel ast.SelectionSet) domain.Parts {
	var p domain.Parts
	for _, f := range graphql.CollectFields(oc, sel, []string{"Initiative", "Node"}) {
		switch f.Name {
		case "__typename", "id", "key", "title", "titleDerived", "titleIncomplete", "altTitles", "covid", "level", "similar":
		case "summary":
			p |= domain.PartSummary
		case "sources":
			p |= domain.PartSources
		case "city", "country":
			p |= domain.PartPlace
		case "themes":
			p |= domain.PartThemes
		case "awards":
			p |= domain.PartAwards
		default:
			return domain.PartsAll
		}
	}
	return p
}

// targetParts returns the parts of the linked initiatives that a
// selection on SimilarInitiative asks for.
func targetParts(oc *graphql.OperationContext, sel ast.SelectionSet) domain.Parts {
	return partsIn(oc, selectionsUnder(oc, []ast.SelectionSet{sel}, "initiative"))
}

// prefetch primes the loaders for what sel asks of items. Only whole
// initiatives go into the request's initiative cache.
func prefetch(ctx context.Context, s domain.ReadStore, oc *graphql.OperationContext, items []*domain.Initiative, sel ast.SelectionSet, depth int) error {
	l := loader.For(ctx)
	for _, in := range items {
		if in.Parts == domain.PartsAll {
			l.Initiative.Prime(in.ID, in)
		}
	}
	if depth >= maxPrefetchDepth {
		return nil
	}
	for _, f := range graphql.CollectFields(oc, sel, []string{"Initiative", "Node"}) {
		if f.Name != "similar" {
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
		if err := prefetchSimilar(ctx, s, oc, items, f.Selections, first, dc, depth); err != nil {
			return err
		}
	}
	return nil
}

func prefetchSimilar(ctx context.Context, s domain.ReadStore, oc *graphql.OperationContext, items []*domain.Initiative,
	sel ast.SelectionSet, first int, dc bool, depth int) error {
	l := loader.For(ctx)
	keys := make([]string, len(items))
	for i, in := range items {
		keys[i] = in.ID
	}
	parts := targetParts(oc, sel)
	links, err := s.SimilarOf(domain.WithParts(ctx, parts), keys, first, dc)
	if err != nil {
		return err
	}
	var next []*domain.Initiative
	seen := map[string]bool{}
	for _, k := range keys {
		l.Similar.Prime(loader.SimilarKey{Key: k, First: first, DifferentCity: dc, Parts: parts}, links[k])
		for _, link := range links[k] {
			if link.Target != nil && !seen[link.To] {
				seen[link.To] = true
				next = append(next, link.Target)
			}
		}
	}
	for _, f := range graphql.CollectFields(oc, sel, nil) {
		if f.Name == "initiative" && len(next) > 0 {
			return prefetch(ctx, s, oc, next, f.Selections, depth+1)
		}
	}
	return nil
}
