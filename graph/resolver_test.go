package graph_test

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/mock"
)

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
	s := &mock.Store{InitiativePageFn: func(_ context.Context, q domain.PageQuery) (*domain.InitiativePage, error) {
		calls++
		return &domain.InitiativePage{Rows: []*domain.InitiativeRow{planEcho(q.Plan, "k")}}, nil
	}}
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{Store: s}}))
	srv.AddTransport(transport.POST{})
	c := client.New(srv)
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
