package graph

import (
	"context"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/loader"
)

// The API side of the read planner: the selection under a root field
// becomes a domain.InitiativePlan that the store compiles into one
// statement (internal/neo4jdb/plan.go). Resolvers below the root read
// what that statement returned; none reads the store again for it.

// initiativeFields maps every field of Initiative to the parts of an
// initiative it needs. A field missing here is planned as PartsAll, so it
// is never served from a partial read, and TestInitiativeFieldsPlanned
// fails until it is added.
var initiativeFields = map[string]domain.Parts{
	"__typename": 0, "id": 0, "key": 0, "title": 0,
	"titleDerived": domain.PartFlags, "titleIncomplete": domain.PartFlags, "covid": domain.PartFlags,
	"altTitles": domain.PartAltTitles,
	"similar":   0, // planned as its own list (SimilarPlan)
	"summary":   domain.PartSummary,
	"sources":   domain.PartSources,
	"level":     domain.PartLevel,
	"city":      domain.PartCity, "country": domain.PartCountry, // widened by linkFields
	"themes": domain.PartThemes,
	"awards": domain.PartAwards,
}

// linkFields maps the fields of the place links, and of the city under a
// city link, to the modifier parts they need; the link itself is planned
// by initiativeFields. A field missing here widens the link to all it
// carries (domain.PartPlace), and TestInitiativeFieldsPlanned fails until
// it is added.
var linkFields = map[string]map[string]domain.Parts{
	"CityLink":    {"__typename": 0, "city": 0, "confidence": domain.PartPlaceEvidence, "evidence": domain.PartPlaceEvidence, "sources": domain.PartPlaceEvidence},
	"CountryLink": {"__typename": 0, "country": 0, "confidence": domain.PartPlaceEvidence, "evidence": domain.PartPlaceEvidence, "sources": domain.PartPlaceEvidence},
	// The city's own properties come with the link; its lists and counts
	// are read by loaders; only its country needs another hop.
	"City": {"__typename": 0, "id": 0, "name": 0, "countryCode": 0, "latitude": 0, "longitude": 0, "population": 0,
		"initiatives": 0, "initiativeCount": 0, "country": domain.PartCityCountry, "alternateNames": domain.PartCityNames},
}

// linkParts returns the modifier parts the selection sels of a link of
// type typ (and, for a city link, of its city) needs.
func linkParts(oc *graphql.OperationContext, typ string, sels ast.SelectionSet) domain.Parts {
	var p domain.Parts
	for _, f := range graphql.CollectFields(oc, sels, []string{typ}) {
		parts, ok := linkFields[typ][f.Name]
		if !ok {
			parts = domain.PartPlace
		}
		p |= parts
		if typ == "CityLink" && f.Name == "city" {
			p |= linkParts(oc, "City", f.Selections)
		}
	}
	return p
}

// planAt returns the plan of the initiatives found under the current
// field at the given path of sub-fields (e.g. "edges", "node" for a
// connection; none for the field itself). Without a field context (a
// direct call) every part is read.
func planAt(ctx context.Context, path ...string) domain.InitiativePlan {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return domain.WholePlan
	}
	oc := graphql.GetOperationContext(ctx)
	return planOf(oc, selectionsUnder(oc, []ast.SelectionSet{fc.Field.Selections}, path...))
}

// planOf plans the initiatives that the selection sets sels are made on.
func planOf(oc *graphql.OperationContext, sels []ast.SelectionSet) domain.InitiativePlan {
	var p domain.InitiativePlan
	for _, sel := range sels {
		for _, f := range graphql.CollectFields(oc, sel, []string{"Initiative", "Node"}) {
			parts, ok := initiativeFields[f.Name]
			if !ok {
				parts = domain.PartsAll
			}
			p.Parts |= parts
			switch f.Name {
			case "city":
				p.Parts |= linkParts(oc, "CityLink", f.Selections)
			case "country":
				p.Parts |= linkParts(oc, "CountryLink", f.Selections)
			}
			if f.Name != "similar" {
				continue
			}
			args := f.ArgumentMap(oc.Variables)
			first, err := pageSize(intArg(args["first"]), 5, 50)
			if err != nil {
				continue // the resolver reports the error
			}
			dc, ok := args["differentCity"].(bool)
			if !ok {
				dc = true
			}
			p.Similar = addSimilar(p.Similar, similarPlan(oc, f.Selections, similarKey(f.Alias, first, dc), first, dc))
		}
	}
	return p
}

// similarPlan plans one similar list from the selection sel of its
// SimilarInitiative objects.
func similarPlan(oc *graphql.OperationContext, sel ast.SelectionSet, key string, first int, differentCity bool) domain.SimilarPlan {
	return domain.SimilarPlan{Key: key, First: first, DifferentCity: differentCity, Links: linkPartsOf(oc, sel),
		Target: planOf(oc, selectionsUnder(oc, []ast.SelectionSet{sel}, "initiative"))}
}

// selected reports whether the current field's selection has the field
// name (a search hit's matchedTerms, which cost a read of their own).
// Without a field context (a direct call) everything is selected.
func selected(ctx context.Context, name string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return true
	}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// rootSimilarPlan plans the list of the current similarInitiatives field.
func rootSimilarPlan(ctx context.Context, first int, differentCity bool) domain.SimilarPlan {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return domain.SimilarPlan{First: first, DifferentCity: differentCity, Links: domain.LinksAll, Target: domain.WholePlan}
	}
	return similarPlan(graphql.GetOperationContext(ctx), fc.Field.Selections, "", first, differentCity)
}

// similarFields maps the fields of a similar link, and of the themes under
// its sharedThemes, to the link parts they need. A field missing here
// reads everything (domain.LinksAll), and TestInitiativeFieldsPlanned
// fails until it is added.
var similarFields = map[string]map[string]domain.LinkParts{
	"SimilarInitiative": {"__typename": 0, "initiative": 0, "score": 0, "sharedThemes": 0,
		"semanticScore": domain.LinkDetail, "textScore": domain.LinkDetail, "themeScore": domain.LinkDetail, "sharedTerms": domain.LinkDetail,
		"reason": domain.LinksAll},
	// A shared theme's slug is on the link; its other fields are the node's
	// (its lists and counts are read by loaders, keyed by slug).
	"Theme": {"__typename": 0, "id": 0, "slug": 0, "initiatives": 0, "initiativeCount": 0,
		"name": domain.LinkThemeNodes, "description": domain.LinkThemeNodes},
}

// linkPartsOf returns the link parts the selection sel of similar links
// needs.
func linkPartsOf(oc *graphql.OperationContext, sel ast.SelectionSet) domain.LinkParts {
	var p domain.LinkParts
	for _, f := range graphql.CollectFields(oc, sel, []string{"SimilarInitiative"}) {
		parts, ok := similarFields["SimilarInitiative"][f.Name]
		if !ok {
			parts = domain.LinksAll
		}
		p |= parts
		if f.Name == "sharedThemes" {
			for _, tf := range graphql.CollectFields(oc, f.Selections, []string{"Theme", "Node"}) {
				parts, ok := similarFields["Theme"][tf.Name]
				if !ok {
					parts = domain.LinkThemeNodes
				}
				p |= parts
			}
		}
	}
	return p
}

// similarKey names one similar list of an initiative: its response key
// and its arguments, since selections merged from several parents (two
// aliases of a connection's edges) may use one response key with other
// arguments.
func similarKey(alias string, first int, differentCity bool) string {
	return alias + "/" + strconv.Itoa(first) + "/" + strconv.FormatBool(differentCity)
}

// addSimilar adds s to list, merging it into a list of the same key (the
// union of what their targets need).
func addSimilar(list []domain.SimilarPlan, s domain.SimilarPlan) []domain.SimilarPlan {
	for i := range list {
		if list[i].Key == s.Key {
			list[i].Links |= s.Links
			list[i].Target.Parts |= s.Target.Parts
			for _, t := range s.Target.Similar {
				list[i].Target.Similar = addSimilar(list[i].Target.Similar, t)
			}
			return list
		}
	}
	return append(list, s)
}

// selectionsUnder follows a path of sub-field names from sels (several
// selection sets when fragments repeat a field).
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

// plannedSimilar returns the similar list the root's statement read for
// the current `similar` field of in, by its response key and arguments.
func plannedSimilar(ctx context.Context, in *domain.InitiativeRow, first *int, differentCity *bool) ([]*domain.SimilarRow, error) {
	n, err := pageSize(first, 5, 50)
	if err != nil {
		return nil, err
	}
	key := similarKey(graphql.GetFieldContext(ctx).Field.Alias, n, differentCity == nil || *differentCity)
	links, ok := in.Similar[key]
	if !ok {
		return nil, domain.Errorf(domain.EINTERNAL, "similar %q of %q was not planned", key, in.ID)
	}
	return links, nil
}

func intArg(v any) *int {
	switch n := v.(type) {
	case int:
		return &n
	case int64:
		i := int(n)
		return &i
	}
	return nil
}

func strArg(v any) *string {
	if s, ok := v.(string); ok {
		return &s
	}
	return nil
}

// cityWithPages reads a root city, its initiative count and the pages of
// initiatives its selection asks for in one statement, and primes the
// request's loaders with them: the nested connection's page and
// totalCount, and the city's initiativeCount, load from there like any
// other (so `city { initiativeCount initiatives { totalCount edges … } }`
// is one round trip).
func (r *queryResolver) cityWithPages(ctx context.Context, key string) (*domain.CityRow, error) {
	type page struct {
		first, offset int
		domain.PagePlan
	}
	var pages []page
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil {
		oc := graphql.GetOperationContext(ctx)
		for _, f := range graphql.CollectFields(oc, fc.Field.Selections, nil) {
			if f.Name != "initiatives" || !connectionPartsIn(oc, f.Selections).page {
				continue
			}
			args := f.ArgumentMap(oc.Variables)
			n, err := pageSize(intArg(args["first"]), 20, MaxPage)
			if err != nil {
				continue // the connection's resolver reports it
			}
			off, err := offsetAfter(strArg(args["after"]))
			if err != nil {
				continue
			}
			plan := planOf(oc, selectionsUnder(oc, []ast.SelectionSet{f.Selections}, "edges", "node"))
			pages = append(pages, page{n + 1, off, domain.PagePlan{First: n + 1, Offset: off, Plan: plan}})
		}
	}
	plans := make([]domain.PagePlan, len(pages))
	for i, p := range pages {
		plans[i] = p.PagePlan
	}
	c, rows, err := r.PlaceStore.City(ctx, key, plans)
	if err != nil || c == nil {
		return nil, err
	}
	l, owner := r.loaders(ctx), loader.OwnerKey{Kind: domain.KindCity, Key: key}
	l.Count().Prime(owner, c.Count)
	for i, p := range pages {
		l.PrimeInitiativesOf(owner, p.first, p.offset, p.Plan, rows[i])
	}
	return c.Node, nil
}
