package neo4jdb_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
)

// TestBulkIndexesDropAndRebuild: every name in BulkIndexes is an index
// the schema creates and no constraint owns (a constraint's index must
// stay: the writes find nodes by it); DropBulkIndexes removes exactly
// those; Migrate — what the next import or server start runs after a
// bulk load killed before its rebuild — brings back the same set, online.
func TestBulkIndexesDropAndRebuild(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	before, err := db.Indexes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]neo4jdb.Index{}
	for _, ix := range before {
		byName[ix.Name] = ix
		if ix.State != "ONLINE" {
			t.Errorf("index %s is %s after Migrate", ix.Name, ix.State)
		}
	}
	for _, name := range neo4jdb.BulkIndexes {
		ix, ok := byName[name]
		switch {
		case !ok:
			t.Errorf("bulk index %s is not in the schema", name)
		case ix.Constraint != "":
			t.Errorf("bulk index %s belongs to constraint %s", name, ix.Constraint)
		}
	}
	if err := db.DropBulkIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Migrate(ctx); err != nil {
			t.Error(err)
		}
	})
	dropped, err := db.Indexes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var left []neo4jdb.Index
	for _, ix := range before {
		if !slices.Contains(neo4jdb.BulkIndexes, ix.Name) {
			left = append(left, ix)
		}
	}
	if !reflect.DeepEqual(dropped, left) {
		t.Errorf("after DropBulkIndexes:\n%v\nwant\n%v", dropped, left)
	}
	if err := db.DropBulkIndexes(ctx); err != nil {
		t.Errorf("second drop (a run repeating it): %v", err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	after, err := db.Indexes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("after Migrate:\n%v\nwant\n%v", after, before)
	}
}
