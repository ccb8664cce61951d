package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/enrich"
)

// TestRead checks the readers' table and the merge: a directory is read
// by extension (other files ignored), records of later files replace
// earlier ones of the same key, user records replace page records of
// their key, a bad line is reported while the rest is read, and paths
// without any input file are an error naming the accepted extensions.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.jsonl", `{"id":"vb-1","title":"Vellbrook Repair Van","summary":"A van repairs things."}
{"id":"vb-2","title":"Second","summary":"Two."}
`)
	write("b.jsonl", `{"id":"vb-1","title":"Vellbrook Repair Van, corrected","summary":"A van repairs bikes."}
{"id":"vb-3","nope":1}
`)
	write("notes.md", "not an input")
	in, err := Read([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if in.Files != 2 || in.UserRecords != 3 {
		t.Errorf("files %d, user records %d; want 2 and 3", in.Files, in.UserRecords)
	}
	titles := map[string]string{}
	for _, r := range in.Records {
		titles[r.Key] = r.Title
	}
	if len(titles) != 2 || titles["vb-1"] != "Vellbrook Repair Van, corrected" || titles["vb-2"] != "Second" {
		t.Errorf("records %v, want vb-1 from the later file and vb-2", titles)
	}
	if in.Errs == nil || !strings.Contains(in.Errs.Error(), "b.jsonl") {
		t.Errorf("input errors %v, want the bad line of b.jsonl", in.Errs)
	}

	// A user record overrides the page record of its key.
	pages, err := filepath.Glob("../importer/testdata/pages/*.txt")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no test pages: %v", err)
	}
	fromPages, err := Read(pages)
	if err != nil {
		t.Fatal(err)
	}
	if len(fromPages.Records) == 0 || fromPages.Stats.Pages != len(pages) {
		t.Fatalf("%d records from %d pages (stats %+v)", len(fromPages.Records), len(pages), fromPages.Stats)
	}
	key := fromPages.Records[0].Key
	write("override.jsonl", `{"id":"`+key+`","title":"Overridden","summary":"By a user."}`+"\n")
	both, err := Read(append(pages, filepath.Join(dir, "override.jsonl")))
	if err != nil {
		t.Fatal(err)
	}
	if len(both.Records) != len(fromPages.Records) {
		t.Errorf("%d records with the override, want %d", len(both.Records), len(fromPages.Records))
	}
	for _, r := range both.Records {
		if r.Key == key && r.Title != "Overridden" {
			t.Errorf("page record %s kept its title %q over the user record", key, r.Title)
		}
	}

	empty := t.TempDir()
	if _, err := Read([]string{empty}); err == nil || !strings.Contains(err.Error(), ".csv, .jsonl, .txt") {
		t.Errorf("empty directory: %v, want an error naming the accepted extensions", err)
	}
}

// TestReadWarnings: what the page reader repaired or left out reaches the
// import's summary (a count) and report (each line, with its page),
// including a page with no initiative at all.
func TestReadWarnings(t *testing.T) {
	dir := t.TempDir()
	header := "URL: https://innovationinpolitics.eu/showroom/?project_cat=community\n\nShowroom\n\nBest Practice in Politics\n\nHere we collect invented political work for this fixture.\n\n"
	block := "Orlevik Tool Library\n\nNeighbours in Orlevik lend each other drills, ladders and sewing machines from a shared shed run by volunteers.\n\n"
	pages := map[string]string{
		"repeated.txt": header + block + block,
		"empty.txt":    header,
	}
	for name, body := range pages {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in, err := Read([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Records) != 1 {
		t.Fatalf("%d records, want the one initiative", len(in.Records))
	}
	got := map[string][]string{}
	for _, w := range in.Warnings {
		got[filepath.Base(w.Path)] = append(got[filepath.Base(w.Path)], w.Msg)
	}
	if len(got["repeated.txt"]) != 1 || !strings.Contains(got["repeated.txt"][0], "repeated block dropped") ||
		len(got["empty.txt"]) != 1 || got["empty.txt"][0] != "no initiative found on the page" {
		t.Fatalf("warnings %q, want the repeated block and the empty page", got)
	}

	s := Summary{Files: in.Files, Pages: in.Stats.Pages, Warnings: in.Warnings}
	var sum, rep strings.Builder
	s.Print(&sum, nil)
	if !strings.Contains(sum.String(), "page warnings:        2 on 2 pages") {
		t.Errorf("summary lacks the warning count:\n%s", sum.String())
	}
	PrintReport(&rep, s, &enrich.Report{})
	for _, w := range in.Warnings {
		if !strings.Contains(rep.String(), w.Path+": "+w.Msg) {
			t.Errorf("report lacks %s: %s:\n%s", w.Path, w.Msg, rep.String())
		}
	}
}
