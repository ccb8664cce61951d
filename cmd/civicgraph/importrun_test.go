package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// genInput writes a synthetic input of n initiatives (civicgraph gen,
// seed 1: the first n records of a larger size are the same).
func genInput(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("g%d.jsonl", n))
	if err := runGen(context.Background(), []string{"--size", fmt.Sprint(n), "--out", path}, io.Discard, io.Discard); err != nil {
		t.Fatalf("gen: %v", err)
	}
	return path
}

// mustImport runs import in-process and returns its summary.
func mustImport(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := runImport(context.Background(), append(importArgs(), args...), &out, io.Discard); err != nil {
		t.Fatalf("import %v: %v\n%s", args, err, out.String())
	}
	return out.String()
}

// assertSameGraph fails unless the database holds exactly want.
func assertSameGraph(t *testing.T, what string, want graphDump) {
	t.Helper()
	got := dumpGraph(t)
	if got.digest() != want.digest() {
		t.Errorf("%s: graph digest %s, want %s (clean import)\ncounts %v\nwant   %v\n%s",
			what, got.digest(), want.digest(), got.counts, want.counts, want.diff(got))
	} else if !maps.Equal(got.counts, want.counts) {
		t.Errorf("%s: counts %v, want %v", what, got.counts, want.counts) // cannot happen with equal digests
	}
}

// TestImportRepairsLinksOfUnchangedInitiatives: links can vanish while the
// initiative node and its stored content hash stay (their other end
// deleted). A plain re-import, after a run that finished, must not report
// those initiatives unchanged; it rewrites them and the graph equals a
// clean import. (Before the fix the re-import reported "300 unchanged"
// and every HAS_THEME link stayed gone.)
func TestImportRepairsLinksOfUnchangedInitiatives(t *testing.T) {
	dbtest.Open(t)
	t.Cleanup(func() { reimport(t) })
	in := genInput(t, 300)
	mustImport(t, "--wipe", in)
	clean := dumpGraph(t)
	if clean.counts["HAS_THEME"] == 0 || clean.counts["IN_CITY"] == 0 || clean.counts["AWARDED"] == 0 || clean.counts["SIMILAR"] == 0 {
		t.Fatalf("implausible clean graph: %v", clean.counts)
	}
	rawQuery(t, `MATCH (t:Theme) DETACH DELETE t`, nil)
	rawQuery(t, `MATCH (c:City) WITH c ORDER BY c.id LIMIT 20 DETACH DELETE c`, nil)
	rawQuery(t, `MATCH ()-[r:AWARDED]->() WITH r LIMIT 50 DELETE r`, nil)

	out := mustImport(t, in)
	assertSameGraph(t, "after re-import", clean)
	if !regexp.MustCompile(`(?m)^\s+neo4j:\s+0 created, 0 updated, 0 unchanged, 300 rewritten`).MatchString(out) {
		t.Errorf("re-import summary:\n%s", out)
	}
}

// TestImportFinishesAnInterruptedWipe reproduces issue 14's case: an
// `import --wipe g` killed while deleting (places and themes gone, some
// initiatives gone, others left with their hashes), then a plain
// `import g`. The run marker says the wipe did not finish, so the plain
// run finishes it: the graph equals a clean import of g, without the
// initiatives that only the older input had.
func TestImportFinishesAnInterruptedWipe(t *testing.T) {
	db := dbtest.Open(t)
	t.Cleanup(func() { reimport(t) })
	ctx := context.Background()
	small, big := genInput(t, 300), genInput(t, 320)
	mustImport(t, "--wipe", small)
	clean := dumpGraph(t)
	mustImport(t, big) // 20 more initiatives, which a wipe removes

	// What a killed `import --wipe small` leaves: its marker, started in
	// the wipe phase, and a half-deleted graph.
	if _, err := db.StartImportRun(ctx, neo4jdb.ImportRun{Phase: neo4jdb.PhaseWipe, Wipe: true, Digest: "killed"}); err != nil {
		t.Fatal(err)
	}
	rawQuery(t, `MATCH (x) WHERE x:City OR x:Theme OR x:Country DETACH DELETE x`, nil)
	rawQuery(t, `MATCH (i:Initiative) WITH i ORDER BY i.key DESC LIMIT 100 DETACH DELETE i`, nil)

	out := mustImport(t, small)
	assertSameGraph(t, "after the run that followed the killed wipe", clean)
	if !strings.Contains(out, "300 created") {
		t.Errorf("the run did not start from an empty graph:\n%s", out)
	}
	run, err := db.LastImportRun(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if run == nil || !run.Finished() || !run.Wipe || !run.Repair || run.Phase != neo4jdb.PhaseDone {
		t.Errorf("marker after the repairing run: %+v, want finished, wipe, repair", run)
	}
}

// TestImportRewritesAllAfterUnfinishedRun: after a run that did not finish
// (here killed in its similarity phase), the next run trusts no stored
// hash: every initiative is rewritten, so even damage that keeps the
// hashes and the links (a property, a link's confidence) is repaired.
func TestImportRewritesAllAfterUnfinishedRun(t *testing.T) {
	db := dbtest.Open(t)
	t.Cleanup(func() { reimport(t) })
	ctx := context.Background()
	in := genInput(t, 300)
	mustImport(t, "--wipe", in)
	clean := dumpGraph(t)

	if _, err := db.StartImportRun(ctx, neo4jdb.ImportRun{Phase: neo4jdb.PhaseSimilarity, Digest: "killed"}); err != nil {
		t.Fatal(err)
	}
	rawQuery(t, `MATCH (i:Initiative) WITH i ORDER BY i.key LIMIT 5 SET i.title = 'damaged'`, nil)
	rawQuery(t, `MATCH (:Initiative)-[r:IN_COUNTRY]->() WITH r LIMIT 5 SET r.confidence = 0.01`, nil)
	rawQuery(t, `MATCH (a:Initiative)-[r:SIMILAR]->() WITH a LIMIT 30 MATCH (a)-[r:SIMILAR]->() DELETE r`, nil)

	out := mustImport(t, in)
	assertSameGraph(t, "after the run that followed the unfinished one", clean)
	if !strings.Contains(out, "0 created, 0 updated, 0 unchanged, 300 rewritten") {
		t.Errorf("want every initiative rewritten:\n%s", out)
	}
	run, err := db.LastImportRun(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if run == nil || !run.Finished() || !run.Repair {
		t.Errorf("marker after the repairing run: %+v", run)
	}
	// The run after that one trusts the hashes again.
	if out := mustImport(t, in); !strings.Contains(out, "300 unchanged, 0 rewritten") {
		t.Errorf("the next run rewrote initiatives again:\n%s", out)
	}
}

// TestWipeGuard: --wipe without --yes refuses a database that holds data
// but no civicgraph import run marker (it may be someone else's) and
// leaves it untouched; --yes wipes it; after a civicgraph import (the
// marker survives wipes) and on an empty database --wipe needs no --yes.
func TestWipeGuard(t *testing.T) {
	dbtest.Open(t)
	t.Cleanup(func() { reimport(t) })
	in := genInput(t, 30)
	guarded := func(extra ...string) error {
		args := append([]string{"--neo4j-uri", dbtest.URI(), "--log-level", "warn", "--no-model", "--no-similarity", "--wipe"}, extra...)
		return runImport(context.Background(), append(args, in), io.Discard, io.Discard)
	}
	foreign := func() int64 {
		rows := rawQuery(t, `MATCH (n:ForeignData) RETURN count(n)`, nil)
		return rows[0][0].(int64)
	}
	forget := func() { rawQuery(t, `MATCH (m:Meta {key: 'import'}) DELETE m`, nil) }

	forget()
	rawQuery(t, `CREATE (:ForeignData {name: 'not civicgraph'})`, nil)
	err := guarded()
	if err == nil || !strings.Contains(err.Error(), "--yes") {
		t.Fatalf("--wipe on a foreign database: %v, want a refusal naming --yes", err)
	}
	// The check runs beside enrich and meaning (ingest's open step); its
	// refusal is the run's error whichever step it stopped.
	if !strings.Contains(err.Error(), "import step begin") {
		t.Errorf("refusal %q does not name the begin step", err)
	}
	if n := foreign(); n != 1 {
		t.Fatalf("refused wipe left %d foreign nodes, want 1", n)
	}
	if err := guarded("--yes"); err != nil {
		t.Fatalf("--wipe --yes: %v", err)
	}
	if n := foreign(); n != 0 {
		t.Errorf("--wipe --yes left %d foreign nodes", n)
	}

	// The import left its marker: the next --wipe needs no --yes.
	rawQuery(t, `CREATE (:ForeignData {name: 'added later'})`, nil)
	if err := guarded(); err != nil {
		t.Fatalf("--wipe after a civicgraph import: %v", err)
	}
	if n := foreign(); n != 0 {
		t.Errorf("--wipe after a civicgraph import left %d foreign nodes", n)
	}

	// An empty database without a marker: nothing to lose.
	dbtest.Wipe(t, dbtest.Shared(t))
	forget()
	if err := guarded(); err != nil {
		t.Fatalf("--wipe on an empty database: %v", err)
	}
}

// TestSimilarityWeightsConfigurable: the score's weights come from flags;
// with the theme weight 0 (and no model) a link's score is its TF-IDF
// text score alone, with the defaults shared themes add to it; weights out
// of range are a usage error.
func TestSimilarityWeightsConfigurable(t *testing.T) {
	dbtest.Open(t)
	t.Cleanup(func() { reimport(t) })
	in := genInput(t, 200)
	base := []string{"--neo4j-uri", dbtest.URI(), "--log-level", "warn", "--no-model", "--wipe", "--yes"}
	differing := func() (links, differ int64) {
		rows := rawQuery(t, `MATCH ()-[s:SIMILAR]->() RETURN count(s), sum(CASE WHEN abs(s.score - s.textScore) > 1e-9 THEN 1 ELSE 0 END)`, nil)
		return rows[0][0].(int64), rows[0][1].(int64)
	}
	if err := runImport(context.Background(), append(base, "--similarity-theme-weight", "0", in), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if n, d := differing(); n == 0 || d != 0 {
		t.Errorf("theme weight 0: %d of %d links score other than their text score", d, n)
	}
	if err := runImport(context.Background(), append(base, in), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if n, d := differing(); n == 0 || d == 0 {
		t.Errorf("default weights: %d of %d links score other than their text score, want shared themes to count", d, n)
	}
	for _, bad := range [][]string{{"--similarity-theme-weight", "1.5"}, {"--similarity-semantic-weight", "-0.1"}, {"--similarity-k", "0"}} {
		err := runImport(context.Background(), append(append(base, bad...), in), io.Discard, io.Discard)
		if exitCode(err) != 2 {
			t.Errorf("%v: %v, want a usage error", bad, err)
		}
	}
}

// TestImportBulkLoad: a wipe large enough for the bulk mode (here forced
// by --bulk-index-min) drops the secondary indexes while it writes, with
// the similarity scoring growing when the writes end, and ends with the
// same graph as a run that keeps them, and every index back online, so
// search works right after it.
func TestImportBulkLoad(t *testing.T) {
	db := dbtest.Open(t)
	t.Cleanup(func() { reimport(t) })
	ctx := context.Background()
	in := genInput(t, 300)
	out := mustImport(t, "--wipe", "--bulk-index-min", "-1", in)
	if strings.Contains(out, "bulk load") {
		t.Errorf("--bulk-index-min -1 dropped the indexes:\n%s", out)
	}
	clean := dumpGraph(t)
	want, err := db.Indexes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out = mustImport(t, "--wipe", "--bulk-index-min", "100", in)
	if !strings.Contains(out, "dropped for the bulk load") {
		t.Errorf("300 initiatives with --bulk-index-min 100 kept the indexes:\n%s", out)
	}
	assertSameGraph(t, "after the bulk load", clean)
	got, err := db.Indexes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("indexes after the bulk load:\n%v\nwant (all online)\n%v", got, want)
	}
	var title string
	for _, r := range rawQuery(t, `MATCH (i:Initiative) RETURN i.title ORDER BY i.key LIMIT 1`, nil) {
		title = r[0].(string)
	}
	hits, err := db.Search(ctx, domain.SearchQuery{Text: title, First: 5})
	if err != nil || len(hits) == 0 {
		t.Errorf("search %q right after the bulk load: %d hits, %v", title, len(hits), err)
	}
}
