package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/neo4jdb"
)

// TestPlanImport checks the run-marker rule: flags decide after a finished
// run; after an unfinished one, a wipe is finished first (even by a run
// without --wipe) and any other phase makes the run ignore stored hashes.
func TestPlanImport(t *testing.T) {
	at := time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC)
	started := func(phase string) *neo4jdb.ImportRun {
		return &neo4jdb.ImportRun{State: neo4jdb.RunStarted, Phase: phase, StartedAt: at}
	}
	finished := &neo4jdb.ImportRun{State: neo4jdb.RunFinished, Phase: neo4jdb.PhaseDone, StartedAt: at}
	for _, c := range []struct {
		name               string
		prev               *neo4jdb.ImportRun
		wipe               bool
		wantWipe, wantRep  bool
		wantReasonContains string
	}{
		{"first run ever", nil, false, false, false, ""},
		{"first run ever, wipe", nil, true, true, false, ""},
		{"after a finished run", finished, false, false, false, ""},
		{"after a finished run, wipe", finished, true, true, false, ""},
		{"killed while wiping, plain run", started(neo4jdb.PhaseWipe), false, true, true, "finishing the wipe"},
		{"killed while wiping, wipe run", started(neo4jdb.PhaseWipe), true, true, true, "finishing the wipe"},
		{"killed while writing", started(neo4jdb.PhaseWrite), false, false, true, `phase "write"`},
		{"killed while writing, wipe run", started(neo4jdb.PhaseWrite), true, true, true, "stored hashes ignored"},
		{"killed while pruning", started(neo4jdb.PhasePrune), false, false, true, `phase "prune"`},
		{"killed in similarity", started(neo4jdb.PhaseSimilarity), false, false, true, `phase "similarity"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := planImport(c.prev, c.wipe)
			if p.wipe != c.wantWipe || p.repair != c.wantRep {
				t.Errorf("plan %+v, want wipe=%v repair=%v", p, c.wantWipe, c.wantRep)
			}
			if (c.wantReasonContains == "") != (p.reason == "") || !strings.Contains(p.reason, c.wantReasonContains) {
				t.Errorf("reason %q, want one containing %q", p.reason, c.wantReasonContains)
			}
		})
	}
}
