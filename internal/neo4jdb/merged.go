package neo4jdb

import (
	"context"
	"fmt"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// RetireMerged records on each survivor of a near-duplicate merge the keys
// merged into it (mergedKeys) and removes the nodes an earlier import
// wrote under those keys, so a merge found now also shrinks a graph built
// before it. One transaction; returns how many old nodes were removed.
func (db *DB) RetireMerged(ctx context.Context, ins []*domain.Initiative) (int, error) {
	var rows []map[string]any
	for _, in := range ins {
		if len(in.MergedKeys) > 0 {
			rows = append(rows, map[string]any{"key": in.ID, "merged": in.MergedKeys})
		}
	}
	if len(rows) == 0 {
		return 0, nil
	}
	removed, err := db.writeCount(ctx, `UNWIND $rows AS row
MATCH (s:Initiative {key: row.key})
SET s.mergedKeys = row.merged
WITH row
UNWIND row.merged AS k
MATCH (old:Initiative {key: k})
WHERE k <> row.key
`+forgetMutual("old")+`
DETACH DELETE old
RETURN count(*) AS n`, map[string]any{"rows": rows})
	if err != nil {
		return 0, fmt.Errorf("retire merged initiatives: %w", err)
	}
	return removed, nil
}
