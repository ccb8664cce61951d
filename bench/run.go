package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// floor runs the mix's reads as Cypher through the Go driver, the way
// civicgraph's adapter does: one auto-commit statement per read in a read
// session (routed to readers), its records collected. Before 2026-12-03
// both used neo4j.ExecuteQuery, a managed transaction with a second
// exchange for its COMMIT; the adapter moved to auto-commit reads and the
// floor with it, so that the floor stays the best plain Cypher we know.
type floor struct {
	driver neo4j.DriverWithContext
}

func (f *floor) run(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	sess := f.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: "neo4j"})
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// floorTransport lets vegeta drive the floor: a request for
// http://floor/<query>/<variant> runs that query's Cypher in-process and
// never touches a socket other than Bolt. vegeta's workers, pacing and
// latency accounting stay the same for all three sides.
type floorTransport struct {
	f       *floor
	queries map[string]query
	vars    map[string][]map[string]any
}

func (t *floorTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 2 {
		return nil, fmt.Errorf("floor: bad path %q", r.URL.Path)
	}
	q, ok := t.queries[parts[0]]
	k, err := strconv.Atoi(parts[1])
	if !ok || err != nil || k >= len(t.vars[parts[0]]) {
		return nil, fmt.Errorf("floor: unknown query %q", r.URL.Path)
	}
	code, body := 200, "{}"
	if _, err := q.Floor(r.Context(), t.f, t.vars[parts[0]][k]); err != nil {
		code, body = 500, err.Error()
	}
	return &http.Response{StatusCode: code, Status: http.StatusText(code), Body: io.NopCloser(strings.NewReader(body)),
		Header: http.Header{}, Request: r, ContentLength: int64(len(body))}, nil
}

// side is one of ours, peer, floor.
type side struct {
	Name    string
	URL     string // GraphQL endpoint; empty for the floor
	PID     int    // the server process, for RSS and CPU; 0 for the floor (in-process)
	targets map[string][]vegeta.Target
	client  *http.Client
}

func graphqlTarget(url string, g gql) vegeta.Target {
	body, _ := json.Marshal(g)
	return vegeta.Target{Method: "POST", URL: url, Body: body,
		Header: http.Header{"Content-Type": []string{"application/json"}}}
}

// runConfig is one timed run's shape.
type runConfig struct {
	Concurrency      int
	Warmup, Duration time.Duration
}

// attack runs the targets round-robin at fixed concurrency (as fast as the
// side answers) for the warm-up, discards it, then measures for Duration.
func attack(s *side, targets []vegeta.Target, cfg runConfig, neo4jPID int) Stat {
	run := func(d time.Duration, m *vegeta.Metrics) (ok, failed int, firstErr string) {
		opts := []func(*vegeta.Attacker){
			vegeta.Workers(uint64(cfg.Concurrency)), vegeta.MaxWorkers(uint64(cfg.Concurrency)),
			vegeta.Timeout(30 * time.Second), vegeta.KeepAlive(true), vegeta.Connections(cfg.Concurrency * 2),
			vegeta.MaxBody(1 << 20),
		}
		if s.client != nil {
			opts = append(opts, vegeta.Client(s.client))
		}
		atk := vegeta.NewAttacker(opts...)
		tr := vegeta.NewStaticTargeter(targets...)
		for res := range atk.Attack(tr, vegeta.Rate{Freq: 0}, d, s.Name) {
			bad := res.Code != 200 || res.Error != "" || bytes.Contains(res.Body, []byte(`"errors"`))
			if bad {
				failed++
				if firstErr == "" {
					firstErr = strings.TrimSpace(res.Error + " " + string(res.Body))
					if len(firstErr) > 300 {
						firstErr = firstErr[:300]
					}
				}
			} else {
				ok++
			}
			if m != nil {
				res.Body = nil
				m.Add(res)
			}
		}
		return ok, failed, firstErr
	}
	if cfg.Warmup > 0 {
		run(cfg.Warmup, nil)
	}
	var m vegeta.Metrics
	before, dbBefore := procStat(s.PID), procStat(neo4jPID)
	start := time.Now()
	ok, failed, firstErr := run(cfg.Duration, &m)
	elapsed := time.Since(start)
	after, dbAfter := procStat(s.PID), procStat(neo4jPID)
	m.Close()
	return Stat{
		Requests: ok + failed, Errors: failed, FirstError: firstErr,
		RPS: float64(ok) / elapsed.Seconds(),
		P50: ms(m.Latencies.P50), P95: ms(m.Latencies.P95), P99: ms(m.Latencies.P99),
		CPUSec: after.CPU - before.CPU, RSSMB: after.RSSMB, DBCPUSec: dbAfter.CPU - dbBefore.CPU,
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// proc is a process's CPU time and resident memory from /proc.
type proc struct {
	CPU   float64 // user+system seconds
	RSSMB float64
}

var clkTck = 100.0 // USER_HZ; 100 on Linux/amd64

var procMu sync.Mutex

// procStat reads /proc/<pid>/stat and status; pid 0 means this process.
func procStat(pid int) proc {
	procMu.Lock()
	defer procMu.Unlock()
	p := "self"
	if pid > 0 {
		p = strconv.Itoa(pid)
	}
	var out proc
	if b, err := os.ReadFile("/proc/" + p + "/stat"); err == nil {
		s := string(b)
		if i := strings.LastIndexByte(s, ')'); i > 0 {
			f := strings.Fields(s[i+2:])
			if len(f) > 12 {
				ut, _ := strconv.ParseFloat(f[11], 64)
				st, _ := strconv.ParseFloat(f[12], 64)
				out.CPU = (ut + st) / clkTck
			}
		}
	}
	if b, err := os.ReadFile("/proc/" + p + "/status"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "VmRSS:") {
				f := strings.Fields(l)
				if len(f) >= 2 {
					kb, _ := strconv.ParseFloat(f[1], 64)
					out.RSSMB = kb / 1024
				}
			}
		}
	}
	return out
}

// ask posts one GraphQL request and returns its data, failing on errors.
func ask(ctx context.Context, url string, g gql) (map[string]any, error) {
	return askToken(ctx, url, g, "")
}

// askToken is ask with a bearer token (none when empty).
func askToken(ctx context.Context, url string, g gql, token string) (map[string]any, error) {
	body, _ := json.Marshal(g)
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("HTTP %d: %.300s", resp.StatusCode, raw)
	}
	if len(out.Errors) > 0 || resp.StatusCode != 200 {
		return nil, fmt.Errorf("HTTP %d: %.500s", resp.StatusCode, raw)
	}
	return out.Data, nil
}

// canon renders a canonical form for comparison (maps sorted by key).
func canon(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
