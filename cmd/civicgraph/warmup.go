package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	"github.com/civicgraph/civicgraph/internal/explorer"
)

// warmUp sends the explorer's first-visit requests (explorer.Warmup: the
// landing, a search, an initiative page, the about page) once through h,
// the server's own handler, so that Neo4j has planned their statements
// before the first user asks. Neo4j plans a statement on its first run and
// caches the plan by its text; on a fresh Neo4j that first run costs
// 0.3–2 s per statement here, against 20–30 ms afterwards, and it was most
// of the explorer's time to first results. Plans live in Neo4j, not in
// this process, so several API servers each warming up is harmless.
//
// It runs once Neo4j has answered (after the schema is applied); until it
// has run, /readyz answers 503 "warming up" (warmGate), for at most
// warmupBound. The requests count in /metrics like any other.
// It returns how many requests it sent and how many failed (a failure is
// logged, never fatal: the explorer still works, only slower at first).
func warmUp(ctx context.Context, h http.Handler, log *slog.Logger) (sent, failed int) {
	rs, err := explorer.Warmup()
	if err != nil {
		log.Warn("warm-up skipped", "err", err)
		return 0, 0
	}
	start := time.Now()
	for _, r := range rs {
		if ctx.Err() != nil {
			break
		}
		sent++
		if err := warmOne(ctx, h, r); err != nil {
			failed++
			log.Warn("warm-up request failed", "view", r.View, "err", err)
		}
	}
	log.Info("warm-up: the explorer's first-visit requests planned", "requests", sent, "failed", failed, "took", time.Since(start).Round(time.Millisecond))
	return sent, failed
}

// warmupBound is the longest the warm-up may hold back readiness.
const warmupBound = 60 * time.Second

// warmGate holds GET /readyz at 503 until open is called; every other
// request passes straight through.
type warmGate struct{ done atomic.Bool }

func (g *warmGate) open() { g.done.Store(true) }

func (g *warmGate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" && !g.done.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status":"warming up"}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// warmOne posts one request to h and reports an HTTP or GraphQL error.
// NOT_FOUND is not one: the initiative page's request asks for a
// placeholder key, and its statement ran (and was planned) all the same.
func warmOne(ctx context.Context, h http.Handler, r explorer.Request) error {
	body, err := json.Marshal(map[string]any{"query": r.Query, "variables": r.Variables})
	if err != nil {
		return err
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out struct {
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		return fmt.Errorf("status %d, body not JSON: %w", rec.Code, err)
	}
	var failed []string
	for _, e := range out.Errors {
		if e.Extensions.Code != "NOT_FOUND" {
			failed = append(failed, e.Message)
		}
	}
	if rec.Code != http.StatusOK || len(failed) > 0 {
		return fmt.Errorf("status %d, %d errors: %s", rec.Code, len(failed), strings.Join(failed, "; "))
	}
	return nil
}
