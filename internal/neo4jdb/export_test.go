package neo4jdb

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ReadForTest runs cypher through the path every API read takes (budget,
// breaker, readers routing), for tests outside the package that need a
// statement no API read makes, such as a deliberately slow one.
func (db *DB) ReadForTest(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	return db.read(ctx, cypher, params)
}

// WriteForTest runs cypher in a managed write transaction, for tests that
// change the graph behind the adapter's back (a link deleted by hand).
func (db *DB) WriteForTest(ctx context.Context, cypher string, params map[string]any) error {
	return db.write(ctx, func(tx neo4j.ManagedTransaction) error {
		_, err := run(ctx, tx, cypher, params)
		return err
	})
}

// OwnerWalkFactor is ownerPage's rule: tests choose pages on both sides.
const OwnerWalkFactor = ownerWalkFactor
