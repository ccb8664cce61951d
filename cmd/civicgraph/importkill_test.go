package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// Knobs of TestImportSurvivesKills. The normal suite runs the short form;
// `make reliability-import` the long one (mk/reliability-import.mk).
const (
	killRunsShort = 4    // one per phase
	killSizeShort = 2000 // initiatives
)

// TestImportSurvivesKills SIGKILLs the built civicgraph binary while it
// imports a generated input, at a random point of a chosen phase (wipe,
// write, prune, similarity; `import --wipe` and plain `import`, from a full
// or an empty graph), then runs one plain `import` of the same input and
// asserts that the graph (counts per label and type, and the digest of a
// canonical dump of every node and relationship with their properties)
// equals a clean import's. Some rounds also kill the first repairing run.
//
// CIVICGRAPH_IMPORT_KILLS (default 4) and CIVICGRAPH_IMPORT_KILL_SIZE
// (default 2000) set the number of kills and the input size;
// CIVICGRAPH_IMPORT_KILL_SEED the random seed (logged);
// CIVICGRAPH_IMPORT_BIN a prebuilt binary instead of `go build`.
func TestImportSurvivesKills(t *testing.T) {
	db := dbtest.Open(t)
	t.Cleanup(func() { reimport(t) })
	kills, size := envInt(t, "CIVICGRAPH_IMPORT_KILLS", killRunsShort), envInt(t, "CIVICGRAPH_IMPORT_KILL_SIZE", killSizeShort)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CIVICGRAPH_IMPORT_KILL_SEED"); s != "" {
		seed = uint64(envInt(t, "CIVICGRAPH_IMPORT_KILL_SEED", 0))
	}
	rng := rand.New(rand.NewPCG(seed, 14))
	t.Logf("%d kills, %d initiatives, seed %d", kills, size, seed)
	bin := importBinary(t)
	in := genInput(t, size)

	// Two clean imports: from empty (the reference, and the durations of
	// write, prune and similarity), then --wipe over the full graph (the
	// wipe's duration; it must give the same graph).
	ref := runToEnd(t, bin, "--wipe", in)
	clean := dumpGraph(t)
	again := runToEnd(t, bin, "--wipe", in)
	assertSameGraph(t, "clean --wipe over a full graph", clean)
	if t.Failed() {
		t.FailNow()
	}
	dur := map[string]time.Duration{
		neo4jdb.PhaseWipe: again.durations[neo4jdb.PhaseWipe], neo4jdb.PhaseWrite: ref.durations[neo4jdb.PhaseWrite],
		neo4jdb.PhasePrune: ref.durations[neo4jdb.PhasePrune], neo4jdb.PhaseSimilarity: ref.durations[neo4jdb.PhaseSimilarity],
	}
	t.Logf("clean import: %v; phases %v", clean.counts, dur)

	phases := []string{neo4jdb.PhaseWipe, neo4jdb.PhaseWrite, neo4jdb.PhasePrune, neo4jdb.PhaseSimilarity}
	survived, hits := 0, map[string]int{}
	var table []string
	for i := range kills {
		target := phases[i%len(phases)]
		variant := (i + i/len(phases)) % 2 // alternates, shifted each round
		// The wipe phase needs --wipe; otherwise alternate --wipe over a
		// full graph with a plain import (over an empty graph when the
		// write is the target, so that there is something to write).
		args := []string{"--wipe", in}
		how := "--wipe, full graph"
		if target != neo4jdb.PhaseWipe && variant == 1 {
			args, how = []string{in}, "plain, full graph"
			if target == neo4jdb.PhaseWrite {
				dbtest.Wipe(t, db)
				how = "plain, empty graph"
			}
		}
		delay := time.Duration(rng.Int64N(int64(dur[target]) + 1))
		k := killDuring(t, bin, target, delay, args...)
		marker, err := db.LastImportRun(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		hit := "none"
		if marker != nil {
			hit = marker.State + "/" + marker.Phase
		}
		twice := ""
		if i%6 == 5 { // kill the repairing run too, in its write phase
			k2 := killDuring(t, bin, neo4jdb.PhaseWrite, time.Duration(rng.Int64N(int64(dur[neo4jdb.PhaseWrite])+1)), in)
			twice = fmt.Sprintf("; repairing run killed too after %s of %s", k2.after.Round(time.Millisecond), k2.phase)
		}
		rep := runToEnd(t, bin, in)
		// The phases take less time once Neo4j is warm: aim at the
		// shortest seen, of whole phases (finishing the wipe of a
		// part-deleted graph does not count).
		for p, d := range k.durations {
			if p != neo4jdb.PhaseWrite || how != "plain, full graph" { // that write skips everything
				dur[p] = min(dur[p], d)
			}
		}
		for p, d := range rep.durations {
			if p != neo4jdb.PhaseWipe {
				dur[p] = min(dur[p], d)
			}
		}
		if k.outcome == "killed" {
			hits[k.phase]++
		}
		got := dumpGraph(t)
		ok := got.digest() == clean.digest()
		if ok {
			survived++
		} else {
			t.Errorf("kill %d (%s, %s after %s of %s): graph after the next import differs from a clean import\ncounts %v\nwant   %v\n%s",
				i+1, how, k.outcome, k.after.Round(time.Millisecond), k.phase, got.counts, clean.counts, clean.diff(got))
		}
		table = append(table, fmt.Sprintf("%2d  %-10s  %-18s  %-6s %-10s %7s  %-19s  %-9s  %s%s",
			i+1, target, how, k.outcome, k.phase, k.after.Round(time.Millisecond), hit, map[bool]string{true: "identical", false: "DIFFERENT"}[ok], rep.summary, twice))
	}
	t.Logf("kill  target      killed run          outcome, phase, after     marker after kill    digest     next run's write\n%s", strings.Join(table, "\n"))
	t.Logf("%d of %d kills survived with identical graph digests (clean %s: %v); kills by the phase they hit: %v",
		survived, kills, clean.digest(), clean.counts, hits)
}

// importRunOut is what a subprocess import printed.
type importRunOut struct {
	durations map[string]time.Duration // per phase, from the log lines' arrival
	summary   string                   // the summary's "neo4j:" line
}

var phaseLine = regexp.MustCompile(`msg="import phase" phase=(\w+)`)

// runToEnd runs the binary's import and fails the test unless it succeeds.
func runToEnd(t *testing.T, bin string, args ...string) importRunOut {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"import", "--neo4j-uri", dbtest.URI(), "--log-level", "info", "--no-model", "--yes"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout strings.Builder
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := importRunOut{durations: map[string]time.Duration{}}
	var tail []string
	last, lastAt := "", time.Time{}
	sc := bufio.NewScanner(stderr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		tail = append(tail[max(0, len(tail)-20):], line)
		if m := phaseLine.FindStringSubmatch(line); m != nil {
			now := time.Now()
			if last != "" {
				out.durations[last] = now.Sub(lastAt)
			}
			last, lastAt = m[1], now
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("import %v: %v\n%s\n%s", args, err, strings.Join(tail, "\n"), stdout.String())
	}
	for _, l := range strings.Split(stdout.String(), "\n") {
		if s, ok := strings.CutPrefix(strings.TrimSpace(l), "neo4j:"); ok {
			out.summary = strings.TrimSpace(s)
		}
	}
	return out
}

// killed says how a killed run went.
type killed struct {
	phase     string                   // the last phase the run logged
	after     time.Duration            // time from the start of that phase to the kill
	outcome   string                   // "killed", or "finished" if the run ended first
	durations map[string]time.Duration // of the phases the run completed
}

// killDuring starts the binary's import and SIGKILLs it delay after it logs
// that it enters phase target (or lets it end if it never does).
func killDuring(t *testing.T, bin, target string, delay time.Duration, args ...string) killed {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"import", "--neo4j-uri", dbtest.URI(), "--log-level", "info", "--no-model", "--yes"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	k := killed{outcome: "finished", durations: map[string]time.Duration{}}
	var phaseAt time.Time
	var timer *time.Timer
	sc := bufio.NewScanner(stderr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := phaseLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		mu.Lock()
		if k.outcome == "finished" { // not killed yet: follow the phases
			if k.phase != "" {
				k.durations[k.phase] = time.Since(phaseAt)
			}
			k.phase, phaseAt = m[1], time.Now()
		}
		mu.Unlock()
		if m[1] == target && timer == nil {
			timer = time.AfterFunc(delay, func() {
				mu.Lock()
				defer mu.Unlock()
				if cmd.Process.Kill() == nil {
					k.outcome, k.after = "killed", time.Since(phaseAt)
				}
			})
		}
	}
	werr := cmd.Wait()
	if timer != nil {
		timer.Stop()
	}
	mu.Lock()
	defer mu.Unlock()
	if k.outcome == "finished" && werr != nil {
		t.Fatalf("import %v failed before it was killed: %v", args, werr)
	}
	return k
}

// importBinary builds cmd/civicgraph (or takes CIVICGRAPH_IMPORT_BIN).
func importBinary(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("CIVICGRAPH_IMPORT_BIN"); b != "" {
		return b
	}
	bin := filepath.Join(t.TempDir(), "civicgraph")
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a number", name, s)
	}
	return n
}
