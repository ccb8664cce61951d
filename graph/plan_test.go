package graph

import (
	"os"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestInitiativeFieldsPlanned: every field of Initiative in the schema
// has its entry in initiativeFields, so the planner knows which fragment
// reads it. A new field without one fails here (it would be read as
// PartsAll meanwhile).
func TestInitiativeFieldsPlanned(t *testing.T) {
	src, err := os.ReadFile("../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	schema, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(src)})
	if gqlErr != nil {
		t.Fatal(gqlErr)
	}
	def := schema.Types["Initiative"]
	if def == nil || len(def.Fields) < 10 {
		t.Fatalf("Initiative in the schema: %v", def)
	}
	for _, f := range def.Fields {
		if _, ok := initiativeFields[f.Name]; !ok {
			t.Errorf("Initiative.%s has no entry in initiativeFields (graph/plan.go): add its parts and its fragment", f.Name)
		}
	}
	for typ, fields := range similarFields {
		checkCovered(t, schema, "similarFields", typ, func(f string) bool { _, ok := fields[f]; return ok })
	}
	for typ, fields := range linkFields {
		checkCovered(t, schema, "linkFields", typ, func(f string) bool { _, ok := fields[f]; return ok })
	}
}

// checkCovered fails t for every field of the schema's type typ that the
// planning table named table has no entry for.
func checkCovered(t *testing.T, schema *ast.Schema, table, typ string, has func(string) bool) {
	t.Helper()
	def := schema.Types[typ]
	if def == nil {
		t.Errorf("%s names %s, which the schema does not have", table, typ)
		return
	}
	for _, f := range def.Fields {
		if !has(f.Name) {
			t.Errorf("%s.%s has no entry in %s (graph/plan.go): add the parts it needs", typ, f.Name, table)
		}
	}

}
