package neo4jdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The import's run marker is one node, (:Meta {key: 'import'}), that
// survives a wipe (DeleteAll keeps :Meta nodes). An import marks itself
// started before it changes anything, records each phase before the
// phase begins, and marks itself finished only after the last one. A run
// that finds the marker still "started" therefore knows the previous run
// was killed or failed, and in which phase, and repairs instead of trusting
// what that run left (see cmd/civicgraph's importPlan).
const (
	RunStarted  = "started"
	RunFinished = "finished"

	PhaseWipe       = "wipe"       // DeleteAll
	PhaseWrite      = "write"      // themes and initiatives with their links
	PhasePrune      = "prune"      // orphan cities and years
	PhaseSimilarity = "similarity" // SIMILAR links
	PhaseDone       = "done"
)

// ImportRun is the state of the last import as its marker records it.
type ImportRun struct {
	State      string // RunStarted or RunFinished
	Phase      string // the phase the run was in (PhaseDone once finished)
	Digest     string // digest of the run's input (see cmd/civicgraph)
	Wipe       bool   // the run wiped the graph first
	Repair     bool   // the run ignored stored hashes (it followed an unfinished run)
	StartedAt  time.Time
	FinishedAt time.Time // zero unless finished
}

// Finished reports whether the run got to its end.
func (r *ImportRun) Finished() bool { return r == nil || r.State == RunFinished }

// LastImportRun returns the marker of the last import, or nil if no import
// ever ran on this database.
func (db *DB) LastImportRun(ctx context.Context) (*ImportRun, error) {
	recs, err := db.read(ctx, `MATCH (m:Meta {key: 'import'})
RETURN m.state AS state, m.phase AS phase, m.digest AS digest, m.wipe AS wipe, m.repair AS repair,
       m.startedAt AS startedAt, m.finishedAt AS finishedAt`, nil)
	if err != nil {
		return nil, fmt.Errorf("read import run marker: %w", err)
	}
	if len(recs) == 0 {
		return nil, nil
	}
	return decodeRun(recs[0])
}

// StartImportRun records next as started (state, phase, digest, flags and
// the start time; FinishedAt cleared) and returns the marker as it was
// before, nil if there was none, in one transaction.
func (db *DB) StartImportRun(ctx context.Context, next ImportRun) (*ImportRun, error) {
	var prev *ImportRun
	err := db.write(ctx, func(tx neo4j.ManagedTransaction) error {
		recs, err := run(ctx, tx, `OPTIONAL MATCH (old:Meta {key: 'import'})
WITH old {.*} AS prev
MERGE (m:Meta {key: 'import'})
SET m.state = $state, m.phase = $phase, m.digest = $digest, m.wipe = $wipe, m.repair = $repair,
    m.startedAt = datetime(), m.finishedAt = null
RETURN prev.state AS state, prev.phase AS phase, prev.digest AS digest, prev.wipe AS wipe, prev.repair AS repair,
       prev.startedAt AS startedAt, prev.finishedAt AS finishedAt`,
			map[string]any{"state": RunStarted, "phase": next.Phase, "digest": next.Digest, "wipe": next.Wipe, "repair": next.Repair})
		if err != nil {
			return err
		}
		prev = nil
		if len(recs) == 1 {
			if s, _ := recs[0].Get("state"); s != nil {
				prev, err = decodeRun(recs[0])
			}
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mark import run started: %w", err)
	}
	return prev, nil
}

// SetImportPhase records that the running import enters phase. It is
// committed before the phase changes anything.
func (db *DB) SetImportPhase(ctx context.Context, phase string) error {
	if err := db.exec(ctx, `MATCH (m:Meta {key: 'import'}) SET m.phase = $phase`, map[string]any{"phase": phase}); err != nil {
		return fmt.Errorf("mark import phase %s: %w", phase, err)
	}
	return nil
}

// FinishImportRun marks the running import finished.
func (db *DB) FinishImportRun(ctx context.Context) error {
	err := db.exec(ctx, `MATCH (m:Meta {key: 'import'}) SET m.state = $state, m.phase = $phase, m.finishedAt = datetime()`,
		map[string]any{"state": RunFinished, "phase": PhaseDone})
	if err != nil {
		return fmt.Errorf("mark import run finished: %w", err)
	}
	return nil
}

func decodeRun(r *neo4j.Record) (*ImportRun, error) {
	var out ImportRun
	errs := make([]error, 0, 7)
	get := func(err error) { errs = append(errs, err) }
	var err error
	out.State, _, err = neo4j.GetRecordValue[string](r, "state")
	get(err)
	out.Phase, _, err = neo4j.GetRecordValue[string](r, "phase")
	get(err)
	out.Digest, _, err = neo4j.GetRecordValue[string](r, "digest")
	get(err)
	out.Wipe, _, err = neo4j.GetRecordValue[bool](r, "wipe")
	get(err)
	out.Repair, _, err = neo4j.GetRecordValue[bool](r, "repair")
	get(err)
	out.StartedAt, _, err = neo4j.GetRecordValue[time.Time](r, "startedAt")
	get(err)
	out.FinishedAt, _, err = neo4j.GetRecordValue[time.Time](r, "finishedAt")
	get(err)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("decode import run marker: %w", err)
	}
	return &out, nil
}

// autoCommit runs one statement in an implicit (auto-commit) transaction
// and consumes its result. Statements with CALL { … } IN TRANSACTIONS need
// one: the driver's managed transactions (ExecuteWrite, ExecuteQuery) are
// explicit transactions, in which the server refuses them. Auto-commit
// statements are not retried by the driver, so callers that need retries
// loop themselves (every caller here is idempotent).
func (db *DB) autoCommit(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	sess := db.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: db.database, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	count(ctx)
	res, err := sess.Run(ctx, cypher, params)
	if err != nil {
		return nil, translate(err)
	}
	recs, err := collect(ctx, res)
	if err != nil {
		return nil, translate(err)
	}
	return recs, nil
}

// DataNodes counts the nodes other than civicgraph's own Meta nodes (the
// schema version and the import run marker), from Neo4j's count store.
func (db *DB) DataNodes(ctx context.Context) (int64, error) {
	recs, err := db.read(ctx, `RETURN COUNT { MATCH (n) } - COUNT { MATCH (m:Meta) } AS n`, nil)
	if err != nil {
		return 0, fmt.Errorf("count nodes: %w", err)
	}
	n, _ := recs[0].Get("n")
	v, _ := n.(int64)
	return v, nil
}
