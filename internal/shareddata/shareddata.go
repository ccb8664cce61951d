// Package shareddata finds the showroom pages that tests read: the seeds
// and the corpus in the project's shared folder. The pages are never
// copied into the repository.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/civicgraph/civicgraph/internal/testenv"
)

// Dir returns the shared folder: $CIVICGRAPH_DATA, or ../../../shared,
// which is the folder beside the checkout as seen from a package two
// levels down (cmd/x, internal/x), where `go test` runs. Without corpus
// pages there the test is skipped, except under CI=true, where it fails:
// CI must never pass by skipping.
func Dir(tb testing.TB) string {
	tb.Helper()
	d := os.Getenv("CIVICGRAPH_DATA")
	if d == "" {
		d = filepath.Join("..", "..", "..", "shared")
	}
	if corpus, _ := filepath.Glob(filepath.Join(d, "corpus", "showroom", "*.txt")); len(corpus) == 0 {
		msg := "no showroom pages under " + filepath.Join(d, "corpus", "showroom") + " (set CIVICGRAPH_DATA to the shared folder)"
		testenv.Missing(tb, msg)
	}
	return d
}

// Pages returns the seed and corpus page files (see Dir).
func Pages(tb testing.TB) (seeds, corpus []string) {
	tb.Helper()
	d := Dir(tb)
	seeds, _ = filepath.Glob(filepath.Join(d, "seeds", "*.txt"))
	corpus, _ = filepath.Glob(filepath.Join(d, "corpus", "showroom", "*.txt"))
	return seeds, corpus
}
