package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/loader"
)

// The fakes below each stand for one of the resolvers' store interfaces
// (graph/stores.go) and implement only the methods a test sets; the
// embedded interface is nil, so any other call panics and a test cannot
// pass on a read it did not expect. (internal/mock.Store fakes the whole
// adapter, for the HTTP tests of internal/server.)

// pageReader fakes graph.InitiativeReader's InitiativePage.
type pageReader struct {
	graph.InitiativeReader
	page func(context.Context, domain.PageQuery) (*domain.InitiativePage, error)
}

func (f pageReader) InitiativePage(ctx context.Context, q domain.PageQuery) (*domain.InitiativePage, error) {
	return f.page(ctx, q)
}

// cityLister fakes graph.PlaceReader's Cities.
type cityLister struct {
	graph.PlaceReader
	cities func(ctx context.Context, countries []string, namePrefix string, first, offset int) ([]domain.Counted[domain.CityRow], int, error)
}

func (f cityLister) Cities(ctx context.Context, countries []string, namePrefix string, first, offset int) ([]domain.Counted[domain.CityRow], int, error) {
	return f.cities(ctx, countries, namePrefix, first, offset)
}

// rankings fakes graph.ChartReader's CityRanking.
type rankings struct {
	graph.ChartReader
	rank func(ctx context.Context, theme, country string, first int) ([]domain.CityRank, error)
}

func (f rankings) CityRanking(ctx context.Context, theme, country string, first int) ([]domain.CityRank, error) {
	return f.rank(ctx, theme, country, first)
}

// cityLoads fakes loader.Source's CitiesByIDs and CountOf.
type cityLoads struct {
	loader.Source
	cities func(context.Context, []string) (map[string]*domain.CityRow, error)
	count  func(ctx context.Context, kind string, keys []string) (map[string]int, error)
}

func (f cityLoads) CitiesByIDs(ctx context.Context, ids []string) (map[string]*domain.CityRow, error) {
	return f.cities(ctx, ids)
}

func (f cityLoads) CountOf(ctx context.Context, kind string, keys []string) (map[string]int, error) {
	return f.count(ctx, kind, keys)
}

// planEcho is a fake page read that answers what the plan asks: each
// similar list holds First links whose score is First, so the answer
// shows which planned list a resolver read.
func planEcho(plan domain.InitiativePlan, key string) *domain.InitiativeRow {
	row := &domain.InitiativeRow{Initiative: &domain.Initiative{ID: key, Title: "T " + key}, Similar: map[string][]*domain.SimilarRow{}}
	for _, s := range plan.Similar {
		for i := range s.First {
			row.Similar[s.Key] = append(row.Similar[s.Key], &domain.SimilarRow{
				SimilarLink: domain.SimilarLink{Score: float64(s.First)},
				Target:      planEcho(s.Target, key+"-"+string(rune('a'+i))),
			})
		}
	}
	return row
}

// TestSimilarListsByArguments: one response key with different arguments
// under two aliases of the edges is planned as two lists, and each
// resolver reads its own, in one store call.
func TestSimilarListsByArguments(t *testing.T) {
	calls := 0
	s := pageReader{page: func(_ context.Context, q domain.PageQuery) (*domain.InitiativePage, error) {
		calls++
		return &domain.InitiativePage{Rows: []*domain.InitiativeRow{planEcho(q.Plan, "k")}}, nil
	}}
	c := newClient(&graph.Resolver{InitiativeStore: s})
	var resp struct {
		Initiatives struct {
			E1 []struct {
				Node struct{ Similar []struct{ Score float64 } }
			}
			E2 []struct {
				Node struct {
					Similar []struct {
						Score      float64
						Initiative struct{ Title string }
					}
				}
			}
		}
	}
	c.MustPost(`{ initiatives(first: 1) {
	  e1: edges { node { similar(first: 2) { score } } }
	  e2: edges { node { similar(first: 3) { score initiative { title } } } } } }`, &resp)
	if calls != 1 {
		t.Errorf("%d store calls, want 1", calls)
	}
	if len(resp.Initiatives.E1) != 1 || len(resp.Initiatives.E1[0].Node.Similar) != 2 || resp.Initiatives.E1[0].Node.Similar[0].Score != 2 {
		t.Errorf("e1: %+v, want the 2-link list", resp.Initiatives.E1)
	}
	if len(resp.Initiatives.E2) != 1 || len(resp.Initiatives.E2[0].Node.Similar) != 3 || resp.Initiatives.E2[0].Node.Similar[2].Initiative.Title != "T k-c" {
		t.Errorf("e2: %+v, want the 3-link list with its targets", resp.Initiatives.E2)
	}
}

// newClient serves r through gqlgen's executor with the per-operation
// loaders, as the server does.
func newClient(r *graph.Resolver) *client.Client {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: r}))
	srv.AddTransport(transport.POST{})
	if r.LoadStore != nil {
		srv.Use(graph.Loaders(r.LoadStore))
	}
	return client.New(srv)
}

// TestConnectionPartsInOneRead: a connection's page, totalCount and
// facets are one store read that asks for exactly the selected parts,
// and an unknown theme the read reports is BAD_USER_INPUT naming its
// position.
func TestConnectionPartsInOneRead(t *testing.T) {
	var got []domain.PageQuery
	s := pageReader{page: func(_ context.Context, q domain.PageQuery) (*domain.InitiativePage, error) {
		got = append(got, q)
		p := &domain.InitiativePage{Total: 7, Facets: &domain.Facets{Years: []domain.FacetCount{{Value: "2021", Label: "2021", Count: 7}}}}
		if q.Page {
			p.Rows = []*domain.InitiativeRow{planEcho(q.Plan, "a"), planEcho(q.Plan, "b")}
		}
		for _, th := range q.Filter.Themes {
			if th != "culture" {
				p.UnknownThemes = append(p.UnknownThemes, th)
			}
		}
		return p, nil
	}}
	c := newClient(&graph.Resolver{InitiativeStore: s})
	for _, tc := range []struct {
		query               string
		page, total, facets bool
	}{
		{`{ initiatives(first: 1) { totalCount } }`, false, true, false},
		{`{ initiatives(first: 1) { edges { node { title } } } }`, true, false, false},
		{`{ initiatives(first: 1) { pageInfo { hasNextPage } facets { years { value } } } }`, true, false, true},
		{`{ initiatives(first: 1) { totalCount facets { years { count } } edges { cursor } } }`, true, true, true},
	} {
		got = nil
		var resp map[string]any
		c.MustPost(tc.query, &resp)
		if len(got) != 1 {
			t.Fatalf("%s: %d store reads, want 1", tc.query, len(got))
		}
		if q := got[0]; q.Page != tc.page || q.Total != tc.total || q.WithFacets != tc.facets || q.First != 2 {
			t.Errorf("%s: asked page %v total %v facets %v first %d, want %v %v %v 2", tc.query, q.Page, q.Total, q.WithFacets, q.First, tc.page, tc.total, tc.facets)
		}
	}
	var resp struct {
		Initiatives struct {
			TotalCount int
			PageInfo   struct{ HasNextPage bool }
		}
	}
	c.MustPost(`{ initiatives(first: 1) { totalCount pageInfo { hasNextPage } } }`, &resp)
	if resp.Initiatives.TotalCount != 7 || !resp.Initiatives.PageInfo.HasNextPage {
		t.Errorf("got %+v, want totalCount 7 and a next page (2 rows for first 1)", resp.Initiatives)
	}
	err := c.Post(`{ initiatives(filter: {themes: ["culture", "nope"]}) { totalCount } }`, &resp)
	if err == nil || !strings.Contains(err.Error(), "filter.themes[1] is not a theme slug") {
		t.Errorf("unknown theme: %v, want the position filter.themes[1]", err)
	}
}

// TestRankedCountsNeedNoLoad: a ranked list's counts come with its nodes,
// so initiativeCount under it reads no count; a city reached otherwise
// (a city ranking row) loads its count, batched for the whole list.
func TestRankedCountsNeedNoLoad(t *testing.T) {
	countCalls := 0
	places := cityLister{cities: func(context.Context, []string, string, int, int) ([]domain.Counted[domain.CityRow], int, error) {
		return []domain.Counted[domain.CityRow]{{Node: &domain.CityRow{City: &domain.City{ID: "1", Name: "Aarhus"}}, Count: 4}, {Node: &domain.CityRow{City: &domain.City{ID: "2", Name: "Łódź"}}, Count: 3}}, 2, nil
	}}
	charts := rankings{rank: func(context.Context, string, string, int) ([]domain.CityRank, error) {
		return []domain.CityRank{{CityID: "1", Count: 4}, {CityID: "2", Count: 3}}, nil
	}}
	loads := cityLoads{
		cities: func(_ context.Context, ids []string) (map[string]*domain.CityRow, error) {
			out := map[string]*domain.CityRow{}
			for _, id := range ids {
				out[id] = &domain.CityRow{City: &domain.City{ID: id, Name: "C" + id}}
			}
			return out, nil
		},
		count: func(_ context.Context, kind string, keys []string) (map[string]int, error) {
			countCalls++
			out := map[string]int{}
			for _, k := range keys {
				out[k] = len(k) + 10
			}
			return out, nil
		},
	}
	c := newClient(&graph.Resolver{PlaceStore: places, ChartStore: charts, LoadStore: loads})
	var list struct {
		Cities struct {
			Edges []struct{ Node struct{ InitiativeCount int } }
		}
	}
	c.MustPost(`{ cities { edges { node { initiativeCount } } } }`, &list)
	if countCalls != 0 || len(list.Cities.Edges) != 2 || list.Cities.Edges[0].Node.InitiativeCount != 4 || list.Cities.Edges[1].Node.InitiativeCount != 3 {
		t.Errorf("cities: %+v with %d count reads, want 4, 3 and none", list, countCalls)
	}
	var rank struct {
		CityRanking []struct{ City struct{ InitiativeCount int } }
	}
	c.MustPost(`{ cityRanking { city { initiativeCount } } }`, &rank)
	if countCalls != 1 || len(rank.CityRanking) != 2 || rank.CityRanking[1].City.InitiativeCount != 11 {
		t.Errorf("ranking: %+v with %d count reads, want 11s from one batched read", rank, countCalls)
	}
}

// TestLinksReadWhatIsSelected: the place and level links are read as far
// as their selection goes: a city's country costs its hop, and the links'
// provenance and the city's alternate names are read only when selected.
func TestLinksReadWhatIsSelected(t *testing.T) {
	var got domain.Parts
	s := pageReader{page: func(_ context.Context, q domain.PageQuery) (*domain.InitiativePage, error) {
		got = q.Plan.Parts
		return &domain.InitiativePage{}, nil
	}}
	c := newClient(&graph.Resolver{InitiativeStore: s})
	modifiers := domain.PartCityCountry | domain.PartCityNames | domain.PartPlaceEvidence
	for _, tc := range []struct {
		sel  string
		want domain.Parts
	}{
		{`key`, 0},
		{`city { city { name latitude } }`, domain.PartCity},
		{`city { city { country { name } } }`, domain.PartCity | domain.PartCityCountry},
		{`city { city { alternateNames } }`, domain.PartCity | domain.PartCityNames},
		{`city { confidence } country { country { code } }`, domain.PartCity | domain.PartCountry | domain.PartPlaceEvidence},
		{`country { sources { url } }`, domain.PartCountry | domain.PartPlaceEvidence},
		{`level { level }`, domain.PartLevel},
	} {
		var resp map[string]any
		c.MustPost(`{ initiatives(first: 1) { edges { node { `+tc.sel+` } } } }`, &resp)
		if place := got & (domain.PartCity | domain.PartCountry | domain.PartLevel | modifiers); place != tc.want {
			t.Errorf("%s: planned parts %b, want %b", tc.sel, place, tc.want)
		}
	}
}

// similarReader fakes graph.InitiativeReader's SimilarOf.
type similarReader struct {
	graph.InitiativeReader
	similar func(ctx context.Context, keys []string, plan domain.SimilarPlan) (map[string][]*domain.SimilarRow, error)
}

func (f similarReader) SimilarOf(ctx context.Context, keys []string, plan domain.SimilarPlan) (map[string][]*domain.SimilarRow, error) {
	return f.similar(ctx, keys, plan)
}

// TestSimilarLinksReadWhatIsSelected: a similar list reads the score's
// components, the closest sentences and the shared terms, and the shared
// themes' nodes, only when its selection needs them, at the root and
// nested.
func TestSimilarLinksReadWhatIsSelected(t *testing.T) {
	var got domain.LinkParts
	s := similarReader{similar: func(_ context.Context, keys []string, plan domain.SimilarPlan) (map[string][]*domain.SimilarRow, error) {
		got = plan.Links
		return map[string][]*domain.SimilarRow{keys[0]: {}}, nil
	}}
	c := newClient(&graph.Resolver{InitiativeStore: s})
	for _, tc := range []struct {
		sel  string
		want domain.LinkParts
	}{
		{`initiative { key } score sharedThemes { slug }`, 0},
		{`semanticScore`, domain.LinkDetail},
		{`sharedTerms`, domain.LinkDetail},
		{`sharedThemes { name }`, domain.LinkThemeNodes},
		{`reason`, domain.LinksAll},
	} {
		var resp map[string]any
		c.MustPost(`{ similarInitiatives(id: "initiative/k") { `+tc.sel+` } }`, &resp)
		if got != tc.want {
			t.Errorf("%s: planned link parts %b, want %b", tc.sel, got, tc.want)
		}
	}
	var nested domain.SimilarPlan
	pages := pageReader{page: func(_ context.Context, q domain.PageQuery) (*domain.InitiativePage, error) {
		if len(q.Plan.Similar) == 1 {
			nested = q.Plan.Similar[0]
		}
		return &domain.InitiativePage{}, nil
	}}
	var resp map[string]any
	newClient(&graph.Resolver{InitiativeStore: pages}).MustPost(`{ initiatives(first: 1) { edges { node { similar(first: 2) { textScore sharedThemes { slug } } } } } }`, &resp)
	if nested.First != 2 || nested.Links != domain.LinkDetail {
		t.Errorf("nested similar planned %+v, want first 2 with the link detail only", nested)
	}
}

// searchReader fakes graph.InitiativeReader's Search.
type searchReader struct {
	graph.InitiativeReader
	search func(ctx context.Context, q domain.SearchQuery) ([]domain.SearchHit, error)
}

func (f searchReader) Search(ctx context.Context, q domain.SearchQuery) ([]domain.SearchHit, error) {
	return f.search(ctx, q)
}

// TestSearchReadsMatchedTermsWhenSelected: the hits' matched terms (which
// read the summary and place names) are asked of the store only when
// selected.
func TestSearchReadsMatchedTermsWhenSelected(t *testing.T) {
	var got domain.SearchQuery
	c := newClient(&graph.Resolver{InitiativeStore: searchReader{search: func(_ context.Context, q domain.SearchQuery) ([]domain.SearchHit, error) {
		got = q
		return nil, nil
	}}})
	for sel, want := range map[string]bool{`score initiative { title }`: false, `matchedTerms`: true, `... on SearchHit { matchedTerms }`: true} {
		var resp map[string]any
		c.MustPost(`{ search(query: "flood", first: 3) { `+sel+` } }`, &resp)
		if got.Text != "flood" || got.First != 3 || got.MatchedTerms != want {
			t.Errorf("%s: asked %+v, want matched terms %v", sel, got, want)
		}
	}
}
