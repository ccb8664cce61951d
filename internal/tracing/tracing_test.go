package tracing_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/civicgraph/civicgraph/internal/tracing"
)

func TestQuerySummary(t *testing.T) {
	for cypher, want := range map[string]string{
		"MATCH (i:Initiative {key: $key}) RETURN i":                       "MATCH Initiative",
		"\n  UNWIND $rows AS r MERGE (c:City {id: r.id})":                 "UNWIND City",
		"/* civicgraph-cancel-test */\nUNWIND range(1, 10) AS x RETURN x": "UNWIND",
		"RETURN timestamp() AS t":                                         "RETURN",
		"CALL db.index.fulltext.queryNodes('initiative_text', $q)":        "CALL",
		"with {a: 1} AS m RETURN m":                                       "WITH",
	} {
		if got, _ := tracing.QuerySummary(cypher); got != want {
			t.Errorf("QuerySummary(%q) = %q, want %q", cypher, got, want)
		}
	}
}

// TestSetupOffByDefault: without OTEL_EXPORTER_OTLP_ENDPOINT or
// CIVICGRAPH_TRACE_STDOUT nothing is installed.
func TestSetupOffByDefault(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	t.Setenv("CIVICGRAPH_TRACE_STDOUT", "")
	stop, mode, err := tracing.Setup(context.Background(), "civicgraph", nil)
	if err != nil || mode != "off" {
		t.Fatalf("Setup: mode %q, err %v; want off", mode, err)
	}
	if err := stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, span := tracing.Tracer().Start(context.Background(), "x"); span.SpanContext().IsValid() {
		t.Error("tracing off, yet spans are recorded")
	}
}

// BenchmarkSpanOff is what tracing costs per span when it is off (the
// global no-op provider): compare with BenchmarkSpanRecorded.
func BenchmarkSpanOff(b *testing.B) {
	ctx := context.Background()
	attrs := func() []attribute.KeyValue { return []attribute.KeyValue{attribute.String("db.system.name", "neo4j")} }
	b.ReportAllocs()
	for b.Loop() {
		_, span := tracing.Start(ctx, "MATCH Initiative", trace.SpanKindClient, attrs)
		span.End()
	}
}

// BenchmarkSpanNoopProvider is the same through the OpenTelemetry no-op
// provider (what calling the API without the On check would cost).
func BenchmarkSpanNoopProvider(b *testing.B) {
	tr := noop.NewTracerProvider().Tracer(tracing.Name)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, span := tr.Start(ctx, "MATCH Initiative", trace.WithAttributes(attribute.String("db.system.name", "neo4j")))
		span.End()
	}
}

// BenchmarkSpanRecorded is a span recorded by the SDK into memory.
func BenchmarkSpanRecorded(b *testing.B) {
	tp := tracing.NewProvider("bench", sdktrace.WithSyncer(tracetest.NewInMemoryExporter()))
	tr := tp.Tracer(tracing.Name)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, span := tr.Start(ctx, "MATCH Initiative")
		span.End()
	}
}
