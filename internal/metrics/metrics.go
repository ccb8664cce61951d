// Package metrics holds civicgraph's Prometheus metrics. Every series is
// registered on a registry passed in (never the global one), so tests run
// in parallel and several servers in one process do not collide. The
// metrics are process-local: behind a load balancer each instance exposes
// its own, and Prometheus sums them.
//
// Series (README "Metrics"):
//
//	civicgraph_graphql_request_duration_seconds{operation}  histogram; operation = query, mutation, subscription, none (refused before an operation was known); never the client's operation name
//	civicgraph_graphql_errors_total{code}                    counter; errors in GraphQL responses by extensions.code, including transport refusals
//	civicgraph_cypher_statements_total{outcome}              counter; database round trips (a statement, or a managed write transaction), outcome ok or error
//	civicgraph_cypher_statement_duration_seconds             histogram; their duration
//	civicgraph_neo4j_up                                      gauge; 1 when Neo4j answered with the current schema at scrape time
//	civicgraph_neo4j_breaker_state{state}                    gauge; 1 for the circuit breaker's current state (closed, half-open, open)
//	civicgraph_export_requests_total{format,status}          counter; exports served, by format and HTTP status
//	civicgraph_export_duration_seconds{format}               histogram; how long exports took
//
// The import is its own short-lived process: `civicgraph import
// --metrics-file PATH` writes its series (Import) in the text format for
// a node_exporter textfile collector instead.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Server holds the serve process's metrics.
type Server struct {
	reg         *prometheus.Registry
	reqDuration *prometheus.HistogramVec
	gqlErrors   *prometheus.CounterVec
	statements  *prometheus.CounterVec
	stmtDur     prometheus.Histogram
	exports     *prometheus.CounterVec
	exportDur   *prometheus.HistogramVec
}

// Probes are read at scrape time for the availability gauges; either may
// be nil.
type Probes struct {
	// Ready checks Neo4j (no breaker), as /readyz does.
	Ready func(ctx context.Context) error
	// BreakerState returns "closed", "half-open", "open" or "".
	BreakerState func() string
}

// NewServer registers the server's series on reg, with the Go runtime
// and process collectors.
func NewServer(reg *prometheus.Registry, p Probes) *Server {
	m := &Server{
		reg: reg,
		reqDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "civicgraph_graphql_request_duration_seconds",
			Help:    "Duration of GraphQL requests by operation type (query, mutation, subscription; none when refused before an operation was known).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15},
		}, []string{"operation"}),
		gqlErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "civicgraph_graphql_errors_total",
			Help: "Errors in GraphQL responses by extensions.code.",
		}, []string{"code"}),
		statements: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "civicgraph_cypher_statements_total",
			Help: "Database round trips (one Cypher statement, or one managed write transaction) by outcome.",
		}, []string{"outcome"}),
		stmtDur: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "civicgraph_cypher_statement_duration_seconds",
			Help:    "Duration of database round trips.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 15},
		}),
		exports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "civicgraph_export_requests_total",
			Help: "Export requests by format and HTTP status.",
		}, []string{"format", "status"}),
		exportDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "civicgraph_export_duration_seconds",
			Help:    "Duration of export requests by format.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 180, 600},
		}, []string{"format"}),
	}
	reg.MustRegister(m.reqDuration, m.gqlErrors, m.statements, m.stmtDur, m.exports, m.exportDur,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if p.Ready != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "civicgraph_neo4j_up",
			Help: "1 when Neo4j answered with the current schema at scrape time (the /readyz check), else 0.",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if p.Ready(ctx) != nil {
				return 0
			}
			return 1
		}))
	}
	if p.BreakerState != nil {
		for _, st := range []string{"closed", "half-open", "open"} {
			reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name:        "civicgraph_neo4j_breaker_state",
				Help:        "1 for the current state of the circuit breaker in front of Neo4j.",
				ConstLabels: prometheus.Labels{"state": st},
			}, func() float64 {
				if p.BreakerState() == st {
					return 1
				}
				return 0
			}))
		}
	}
	// Series with labels appear once they have a value; these start at
	// zero so a dashboard sees them from the first scrape.
	for _, op := range []string{"query", "mutation"} {
		m.reqDuration.WithLabelValues(op)
	}
	for _, o := range []string{"ok", "error"} {
		m.statements.WithLabelValues(o)
	}
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Server) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request records one GraphQL request (implements server.Observer).
func (m *Server) Request(operation string, d time.Duration) {
	switch operation {
	case "query", "mutation", "subscription":
	default:
		operation = "none"
	}
	m.reqDuration.WithLabelValues(operation).Observe(d.Seconds())
}

// Error records one error of a GraphQL response (implements
// server.Observer). Codes are the server's own (a fixed set), never
// client input; an empty one counts as INTERNAL.
func (m *Server) Error(code string) {
	if code == "" {
		code = "INTERNAL"
	}
	m.gqlErrors.WithLabelValues(code).Inc()
}

// Statement records one database round trip (neo4jdb.Config.Observe).
func (m *Server) Statement(d time.Duration, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.statements.WithLabelValues(outcome).Inc()
	m.stmtDur.Observe(d.Seconds())
}

// Export records one export request (export.HandlerOptions.Observe).
func (m *Server) Export(format string, status int, d time.Duration) {
	m.exports.WithLabelValues(format, strconv.Itoa(status)).Inc()
	m.exportDur.WithLabelValues(format).Observe(d.Seconds())
}

// Import is one import run's series, written as a textfile.
type Import struct {
	Created, Updated, Unchanged, Rewritten int
	SimilarLinks                           int
	Duration                               time.Duration
	Finished                               time.Time
}

// WriteImport writes an import run's series to path (atomically, in the
// text format a node_exporter textfile collector reads):
//
//	civicgraph_import_initiatives_total{outcome}      created, updated, unchanged, rewritten in this run
//	civicgraph_import_similar_links_total             similar links written
//	civicgraph_import_duration_seconds                the run's duration
//	civicgraph_import_last_success_timestamp_seconds  when it finished
func WriteImport(path string, im Import) error {
	reg := prometheus.NewRegistry()
	ins := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "civicgraph_import_initiatives_total",
		Help: "Initiatives handled by the last import run, by outcome.",
	}, []string{"outcome"})
	links := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "civicgraph_import_similar_links_total",
		Help: "Similar links written by the last import run.",
	})
	dur := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "civicgraph_import_duration_seconds",
		Help: "Duration of the last import run.",
	})
	last := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "civicgraph_import_last_success_timestamp_seconds",
		Help: "Unix time at which the last import run finished.",
	})
	reg.MustRegister(ins, links, dur, last)
	ins.WithLabelValues("created").Add(float64(im.Created))
	ins.WithLabelValues("updated").Add(float64(im.Updated))
	ins.WithLabelValues("unchanged").Add(float64(im.Unchanged))
	ins.WithLabelValues("rewritten").Add(float64(im.Rewritten))
	links.Add(float64(im.SimilarLinks))
	dur.Set(im.Duration.Seconds())
	last.Set(float64(im.Finished.UnixNano()) / 1e9)
	return prometheus.WriteToTextfile(path, reg)
}
