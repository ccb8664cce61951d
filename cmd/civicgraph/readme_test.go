package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/civicgraph/civicgraph/graph"
)

// TestREADMEExamples runs every ```graphql block of the README's Examples
// section against the imported showroom (mutations with the test token,
// in order) and fails on any error or empty answer; and every root field
// of the schema must appear in one, so the walk-through covers the API.
func TestREADMEExamples(t *testing.T) {
	db := importedDB(t)
	t.Cleanup(func() { reimport(t) })
	srv := newAPI(t, db, nil)
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, "\n## Examples\n")
	if start < 0 {
		t.Fatal("README has no Examples section")
	}
	section := readme[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)\n```").FindAllStringSubmatch(section, -1)
	if len(blocks) < 10 {
		t.Fatalf("only %d graphql blocks in the Examples section", len(blocks))
	}
	used := map[string]bool{}
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	for _, m := range blocks {
		query := m[1]
		r := post(t, srv, query, nil, "Authorization", "Bearer "+testToken)
		if len(r.Errors) > 0 {
			t.Errorf("README example\n%s\nanswered errors: %+v", query, r.Errors)
			continue
		}
		if s := string(r.Data); s == "" || s == "null" || s == "{}" {
			t.Errorf("README example\n%s\nanswered no data", query)
		}
		for _, root := range []*ast.Definition{schema.Query, schema.Mutation} {
			for _, f := range root.Fields {
				if regexp.MustCompile(`[{\s]` + f.Name + `\s*[({]`).MatchString(query) {
					used[root.Name+"."+f.Name] = true
				}
			}
		}
	}
	for _, root := range []*ast.Definition{schema.Query, schema.Mutation} {
		for _, f := range root.Fields {
			if !strings.HasPrefix(f.Name, "__") && !used[root.Name+"."+f.Name] {
				t.Errorf("no README example uses %s.%s", root.Name, f.Name)
			}
		}
	}
	t.Logf("%d README examples answered; %d root fields covered", len(blocks), len(used))
}
