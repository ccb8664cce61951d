package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/civicgraph/civicgraph/graph/model"
	"github.com/civicgraph/civicgraph/internal/domain"
)

// maxCost caps every field's cost so that products of page sizes cannot
// overflow int (gqlgen adds the costs with a saturating sum; the products
// are ours).
const maxCost = 1 << 40

// mulCost multiplies two costs, saturating at maxCost.
func mulCost(a, b int) int {
	a, b = max(a, 0), max(b, 0)
	if a == 0 || b == 0 {
		return 0
	}
	if a > maxCost/b {
		return maxCost
	}
	return a * b
}

// addCost adds two costs, saturating at maxCost.
func addCost(a, b int) int { return min(max(a, 0)+max(b, 0), maxCost) }

// Complexity returns the field costs for gqlgen's complexity limit: a list
// field costs its page size times its children, so
// initiatives(first: 100) { similar(first: 50) { … } } is expensive and
// initiatives(first: 5) { title } is cheap. Products saturate, so a huge
// `first` (refused later anyway) cannot wrap the sum around to a small
// number.
func Complexity() ComplexityRoot {
	var c ComplexityRoot
	page := func(first *int, def int) int {
		if first == nil {
			return def
		}
		return min(max(*first, 1), maxCost)
	}
	list := func(base, child int, first *int, def int) int { return addCost(base, mulCost(child, page(first, def))) }
	conn := func(child int, first *int, _ *string) int { return list(1, child, first, 20) }
	c.Query.Initiatives = func(child int, _ *model.InitiativeFilter, _ *model.InitiativeOrder, first *int, _ *string) int {
		return list(5, child, first, 20)
	}
	c.Query.Cities = func(child int, _ []string, _ *string, first *int, _ *string) int { return list(2, child, first, 20) }
	c.Query.Countries = func(child int, first *int, _ *string) int { return list(2, child, first, 50) }
	c.Query.Themes = func(child int, first *int, _ *string) int { return list(2, child, first, 50) }
	c.Query.Search = func(child int, _ string, first *int) int { return list(5, child, first, 10) }
	c.Query.SimilarInitiatives = func(child int, _ string, first *int, _ *bool) int { return list(2, child, first, 10) }
	c.Query.SimilarCities = func(child int, _ string, first *int) int { return list(10, child, first, 10) }
	c.Query.Connection = func(child int, _, _ string, maxHops *int, _ *bool) int {
		return mulCost(20, mulCost(page(maxHops, 4), max(child, 1)))
	}
	c.Query.Neighbourhood = func(child int, _ string, depth *int, limit *int) int {
		return addCost(mulCost(10, page(depth, 1)), mulCost(child, page(limit, 100))/10)
	}
	c.Query.CityRanking = func(child int, _ *string, _ *string, first *int) int { return list(5, child, first, 20) }
	c.Initiative.Similar = func(child int, first *int, _ *bool) int { return list(1, child, first, 5) }
	c.City.Initiatives = conn
	c.Country.Initiatives = conn
	c.Theme.Initiatives = conn
	c.AwardYear.Initiatives = conn
	c.AwardYear.Winners = func(child int) int { return addCost(1, mulCost(child, 20)) }
	c.Country.Cities = func(child int, first *int) int { return list(1, child, first, 20) }
	return c
}

// DocumentLimits bound what one GraphQL document may ask for. They are
// checked on the raw text before gqlgen parses, validates or caches it, in
// time linear in the document (fragments are measured once each, so a
// fragment that spreads another twice, n levels deep, costs n steps, not
// 2^n), so a hostile document is refused in milliseconds and never
// reaches the quadratic validation rules or the query cache.
type DocumentLimits struct {
	MaxTokens     int // lexer tokens (the parser stops at the limit)
	MaxFields     int // fields after expanding fragments, introspection included
	MaxAliases    int // aliased fields after expanding fragments
	MaxRootFields int // root fields of the operation after expanding fragments
	MaxDepth      int // nesting of data fields; introspection is bounded by gqlparser's own rule
	MaxSchema     int // __schema fields (each answers the whole schema)
	MaxListItems  int // items of any list value, literal or variable
	// Known, if set, reports documents already parsed, validated and
	// checked (the query cache); they skip the re-parse.
	Known func(query string) bool
}

// DefaultDocumentLimits are the limits the server uses; README "Limits and
// hostile clients" lists them.
func DefaultDocumentLimits() DocumentLimits {
	return DocumentLimits{MaxTokens: 10000, MaxFields: 1000, MaxAliases: 30, MaxRootFields: 20, MaxDepth: 12, MaxSchema: 1, MaxListItems: 100}
}

// CodeQueryTooLarge is the extensions.code of documents refused by
// DocumentLimits (the extensions also name the limit and its maximum).
const CodeQueryTooLarge = "QUERY_TOO_LARGE"

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = DocumentLimits{}

// ExtensionName implements graphql.HandlerExtension.
func (DocumentLimits) ExtensionName() string { return "DocumentLimits" }

// Validate implements graphql.HandlerExtension.
func (DocumentLimits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters implements graphql.OperationParameterMutator.
// It runs before gqlgen parses the query (and after the APQ extension has
// resolved a hash to its query, if that is registered first).
func (l DocumentLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if err := ctx.Err(); err != nil {
		return coded(domain.EUNAVAILABLE, "request cancelled or timed out before parsing", nil)
	}
	if l.MaxListItems > 0 {
		if n := longestList(p.Variables, 0); n > l.MaxListItems {
			return coded(domain.EINVALID, fmt.Sprintf("a list in the variables has %d items; the limit is %d", n, l.MaxListItems), nil)
		}
	}
	if p.Query == "" || (l.Known != nil && l.Known(p.Query)) {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.MaxTokens)
	if err != nil {
		gerr, ok := err.(*gqlerror.Error)
		if !ok {
			gerr = gqlerror.Errorf("%s", err.Error())
		}
		if l.MaxTokens > 0 && strings.Contains(gerr.Message, "token limit") {
			return coded(CodeQueryTooLarge, fmt.Sprintf("the document has more than %d tokens", l.MaxTokens), map[string]any{"limit": "tokens", "max": l.MaxTokens})
		}
		errcode.Set(gerr, errcode.ParseFailed)
		return gerr
	}
	return l.check(doc)
}

// docStats are the measures of one selection set, fragments expanded.
type docStats struct {
	fields, aliases, root, depth, schema int
	longList                             int // longest list literal in arguments
}

func (s *docStats) add(o docStats) {
	s.fields = addCost(s.fields, o.fields)
	s.aliases = addCost(s.aliases, o.aliases)
	s.root = addCost(s.root, o.root)
	s.schema = addCost(s.schema, o.schema)
	s.depth = max(s.depth, o.depth)
	s.longList = max(s.longList, o.longList)
}

// measurer measures selection sets, each fragment once.
type measurer struct {
	frags   map[string]*ast.FragmentDefinition
	memo    map[string]docStats
	walking map[string]bool
}

func (m *measurer) set(set ast.SelectionSet) docStats {
	var st docStats
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			sub := m.set(s.SelectionSet)
			f := docStats{fields: addCost(1, sub.fields), aliases: sub.aliases, root: 1, schema: sub.schema, longList: sub.longList}
			if s.Alias != "" && s.Alias != s.Name {
				f.aliases = addCost(f.aliases, 1)
			}
			if s.Name == "__schema" {
				f.schema = addCost(f.schema, 1)
			}
			if !strings.HasPrefix(s.Name, "__") {
				// Introspection nests deeper than data (GraphiQL's query
				// has 15 levels); gqlparser's MaxIntrospectionDepth rule
				// bounds it instead, and MaxSchema bounds its volume.
				f.depth = 1 + sub.depth
			}
			for _, a := range s.Arguments {
				f.longList = max(f.longList, longestValue(a.Value))
			}
			for _, d := range s.Directives {
				for _, a := range d.Arguments {
					f.longList = max(f.longList, longestValue(a.Value))
				}
			}
			st.add(f)
		case *ast.InlineFragment:
			st.add(m.set(s.SelectionSet))
		case *ast.FragmentSpread:
			st.add(m.fragment(s.Name))
		}
	}
	return st
}

func (m *measurer) fragment(name string) docStats {
	if st, ok := m.memo[name]; ok {
		return st
	}
	def := m.frags[name]
	if def == nil || m.walking[name] {
		// Unknown or cyclic: validation reports it.
		return docStats{}
	}
	m.walking[name] = true
	st := m.set(def.SelectionSet)
	delete(m.walking, name)
	m.memo[name] = st
	return st
}

func (l DocumentLimits) check(doc *ast.QueryDocument) *gqlerror.Error {
	m := &measurer{frags: map[string]*ast.FragmentDefinition{}, memo: map[string]docStats{}, walking: map[string]bool{}}
	for _, f := range doc.Fragments {
		if _, dup := m.frags[f.Name]; !dup {
			m.frags[f.Name] = f
		}
	}
	var total docStats
	for _, op := range doc.Operations {
		st := m.set(op.SelectionSet)
		for _, v := range op.VariableDefinitions {
			st.longList = max(st.longList, longestValue(v.DefaultValue))
		}
		if l.MaxRootFields > 0 && st.root > l.MaxRootFields {
			return tooLarge("root fields", st.root, l.MaxRootFields)
		}
		if l.MaxDepth > 0 && st.depth > l.MaxDepth {
			err := gqlerror.Errorf("operation is nested %d levels deep; the limit is %d", st.depth, l.MaxDepth)
			err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"}
			return err
		}
		total.add(st)
	}
	for _, f := range doc.Fragments {
		// Fragments no operation uses still cost parsing and validation.
		if _, used := m.memo[f.Name]; !used {
			st := m.fragment(f.Name)
			st.root, st.depth = 0, 0
			total.add(st)
		}
	}
	switch {
	case l.MaxFields > 0 && total.fields > l.MaxFields:
		return tooLarge("fields", total.fields, l.MaxFields)
	case l.MaxAliases > 0 && total.aliases > l.MaxAliases:
		return tooLarge("aliases", total.aliases, l.MaxAliases)
	case l.MaxSchema > 0 && total.schema > l.MaxSchema:
		return tooLarge("__schema fields", total.schema, l.MaxSchema)
	case l.MaxListItems > 0 && total.longList > l.MaxListItems:
		return coded(domain.EINVALID, fmt.Sprintf("a list argument has %d items; the limit is %d", total.longList, l.MaxListItems), nil)
	}
	return nil
}

func tooLarge(what string, n, limit int) *gqlerror.Error {
	found := fmt.Sprint(n)
	if n >= maxCost {
		found = "too many"
	}
	return coded(CodeQueryTooLarge, fmt.Sprintf("the document has %s %s; the limit is %d", found, what, limit),
		map[string]any{"limit": what, "max": limit})
}

func coded(code, msg string, ext map[string]any) *gqlerror.Error {
	err := gqlerror.Errorf("%s", msg)
	err.Extensions = map[string]any{"code": code}
	for k, v := range ext {
		err.Extensions[k] = v
	}
	return err
}

// longestValue returns the largest number of items of any list in v.
func longestValue(v *ast.Value) int {
	if v == nil {
		return 0
	}
	n := 0
	if v.Kind == ast.ListValue {
		n = len(v.Children)
	}
	for _, c := range v.Children {
		n = max(n, longestValue(c.Value))
	}
	return n
}

// longestList returns the largest number of items of any list in a
// decoded JSON value.
func longestList(v any, depth int) int {
	if depth > 64 {
		return 0
	}
	n := 0
	switch x := v.(type) {
	case []any:
		n = len(x)
		for _, e := range x {
			n = max(n, longestList(e, depth+1))
		}
	case map[string]any:
		for _, e := range x {
			n = max(n, longestList(e, depth+1))
		}
	}
	return n
}

// scalarValuesRule is the name of the validation rule that refuses object
// literals where a scalar or enum is expected (gqlparser lets
// `initiative(id: {})` through to argument decoding, which then failed as
// INTERNAL). The presenter codes its errors BAD_USER_INPUT.
const scalarValuesRule = "ScalarValuesAreNotObjects"

// ValidationRules returns gqlparser's default rules plus
// scalarValuesRule.
func ValidationRules() *rules.Rules {
	r := rules.NewDefaultRules()
	r.AddRule(scalarValuesRule, func(observers *core.Events, addError core.AddErrFunc) {
		observers.OnValue(func(_ *core.Walker, v *ast.Value) {
			if v.Kind == ast.ObjectValue && v.Definition != nil && v.Definition.Kind != ast.InputObject {
				addError(core.Message("%s cannot represent an object value: %s", v.Definition.Name, v.String()), core.At(v.Position))
			}
		})
	})
	return r
}
