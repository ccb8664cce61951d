package neo4jdb

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// BreakerConfig tunes the circuit breaker around the driver.
type BreakerConfig struct {
	// Failures is how many statements in a row must fail as unavailable
	// before the breaker opens (default 3).
	Failures uint32
	// OpenFor is how long an open breaker refuses statements before it
	// lets one through to test the database (default 1s). After Neo4j
	// returns, traffic therefore resumes within about OpenFor.
	OpenFor time.Duration
}

// breaker fails statements fast while Neo4j is unreachable: after
// Failures unavailable statements in a row it opens, and statements get
// EUNAVAILABLE at once instead of each waiting out connection and retry
// timeouts; every OpenFor it lets one statement through (half-open) and
// closes when that one succeeds. State is per process, so instances
// behind a load balancer each find out for themselves. Readiness probes
// (Ready) bypass it.
//
// While it is open a prober asks Neo4j every 200 ms with a statement of its
// own and closes the breaker as soon as one succeeds, so recovery does not
// wait for a user's trial statement (which may be a slow first query on a
// cold database, while the half-open breaker refuses all others).
type breaker struct {
	cb      atomic.Pointer[gobreaker.TwoStepCircuitBreaker[struct{}]]
	probing atomic.Bool
	probe   func(context.Context) error
	make    func() *gobreaker.TwoStepCircuitBreaker[struct{}]
	log     *slog.Logger
}

func newBreaker(c BreakerConfig, log *slog.Logger, probe func(context.Context) error) *breaker {
	if c.Failures == 0 {
		c.Failures = 3
	}
	if c.OpenFor <= 0 {
		c.OpenFor = time.Second
	}
	b := &breaker{probe: probe, log: log}
	b.make = func() *gobreaker.TwoStepCircuitBreaker[struct{}] { return b.settings(c) }
	b.cb.Store(b.make())
	return b
}

func (b *breaker) settings(c BreakerConfig) *gobreaker.TwoStepCircuitBreaker[struct{}] {
	return gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        "neo4j",
		MaxRequests: 1,
		Timeout:     c.OpenFor,
		ReadyToTrip: func(n gobreaker.Counts) bool { return n.ConsecutiveFailures >= c.Failures },
		// Only the database's absence counts; a bad query, a missing
		// node or a statement budget spent is the database answering.
		IsSuccessful: func(err error) bool { return domain.ErrorCode(err) != domain.EUNAVAILABLE },
		// A client that went away says nothing about the database.
		IsExcluded: func(err error) bool { return errors.Is(err, context.Canceled) },
		OnStateChange: func(_ string, from, to gobreaker.State) {
			b.log.Warn("neo4j circuit breaker", "from", from.String(), "to", to.String())
			if to == gobreaker.StateOpen && b.probe != nil && !b.probing.Swap(true) {
				go b.probeUntilBack()
			}
		},
	})
}

// probeUntilBack polls Neo4j until it answers, then replaces the open
// breaker by a closed one.
func (b *breaker) probeUntilBack() {
	defer b.probing.Store(false)
	for {
		time.Sleep(200 * time.Millisecond)
		if st := b.cb.Load().State(); st == gobreaker.StateClosed {
			return // a user's trial statement closed it
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := b.probe(ctx)
		cancel()
		if err == nil {
			b.cb.Store(b.make())
			b.log.Warn("neo4j circuit breaker", "from", "open", "to", "closed", "by", "probe")
			return
		}
	}
}

// allow admits a statement or refuses it at once with EUNAVAILABLE. A nil
// breaker admits everything.
func (b *breaker) allow() (func(error), error) {
	if b == nil {
		return func(error) {}, nil
	}
	done, err := b.cb.Load().Allow()
	if err != nil {
		return nil, domain.Errorf(domain.EUNAVAILABLE, "database unavailable; retry in a moment")
	}
	return done, nil
}

// BreakerState is "closed", "half-open" or "open" ("" without a breaker).
func (db *DB) BreakerState() string {
	if db.breaker == nil {
		return ""
	}
	return db.breaker.cb.Load().State().String()
}
