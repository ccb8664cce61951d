package neo4jdb

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/tracing"
)

// span starts the client span of one Cypher statement (or, with cypher
// "", of a managed write transaction), named by its db.query.summary as
// the semantic conventions ask. No parameter value is recorded.
func (db *DB) span(ctx context.Context, cypher string) (context.Context, trace.Span) {
	if !tracing.On() {
		return tracing.Start(ctx, "", trace.SpanKindClient, nil)
	}
	summary, op := "write transaction", "TRANSACTION"
	if cypher != "" {
		summary, op = tracing.QuerySummary(cypher)
	}
	return tracing.Start(ctx, summary, trace.SpanKindClient, func() []attribute.KeyValue {
		return []attribute.KeyValue{
			attribute.String("db.system.name", "neo4j"),
			attribute.String("db.namespace", db.database),
			attribute.String("db.query.summary", summary),
			attribute.String("db.operation.name", op),
		}
	})
}

// endSpan ends a statement's span with its outcome: the error's code
// (error.type), never its message, which may quote user input.
func endSpan(span trace.Span, err error) {
	if err != nil {
		code := domain.ErrorCode(err)
		span.SetAttributes(attribute.String("error.type", code))
		span.SetStatus(codes.Error, code)
	}
	span.End()
}
