package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed/embedtest"
	"github.com/civicgraph/civicgraph/internal/enrich"
	"github.com/civicgraph/civicgraph/internal/gazetteer"
	"github.com/civicgraph/civicgraph/internal/ingest"
	"github.com/civicgraph/civicgraph/internal/themes"
)

// testModel is the model configuration import uses: defaults, then the
// environment (CIVICGRAPH_MODEL_DIR, CIVICGRAPH_NO_MODEL, ...).
func testModel(tb testing.TB) config.Model {
	tb.Helper()
	cfg := config.Defaults()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	cfg.RegisterModel(fs)
	if err := fs.Parse(nil); err != nil {
		tb.Fatal(err)
	}
	return cfg.Model
}

// meaningFor runs the import's meaning step the way an import does, so
// tests that write initiatives themselves write what the import would.
func meaningFor(tb testing.TB, ins []*domain.Initiative) []*domain.Initiative {
	tb.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	en := &enrich.Enricher{Gaz: gazetteer.Default(), Tax: themes.Default()}
	out, _, _, err := ingest.ApplyMeaning(context.Background(), loadModel(testModel(tb), log), en, ins, log)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestDryRunReportDuplicates: with the model, the dry run merges
// near-duplicates, counts them in the summary and lists merged and
// uncertain pairs in the report; with --no-model it says duplicates are
// lexical only and merges nothing.
func TestDryRunReportDuplicates(t *testing.T) {
	paths := pagePaths(t)
	embedtest.Model(t) // skips without the model (fails under CI=true)
	run := func(extra ...string) string {
		var out bytes.Buffer
		args := append(append([]string{"--dry-run", "--report", "--log-level", "warn", "--model-dir", embedtest.Dir()}, extra...), paths...)
		if err := runImport(context.Background(), args, &out, io.Discard); err != nil {
			t.Fatalf("dry run %v: %v", extra, err)
		}
		return out.String()
	}
	out := run()
	m := regexp.MustCompile(`duplicates: +(\d+) merged \((\d+) → (\d+) initiatives\), (\d+) uncertain`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("summary lacks the duplicates line:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	before, _ := strconv.Atoi(m[2])
	after, _ := strconv.Atoi(m[3])
	if n < 3 || before-after != n || !strings.Contains(out, "initiatives:          "+m[3]+" ") {
		t.Errorf("summary says %s merged, %s → %s; initiatives line should show %s:\n%s", m[1], m[2], m[3], m[3], out)
	}
	merged := out[strings.Index(out, "== merged duplicates"):]
	if !strings.Contains(merged, "#GDAŃSKPOMAGA") || !strings.Contains(merged, "desc 0.") || !strings.Contains(out, "== uncertain duplicates, not merged ("+m[4]+";") {
		t.Errorf("report lacks the merged Gdańsk pair or the uncertain section:\n%s", merged)
	}

	lex := run("--no-model")
	if !strings.Contains(lex, "duplicates:           lexical only") || !strings.Contains(lex, "== suspected duplicates, by words only") || strings.Contains(lex, "== merged duplicates") {
		t.Errorf("--no-model: want lexical suspicions only:\n%s", lex)
	}
}
