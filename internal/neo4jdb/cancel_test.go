package neo4jdb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// slowStatement runs for tens of seconds on any machine and is easy to
// find in SHOW TRANSACTIONS by its marker comment.
const slowStatement = `/* civicgraph-cancel-test */
UNWIND range(1, 2000000000) AS x WITH x WHERE x * x = -1 RETURN count(x) AS n`

// TestCancelledReadEndsOnTheServer: when a request's context is cancelled
// (the client went away, or its deadline passed) while a statement runs,
// the read returns at once and Neo4j stops the statement, instead of
// working on for an answer nobody reads.
func TestCancelledReadEndsOnTheServer(t *testing.T) {
	db := dbtest.Shared(t)
	running := func() int {
		t.Helper()
		recs, err := db.ReadForTest(context.Background(),
			`SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS $marker AND NOT currentQuery CONTAINS 'SHOW' RETURN count(*) AS n`,
			map[string]any{"marker": "civicgraph-cancel-" + "test"})
		if err != nil {
			t.Fatal(err)
		}
		n, _ := recs[0].Get("n")
		return int(n.(int64))
	}
	if n := running(); n != 0 {
		t.Fatalf("%d marked statements run before the test", n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := db.ReadForTest(ctx, slowStatement, nil)
		done <- err
	}()
	// Wait until the server runs it, so the cancellation hits a running
	// statement rather than one not yet sent.
	deadline := time.Now().Add(20 * time.Second)
	for running() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the slow statement never showed in SHOW TRANSACTIONS")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancelled := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled read returned %v, want context.Canceled", err)
		}
		t.Logf("read returned %v after the cancel", time.Since(cancelled).Round(time.Millisecond))
	case <-time.After(5 * time.Second):
		t.Fatal("the read did not return within 5 s of its context being cancelled")
	}
	for running() > 0 {
		if time.Since(cancelled) > 10*time.Second {
			t.Fatal("Neo4j still runs the statement 10 s after its context was cancelled")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("Neo4j ended the statement %v after the cancel", time.Since(cancelled).Round(time.Millisecond))
}
