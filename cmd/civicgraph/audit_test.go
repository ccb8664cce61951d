package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/civicgraph/civicgraph/internal/testenv"
)

// TestGraphQLOverHTTPAudit runs graphql-http's audit suite (the GraphQL
// over HTTP specification; tools/graphql-audit, installed by `make test`)
// against the API on the real Neo4j: no audit may report an error.
// Warnings (SHOULD rules) are logged; the README lists them.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	dir := filepath.Join("..", "..", "tools", "graphql-audit")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "graphql-http")); err != nil {
		msg := "graphql-http is not installed in tools/graphql-audit: run `make graphql-audit-deps` (make test does)"
		testenv.Missing(t, msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node not found: %v", err)
	}
	srv := newAPI(t, importedDB(t), nil)
	out, err := exec.Command(node, filepath.Join(dir, "audit.mjs"), srv.URL+"/graphql").CombinedOutput()
	summary := regexp.MustCompile(`audit: (\d+) audits, (\d+) ok, (\d+) warnings, (\d+) errors`).FindStringSubmatch(string(out))
	if err != nil || summary == nil || summary[4] != "0" {
		t.Fatalf("audit failed (%v):\n%s", err, out)
	}
	t.Logf("graphql-http audit: %s audits, %s ok, %s warnings, %s errors", summary[1], summary[2], summary[3], summary[4])
	for _, line := range regexp.MustCompile(`(?m)^(warn|notice).*$`).FindAllString(string(out), -1) {
		t.Log("  " + line)
	}
}
