package graph

import (
	"strconv"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// TestCostDirectivesMatchComplexity: the SDL's @cost and @listSize state
// the rules Complexity enforces. For every annotated field, the cost
// Complexity computes equals weight + page size × selection, with the
// page size from the slicing argument or assumedSize; every field with a
// `first` argument is annotated.
func TestCostDirectivesMatchComplexity(t *testing.T) {
	c := Complexity()
	// Each field's complexity function with only the selection's cost and
	// the page size varied (nil: the argument left out).
	costs := map[string]func(child int, first *int) int{
		"Query.initiatives":        func(ch int, f *int) int { return c.Query.Initiatives(ch, nil, nil, f, nil) },
		"Query.cities":             func(ch int, f *int) int { return c.Query.Cities(ch, nil, nil, f, nil) },
		"Query.countries":          func(ch int, f *int) int { return c.Query.Countries(ch, f, nil) },
		"Query.themes":             func(ch int, f *int) int { return c.Query.Themes(ch, f, nil) },
		"Query.search":             func(ch int, f *int) int { return c.Query.Search(ch, "", f) },
		"Query.similarInitiatives": func(ch int, f *int) int { return c.Query.SimilarInitiatives(ch, "", f, nil) },
		"Query.similarCities":      func(ch int, f *int) int { return c.Query.SimilarCities(ch, "", f) },
		"Query.cityRanking":        func(ch int, f *int) int { return c.Query.CityRanking(ch, nil, nil, f) },
		"Initiative.similar":       func(ch int, f *int) int { return c.Initiative.Similar(ch, f, nil) },
		"City.initiatives":         func(ch int, f *int) int { return c.City.Initiatives(ch, f, nil) },
		"Country.initiatives":      func(ch int, f *int) int { return c.Country.Initiatives(ch, f, nil) },
		"Theme.initiatives":        func(ch int, f *int) int { return c.Theme.Initiatives(ch, f, nil) },
		"AwardYear.initiatives":    func(ch int, f *int) int { return c.AwardYear.Initiatives(ch, f, nil) },
		"Country.cities":           func(ch int, f *int) int { return c.Country.Cities(ch, f) },
		"AwardYear.winners":        func(ch int, _ *int) int { return c.AwardYear.Winners(ch) },
	}
	schema := NewExecutableSchema(Config{}).Schema()
	seen := map[string]bool{}
	for _, def := range schema.Types {
		if def.Kind != ast.Object || def.BuiltIn {
			continue
		}
		for _, f := range def.Fields {
			name := def.Name + "." + f.Name
			size, weight := f.Directives.ForName("listSize"), f.Directives.ForName("cost")
			if f.Arguments.ForName("first") != nil && size == nil {
				t.Errorf("%s takes `first` but has no @listSize", name)
			}
			if size == nil {
				continue
			}
			seen[name] = true
			cost, ok := costs[name]
			if !ok {
				t.Errorf("%s has @listSize but no complexity rule in this test", name)
				continue
			}
			w := directiveInt(t, name, weight, "weight")
			assumed := directiveInt(t, name, size, "assumedSize")
			const child = 3
			if got, want := cost(child, nil), w+child*assumed; got != want {
				t.Errorf("%s without `first`: Complexity gives %d, the SDL says %d + %d × %d = %d", name, got, w, child, assumed, want)
			}
			if size.Arguments.ForName("slicingArguments") != nil {
				seven := 7
				if got, want := cost(child, &seven), w+child*seven; got != want {
					t.Errorf("%s with first: 7: Complexity gives %d, the SDL says %d", name, got, want)
				}
			}
		}
	}
	for name := range costs {
		if !seen[name] {
			t.Errorf("%s has a complexity rule but no @listSize in the SDL", name)
		}
	}
}

// directiveInt reads an integer argument of a directive (@cost's weight is a
// string by the specification).
func directiveInt(t *testing.T, field string, d *ast.Directive, arg string) int {
	t.Helper()
	if d == nil {
		t.Fatalf("%s lacks the directive carrying %s", field, arg)
	}
	a := d.Arguments.ForName(arg)
	if a == nil {
		t.Fatalf("%s: @%s has no %s", field, d.Name, arg)
	}
	n, err := strconv.Atoi(a.Value.Raw)
	if err != nil {
		t.Fatalf("%s: @%s(%s: %q): %v", field, d.Name, arg, a.Value.Raw, err)
	}
	return n
}
