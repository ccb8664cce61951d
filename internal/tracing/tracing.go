// Package tracing sets up OpenTelemetry traces for civicgraph: one span
// per GraphQL operation (internal/server) and one per Cypher statement or
// write transaction (internal/neo4jdb), named and attributed by the
// OpenTelemetry semantic conventions (graphql.operation.type,
// graphql.operation.name; db.system.name=neo4j, db.namespace,
// db.query.summary, db.operation.name).
//
// Spans are exported over OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT
// (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; the exporter reads the
// standard OTEL_* variables (headers, timeout, protocol details) itself.
// CIVICGRAPH_TRACE_STDOUT=1 prints spans as JSON to stderr instead, for a
// look without a collector. Otherwise the global tracer provider stays
// OpenTelemetry's no-op one and the instrumentation does not call it:
// Start then costs one atomic load and allocates nothing
// (BenchmarkSpanOff), nothing measurable next to a request.
package tracing

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Name is the instrumentation scope of civicgraph's spans.
const Name = "github.com/civicgraph/civicgraph"

// Tracer is civicgraph's tracer, from the global provider (no-op unless
// Setup installed one).
func Tracer() trace.Tracer { return otel.Tracer(Name) }

var on atomic.Bool

// On reports whether a provider was installed. Instrumented code checks
// it first and, when off, does not even build a span's attributes, so
// tracing off costs one atomic load per span (BenchmarkSpanOff).
func On() bool { return on.Load() }

// off is the span of a context without one: a no-op.
var off = trace.SpanFromContext(context.Background())

// Start starts a span of civicgraph's tracer when tracing is on;
// otherwise it returns ctx and a no-op span without calling the tracer.
// attrs is called only when tracing is on.
func Start(ctx context.Context, name string, kind trace.SpanKind, attrs func() []attribute.KeyValue) (context.Context, trace.Span) {
	if !on.Load() {
		return ctx, off
	}
	return Tracer().Start(ctx, name, trace.WithSpanKind(kind), trace.WithAttributes(attrs()...))
}

// Install makes tp the global tracer provider (with W3C trace context
// propagation) and turns instrumentation on; the returned function puts
// back what was there before (for tests).
func Install(tp trace.TracerProvider) (restore func()) {
	prev, wasOn := otel.GetTracerProvider(), on.Load()
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	on.Store(true)
	return func() {
		otel.SetTracerProvider(prev)
		on.Store(wasOn)
	}
}

// Setup installs a tracer provider when the environment asks for one (see
// the package doc) and returns a function that flushes and stops it, and
// what it chose, for the log ("off", "otlp", "stdout"). stderr receives
// the stdout exporter's spans.
func Setup(ctx context.Context, service string, stderr io.Writer) (shutdown func(context.Context) error, mode string, err error) {
	var exp sdktrace.SpanExporter
	switch {
	case os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "":
		exp, err = otlptracehttp.New(ctx)
		mode = "otlp"
	case os.Getenv("CIVICGRAPH_TRACE_STDOUT") == "1":
		exp, err = stdouttrace.New(stdouttrace.WithWriter(stderr))
		mode = "stdout"
	default:
		return func(context.Context) error { return nil }, "off", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("trace exporter (%s): %w", mode, err)
	}
	tp := NewProvider(service, sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(2*time.Second)))
	Install(tp)
	return tp.Shutdown, mode, nil
}

// NewProvider is a tracer provider with civicgraph's resource (service.name,
// overridable by OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES).
func NewProvider(service string, opts ...sdktrace.TracerProviderOption) *sdktrace.TracerProvider {
	res, err := resource.Merge(resource.NewSchemaless(attribute.String("service.name", service)), resource.Environment())
	if err != nil {
		res = resource.NewSchemaless(attribute.String("service.name", service))
	}
	return sdktrace.NewTracerProvider(append([]sdktrace.TracerProviderOption{sdktrace.WithResource(res)}, opts...)...)
}

// QuerySummary is a low-cardinality summary of a Cypher statement for
// db.query.summary: its first clause keyword and the first label it
// names, e.g. "MATCH Initiative", "UNWIND Initiative", "CALL". Values
// are parameters, so no user input can reach it.
func QuerySummary(cypher string) (summary, operation string) {
	s := strings.TrimSpace(cypher)
	for strings.HasPrefix(s, "/*") { // leading comments
		end := strings.Index(s, "*/")
		if end < 0 {
			break
		}
		s = strings.TrimSpace(s[end+2:])
	}
	op := s
	if i := strings.IndexAny(op, " \n\t("); i >= 0 {
		op = op[:i]
	}
	op = strings.ToUpper(op)
	label := ""
	if i := strings.Index(s, ":"); i >= 0 {
		rest := s[i+1:]
		j := 0
		for j < len(rest) && (rest[j] == '_' || rest[j] >= 'a' && rest[j] <= 'z' || rest[j] >= 'A' && rest[j] <= 'Z' || rest[j] >= '0' && rest[j] <= '9') {
			j++
		}
		label = rest[:j]
	}
	if label == "" {
		return op, op
	}
	return op + " " + label, op
}
