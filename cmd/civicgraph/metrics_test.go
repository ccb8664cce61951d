package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// scrape GETs /metrics and parses it with the Prometheus text parser.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("/metrics: %d", res.StatusCode)
	}
	raw, _ := io.ReadAll(res.Body)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, raw)
	}
	return mfs
}

func parseMetricsFile(t *testing.T, path string) map[string]*dto.MetricFamily {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s does not parse: %v", path, err)
	}
	return mfs
}

// sample returns the value of the family's series with the labels (a
// counter's or gauge's value, a histogram's count), and whether it exists.
func sample(mfs map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	mf := mfs[name]
	if mf == nil {
		return 0, false
	}
next:
	for _, m := range mf.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// TestMetricsScrapedAfterRealRequests starts civicgraph serve on the test
// Neo4j, sends real requests (queries, a mutation without a token, a
// document that fails validation, a body that is not JSON, exports),
// scrapes /metrics twice and parses it with the Prometheus text parser:
// request durations by operation type, errors by code, Cypher round trips
// and their durations, Neo4j availability and exports moved by exactly
// what was sent.
func TestMetricsScrapedAfterRealRequests(t *testing.T) {
	importedDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--neo4j-uri", dbtest.URI(), "--no-model", "--log-level", "error"},
			io.Discard, io.Discard, serveOptions{onListen: func(a string) { addrc <- a }})
	}()
	t.Cleanup(func() { cancel(); <-done })
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("serve exited: %v", err)
	}
	waitStatus(t, base+"/readyz", 200, 60*time.Second)

	postRaw := func(body string) int {
		res, err := http.Post(base+"/graphql", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	before := scrape(t, base)
	stmtsBefore, _ := sample(before, "civicgraph_cypher_statements_total", "outcome", "ok")
	queriesBefore, _ := sample(before, "civicgraph_graphql_request_duration_seconds", "operation", "query")

	const query = `{"query":"query ClientChosenName { initiatives(first: 5) { totalCount edges { node { title themes { source theme { slug } } } } } }","operationName":"ClientChosenName"}`
	postRaw(query)
	postRaw(query)
	postRaw(`{"query":"mutation { deleteInitiative(id: \"initiative/nothing-here\") }"}`)
	postRaw(`{"query":"{ noSuchField }"}`)
	if s := postRaw(`not json`); s != 400 {
		t.Fatalf("bad body: %d", s)
	}
	for _, p := range []string{"/export/places.geojson", "/export/places.geojson?themes=zz-none"} {
		res, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}

	after := scrape(t, base)
	want := []struct {
		name   string
		labels []string
		delta  float64
	}{
		{"civicgraph_graphql_request_duration_seconds", []string{"operation", "query"}, 2},
		{"civicgraph_graphql_request_duration_seconds", []string{"operation", "mutation"}, 1},
		// refused before an operation was known: the document failing
		// validation and the body that is not JSON
		{"civicgraph_graphql_request_duration_seconds", []string{"operation", "none"}, 2},
		{"civicgraph_graphql_errors_total", []string{"code", "UNAUTHENTICATED"}, 1},
		{"civicgraph_graphql_errors_total", []string{"code", "GRAPHQL_VALIDATION_FAILED"}, 1},
		{"civicgraph_graphql_errors_total", []string{"code", "BAD_REQUEST"}, 1},
		{"civicgraph_export_requests_total", []string{"format", "geojson", "status", "200"}, 1},
		{"civicgraph_export_requests_total", []string{"format", "geojson", "status", "400"}, 1},
		{"civicgraph_export_duration_seconds", []string{"format", "geojson"}, 2},
	}
	for _, w := range want {
		b, _ := sample(before, w.name, w.labels...)
		a, ok := sample(after, w.name, w.labels...)
		if !ok || a-b != w.delta {
			t.Errorf("%s%v moved by %v (present %v), want %v", w.name, w.labels, a-b, ok, w.delta)
		}
	}
	if mf := after["civicgraph_graphql_request_duration_seconds"]; mf != nil {
		for _, m := range mf.Metric {
			for _, l := range m.Label {
				if strings.Contains(l.GetValue(), "ClientChosenName") {
					t.Errorf("a client-chosen operation name is a label value: %v", m.Label)
				}
			}
		}
	}
	stmts, _ := sample(after, "civicgraph_cypher_statements_total", "outcome", "ok")
	stmtErrs, _ := sample(after, "civicgraph_cypher_statements_total", "outcome", "error")
	durCount, ok := sample(after, "civicgraph_cypher_statement_duration_seconds")
	if stmts-stmtsBefore < 4 || !ok || durCount < stmts+stmtErrs-2 || durCount > stmts+stmtErrs+2 {
		// The background stale sweep may add a round trip between the
		// reads of the two series.
		t.Errorf("cypher round trips moved by %v (want ≥ 4: 2 pages, 2 counts, export reads); duration count %v for %v statements", stmts-stmtsBefore, durCount, stmts+stmtErrs)
	}
	if up, _ := sample(after, "civicgraph_neo4j_up"); up != 1 {
		t.Errorf("civicgraph_neo4j_up = %v", up)
	}
	if c, _ := sample(after, "civicgraph_neo4j_breaker_state", "state", "closed"); c != 1 {
		t.Errorf("breaker closed = %v", c)
	}
	for _, name := range []string{"civicgraph_graphql_request_duration_seconds", "civicgraph_cypher_statement_duration_seconds", "civicgraph_export_duration_seconds"} {
		if mf := after[name]; mf == nil || mf.GetType() != dto.MetricType_HISTOGRAM {
			t.Errorf("%s is not a histogram", name)
		}
	}
	for name, mf := range after {
		if strings.HasPrefix(name, "civicgraph_") && mf.GetType() == dto.MetricType_COUNTER && !strings.HasSuffix(name, "_total") {
			t.Errorf("counter %s does not end in _total", name)
		}
	}
	q1, _ := sample(after, "civicgraph_graphql_request_duration_seconds", "operation", "query")
	t.Logf("scraped: queries %v → %v, cypher round trips ok %v → %v (errors %v), neo4j_up 1, breaker closed", queriesBefore, q1, stmtsBefore, stmts, stmtErrs)
}

// TestImportMetricsFile: a second import of the showroom writes its
// counters to --metrics-file, and the Prometheus text parser reads them:
// every initiative unchanged, none created.
func TestImportMetricsFile(t *testing.T) {
	db := importedDB(t)
	path := filepath.Join(t.TempDir(), "civicgraph_import.prom")
	var out bytes.Buffer
	if err := runImport(context.Background(), append(append(importArgs(), "--metrics-file", path, "--no-similarity"), pagePaths(t)...), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	_ = db
	n := oneInt(t, `MATCH (i:Initiative) RETURN count(i)`)
	mfs := parseMetricsFile(t, path)
	unchanged, _ := sample(mfs, "civicgraph_import_initiatives_total", "outcome", "unchanged")
	created, ok := sample(mfs, "civicgraph_import_initiatives_total", "outcome", "created")
	dur, _ := sample(mfs, "civicgraph_import_duration_seconds")
	last, _ := sample(mfs, "civicgraph_import_last_success_timestamp_seconds")
	if !ok || created != 0 || int(unchanged) != n || dur <= 0 || last <= 0 {
		t.Errorf("import metrics: created %v, unchanged %v (want %d), duration %v, last %v", created, unchanged, n, dur, last)
	}
	t.Logf("import metrics file: unchanged %v, created %v, duration %.2fs", unchanged, created, dur)
}
