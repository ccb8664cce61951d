package neo4jdb

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// SchemaVersion is bumped whenever migrations change; /readyz checks that
// the database carries it.
const SchemaVersion = 6

// FulltextIndex is the name of the full-text index over initiatives.
const FulltextIndex = "initiative_text"

// VectorIndex is the name of the vector index over initiative passage
// embeddings (see internal/embed), and VectorDims their length: the
// shipped model's. Another model of another size needs a new index name
// (and a schema version), not a silent mix of spaces.
//
// The index keeps full float32 vectors (`vector.quantization.enabled`
// false). Neo4j 5.26 quantizes by default, and its quantized scores are
// off by up to ~0.001 cosine and depend on the index's history (segment
// contents, deleted entries): the same corpus ranked differently after
// other data had been wiped, enough to swap search hits whose fused scores
// differ by 0.0001. Exact vectors cost 1.5 KiB per initiative in the index
// (about 150 MiB at 100k) against a quarter of that quantized.
const (
	VectorIndex = "initiative_embedding_f32"
	// oldVectorIndex is the quantized index of schema versions ≤ 5; the
	// migrations drop it.
	oldVectorIndex = "initiative_embedding"
	VectorDims     = 384
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
	// Community has vector indexes; cosine over unit vectors). Only one
	// vector index may cover a label and property, so the quantized one of
	// earlier versions goes first.
	"DROP INDEX " + oldVectorIndex + " IF EXISTS",
	"CREATE VECTOR INDEX " + VectorIndex + " IF NOT EXISTS FOR (n:Initiative) ON (n.embedding) " +
		"OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine', `vector.quantization.enabled`: false}}",
}

// BulkIndexes are the indexes a bulk load drops before it writes and
// rebuilds after (DropBulkIndexes, RebuildIndexes): every secondary index
// on initiatives and their relationships, none of which the import's
// writes read. Populating an index once over written nodes costs Neo4j
// less than updating it in every batch's transaction: on the generated
// 100k file the initiative writes took 18.2 s without them against
// 28.9 s with them, and rebuilding them 3.5 s. The uniqueness
// constraints stay, since the writes find nodes by key; so do the City
// indexes (a few hundred nodes, read while places are written).
var BulkIndexes = []string{
	"initiative_sort_title", "initiative_covid", "initiative_level", "initiative_best_year",
	"initiative_import_hash", "initiative_similar_stale", "initiative_similar_links_stale",
	"awarded_status", "has_theme_source", FulltextIndex, VectorIndex,
}

// Migrate applies the schema and records its version. It waits for the
// indexes to come online (up to two minutes).
func (db *DB) Migrate(ctx context.Context) error {
	if err := db.RebuildIndexes(ctx); err != nil {
		return err
	}
	if err := db.AwaitIndexes(ctx, 2*time.Minute); err != nil {
		return err
	}
	if err := db.exec(ctx, `MERGE (m:Meta {key: 'schema'}) SET m.version = $v`, map[string]any{"v": SchemaVersion}); err != nil {
		return fmt.Errorf("record schema version: %w", err)
	}
	db.migrated.Store(true)
	return nil
}

// RebuildIndexes applies the schema's statements (constraints and
// indexes, each IF NOT EXISTS) without waiting: indexes dropped by
// DropBulkIndexes start populating in the background.
func (db *DB) RebuildIndexes(ctx context.Context) error {
	for _, m := range migrations {
		if err := db.exec(ctx, m, nil); err != nil {
			return fmt.Errorf("apply migration %q: %w", m[:48], err)
		}
	}
	return nil
}

// AwaitIndexes waits until every index is online, or timeout.
func (db *DB) AwaitIndexes(ctx context.Context, timeout time.Duration) error {
	if _, err := db.read(ctx, `CALL db.awaitIndexes($s)`, map[string]any{"s": int64(timeout / time.Second)}); err != nil {
		return fmt.Errorf("await indexes: %w", err)
	}
	return nil
}

// DropBulkIndexes drops BulkIndexes before a bulk load into a graph just
// wiped. Until RebuildIndexes runs, reads that need them fail (search
// has no full-text index) or scan; a run killed meanwhile leaves them
// dropped until the next import or server start, whose Migrate creates
// them again. The names are this file's constants, never input.
func (db *DB) DropBulkIndexes(ctx context.Context) error {
	for _, name := range BulkIndexes {
		if err := db.exec(ctx, "DROP INDEX "+name+" IF EXISTS", nil); err != nil {
			return fmt.Errorf("drop index %s: %w", name, err)
		}
	}
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

// Index is one index as SHOW INDEXES reports it.
type Index struct {
	Name, State string
	// Constraint names the constraint that owns the index ("" for none).
	Constraint string
}

// Indexes lists the database's indexes, by name (the lookup indexes
// Neo4j creates itself included).
func (db *DB) Indexes(ctx context.Context) ([]Index, error) {
	recs, err := db.read(ctx, `SHOW INDEXES YIELD name, state, owningConstraint RETURN name, state, coalesce(owningConstraint, '') AS c ORDER BY name`, nil)
	if err != nil {
		return nil, fmt.Errorf("list indexes: %w", err)
	}
	out := make([]Index, len(recs))
	for i, r := range recs {
		var ix Index
		for k, dst := range map[string]*string{"name": &ix.Name, "state": &ix.State, "c": &ix.Constraint} {
			v, _ := r.Get(k)
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("list indexes: %s is %T, not a string", k, v)
			}
			*dst = s
		}
		out[i] = ix
	}
	return out, nil
}
