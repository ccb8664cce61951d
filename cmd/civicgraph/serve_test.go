package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// neo4jScript runs scripts/neo4j.sh for a private instance.
func neo4jScript(t *testing.T, dir, port, cmd string) {
	t.Helper()
	c := exec.Command("../../scripts/neo4j.sh", cmd)
	c.Env = append(os.Environ(), "NEO4J_LOCAL_DIR="+dir, "NEO4J_LOCAL_PORT="+port, "NEO4J_URI=", "NEO4J_HEAP=512m", "NEO4J_PAGECACHE=64m")
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("neo4j.sh %s: %v\n%s", cmd, err, out)
	}
}

func getStatus(url string) int {
	res, err := http.Get(url)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

func waitStatus(t *testing.T, url string, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := getStatus(url)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: status %d, want %d after %s", url, got, want, within)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestServeFollowsNeo4j runs `civicgraph serve` on port 0 against a
// private Neo4j, stops and restarts that Neo4j under the running server
// and checks /readyz (503 while it is down, 200 after), the GraphQL error
// code (UNAVAILABLE), that the breaker then refuses within 100 ms, and
// that queries are answered within 3 s of Neo4j being ready again; then
// shuts the server down gracefully.
func TestServeFollowsNeo4j(t *testing.T) {
	if dbtest.URI() == "" {
		dbtest.Shared(t) // fails under CI=true, skips otherwise
	}
	dir, port := filepath.Join(t.TempDir(), "neo4j"), "7693"
	neo4jScript(t, dir, port, "start")
	t.Cleanup(func() { neo4jScript(t, dir, port, "stop") })

	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--neo4j-uri", "bolt://127.0.0.1:" + port, "--log-level", "error"},
			io.Discard, io.Discard, serveOptions{onListen: func(a string) { addrc <- a }})
	}()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("serve exited: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not listen")
	}
	if getStatus(base+"/healthz") != 200 {
		t.Fatal("healthz not 200")
	}
	waitStatus(t, base+"/readyz", 200, 60*time.Second)

	query := func() gqlResponse {
		body := []byte(`{"query":"{ initiatives(first: 5) { totalCount edges { node { title } } } }"}`)
		res, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var r gqlResponse
		raw, _ := io.ReadAll(res.Body)
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("not JSON (%d): %s", res.StatusCode, raw)
		}
		r.status = res.StatusCode
		return r
	}
	if r := query(); len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"totalCount":0`) {
		t.Fatalf("query on empty db: %+v %s", r.Errors, r.Data)
	}

	neo4jScript(t, dir, port, "stop")
	waitStatus(t, base+"/readyz", 503, 30*time.Second)
	r := query()
	if r.code() != "UNAVAILABLE" || r.status != 200 {
		t.Errorf("with Neo4j down: status %d, errors %+v", r.status, r.Errors)
	}
	for _, e := range r.Errors {
		if strings.Contains(e.Message, "7693") || strings.Contains(e.Message, "bolt") {
			t.Errorf("error leaks internals: %q", e.Message)
		}
	}
	// The first statements wait out the driver's retries (2 s); then the
	// breaker is open and every request is refused at once (issue 14: ~100 ms).
	timed := func() (gqlResponse, time.Duration) {
		start := time.Now()
		r := query()
		return r, time.Since(start)
	}
	for i := 0; ; i++ {
		if _, d := timed(); d < 100*time.Millisecond {
			break
		}
		if i == 10 {
			t.Fatal("the breaker never opened: 10 requests each took ≥ 100 ms with Neo4j down")
		}
	}
	var slowest time.Duration
	for range 20 {
		r, d := timed()
		slowest = max(slowest, d)
		if r.code() != "UNAVAILABLE" {
			t.Errorf("with the breaker open: %+v", r.Errors)
		}
	}
	t.Logf("Neo4j down, breaker open: slowest of 20 requests %s", slowest.Round(time.Microsecond))
	if slowest > 100*time.Millisecond {
		t.Errorf("slowest refusal %s with the breaker open, want < 100 ms", slowest)
	}

	neo4jScript(t, dir, port, "start") // returns once Bolt answers
	// Neo4j is ready when an independent driver's read succeeds (a cold
	// database takes seconds for its first query); the server must answer
	// within 3 s of that.
	started := time.Now()
	probeReady := make(chan time.Duration, 1)
	go func() { probeReady <- firstSuccess("bolt://127.0.0.1:"+port, 20*time.Second) }()
	var served time.Duration
	for {
		r, _ := timed()
		if len(r.Errors) == 0 {
			served = time.Since(started)
			break
		}
		if time.Since(started) > 20*time.Second {
			t.Fatalf("queries still fail 20 s after Neo4j was started: %+v", r.Errors)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ready := <-probeReady
	t.Logf("after start: Neo4j answered an independent driver at %s, the server at %s (%s later)",
		ready.Round(time.Millisecond), served.Round(time.Millisecond), (served - ready).Round(time.Millisecond))
	if served-ready > 3*time.Second {
		t.Errorf("the server answered %s after Neo4j was ready, want < 3 s", served-ready)
	}
	waitStatus(t, base+"/readyz", 200, 5*time.Second)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("graceful shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// firstSuccess polls Neo4j at uri with a fresh driver of its own every
// 50 ms and returns how long it took until a read succeeded.
func firstSuccess(uri string, within time.Duration) time.Duration {
	start := time.Now()
	drv, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		return within
	}
	defer drv.Close(context.Background())
	for time.Since(start) < within {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := neo4j.ExecuteQuery(ctx, drv, "MATCH (i:Initiative) RETURN count(i) AS n", nil, neo4j.EagerResultTransformer)
		cancel()
		if err == nil {
			return time.Since(start)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return within
}

func TestHelpAndUsage(t *testing.T) {
	// Help asked for is an answer: on stdout, exit 0, nothing on stderr.
	for _, args := range [][]string{{"serve", "--help"}, {"import", "--help"}, {"gen", "-h"}} {
		var out, errOut bytes.Buffer
		var err error
		switch args[0] {
		case "serve":
			err = serve(context.Background(), args[1:], &out, &errOut, serveOptions{})
		case "import":
			err = runImport(context.Background(), args[1:], &out, &errOut)
		default:
			err = runGen(context.Background(), args[1:], &out, &errOut)
		}
		if err != errHelp || exitCode(err) != 0 {
			t.Errorf("%v: err %v", args, err)
		}
		if errOut.Len() > 0 {
			t.Errorf("%v wrote to stderr: %q", args, errOut.String())
		}
		want := []string{"Usage: civicgraph " + args[0]}
		if args[0] != "gen" {
			want = append(want, "-neo4j-uri", "NEO4J_URI", "-log-level")
		}
		for _, w := range want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%v help lacks %q", args, w)
			}
		}
	}
	// A flag mistake goes to stderr with the usage, exit 2.
	var out, errOut bytes.Buffer
	if err := runImport(context.Background(), []string{"--no-such-flag"}, &out, &errOut); exitCode(err) != 2 {
		t.Errorf("import --no-such-flag: %v", err)
	}
	if out.Len() > 0 || !strings.Contains(errOut.String(), "no-such-flag") || !strings.Contains(errOut.String(), "Usage: civicgraph import") {
		t.Errorf("import --no-such-flag: stdout %q, stderr %q", out.String(), errOut.String())
	}
	if err := run(context.Background(), []string{"bogus"}); exitCode(err) != 2 {
		t.Errorf("unknown subcommand: %v", err)
	}
	if err := runImport(context.Background(), []string{"--json"}, io.Discard, io.Discard); exitCode(err) != 2 {
		t.Errorf("import without paths: %v", err)
	}
}
