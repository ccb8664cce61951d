package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/curation"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/enrich"
	"github.com/civicgraph/civicgraph/internal/gazetteer"
	"github.com/civicgraph/civicgraph/internal/ingest"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
	"github.com/civicgraph/civicgraph/internal/themes"
)

// TestImportIdempotentAndResumable imports ../shared twice and checks the
// second run changes no node or relationship count; then it cancels an
// import after its first batch and checks the next run completes it with
// the same counts.
func TestImportIdempotentAndResumable(t *testing.T) {
	db := dbtest.Open(t)
	t.Cleanup(func() { reimport(t) })
	ctx := context.Background()
	args := append(importArgs(), pagePaths(t)...)

	var out1, out2 bytes.Buffer
	if err := runImport(ctx, args, &out1, io.Discard); err != nil {
		t.Fatalf("first import: %v", err)
	}
	first, err := db.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := runImport(ctx, args, &out2, io.Discard); err != nil {
		t.Fatalf("second import: %v", err)
	}
	second, err := db.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(first, second) {
		t.Errorf("counts changed on re-import:\nfirst  %v\nsecond %v", first, second)
	}
	if first["Initiative"] < 400 || first["SIMILAR"] == 0 || first["HAS_THEME"] == 0 || first["IN_CITY"] == 0 {
		t.Errorf("implausible graph: %v", first)
	}
	if !strings.Contains(out2.String(), "0 created, 0 updated") {
		t.Errorf("second run wrote initiatives again:\n%s", out2.String())
	}
	t.Logf("graph after import: %v", first)
	// The summary compares with what the graph knew before the run: nothing
	// before the first, the first run's coverage before the second.
	if strings.Contains(out1.String(), "coverage before:") {
		t.Errorf("first import into an empty graph printed a coverage before it:\n%s", out1.String())
	}
	after, before := coverageFigures(t, out1.String(), "coverage:"), coverageFigures(t, out2.String(), "coverage before:")
	if after != before {
		t.Errorf("second import: coverage before %q, the first import left %q", before, after)
	}

	// Cancel after the first batch of 50, then resume.
	dbtest.Wipe(t, db)
	read, err := ingest.Read(pagePaths(t))
	if err != nil {
		t.Fatal(err)
	}
	recs := read.Records
	tax := themes.Default()
	ins, _ := (&enrich.Enricher{Gaz: gazetteer.Default(), Tax: tax}).Build(recs)
	ins = meaningFor(t, ins) // what runImport writes: duplicates merged
	if err := db.UpsertThemes(ctx, enrich.ThemeList(tax)); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	st, err := db.ImportInitiatives(cctx, ins, neo4jdb.ImportOptions{BatchSize: 50, Progress: func(done int) {
		if done >= 50 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled import returned %v", err)
	}
	if st.Created != 50 {
		t.Errorf("cancelled import created %d, want the first batch of 50", st.Created)
	}
	partial, _ := db.Counts(ctx)
	if partial["Initiative"] != 50 {
		t.Errorf("after cancel: %d initiatives in the graph, want 50", partial["Initiative"])
	}
	var out3 bytes.Buffer
	if err := runImport(ctx, args, &out3, io.Discard); err != nil {
		t.Fatalf("resumed import: %v", err)
	}
	resumed, _ := db.Counts(ctx)
	if !maps.Equal(first, resumed) {
		t.Errorf("resumed import differs from a full one:\nfull    %v\nresumed %v", first, resumed)
	}
	if !strings.Contains(out3.String(), "50 unchanged") {
		t.Errorf("resumed run did not skip the 50 written before the cancel:\n%s", out3.String())
	}
}

// TestCurationSurvivesReimport checks that a curator's unlink and link are
// not undone by the next import.
func TestCurationSurvivesReimport(t *testing.T) {
	db := importedDB(t)
	t.Cleanup(func() { reimport(t) })
	ctx := context.Background()
	pg, err := db.InitiativePage(ctx, domain.PageQuery{Filter: domain.InitiativeFilter{Themes: []string{"covid-19"}}, First: 1, Plan: domain.WholePlan, Page: true})
	if err != nil || len(pg.Rows) == 0 {
		t.Fatalf("no covid initiative: %v", err)
	}
	key := pg.Rows[0].ID
	cur := curation.New(db, nil, nil)
	if err := cur.UnlinkTheme(ctx, key, "covid-19"); err != nil {
		t.Fatal(err)
	}
	if err := cur.LinkTheme(ctx, key, "culture"); err != nil {
		t.Fatal(err)
	}
	// Force the import to rewrite this initiative: change its stored hash.
	if _, err := cur.UpsertInitiative(ctx, domain.InitiativeInput{Key: key, Title: pg.Rows[0].Title, Summary: pg.Rows[0].Summary}); err != nil {
		t.Fatal(err)
	}
	if err := runImport(ctx, append(importArgs(), pagePaths(t)...), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	got, err := db.InitiativesByKeys(ctx, []string{key})
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, th := range got[key].Themes {
		slugs = append(slugs, th.Slug+"/"+th.Source)
	}
	if containsFold(slugs, "covid-19/category") || !containsFold(slugs, "culture/user") {
		t.Errorf("after re-import %s has themes %v; want covid-19 still unlinked and culture kept", key, slugs)
	}
}

// TestDryRunJSON checks the dry-run contract on the real pages: one JSON
// object per initiative with the documented fields, and no database.
func TestDryRunJSON(t *testing.T) {
	paths := pagePaths(t)
	var out bytes.Buffer
	args := append([]string{"--dry-run", "--json", "--neo4j-uri", "bolt://127.0.0.1:1"}, paths...)
	if err := runImport(context.Background(), args, &out, io.Discard); err != nil {
		t.Fatalf("dry run: %v", err)
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n, withCity, withCountry, derived := 0, 0, 0, 0
	for sc.Scan() {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v", n+1, err)
		}
		for _, k := range []string{"title", "titleDerived", "summary", "city", "country", "themes", "awards", "sources"} {
			if _, ok := m[k]; !ok {
				t.Fatalf("line %d lacks %q: %s", n+1, k, sc.Bytes())
			}
		}
		var in domain.Initiative
		_ = json.Unmarshal(sc.Bytes(), &in)
		if in.City != nil {
			withCity++
			if in.City.CountryCode == "" || in.City.Lat == 0 {
				t.Errorf("%s: incomplete city %+v", in.ID, in.City)
			}
		}
		if in.Country != nil {
			withCountry++
			if len(in.Country.Code) != 2 {
				t.Errorf("%s: country code %q", in.ID, in.Country.Code)
			}
		}
		if in.TitleDerived {
			derived++
		}
		if len(in.Sources) == 0 {
			t.Errorf("%s has no sources", in.ID)
		}
		for _, th := range in.Themes {
			if (th.Source != "category" && th.Source != "text") || th.Confidence <= 0 || th.Confidence > 1 || len(th.Sources) == 0 {
				t.Errorf("%s: theme %+v", in.ID, th)
			}
		}
		n++
	}
	if n < 400 || withCity < 100 || withCountry < withCity || derived == 0 {
		t.Errorf("dry run: %d initiatives, %d with city, %d with country, %d derived titles", n, withCity, withCountry, derived)
	}
	t.Logf("dry run: %d initiatives, %d with city, %d with country, %d derived titles", n, withCity, withCountry, derived)
}

// TestImportUserFiles imports a JSON Lines and a CSV file we write here.
func TestImportUserFiles(t *testing.T) {
	db := dbtest.Open(t)
	t.Cleanup(func() { reimport(t) })
	dir := t.TempDir()
	jsonl := `{"title": "Harbour Clean-Up Robots", "summary": "A city deploys small robots to collect plastic from the harbour.", "city": "Aarhus", "country": "DK", "themes": "climate-environment", "url": "https://example.org/robots"}
{"title": broken json
`
	csv := "title,summary,city,country,themes,awards,url\n" +
		"Neighbourhood Budget Lab,Residents decide how to spend part of the district budget.,Leuven,BE,participation,2021:finalist:democracy,https://example.org/lab\n"
	if err := os.WriteFile(filepath.Join(dir, "extra.jsonl"), []byte(jsonl), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "extra.csv"), []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := runImport(context.Background(), append(importArgs(), dir), &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("want an error naming the broken line 2, got %v", err)
	}
	pg, qerr := db.InitiativePage(context.Background(), domain.PageQuery{First: 10, Plan: domain.WholePlan, Page: true})
	if qerr != nil {
		t.Fatal(qerr)
	}
	byTitle := map[string]*domain.Initiative{}
	for _, in := range pg.Rows {
		byTitle[in.Title] = in.Initiative
	}
	robots, lab := byTitle["Harbour Clean-Up Robots"], byTitle["Neighbourhood Budget Lab"]
	if len(pg.Rows) != 2 || robots == nil || lab == nil {
		t.Fatalf("imported %d initiatives: %v", len(pg.Rows), byTitle)
	}
	if robots.City == nil || (robots.City.Name != "Aarhus" && robots.City.Name != "Århus") || robots.City.CountryCode != "DK" || len(robots.Themes) == 0 || robots.Themes[0].Slug != "climate-environment" {
		t.Errorf("robots: city %+v themes %+v", robots.City, robots.Themes)
	}
	if lab.City == nil || lab.City.Name != "Leuven" || len(lab.Awards) != 1 || lab.Awards[0].Year != 2021 || lab.Awards[0].Status != "finalist" {
		t.Errorf("lab: city %+v awards %+v", lab.City, lab.Awards)
	}
}

// coverageFigures returns the four percentages (city, country, award year,
// level) of the summary line that starts with label.
func coverageFigures(t *testing.T, summary, label string) string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(label) + `\s+city (\d+%), country (\d+%), award year (\d+%), level of government (\d+%)`)
	m := re.FindStringSubmatch(summary)
	if m == nil {
		t.Fatalf("no %q line in the summary:\n%s", label, summary)
	}
	return strings.Join(m[1:], " ")
}

// TestImportReportsLexicalDuplicates: without the model, an import finds
// the lexical duplicate suspicions, and its
// summary and report say what its dry run says: the reworded pair, and
// not the unrelated initiative.
func TestImportReportsLexicalDuplicates(t *testing.T) {
	dbtest.Open(t)
	t.Cleanup(func() { reimport(t) })
	dir := t.TempDir()
	jsonl := `{"title": "Harbour Clean-Up Robots", "summary": "A city deploys small robots that collect plastic waste from the old harbour every night.", "city": "Aarhus", "country": "DK"}
{"title": "Robots Clean the Harbour", "summary": "A city deploys small robots that collect plastic waste from the old harbour each night.", "city": "Aarhus", "country": "DK"}
{"title": "Neighbourhood Budget Lab", "summary": "Residents decide how to spend part of the district budget in open assemblies.", "city": "Leuven", "country": "BE"}
`
	path := filepath.Join(dir, "dups.jsonl")
	if err := os.WriteFile(path, []byte(jsonl), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(extra ...string) string {
		t.Helper()
		var out bytes.Buffer
		args := append(append(importArgs(), "--no-model", "--report"), extra...)
		if err := runImport(context.Background(), append(args, path), &out, io.Discard); err != nil {
			t.Fatalf("import %v: %v", extra, err)
		}
		return out.String()
	}
	section := func(out string) string {
		i := strings.Index(out, "== suspected duplicates, by words only")
		if i < 0 {
			t.Fatalf("no suspected-duplicates section:\n%s", out)
		}
		rest := out[i:]
		if j := strings.Index(rest[1:], "\n=="); j >= 0 {
			rest = rest[:j+1]
		}
		return rest
	}
	dry, imported := run("--dry-run"), run("--wipe")
	for name, out := range map[string]string{"dry run": dry, "import": imported} {
		if !strings.Contains(out, "lexical only (no embedding model): 1 suspected, none merged") {
			t.Errorf("%s: summary does not count the one suspected pair:\n%s", name, out)
		}
		if s := section(out); !strings.Contains(s, "Harbour Clean-Up Robots") || !strings.Contains(s, "Robots Clean the Harbour") || strings.Contains(s, "Budget Lab") {
			t.Errorf("%s: suspected pairs:\n%s", name, s)
		}
	}
	if section(dry) != section(imported) {
		t.Errorf("import and dry run disagree:\n%s\n--- against ---\n%s", section(imported), section(dry))
	}
}
