// Package neo4jdb is civicgraph's Neo4j adapter: it implements the domain
// stores with Cypher over the official Go driver, applies the schema
// (constraints and indexes) on open, writes imports in batched managed
// transactions and translates driver errors into domain errors.
//
// Reads go through neo4j.ExecuteQuery routed to readers, so behind a
// neo4j:// routing URI they reach secondaries; writes go through
// ExecuteWrite (managed, retried, therefore idempotent: MERGE and UNWIND).
// The process holds no state but the driver, so any number of API
// instances can share one database or cluster.
//
// Every Cypher string in this package is a constant or assembled only from
// constant fragments chosen by validated options; all values are
// parameters.
package neo4jdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/notifications"

	civconfig "github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/similarity"
)

// Config says how to reach Neo4j.
type Config struct {
	URI      string // bolt://, neo4j:// (routing), +s/+ssc variants
	User     string // empty: no authentication
	Password string
	Database string // default "neo4j"
	// ConnectTimeout bounds the wait for the database at Open.
	ConnectTimeout time.Duration
	// RetryTime bounds how long managed transactions retry transient and
	// connectivity failures (default 30s). The API server uses a short one
	// so that a request fails fast with UNAVAILABLE when Neo4j is down;
	// imports use the default and ride out leader changes.
	RetryTime time.Duration
	Logger    *slog.Logger
	// Embedder, when set, gives search its query vectors (hybrid search)
	// and curation the new passage vector of an edited initiative; nil
	// keeps both lexical.
	Embedder embed.Embedder
	// Breaker, if set, fails statements fast while Neo4j is unreachable
	// (see breaker.go). The API server sets it; imports leave it off and
	// ride out outages with the driver's retries.
	Breaker *BreakerConfig
	// MaxPoolSize is the driver's connection pool size (default 100).
	MaxPoolSize int
	// Similarity are the score's options a curation refresh uses (the
	// import passes its own to RefreshSimilarity); zero: the defaults.
	Similarity similarity.Options
	// Observe, if set, is told every round trip begin admits (a statement,
	// or a managed write transaction) with its duration and error
	// (internal/metrics).
	Observe func(d time.Duration, err error)
}

// Translator gives, per foreign word of a query, its English renderings,
// best first (lexicon.Lexicon); nil when there are none.
type Translator interface {
	Translate(text string) [][]string
}

type translatorBox struct{ Translator }

// SetTranslator makes search look for the English renderings of a
// query's foreign words too (see textMatch). The server sets it once its
// dictionaries have loaded, while it already serves; nil turns it off.
func (db *DB) SetTranslator(t Translator) {
	if t == nil {
		db.tr.Store(nil)
		return
	}
	db.tr.Store(&translatorBox{t})
}

// translate is the renderings of text's foreign words, per word; nil
// without a Translator.
func (db *DB) translate(text string) [][]string {
	if b := db.tr.Load(); b != nil {
		return b.Translate(text)
	}
	return nil
}

// DB is an open connection pool to Neo4j. It is safe for concurrent use.
type DB struct {
	driver   neo4j.DriverWithContext
	database string
	log      *slog.Logger
	migrated atomic.Bool
	emb      embed.Embedder // nil: lexical only
	breaker  *breaker       // nil: no breaker
	simOpts  similarity.Options
	observe  func(time.Duration, error)
	corpus   atomic.Pointer[storedCorpus]  // similarity statistics last read (see incremental.go)
	tr       atomic.Pointer[translatorBox] // nil: search does not translate (see SetTranslator)
	// retryTime bounds how long a read retries (Config.RetryTime).
	retryTime time.Duration
}

// Open creates the driver, waits until the database answers (up to
// ConnectTimeout) and applies the schema. The returned DB must be closed.
func Open(ctx context.Context, c Config) (*DB, error) {
	db, err := Connect(c)
	if err != nil {
		return nil, err
	}
	timeout := c.ConnectTimeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	if err := db.WaitReady(ctx, timeout); err != nil {
		db.Close(context.Background())
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close(context.Background())
		return nil, err
	}
	return db, nil
}

// Connect creates the driver without contacting the database. The server
// uses it so that it can start (and answer /healthz, and 503 on /readyz)
// while Neo4j is still down.
func Connect(c Config) (*DB, error) {
	if c.URI == "" {
		return nil, domain.Errorf(domain.EINVALID, "neo4j URI is empty")
	}
	auth := neo4j.NoAuth()
	if c.User != "" {
		auth = neo4j.BasicAuth(c.User, c.Password, "")
	}
	retryTime := 30 * time.Second
	if c.RetryTime > 0 {
		retryTime = c.RetryTime
	}
	drv, err := neo4j.NewDriverWithContext(c.URI, auth, func(cfg *config.Config) {
		cfg.SocketConnectTimeout = 5 * time.Second
		cfg.ConnectionAcquisitionTimeout = 10 * time.Second
		cfg.MaxTransactionRetryTime = retryTime
		cfg.ConnectionLivenessCheckTimeout = 30 * time.Second
		cfg.NotificationsMinSeverity = notifications.WarningLevel
		if c.MaxPoolSize > 0 {
			cfg.MaxConnectionPoolSize = c.MaxPoolSize
		}
	})
	if err != nil {
		return nil, fmt.Errorf("create neo4j driver for %s: %w", RedactURI(c.URI), err)
	}
	dbName := c.Database
	if dbName == "" {
		dbName = "neo4j"
	}
	log := c.Logger
	if log == nil {
		log = slog.Default()
	}
	db := &DB{driver: drv, database: dbName, log: log, emb: c.Embedder, simOpts: c.Similarity, observe: c.Observe, retryTime: retryTime}
	if c.Breaker != nil {
		db.breaker = newBreaker(*c.Breaker, log, func(ctx context.Context) error {
			_, err := db.readDirect(ctx, `RETURN 1 AS ok`, nil)
			return err
		})
	}
	return db, nil
}

// RedactURI removes any user info from a URI before it is logged.
func RedactURI(uri string) string { return civconfig.RedactURI(uri) }

// Close closes the driver.
func (db *DB) Close(ctx context.Context) error { return db.driver.Close(ctx) }

// WaitReady polls the database until it answers or timeout passes.
func (db *DB) WaitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		last = db.driver.VerifyConnectivity(cctx)
		cancel()
		if last == nil {
			return nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return domain.Errorf(domain.EUNAVAILABLE, "neo4j unreachable after %s: %v", timeout, last)
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// ServerVersion returns the server's agent string, e.g. "Neo4j/5.26.x".
func (db *DB) ServerVersion(ctx context.Context) (string, error) {
	info, err := db.driver.GetServerInfo(ctx)
	if err != nil {
		return "", translate(err)
	}
	return info.Agent(), nil
}

// counterKey carries a per-request query counter in a context.
type counterKey struct{}

// WithQueryCounter returns a context in which every Cypher round trip made
// by this package increments the returned counter. The server uses it to
// log queries per request and tests use it to prove there is no N+1.
func WithQueryCounter(ctx context.Context) (context.Context, *atomic.Int64) {
	n := new(atomic.Int64)
	return context.WithValue(ctx, counterKey{}, n), n
}

func count(ctx context.Context) {
	if n, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

// explainKey marks a context whose reads are only planned.
type explainKey struct{}

// WithExplain returns a context in which this package's reads run as
// EXPLAIN: Neo4j parses and plans each statement and returns no rows, so
// a test can check every statement shape without depending on the data.
func WithExplain(ctx context.Context) context.Context {
	return context.WithValue(ctx, explainKey{}, true)
}

// budgetKey carries a per-request statement budget in a context.
type budgetKey struct{}

type budget struct {
	max  int64
	used atomic.Int64
	sem  chan struct{}
}

// WithStatementBudget returns a context in which this package runs at
// most maxStatements Cypher statements (more fail with ELIMIT) and at
// most concurrent of them at once (others wait for a slot, within ctx),
// so one request of many cheap root fields cannot take the driver's pool
// from everyone else. Zero or less means no bound.
func WithStatementBudget(ctx context.Context, maxStatements, concurrent int) context.Context {
	b := &budget{max: int64(maxStatements)}
	if concurrent > 0 {
		b.sem = make(chan struct{}, concurrent)
	}
	return context.WithValue(ctx, budgetKey{}, b)
}

// begin admits one statement: it checks the request's statement budget,
// takes one of its statement slots, asks the breaker and counts the round
// trip. The returned function must be
// called with the statement's (translated) error.
func (db *DB) begin(ctx context.Context) (func(error), error) {
	b, _ := ctx.Value(budgetKey{}).(*budget)
	if b != nil {
		if n := b.used.Add(1); b.max > 0 && n > b.max {
			return nil, domain.Errorf(domain.ELIMIT, "the request needs more than %d database statements; ask for fewer fields or aliases per request", b.max)
		}
		if b.sem != nil {
			select {
			case b.sem <- struct{}{}:
			case <-ctx.Done():
				return nil, translate(ctx.Err())
			}
		}
	}
	release := func() {
		if b != nil && b.sem != nil {
			<-b.sem
		}
	}
	done, err := db.breaker.allow()
	if err != nil {
		release()
		return nil, err
	}
	count(ctx) // a round trip is made
	start := time.Now()
	return func(err error) {
		done(err)
		release()
		if db.observe != nil {
			db.observe(time.Since(start), err)
		}
	}, nil
}

// read runs one read query routed to readers and returns its records.
func (db *DB) read(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	end, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := db.readDirect(ctx, cypher, params)
	end(err)
	return recs, err
}

// readDirect is read without budget or breaker (readiness probes).
//
// A read is one auto-commit statement (RUN and PULL in one exchange), not
// a managed transaction as neo4j.ExecuteQuery runs it (BEGIN, RUN, PULL,
// then COMMIT in a second exchange): measured with BenchmarkRequest on
// the showroom, that took the server's CPU per lookup from about 0.50 to
// 0.35 ms, and about 12 % off nesting and similar, for the same answers.
// What ExecuteQuery gave besides is kept: reads are routed to readers
// (secondaries behind neo4j:// routing), wait for the bookmarks of
// readBookmarks, and retry retryable failures (connectivity, transient
// errors, a leader change) with backoff for up to the driver's retry time,
// which is safe because a read changes nothing.
func (db *DB) readDirect(ctx context.Context, cypher string, params map[string]any) (_ []*neo4j.Record, err error) {
	ctx, span := db.span(ctx, cypher)
	defer func() { endSpan(span, err) }()
	if ctx.Value(explainKey{}) != nil {
		cypher = "EXPLAIN " + cypher
	}
	cfg := neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: db.database, BookmarkManager: db.readBookmarks(ctx)}
	giveUp := time.Now().Add(db.retryTime)
	for backoff := 50 * time.Millisecond; ; backoff *= 2 {
		recs, err := db.readOnce(ctx, cfg, cypher, params)
		if err != nil && ctx.Err() != nil {
			// The driver reports a cancelled read as its own error.
			return nil, translate(ctx.Err())
		}
		if err == nil || !neo4j.IsRetryable(err) || ctx.Err() != nil || time.Now().Add(backoff).After(giveUp) {
			return recs, translate(err)
		}
		select {
		case <-ctx.Done():
			return nil, translate(ctx.Err())
		case <-time.After(backoff):
		}
	}
}

// readOnce runs one read statement, auto-committed, in its own session.
func (db *DB) readOnce(ctx context.Context, cfg neo4j.SessionConfig, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	sess := db.driver.NewSession(ctx, cfg)
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return collect(ctx, res)
}

// exec runs one auto-committed write statement routed to the writer.
func (db *DB) exec(ctx context.Context, cypher string, params map[string]any) error {
	end, err := db.begin(ctx)
	if err != nil {
		return err
	}
	sctx, span := db.span(ctx, cypher)
	_, err = neo4j.ExecuteQuery(sctx, db.driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(db.database), neo4j.ExecuteQueryWithWritersRouting())
	if err == nil {
		bms, _ := db.driver.ExecuteQueryBookmarkManager().GetBookmarks(ctx)
		wrote(ctx, bms)
	}
	err = translate(err)
	endSpan(span, err)
	end(err)
	return err
}

// write runs work in one managed write transaction (retried on transient
// failures, so work must be idempotent). If the connection is lost while
// the transaction commits, nobody knows whether it was applied: the error
// is then coded ECOMMITUNKNOWN (the driver does not retry a commit on a
// dead connection, and neither do we; the caller may, since writes are
// idempotent).
func (db *DB) write(ctx context.Context, work func(tx neo4j.ManagedTransaction) error) error {
	end, err := db.begin(ctx)
	if err != nil {
		return err
	}
	ctx, span := db.span(ctx, "")
	// The process-wide bookmark manager, as ExecuteQuery uses: later reads
	// of this process wait for this write (a no-op on a single instance).
	sess := db.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: db.database,
		BookmarkManager: db.driver.ExecuteQueryBookmarkManager()})
	defer sess.Close(ctx)
	committing := false
	_, err = sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		committing = false
		if err := work(tx); err != nil {
			return nil, err
		}
		committing = true // the driver commits when work returns
		return nil, nil
	})
	if err != nil && committing && !serverAnswered(err) {
		err = &wrapped{code: domain.ECOMMITUNKNOWN,
			msg: "the connection to the database was lost while the write committed; it may or may not have been applied, and retrying it is safe",
			err: err}
	}
	if err == nil {
		wrote(ctx, sess.LastBookmarks())
	}
	err = translate(err)
	endSpan(span, err)
	end(err)
	return err
}

// serverAnswered reports whether err carries an answer of the server (a
// Neo4j error: the transaction was refused, so its outcome is known).
func serverAnswered(err error) bool {
	var ne *neo4j.Neo4jError
	return errors.As(err, &ne)
}

// run executes one statement inside a managed transaction and consumes it.
func run(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return collect(ctx, res)
}

// collect reads every record of res, like the driver's Collect, without
// its reservation of room for 1,024 records (8 KiB) on every call: most
// statements here answer one row, and at thousands of requests a second
// the reservation was a fifth of what a by-key request allocated.
func collect(ctx context.Context, res neo4j.ResultWithContext) ([]*neo4j.Record, error) {
	var recs []*neo4j.Record
	for res.Next(ctx) {
		recs = append(recs, res.Record())
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	return recs, nil
}

// translate maps driver errors to domain errors: unreachable database →
// EUNAVAILABLE, constraint violation → ECONFLICT; the rest stays internal
// (wrapped, so the presenter logs it and shows a generic message).
func translate(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &wrapped{code: domain.EUNAVAILABLE, msg: "database did not answer in time", err: err}
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if neo4j.IsConnectivityError(err) || neo4j.IsTransactionExecutionLimit(err) {
		return &wrapped{code: domain.EUNAVAILABLE, msg: "database unavailable", err: err}
	}
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) {
		switch {
		case ne.Code == "Neo.ClientError.Schema.ConstraintValidationFailed":
			return &wrapped{code: domain.ECONFLICT, msg: "conflicts with an existing node", err: err}
		case strings.Contains(ne.Code, "InvalidBookmark"):
			return &wrapped{code: domain.EINVALID, msg: "the Civicgraph-Bookmark header holds a bookmark this database does not know", err: err}
		case strings.HasPrefix(ne.Code, "Neo.TransientError"),
			ne.Code == "Neo.ClientError.Database.DatabaseNotFound",
			strings.HasPrefix(ne.Code, "Neo.ClientError.Cluster"):
			return &wrapped{code: domain.EUNAVAILABLE, msg: "database unavailable", err: err}
		}
	}
	// Pool errors ("connection acquisition timeout") are connectivity too.
	if strings.Contains(err.Error(), "ConnectivityError") || strings.Contains(err.Error(), "connection refused") {
		return &wrapped{code: domain.EUNAVAILABLE, msg: "database unavailable", err: err}
	}
	return fmt.Errorf("neo4j: %w", err)
}

// wrapped is a domain error that keeps its cause for logs.
type wrapped struct {
	code, msg string
	err       error
}

func (w *wrapped) Error() string { return w.code + ": " + w.msg + ": " + w.err.Error() }
func (w *wrapped) Unwrap() []error {
	return []error{&domain.Error{Code: w.code, Message: w.msg}, w.err}
}
