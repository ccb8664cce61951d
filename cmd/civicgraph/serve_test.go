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
// and checks /readyz (503 while it is down, 200 after) and the GraphQL
// error code (UNAVAILABLE), then shuts the server down gracefully.
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
			io.Discard, serveOptions{onListen: func(a string) { addrc <- a }})
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

	neo4jScript(t, dir, port, "start")
	waitStatus(t, base+"/readyz", 200, 60*time.Second)
	if r := query(); len(r.Errors) > 0 {
		t.Errorf("after Neo4j came back: %+v", r.Errors)
	}

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

func TestHelpAndUsage(t *testing.T) {
	for _, args := range [][]string{{"serve", "--help"}, {"import", "--help"}} {
		var errOut bytes.Buffer
		var err error
		if args[0] == "serve" {
			err = serve(context.Background(), args[1:], &errOut, serveOptions{})
		} else {
			err = runImport(context.Background(), args[1:], io.Discard, &errOut)
		}
		if err != errHelp || exitCode(err) != 0 {
			t.Errorf("%v: err %v", args, err)
		}
		for _, want := range []string{"-neo4j-uri", "NEO4J_URI", "-log-level"} {
			if !strings.Contains(errOut.String(), want) {
				t.Errorf("%v help lacks %q", args, want)
			}
		}
	}
	if err := run(context.Background(), []string{"bogus"}); exitCode(err) != 2 {
		t.Errorf("unknown subcommand: %v", err)
	}
	if err := runImport(context.Background(), []string{"--json"}, io.Discard, io.Discard); exitCode(err) != 2 {
		t.Errorf("import without paths: %v", err)
	}
}
