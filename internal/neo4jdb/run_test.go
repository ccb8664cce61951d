package neo4jdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// TestImportRunMarker checks the run marker's life cycle on the real
// Neo4j: StartImportRun returns the marker as the previous run left it,
// phases are recorded, FinishImportRun marks it finished, and a wipe
// (DeleteAll) keeps it, so the run after a killed wipe still sees it.
func TestImportRunMarker(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	if err := db.FinishImportRun(ctx); err != nil { // leave a finished marker from earlier tests, if any
		t.Fatal(err)
	}
	before := time.Now().Add(-time.Minute)
	if _, err := db.StartImportRun(ctx, neo4jdb.ImportRun{Phase: neo4jdb.PhaseWipe, Digest: "d1", Wipe: true}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := db.LastImportRun(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || got.State != neo4jdb.RunStarted || got.Phase != neo4jdb.PhaseWipe || got.Digest != "d1" || !got.Wipe ||
		got.Finished() || got.StartedAt.Before(before) || !got.FinishedAt.IsZero() {
		t.Fatalf("marker after a started wipe and DeleteAll: %+v", got)
	}

	prev, err := db.StartImportRun(ctx, neo4jdb.ImportRun{Phase: neo4jdb.PhaseWrite, Digest: "d2", Repair: true})
	if err != nil {
		t.Fatal(err)
	}
	if prev == nil || prev.State != neo4jdb.RunStarted || prev.Phase != neo4jdb.PhaseWipe || prev.Digest != "d1" {
		t.Fatalf("StartImportRun returned %+v as the previous marker, want the started wipe", prev)
	}
	if err := db.SetImportPhase(ctx, neo4jdb.PhaseSimilarity); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.LastImportRun(ctx); got.Phase != neo4jdb.PhaseSimilarity || !got.Repair || got.Wipe {
		t.Fatalf("marker after SetImportPhase: %+v", got)
	}
	if err := db.FinishImportRun(ctx); err != nil {
		t.Fatal(err)
	}
	got, err = db.LastImportRun(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Finished() || got.Phase != neo4jdb.PhaseDone || got.FinishedAt.Before(got.StartedAt) {
		t.Fatalf("marker after FinishImportRun: %+v", got)
	}
}
