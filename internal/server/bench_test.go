package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/mock"
	"github.com/civicgraph/civicgraph/internal/server"
)

// BenchmarkGraphResponse measures the HTTP + GraphQL layer alone (a fake
// store returns a fixed graph) for a drawable graph of the size the
// explorer asks for: 100 nodes and 370 edges, as a depth-2 neighbourhood
// at 10k initiatives has.
func BenchmarkGraphResponse(b *testing.B) {
	g := &domain.Graph{}
	for i := range 100 {
		g.Nodes = append(g.Nodes, domain.GraphNode{ID: fmt.Sprintf("initiative/i-%d", i), Kind: domain.KindInitiative,
			Label: fmt.Sprintf("Initiative %d", i), Properties: map[string]string{"year": "2021"}})
	}
	for i := range 370 {
		g.Edges = append(g.Edges, domain.GraphEdge{Source: g.Nodes[i%100].ID, Target: g.Nodes[(i*7+1)%100].ID, Type: "SIMILAR", Weight: 0.5})
	}
	s := &mock.Store{NeighbourhoodFn: func(context.Context, string, int, int) (*domain.Graph, error) { return g, nil }}
	h := server.New(server.Options{Config: config.Defaults().Server, Store: s, Writer: s, Health: s,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	body, _ := json.Marshal(map[string]any{"query": `{ neighbourhood(id: "initiative/i-0", depth: 2, limit: 100) {
	  truncated nodes { id kind label } edges { source target type } } }`})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
	}
}
