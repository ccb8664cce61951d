package neo4jdb

import (
	"context"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/export"
)

// Reads for internal/export. Pages reuse InitiativePage in title order with
// keyset continuation (an index seek per page, however deep), reading
// every part; SIMILAR links are read per page of source keys. Both are
// routed to readers, parameterised, and pass through begin (budget,
// breaker, round-trip count) like every other read.

var _ export.Source = (*DB)(nil)

// ExportInitiatives implements export.Source.
func (db *DB) ExportInitiatives(ctx context.Context, f domain.InitiativeFilter, after string, limit int) ([]*domain.InitiativeRow, error) {
	p, err := db.InitiativePage(ctx, domain.PageQuery{Filter: f, Order: domain.InitiativeOrder{Field: domain.OrderTitle, AfterSortKey: after},
		First: limit, Plan: domain.WholePlan, Page: true})
	if err != nil {
		return nil, err
	}
	return p.Rows, nil
}

// exportSimilarCypher reads the links each of $keys holds (heldMatch).
var exportSimilarCypher = `UNWIND $keys AS k
MATCH (a:Initiative {key: k})
` + held(heldMatch, "a", "s", "b") + `
RETURN a.key AS from, b.key AS to, s.score AS score
ORDER BY from, score DESC, to`

// ExportSimilar implements export.Source.
func (db *DB) ExportSimilar(ctx context.Context, keys []string) ([]export.Similar, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	recs, err := db.read(ctx, exportSimilarCypher, map[string]any{"keys": keys})
	if err != nil {
		return nil, err
	}
	var d decoder
	out := make([]export.Similar, 0, len(recs))
	for _, r := range recs {
		out = append(out, export.Similar{From: recordValue[string](&d, r, "from"), To: recordValue[string](&d, r, "to"),
			Score: recordValue[float64](&d, r, "score")})
	}
	return out, decodeErr("read similar links for export", &d)
}

// CountInitiatives implements export.Store: the size of a filtered set,
// read by InitiativePage's count part.
func (db *DB) CountInitiatives(ctx context.Context, f domain.InitiativeFilter) (int, error) {
	p, err := db.InitiativePage(ctx, domain.PageQuery{Filter: f, Total: true})
	if err != nil {
		return 0, err
	}
	return p.Total, nil
}
