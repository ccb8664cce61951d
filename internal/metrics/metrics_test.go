package metrics

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Two servers, each on its own registry, do not share counts (tests and
// several servers in one process run side by side).
func TestServersHaveTheirOwnRegistries(t *testing.T) {
	t.Parallel()
	a := NewServer(prometheus.NewRegistry(), Probes{BreakerState: func() string { return "open" }})
	b := NewServer(prometheus.NewRegistry(), Probes{})
	a.Request("query", 3*time.Millisecond)
	a.Request("ClientChosenName", time.Millisecond) // not an operation type: counted as none
	a.Error("BAD_USER_INPUT")
	a.Statement(time.Millisecond, nil)
	for name, m := range map[string]*Server{"a": a, "b": b} {
		rec := httptest.NewRecorder()
		m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		p := expfmt.NewTextParser(model.UTF8Validation)
		mfs, err := p.TextToMetricFamilies(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n := 0
		for _, m := range mfs["civicgraph_graphql_request_duration_seconds"].GetMetric() {
			n += int(m.GetHistogram().GetSampleCount())
		}
		want := map[string]int{"a": 2, "b": 0}[name]
		if n != want || strings.Contains(rec.Body.String(), "ClientChosenName") {
			t.Errorf("%s: %d requests, want %d\n%s", name, n, want, rec.Body.String())
		}
		if name == "a" && !strings.Contains(rec.Body.String(), `civicgraph_neo4j_breaker_state{state="open"} 1`) {
			t.Errorf("breaker state missing:\n%s", rec.Body.String())
		}
	}
}

func TestWriteImportParses(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "import.prom")
	if err := WriteImport(path, Import{Created: 3, Updated: 1, Unchanged: 5, SimilarLinks: 7, Duration: 1500 * time.Millisecond, Finished: time.Unix(1700000000, 0)}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, m := range mfs["civicgraph_import_initiatives_total"].GetMetric() {
		got[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
	}
	if got["created"] != 3 || got["updated"] != 1 || got["unchanged"] != 5 || got["rewritten"] != 0 ||
		mfs["civicgraph_import_duration_seconds"].GetMetric()[0].GetGauge().GetValue() != 1.5 {
		t.Errorf("%v\n%s", got, raw)
	}
}
