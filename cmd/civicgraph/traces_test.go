package main

import (
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/civicgraph/civicgraph/internal/tracing"
)

// TestTraceOfOneRequest: with a tracer provider installed, a GraphQL
// request gives one server span named by its operation (type and name
// attributes) joined to the caller's traceparent, and every Cypher
// statement it ran is a client span under it with db.system.name=neo4j
// and a db.query.summary; no attribute carries the request's variables.
func TestTraceOfOneRequest(t *testing.T) {
	db := importedDB(t)
	exp := tracetest.NewInMemoryExporter()
	tp := tracing.NewProvider("civicgraph-test", sdktrace.WithSyncer(exp))
	t.Cleanup(tracing.Install(tp))
	srv := newAPI(t, db, nil)

	const marker = "zebra-crossing-xq7"
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	r := post(t, srv, `query Lookup($q: String!) { search(query: $q, first: 3) { initiative { title city { city { name } } } } }`,
		map[string]any{"q": marker + " citizens assembly"}, "traceparent", parent)
	if len(r.Errors) > 0 {
		t.Fatalf("%+v", r.Errors)
	}
	spans := exp.GetSpans()
	var server *tracetest.SpanStub
	for i := range spans {
		if spans[i].SpanKind == trace.SpanKindServer {
			server = &spans[i]
		}
	}
	if server == nil {
		t.Fatalf("no server span among %d spans", len(spans))
	}
	attrs := func(s tracetest.SpanStub) map[string]string {
		m := map[string]string{}
		for _, a := range s.Attributes {
			m[string(a.Key)] = a.Value.Emit()
		}
		return m
	}
	sa := attrs(*server)
	if server.Name != "query Lookup" || sa["graphql.operation.type"] != "query" || sa["graphql.operation.name"] != "Lookup" {
		t.Errorf("server span %q %v", server.Name, sa)
	}
	if got := server.SpanContext.TraceID().String(); got != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("server span in trace %s, not the caller's", got)
	}
	clients := 0
	for _, s := range spans {
		a := attrs(s)
		for k, v := range a {
			if strings.Contains(v, marker) {
				t.Errorf("span %q attribute %s carries the request's variable: %q", s.Name, k, v)
			}
		}
		if s.SpanKind != trace.SpanKindClient {
			continue
		}
		clients++
		if s.Parent.SpanID() != server.SpanContext.SpanID() {
			t.Errorf("Cypher span %q is not a child of the operation's span", s.Name)
		}
		if a["db.system.name"] != "neo4j" || a["db.query.summary"] == "" || a["db.namespace"] == "" {
			t.Errorf("Cypher span %q attributes %v", s.Name, a)
		}
		t.Logf("  child span %q %v (%v)", s.Name, a, s.EndTime.Sub(s.StartTime))
	}
	if clients == 0 {
		t.Error("no Cypher span under the operation")
	}
	t.Logf("server span %q %v (%v), %d Cypher spans", server.Name, sa, server.EndTime.Sub(server.StartTime), clients)
}
