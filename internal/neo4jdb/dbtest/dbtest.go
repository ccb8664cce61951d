// Package dbtest is the integration tests' only gateway to a real Neo4j.
//
// The address comes from CIVICGRAPH_TEST_NEO4J_URI (with
// CIVICGRAPH_TEST_NEO4J_USER / _PASSWORD / _DATABASE); `make test` starts
// a local Neo4j on 127.0.0.1:7688 and sets it. A separate variable from
// NEO4J_URI keeps tests, which wipe the database, away from a real one.
//
// Without an address the tests skip with a message saying how to run them
// — except under CI=true, where they fail. An address that does not
// answer always fails.
//
// Test binaries of several packages may run at once, and Neo4j Community
// has a single user database, so Open takes an exclusive file lock that
// the test process holds until it exits: integration packages run one
// after another, unit tests stay parallel.
package dbtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/testenv"
)

var (
	once   sync.Once
	shared *neo4jdb.DB
	err    error
	lockF  *os.File
)

// URI returns the configured test database address.
func URI() string { return os.Getenv("CIVICGRAPH_TEST_NEO4J_URI") }

// Open returns the shared test database with its schema applied and every
// node deleted. Call it at the start of each test that needs an empty
// database.
func Open(tb testing.TB) *neo4jdb.DB {
	tb.Helper()
	db := Shared(tb)
	Wipe(tb, db)
	return db
}

// Shared returns the shared test database as it is (schema applied, data
// left from earlier tests of the same binary).
func Shared(tb testing.TB) *neo4jdb.DB {
	tb.Helper()
	uri := URI()
	if uri == "" {
		testenv.Missing(tb, "no test Neo4j: run `make test` (it starts one), or `make neo4j-test-start` and set CIVICGRAPH_TEST_NEO4J_URI=bolt://127.0.0.1:7688")
	}
	once.Do(func() {
		if err = lock(); err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		shared, err = neo4jdb.Open(ctx, neo4jdb.Config{
			URI: uri, User: os.Getenv("CIVICGRAPH_TEST_NEO4J_USER"), Password: os.Getenv("CIVICGRAPH_TEST_NEO4J_PASSWORD"),
			Database: os.Getenv("CIVICGRAPH_TEST_NEO4J_DATABASE"), ConnectTimeout: 60 * time.Second,
		})
	})
	if err != nil {
		tb.Fatalf("test Neo4j at %s is unreachable: %v\nStart it with `make neo4j-test-start` (or run `make test`).", neo4jdb.RedactURI(uri), err)
	}
	return shared
}

// BoltTarget returns host:port of the test URI for a test that puts a
// proxy in front of Neo4j. A routing URI (neo4j://, set by hand; `make
// test` always gives bolt://) cannot go through one: the test skips,
// and fails under CI=true.
func BoltTarget(tb testing.TB) string {
	tb.Helper()
	target := strings.TrimPrefix(URI(), "bolt://")
	if strings.Contains(target, "://") {
		testenv.Missing(tb, "the test's proxy needs a bolt:// test URI (make test gives one), got "+URI())
	}
	return target
}

// Wipe deletes every node.
func Wipe(tb testing.TB, db *neo4jdb.DB) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := db.DeleteAll(ctx); err != nil {
		tb.Fatalf("wipe test database: %v", err)
	}
}

func lock() error {
	path := filepath.Join(os.TempDir(), "civicgraph-dbtest.lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return err
	}
	lockF = f // held until the process exits
	return nil
}
