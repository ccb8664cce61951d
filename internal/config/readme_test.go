package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestREADMEListsEveryVariable: every environment variable the code,
// scripts and make targets read is named in the README, so a newcomer can
// find it (the Configuration table).
func TestREADMEListsEveryVariable(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`\b(?:CIVICGRAPH|NEO4J)_[A-Z0-9_]*[A-Z0-9]\b`)
	found := map[string]string{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "node_modules" || n == "dist" || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if ext := filepath.Ext(path); ext != ".go" && ext != ".sh" && ext != ".mk" && d.Name() != "Makefile" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range name.FindAllString(string(b), -1) {
			if _, ok := found[m]; !ok {
				found[m] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 20 {
		t.Fatalf("found only %d variables; is the walk reading the repository?", len(found))
	}
	var missing []string
	for v, where := range found {
		if !strings.Contains(string(readme), v) {
			missing = append(missing, v+" (read in "+where+")")
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("README does not name %s", m)
	}
}
