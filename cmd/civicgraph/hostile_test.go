package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/curation"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
	"github.com/civicgraph/civicgraph/internal/server"
)

// Hostile and faulty cases of issue 14 against the real Neo4j.

// TestStatementBudgetPerRequest: a request of many cheap root fields runs
// at most MaxStatements Cypher statements; the rest fail with
// LIMIT_EXCEEDED instead of taking the pool.
func TestStatementBudgetPerRequest(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, func(c *config.Server) { c.MaxStatements = 5 })
	var q strings.Builder
	q.WriteString("{")
	for i := range 12 {
		fmt.Fprintf(&q, " a%d: themeCooccurrence(minCount: %d) { count }", i, i+1)
	}
	q.WriteString(" }")
	ctx, counter := withCounter()
	r := postCtx(t, db, ctx, q.String(), nil) // default budget (50): all pass
	if len(r.Errors) > 0 {
		t.Fatalf("12 root fields under the default budget: %+v", r.Errors)
	}
	if counter.Load() != 12 {
		t.Errorf("%d round trips for 12 root fields, want 12", counter.Load())
	}
	r = post(t, srv, q.String(), nil)
	limited := 0
	for _, e := range r.Errors {
		if e.Extensions["code"] == "LIMIT_EXCEEDED" {
			limited++
		} else {
			t.Errorf("unexpected error %+v", e)
		}
	}
	if limited != 7 {
		t.Errorf("%d fields refused with LIMIT_EXCEEDED, want 7 (12 - budget 5)", limited)
	}
}

// TestUpsertValidatesCountryCode: country codes are checked against ISO
// 3166-1 before anything is written; a valid one gets its real name.
func TestUpsertValidatesCountryCode(t *testing.T) {
	db := dbtest.Open(t)
	t.Cleanup(func() { reimport(t) })
	srv := newAPI(t, db, nil)
	auth := []string{"Authorization", "Bearer " + testToken}
	const m = `mutation($in: InitiativeInput!) { upsertInitiative(input: $in) { key country { country { code name } } } }`
	for _, code := range []string{"Z!", "ZZ", "XX", "D", "DEU", "uk"} {
		r := post(t, srv, m, map[string]any{"in": map[string]any{"title": "Country check " + code, "summary": "s", "countryCode": code}}, auth...)
		if r.code() != "BAD_USER_INPUT" {
			t.Errorf("countryCode %q: %+v", code, r.Errors)
		}
	}
	if rows := rawQuery(t, `MATCH (n) WHERE n:Country OR n:Initiative RETURN count(n)`, nil); rows[0][0].(int64) != 0 {
		t.Fatalf("refused upserts left %d nodes", rows[0][0])
	}
	r := post(t, srv, m, map[string]any{"in": map[string]any{"title": "Country check de", "summary": "s", "countryCode": "de"}}, auth...)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"code":"DE","name":"Germany"`) {
		t.Fatalf("countryCode de: %+v %s", r.Errors, r.Data)
	}
}

// commitCutter is a TCP proxy to Neo4j that, while armed, lets a Bolt
// COMMIT message reach the server and then drops the connection before the
// answer comes back: the write is applied, the client cannot know.
type commitCutter struct {
	ln     net.Listener
	target string
	armed  atomic.Bool
	cuts   atomic.Int64
	wg     sync.WaitGroup
}

// boltCommit is a COMMIT message in its chunk: size 2, struct marker B0
// with no fields, tag 0x12, end marker 00 00.
var boltCommit = []byte{0x00, 0x02, 0xB0, 0x12, 0x00, 0x00}

func newCommitCutter(t *testing.T, target string) *commitCutter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &commitCutter{ln: ln, target: target}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.wg.Add(1)
			go func() { defer p.wg.Done(); _, _ = io.Copy(c, s); c.Close() }()
			go p.forward(c, s)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return p
}

func (p *commitCutter) forward(client, srv net.Conn) {
	defer srv.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			if p.armed.Load() && bytes.Contains(buf[:n], boltCommit) {
				p.cuts.Add(1)
				client.Close() // the answer will find no one
				_, _ = srv.Write(buf[:n])
				time.Sleep(300 * time.Millisecond) // let the server commit
				return
			}
			if _, werr := srv.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// TestCommitUnknownReported: when the connection drops while a mutation
// commits, the client is told COMMIT_UNKNOWN with the initiative's key
// (not UNAVAILABLE, which claimed a failure for a write that was stored),
// and retrying the same mutation is safe: one initiative, no duplicate.
func TestCommitUnknownReported(t *testing.T) {
	dbtest.Open(t)
	t.Cleanup(func() { reimport(t) })
	proxy := newCommitCutter(t, dbtest.BoltTarget(t))
	pdb, err := neo4jdb.Connect(neo4jdb.Config{URI: "bolt://" + proxy.ln.Addr().String(), RetryTime: 2 * time.Second, Breaker: &neo4jdb.BreakerConfig{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pdb.Close(context.Background()) })
	cfg := config.Defaults().Server
	cfg.Tokens = []string{testToken}
	srv := httptest.NewServer(server.New(server.Options{Config: cfg, Store: pdb, Writer: curation.New(pdb, nil, nil), Health: pdb}))
	t.Cleanup(srv.Close)
	auth := []string{"Authorization", "Bearer " + testToken}
	const m = `mutation($in: InitiativeInput!) { upsertInitiative(input: $in) { key } }`
	in := map[string]any{"in": map[string]any{"title": "Commit lost on the way", "summary": "A write whose answer never arrives."}}
	if r := post(t, srv, `{ initiatives(first: 1) { totalCount } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("through the proxy: %+v", r.Errors)
	}

	proxy.armed.Store(true)
	start := time.Now()
	r := post(t, srv, m, in, auth...)
	took := time.Since(start)
	if proxy.cuts.Load() == 0 {
		t.Fatalf("the proxy saw no COMMIT to cut (answer %+v)", r.Errors)
	}
	if r.code() != "COMMIT_UNKNOWN" || r.Errors[0].Extensions["key"] != "commit-lost-on-the-way" {
		t.Fatalf("lost commit answered %+v", r.Errors)
	}
	t.Logf("COMMIT_UNKNOWN after %s: %s", took.Round(time.Millisecond), r.Errors[0].Message)
	// The proxy drops the client's connection before it hands the COMMIT
	// to Neo4j, so the mutation can answer before Neo4j has committed:
	// count waits (up to 3 s) for the number the committed write gives.
	count := func(want int64) int64 {
		for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			n := rawQuery(t, `MATCH (i:Initiative {key: 'commit-lost-on-the-way'}) RETURN count(i)`, nil)[0][0].(int64)
			if n == want || time.Now().After(deadline) {
				return n
			}
		}
	}
	if n := count(1); n != 1 {
		t.Fatalf("%d initiatives stored; the cut commit should have been applied", n)
	}
	// The write carried its similarStale mark in the same transaction, so
	// the refresh the server never ran is not lost: the sweep does it.
	if rows := rawQuery(t, `MATCH (i:Initiative {key: 'commit-lost-on-the-way'}) RETURN i.similarStale IS NOT NULL`, nil); rows[0][0] != true {
		t.Fatalf("the stored write carries no similarStale mark")
	}
	if n, err := dbtest.Shared(t).RefreshStale(context.Background(), 50); err != nil || n < 1 {
		t.Fatalf("RefreshStale: %d, %v", n, err)
	}
	if rows := rawQuery(t, `MATCH (i:Initiative {key: 'commit-lost-on-the-way'}) RETURN i.similarStale IS NULL`, nil); rows[0][0] != true {
		t.Errorf("the mark stayed after the sweep")
	}

	proxy.armed.Store(false)
	if r := post(t, srv, m, in, auth...); len(r.Errors) > 0 {
		t.Fatalf("retry: %+v", r.Errors)
	}
	if n := count(1); n != 1 {
		t.Errorf("%d initiatives after the retry, want 1", n)
	}

	proxy.armed.Store(true)
	r = post(t, srv, `mutation { deleteInitiative(id: "initiative/commit-lost-on-the-way") }`, nil, auth...)
	if r.code() != "COMMIT_UNKNOWN" || r.Errors[0].Extensions["key"] != "commit-lost-on-the-way" {
		t.Fatalf("lost delete answered %+v", r.Errors)
	}
	proxy.armed.Store(false)
	if n := count(0); n != 0 {
		t.Errorf("delete not applied: %d", n)
	}
}
