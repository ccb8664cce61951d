package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/civicgraph/civicgraph/graph/model"
)

// Complexity returns the field costs for gqlgen's complexity limit: a list
// field costs its page size times its children, so
// initiatives(first: 100) { similar(first: 50) { … } } is expensive and
// initiatives(first: 5) { title } is cheap.
func Complexity() ComplexityRoot {
	var c ComplexityRoot
	page := func(first *int, def int) int {
		if first == nil {
			return def
		}
		return max(*first, 1)
	}
	conn := func(child int, first *int, _ *string) int { return 1 + child*page(first, 20) }
	c.Query.Initiatives = func(child int, _ *model.InitiativeFilter, _ *model.InitiativeOrder, first *int, _ *string) int {
		return 5 + child*page(first, 20)
	}
	c.Query.Cities = func(child int, _ []string, _ *string, first *int, _ *string) int { return 2 + child*page(first, 20) }
	c.Query.Countries = func(child int, first *int, _ *string) int { return 2 + child*page(first, 50) }
	c.Query.Themes = func(child int, first *int, _ *string) int { return 2 + child*page(first, 50) }
	c.Query.Search = func(child int, _ string, first *int) int { return 5 + child*page(first, 10) }
	c.Query.SimilarInitiatives = func(child int, _ string, first *int, _ *bool) int { return 2 + child*page(first, 10) }
	c.Query.SimilarCities = func(child int, _ string, first *int) int { return 10 + child*page(first, 10) }
	c.Query.Connection = func(child int, _, _ string, maxHops *int, _ *bool) int { return 20 * page(maxHops, 4) * max(child, 1) }
	c.Query.Neighbourhood = func(child int, _ string, depth *int, limit *int) int {
		return 10*page(depth, 1) + child*page(limit, 100)/10
	}
	c.Query.CityRanking = func(child int, _ *string, _ *string, first *int) int { return 5 + child*page(first, 20) }
	c.Initiative.Similar = func(child int, first *int, _ *bool) int { return 1 + child*page(first, 5) }
	c.City.Initiatives = conn
	c.Country.Initiatives = conn
	c.Theme.Initiatives = conn
	c.AwardYear.Initiatives = conn
	c.AwardYear.Winners = func(child int) int { return 1 + child*20 }
	c.Country.Cities = func(child int, first *int) int { return 1 + child*page(first, 20) }
	return c
}

// DepthLimit rejects operations nested deeper than Max levels of
// selections (fragments included) before any resolver runs. Introspection
// fields are not counted.
type DepthLimit struct{ Max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = DepthLimit{}

// ExtensionName implements graphql.HandlerExtension.
func (DepthLimit) ExtensionName() string { return "DepthLimit" }

// Validate implements graphql.HandlerExtension.
func (DepthLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (d DepthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, 0, map[string]bool{}); depth > d.Max {
		err := gqlerror.Errorf("operation is nested %d levels deep; the limit is %d", depth, d.Max)
		err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"}
		return err
	}
	return nil
}

func selectionDepth(set ast.SelectionSet, depth int, visiting map[string]bool) int {
	deepest := depth
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				// Introspection (__schema, __type) is bounded by the
				// spec and nests deeper than data queries; GraphiQL and
				// every GraphQL tool need it.
				continue
			}
			if len(s.SelectionSet) == 0 {
				d = depth + 1
			} else {
				d = selectionDepth(s.SelectionSet, depth+1, visiting)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, depth, visiting)
		case *ast.FragmentSpread:
			if s.Definition == nil || visiting[s.Name] {
				continue
			}
			visiting[s.Name] = true
			d = selectionDepth(s.Definition.SelectionSet, depth, visiting)
			delete(visiting, s.Name)
		}
		deepest = max(deepest, d)
	}
	return deepest
}
