package neo4jdb

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// SchemaVersion is bumped whenever migrations change; /readyz checks that
// the database carries it.
const SchemaVersion = 5

// FulltextIndex is the name of the full-text index over initiatives.
const FulltextIndex = "initiative_text"

// VectorIndex is the name of the vector index over initiative passage
// embeddings (see internal/embed), and VectorDims their length: the
// shipped model's. Another model of another size needs a new index name
// (and a schema version), not a silent mix of spaces.
const (
	VectorIndex = "initiative_embedding"
	VectorDims  = 384
)

// migrations are applied in order at every start. Each is idempotent
// (IF NOT EXISTS). Community edition has no existence or key constraints,
// so required fields are enforced in Go (see validateInitiative).
var migrations = []string{
	// Uniqueness on every node key (each also creates a range index).
	`CREATE CONSTRAINT initiative_key IF NOT EXISTS FOR (n:Initiative) REQUIRE n.key IS UNIQUE`,
	`CREATE CONSTRAINT city_id IF NOT EXISTS FOR (n:City) REQUIRE n.id IS UNIQUE`,
	`CREATE CONSTRAINT country_code IF NOT EXISTS FOR (n:Country) REQUIRE n.code IS UNIQUE`,
	`CREATE CONSTRAINT theme_slug IF NOT EXISTS FOR (n:Theme) REQUIRE n.slug IS UNIQUE`,
	`CREATE CONSTRAINT award_year IF NOT EXISTS FOR (n:AwardYear) REQUIRE n.year IS UNIQUE`,
	`CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (n:Meta) REQUIRE n.key IS UNIQUE`,
	// Indexes on every filtered or sorted property.
	`CREATE INDEX initiative_sort_title IF NOT EXISTS FOR (n:Initiative) ON (n.sortTitle)`,
	`CREATE INDEX initiative_covid IF NOT EXISTS FOR (n:Initiative) ON (n.covid)`,
	`CREATE INDEX initiative_level IF NOT EXISTS FOR (n:Initiative) ON (n.level)`,
	`CREATE INDEX initiative_best_year IF NOT EXISTS FOR (n:Initiative) ON (n.bestYear)`,
	`CREATE INDEX initiative_import_hash IF NOT EXISTS FOR (n:Initiative) ON (n.importHash)`,
	// Curated initiatives whose similar links wait for a refresh (see
	// RefreshStale).
	`CREATE INDEX initiative_similar_stale IF NOT EXISTS FOR (n:Initiative) ON (n.similarStale)`,
	// Initiatives whose links may now include (or drop) a curated
	// neighbour (see refreshNeighbours).
	`CREATE INDEX initiative_similar_links_stale IF NOT EXISTS FOR (n:Initiative) ON (n.similarLinksStale)`,
	`CREATE INDEX city_country IF NOT EXISTS FOR (n:City) ON (n.countryCode)`,
	`CREATE INDEX city_folded_name IF NOT EXISTS FOR (n:City) ON (n.foldedName)`,
	`CREATE INDEX awarded_status IF NOT EXISTS FOR ()-[r:AWARDED]-() ON (r.status)`,
	`CREATE INDEX has_theme_source IF NOT EXISTS FOR ()-[r:HAS_THEME]-() ON (r.source)`,
	// Full-text over title and summary (plus place names), folding
	// diacritics so that "Lodz" finds "Łódź".
	"CREATE FULLTEXT INDEX " + FulltextIndex + " IF NOT EXISTS FOR (n:Initiative) ON EACH [n.title, n.summary, n.places] " +
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}",
	// Passage embeddings for semantic search and similarity (Neo4j 5.26
	// Community has vector indexes; cosine over unit vectors).
	"CREATE VECTOR INDEX " + VectorIndex + " IF NOT EXISTS FOR (n:Initiative) ON (n.embedding) " +
		"OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}}",
}

// Migrate applies the schema and records its version. It waits for the
// indexes to come online.
func (db *DB) Migrate(ctx context.Context) error {
	for _, m := range migrations {
		if err := db.exec(ctx, m, nil); err != nil {
			return fmt.Errorf("apply migration %q: %w", m[:48], err)
		}
	}
	if _, err := db.read(ctx, `CALL db.awaitIndexes(120)`, nil); err != nil {
		return fmt.Errorf("await indexes: %w", err)
	}
	if err := db.exec(ctx, `MERGE (m:Meta {key: 'schema'}) SET m.version = $v`, map[string]any{"v": SchemaVersion}); err != nil {
		return fmt.Errorf("record schema version: %w", err)
	}
	db.migrated.Store(true)
	return nil
}

// Ready reports whether the database answers and carries the current
// schema version. It does not cache the answer, so /readyz follows Neo4j
// going away and coming back.
func (db *DB) Ready(ctx context.Context) error {
	// Probed directly, past the breaker: readiness must see Neo4j return
	// even while the breaker still refuses traffic.
	recs, err := db.readDirect(ctx, `OPTIONAL MATCH (m:Meta {key: 'schema'}) RETURN m.version AS v`, nil)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return domain.Errorf(domain.EUNAVAILABLE, "schema not applied")
	}
	v, _, err := neo4j.GetRecordValue[int64](recs[0], "v")
	if err != nil {
		return domain.Errorf(domain.EINTERNAL, "read schema version: %v", err)
	}
	if v != SchemaVersion {
		return domain.Errorf(domain.EUNAVAILABLE, "schema version %d, want %d", v, SchemaVersion)
	}
	return nil
}
