package neo4jdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/textfold"
)

// ImportStats counts what an import did to initiatives. Rewritten ones had
// their content hash stored already but were written again: a link they
// imply was missing, or the caller asked to ignore stored hashes.
type ImportStats struct {
	Created, Updated, Unchanged, Rewritten int
}

// ImportOptions tune ImportInitiatives.
type ImportOptions struct {
	BatchSize int            // initiatives per transaction (default 500)
	Progress  func(done int) // if not nil, called after each batch with the number handled so far
	// IgnoreHashes rewrites every initiative even if its stored content hash
	// is current: after a run that did not finish, nothing it left is
	// trusted.
	IgnoreHashes bool
	// Fresh says the graph holds no initiative (the caller has just
	// wiped it): batches CREATE nodes and links instead of merging them.
	Fresh bool
}

// UpsertThemes writes the taxonomy's themes (MERGE on slug).
func (db *DB) UpsertThemes(ctx context.Context, themes []domain.Theme) error {
	rows := make([]map[string]any, len(themes))
	for k, t := range themes {
		rows[k] = map[string]any{"slug": t.Slug, "name": t.Name, "description": t.Description}
	}
	return db.write(ctx, func(tx neo4j.ManagedTransaction) error {
		_, err := run(ctx, tx, `UNWIND $rows AS row MERGE (t:Theme {slug: row.slug})
SET t.name = row.name, t.description = row.description`, map[string]any{"rows": rows})
		return err
	})
}

// ValidateInitiative enforces the fields Neo4j Community cannot require
// (it has no existence constraints).
func ValidateInitiative(in *domain.Initiative) error {
	switch {
	case strings.TrimSpace(in.ID) == "":
		return domain.Errorf(domain.EINVALID, "initiative %q has no key", in.Title)
	case strings.TrimSpace(in.Title) == "":
		return domain.Errorf(domain.EINVALID, "initiative %q has no title", in.ID)
	case in.City != nil && (in.City.ID == "" || in.City.CountryCode == ""):
		return domain.Errorf(domain.EINVALID, "initiative %q has a city without id or country", in.ID)
	case in.Country != nil && len(in.Country.Code) != 2:
		return domain.Errorf(domain.EINVALID, "initiative %q has country code %q, want ISO alpha-2", in.ID, in.Country.Code)
	}
	for _, a := range in.Awards {
		if a.Year < 1900 || a.Year > 2100 {
			return domain.Errorf(domain.EINVALID, "initiative %q has award year %d", in.ID, a.Year)
		}
	}
	return nil
}

// storageFormat is part of every content hash: bump it when the way an
// initiative is stored changes (e.g. a derived property), so the next
// import rewrites every initiative once.
const storageFormat = "3" // 3: sort keys of folded words (SortKey)

// SortKey is the stored sort key of a title: its folded words
// (textfold.WordForm, so leading quotes, dashes and hashes do not sort
// "“Casettiamo…”", "#FreeInterrail" or "– Citizen Participation Platform"
// before "A…"), then the key, so it is unique and an index on it gives a
// total order for stable paging. Search's title boost matches its words.
func SortKey(title, key string) string { return textfold.WordForm(title) + "\x1f" + key }

// hashInitiative is a content hash of everything an import writes for an
// initiative: its properties and the links it implies (city, country,
// themes, awards, with their confidences and sources), because all of
// them are fields of domain.Initiative. It is stored on the node in the
// transaction that writes those links. The next import skips an
// initiative whose hash is unchanged only if those links are still there
// (see ImportInitiatives), since links can vanish without the node: their
// other end deleted by a killed wipe, a prune or by hand.
func hashInitiative(in *domain.Initiative) string {
	b, _ := json.Marshal(in)
	h := sha256.Sum256(append([]byte(storageFormat), b...))
	return hex.EncodeToString(h[:12])
}

// importRow is the parameter row of one initiative in an import batch:
// its properties, content hash and the links it implies (by the keys of
// their other ends, written beforehand by writeReferences).
func importRow(in *domain.Initiative) map[string]any {
	su, sm := splitSources(in.Sources)
	row := map[string]any{
		"key": in.ID, "title": in.Title, "sortTitle": SortKey(in.Title, in.ID), "titleDerived": in.TitleDerived, "titleIncomplete": in.TitleIncomplete,
		"summary": in.Summary, "altTitles": nonNil(in.AltTitles), "covid": in.Covid, "su": su, "sm": sm, "sp": sourcePages(in.Sources),
		"hash": hashInitiative(in), "bestYear": nil, "places": "", "city": nil, "country": nil,
		"level": nil, "levelConfidence": nil, "levelEvidence": nil, "levelSu": []string{}, "levelSm": []string{},
	}
	if l := in.Level; l != nil {
		lsu, lsm := splitSources(l.Sources)
		row["level"], row["levelConfidence"], row["levelEvidence"], row["levelSu"], row["levelSm"] = l.Level, l.Confidence, l.Evidence, lsu, lsm
	}
	var places []string
	if c := in.City; c != nil {
		csu, csm := splitSources(c.Sources)
		row["city"] = map[string]any{"id": c.ID, "confidence": c.Confidence, "evidence": c.Evidence, "su": csu, "sm": csm}
		places = append(places, c.Name)
		places = append(places, c.AltNames...) // search finds Wien, Aarhus
	}
	if c := in.Country; c != nil {
		csu, csm := splitSources(c.Sources)
		row["country"] = map[string]any{"code": c.Code, "confidence": c.Confidence, "evidence": c.Evidence, "su": csu, "sm": csm}
		places = append(places, c.Name)
	}
	row["places"] = strings.Join(places, " ")
	themes := make([]map[string]any, 0, len(in.Themes))
	seen := make(map[string]bool, len(in.Themes))
	for _, t := range in.Themes {
		if seen[t.Slug] {
			continue // one link per theme, which the degree counts rely on (see placeCount)
		}
		seen[t.Slug] = true
		tsu, tsm := splitSources(t.Sources)
		themes = append(themes, map[string]any{"slug": t.Slug, "source": t.Source, "confidence": t.Confidence,
			"terms": nonNil(t.Terms), "su": tsu, "sm": tsm})
	}
	row["themes"] = themes
	awards := make([]map[string]any, 0, len(in.Awards))
	best := 0
	for _, a := range in.Awards {
		best = max(best, a.Year)
		asu, asm := splitSources(a.Sources)
		awards = append(awards, map[string]any{"year": int64(a.Year), "status": a.Status, "category": a.Category, "su": asu, "sm": asm,
			"sp": sourcePages(a.Sources)})
	}
	if best > 0 {
		row["bestYear"] = int64(best)
	}
	row["awards"] = awards
	return row
}

// ImportInitiatives writes initiatives: first the countries, cities and
// award years they link to (one transaction), then the initiatives in
// batches of one managed transaction and one statement each (UNWIND over
// rows). Links made by imports are replaced, curated ones kept. It is
// idempotent and resumable: the batch statement compares each
// initiative's stored content hash and implied links with the input's and
// skips an initiative whose hash is current and whose links all exist
// (unless o.IgnoreHashes), so a run killed half-way is completed by the
// next one; every batch is whole or absent. Invalid input (see
// ValidateInitiative, or a key given twice) is refused before anything
// is written.
func (db *DB) ImportInitiatives(ctx context.Context, ins []*domain.Initiative, o ImportOptions) (ImportStats, error) {
	var st ImportStats
	batchSize := o.BatchSize
	if batchSize <= 0 {
		batchSize = 500
	}
	seen := make(map[string]bool, len(ins))
	for _, in := range ins {
		if err := ValidateInitiative(in); err != nil {
			return st, err
		}
		if seen[in.ID] {
			return st, domain.Errorf(domain.EINVALID, "initiative key %q is given twice", in.ID)
		}
		seen[in.ID] = true
	}
	if len(ins) == 0 {
		return st, nil
	}
	if err := db.writeReferences(ctx, ins); err != nil {
		return st, fmt.Errorf("write countries, cities and award years: %w", err)
	}
	stmt, writers := importBatch, 1
	if o.Fresh {
		stmt, writers = createBatch, freshWriters
	}
	type batch struct{ start, end int }
	var mu sync.Mutex
	done := 0
	err := inParallel(ctx, writers, func(yield func(batch) bool) {
		for start := 0; start < len(ins); start += batchSize {
			if !yield(batch{start, min(start+batchSize, len(ins))}) {
				return
			}
		}
	}, func(ctx context.Context, b batch) error {
		rows := make([]map[string]any, 0, b.end-b.start)
		for _, in := range ins[b.start:b.end] {
			rows = append(rows, importRow(in))
		}
		bst, err := db.writeBatch(ctx, stmt, rows, o.IgnoreHashes)
		mu.Lock()
		defer mu.Unlock()
		st.Created, st.Updated, st.Unchanged, st.Rewritten = st.Created+bst.Created, st.Updated+bst.Updated, st.Unchanged+bst.Unchanged, st.Rewritten+bst.Rewritten
		if err != nil {
			return fmt.Errorf("write batch %d (%s…): %w", b.start/batchSize, ins[b.start].ID, err)
		}
		done += b.end - b.start
		if o.Progress != nil {
			o.Progress(done)
		}
		return nil
	})
	return st, err
}

// freshWriters is how many batches of a fresh import (right after a
// wipe) are written at once. The batches create distinct initiatives, and
// the nodes they share (countries, cities, themes, award years) are dense,
// so two writers seldom wait for each other's locks; a deadlock between
// two is transient and retried by the driver. An import into a graph that
// may hold the initiatives keeps one writer: its batches read and replace
// links, where a stable order is worth more than the speed.
const freshWriters = 2

// writeBatch runs one batch statement in one managed transaction and
// counts its initiatives by the status the statement decided.
func (db *DB) writeBatch(ctx context.Context, stmt string, rows []map[string]any, ignoreHashes bool) (ImportStats, error) {
	var st ImportStats
	err := db.write(ctx, func(tx neo4j.ManagedTransaction) error {
		st = ImportStats{} // a retried transaction counts afresh
		recs, err := run(ctx, tx, stmt, map[string]any{"rows": rows, "ignoreHashes": ignoreHashes, "covidTheme": domain.CovidTheme})
		if err != nil {
			return err
		}
		for _, r := range recs {
			status, _, err := neo4j.GetRecordValue[string](r, "status")
			if err != nil {
				return fmt.Errorf("read batch status: %w", err)
			}
			n, _, err := neo4j.GetRecordValue[int64](r, "n")
			if err != nil {
				return fmt.Errorf("read batch count: %w", err)
			}
			switch status {
			case "created":
				st.Created += int(n)
			case "updated":
				st.Updated += int(n)
			case "rewritten":
				st.Rewritten += int(n)
			case "unchanged":
				st.Unchanged += int(n)
			default:
				return fmt.Errorf("batch statement returned status %q", status)
			}
		}
		return nil
	})
	return st, err
}

// writeReferences writes the countries, cities and award years the
// initiatives link to, in one transaction (a few hundred rows at most:
// they are reference data shared by many initiatives). Writing them
// before the batches keeps each batch to one statement; a run killed in
// between leaves only nodes no initiative points at, which the prune
// step removes.
func (db *DB) writeReferences(ctx context.Context, ins []*domain.Initiative) error {
	countries := map[string]map[string]any{}
	cities := map[string]map[string]any{}
	years := map[int]bool{}
	// Every initiative of a city names it and its alternate names again:
	// folding each once (Fold normalises Unicode) took ~8 s at 100k
	// initiatives before the first batch, with Neo4j idle.
	folds := map[string]string{}
	fold := func(s string) string {
		f, ok := folds[s]
		if !ok {
			f = Fold(s)
			folds[s] = f
		}
		return f
	}
	for _, in := range ins {
		if c := in.City; c != nil {
			folded := []string{fold(c.Name)}
			for _, a := range c.AltNames {
				folded = append(folded, fold(a))
			}
			cities[c.ID] = map[string]any{"id": c.ID, "name": c.Name, "foldedName": fold(c.Name), "countryCode": c.CountryCode,
				"lat": c.Lat, "lon": c.Lon, "population": int64(c.Population),
				"altNames": nonNil(c.AltNames), "foldedNames": folded}
			if _, ok := countries[c.CountryCode]; !ok {
				countries[c.CountryCode] = map[string]any{"code": c.CountryCode, "name": nil}
			}
		}
		if c := in.Country; c != nil {
			countries[c.Code] = map[string]any{"code": c.Code, "name": c.Name}
		}
		for _, a := range in.Awards {
			years[a.Year] = true
		}
	}
	countryRows := sortedRows(countries)
	cityRows := sortedRows(cities)
	yearRows := make([]int64, 0, len(years))
	for y := range years {
		yearRows = append(yearRows, int64(y))
	}
	sort.Slice(yearRows, func(a, b int) bool { return yearRows[a] < yearRows[b] })
	return db.write(ctx, func(tx neo4j.ManagedTransaction) error {
		_, err := run(ctx, tx, writeReferences, map[string]any{"countries": countryRows, "cities": cityRows, "years": yearRows})
		return err
	})
}

// sortedRows lists a map's rows in key order (a stable lock order for
// concurrent writers).
func sortedRows(m map[string]map[string]any) []map[string]any {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rows := make([]map[string]any, len(keys))
	for i, k := range keys {
		rows[i] = m[k]
	}
	return rows
}

// writeReferences is the reference nodes' statement: countries first
// (cities link to them), then cities, then award years.
const writeReferences = `CALL { UNWIND $countries AS row MERGE (c:Country {code: row.code})
  SET c.name = coalesce(row.name, c.name, row.code) }
CALL { UNWIND $cities AS row MERGE (c:City {id: row.id})
  SET c.name = row.name, c.foldedName = row.foldedName, c.countryCode = row.countryCode,
      c.altNames = row.altNames, c.foldedNames = row.foldedNames,
      c.lat = row.lat, c.lon = row.lon, c.population = row.population,
      c.location = point({latitude: row.lat, longitude: row.lon})
  WITH c, row MATCH (co:Country {code: row.countryCode}) MERGE (c)-[:LOCATED_IN]->(co) }
CALL { UNWIND $years AS y MERGE (:AwardYear {year: y}) }
RETURN 1 AS done`

// initiativeProps sets an initiative's properties from its row (i, row).
const initiativeProps = `SET i.title = row.title, i.sortTitle = row.sortTitle, i.titleDerived = row.titleDerived, i.titleIncomplete = row.titleIncomplete, i.summary = row.summary,
    i.altTitles = row.altTitles, i.covid = row.covid, i.sourceUrls = row.su, i.sourceMethods = row.sm, i.sourcePages = row.sp,
    i.places = row.places, i.bestYear = row.bestYear, i.importHash = row.hash,
    i.level = row.level, i.levelConfidence = row.levelConfidence, i.levelEvidence = row.levelEvidence,
    i.levelSourceUrls = row.levelSu, i.levelSourceMethods = row.levelSm
`

// importLinks writes an initiative's implied links (i, row) with the
// given verb: MERGE over a graph that may hold them, CREATE right after
// a wipe. Awards are always created: no curator edits them, so the
// rewrite has just deleted them all, and two awards in one year (two
// categories) are two links, as a fresh import writes them (a MERGE would
// fold them into one, the last one's status and category). The city and
// country of an initiative whose city a curator set, and themes a curator
// removed, are left alone; a theme link a curator made keeps its curated
// source and confidence. Then the covid flag follows the links.
func importLinks(verb string) string {
	return `WITH i, row
CALL (i, row) {
  WITH i, row WHERE row.city IS NOT NULL AND NOT coalesce(i.cityCurated, false)
  MATCH (c:City {id: row.city.id})
  ` + verb + ` (i)-[r:IN_CITY]->(c)
  SET r.confidence = row.city.confidence, r.evidence = row.city.evidence,
      r.sourceUrls = row.city.su, r.sourceMethods = row.city.sm }
CALL (i, row) {
  WITH i, row WHERE row.country IS NOT NULL AND NOT coalesce(i.cityCurated, false)
  MATCH (c:Country {code: row.country.code})
  ` + verb + ` (i)-[r:IN_COUNTRY]->(c)
  SET r.confidence = row.country.confidence, r.evidence = row.country.evidence,
      r.sourceUrls = row.country.su, r.sourceMethods = row.country.sm }
CALL (i, row) {
  UNWIND row.themes AS th
  MATCH (t:Theme {slug: th.slug})
  WHERE NOT t.slug IN coalesce(i.suppressedThemes, [])
  ` + verb + ` (i)-[r:HAS_THEME]->(t)
  SET r.source = CASE WHEN coalesce(r.curated, false) THEN r.source ELSE th.source END,
      r.confidence = CASE WHEN coalesce(r.curated, false) THEN r.confidence ELSE th.confidence END,
      r.terms = th.terms, r.sourceUrls = th.su, r.sourceMethods = th.sm }
CALL (i, row) {
  UNWIND row.awards AS aw
  MATCH (y:AwardYear {year: aw.year})
  CREATE (i)-[r:AWARDED]->(y)
  SET r.status = aw.status, r.category = aw.category, r.sourceUrls = aw.su, r.sourceMethods = aw.sm, r.sourcePages = aw.sp }
SET i.covid = EXISTS { (i)-[:HAS_THEME]->(:Theme {slug: $covidTheme}) }
`
}

// importBatch is one batch of an import into a graph that may hold the
// initiatives already, in one statement: for each row it decides the
// status from what is stored — created (no node), updated (another
// content hash), rewritten (same hash but $ignoreHashes, or a link the
// input implies is missing: links a curator removed or took over are not
// required, since the import does not write them; or another number of
// award links than awards, as an older import that folded two awards of
// one year left) or unchanged — and writes every row but the unchanged
// ones, replacing the links imports made. It returns the count per status.
var importBatch = `UNWIND $rows AS row
OPTIONAL MATCH (old:Initiative {key: row.key})
WITH row, old, coalesce(old.cityCurated, false) AS cc, coalesce(old.suppressedThemes, []) AS suppressed
WITH row, CASE
  WHEN old IS NULL THEN 'created'
  WHEN old.importHash IS NULL OR old.importHash <> row.hash THEN 'updated'
  WHEN $ignoreHashes THEN 'rewritten'
  WHEN (row.city IS NULL OR cc OR EXISTS { (old)-[:IN_CITY]->(:City {id: row.city.id}) })
   AND (row.country IS NULL OR cc OR EXISTS { (old)-[:IN_COUNTRY]->(:Country {code: row.country.code}) })
   AND all(th IN row.themes WHERE th.slug IN suppressed OR EXISTS { (old)-[:HAS_THEME]->(:Theme {slug: th.slug}) })
   AND all(aw IN row.awards WHERE EXISTS { (old)-[:AWARDED]->(:AwardYear {year: aw.year}) })
   AND COUNT { (old)-[:AWARDED]->() } = size(row.awards) THEN 'unchanged'
  ELSE 'rewritten' END AS status
CALL (row, status) {
  WITH row WHERE status <> 'unchanged'
  MERGE (i:Initiative {key: row.key})
  ` + initiativeProps + `WITH i, row
  CALL (i) {
    MATCH (i)-[r:IN_CITY|IN_COUNTRY|HAS_THEME|AWARDED]->()
    WHERE NOT coalesce(r.curated, false) DELETE r }
  ` + importLinks("MERGE") + `}
RETURN status, count(*) AS n`

// createBatch is one batch of an import right after a wipe (the graph
// holds no initiative): nothing to compare, nothing to replace, so nodes
// and links are created, not merged. A key that exists after all fails
// the batch on the key's uniqueness constraint (a conflict), and nothing
// of the batch is written.
var createBatch = `UNWIND $rows AS row
CREATE (i:Initiative {key: row.key})
` + initiativeProps + importLinks("CREATE") + `RETURN 'created' AS status, count(*) AS n`

// closestPair is the stored form of a link's closest sentences: both or
// none (Neo4j stores no nulls in lists).
func closestPair(l domain.SimilarLink) []string {
	if l.ClosestFrom == "" || l.ClosestTo == "" {
		return nil
	}
	return []string{l.ClosestFrom, l.ClosestTo}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SimDoc is what the similarity precompute needs of an initiative.
type SimDoc struct {
	Key, CityID, Title, Summary string
	Themes                      []string
	// Vec is the stored passage vector (nil when none); VecHash its
	// content hash.
	Vec     []float32
	VecHash string
}

// SimilarityDocs reads every initiative's text, city, themes and passage
// vector. known, when not nil, answers vectors by content hash (the
// importer's cache), so only vectors it lacks cross the wire.
func (db *DB) SimilarityDocs(ctx context.Context, known func(hash string) []float32) ([]SimDoc, error) {
	recs, err := db.read(ctx, `MATCH (i:Initiative)
RETURN i.key AS key, i.title AS title, i.summary AS summary,
       head([(i)-[:IN_CITY]->(c:City) | c.id]) AS city,
       [(i)-[:HAS_THEME]->(t:Theme) | t.slug] AS themes,
       i.embeddingHash AS vhash,
       CASE WHEN $all THEN i.embedding END AS vec
ORDER BY key`, map[string]any{"all": known == nil})
	if err != nil {
		return nil, err
	}
	out := make([]SimDoc, 0, len(recs))
	var missing []string
	at := map[string]int{}
	var dec decoder
	for _, r := range recs {
		m := r.AsMap()
		d := SimDoc{Key: dec.str(m, "key"), Title: dec.str(m, "title"), Summary: dec.str(m, "summary"), CityID: dec.str(m, "city"),
			Themes: dec.strs(m, "themes"), VecHash: dec.str(m, "vhash"), Vec: dec.vec(m, "vec")}
		if known != nil && d.VecHash != "" {
			if d.Vec = known(d.VecHash); d.Vec == nil {
				missing = append(missing, d.Key)
				at[d.Key] = len(out)
			}
		}
		out = append(out, d)
	}
	if err := decodeErr("read similarity documents", &dec); err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		recs, err := db.read(ctx, `UNWIND $keys AS k MATCH (i:Initiative {key: k}) RETURN k AS key, i.embedding AS vec`, map[string]any{"keys": missing})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			m := r.AsMap()
			out[at[dec.str(m, "key")]].Vec = dec.vec(m, "vec")
		}
	}
	return out, decodeErr("read similarity vectors", &dec)
}

// maxSimilarPerTx bounds the SIMILAR links one WriteSimilar transaction
// creates. The links it deletes are those the same initiatives held, made
// by the same capped precompute, so they are of the same order.
const maxSimilarPerTx = 10_000

// similarWriters is how many WriteSimilar transactions run at once. Two
// use both cores of a small server: measured on 200k links (2 cores),
// one writer 33k links/s, two 46k/s. It pays only because the batches
// find their nodes by element ID: a MATCH on the unique key in a write
// transaction is a locking index seek, and with it two writers were no
// faster than one (23k/s against 20k/s).
const similarWriters = 2

// writeSimilarByID replaces the SIMILAR links of a batch of initiatives
// found by element ID (checked against their keys, so a reused ID never
// links the wrong node; the label is tested with labels(), since with
// a:Initiative the planner seeks the key's unique index instead, the
// locking seek this avoids); it returns how many rows and links it found, so
// that a batch where a node was not found (deleted, or its ID changed
// since it was read) is written again by key.
//
// A row holds its links column by column (row.to[j], row.score[j], …: see
// similarRow), not as one map per link: at 100k initiatives (1.3M links)
// the per-link maps were 12M map entries to build, send and decode, on
// the driver's side and Neo4j's.
const writeSimilarByID = `UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.id AND a.key = row.from AND 'Initiative' IN labels(a)
CALL (a) { MATCH (a)-[s:SIMILAR]->() DELETE s }
CALL (a, row) {
  UNWIND range(0, size(row.to) - 1) AS j
  MATCH (b) WHERE elementId(b) = row.ids[j] AND b.key = row.to[j] AND 'Initiative' IN labels(b)
  CREATE (a)-[:SIMILAR {score: row.score[j], textScore: row.text[j], themeScore: row.theme[j], semanticScore: row.sem[j],
    closest: row.closest[j], sharedThemes: row.themes[j], sharedTerms: row.terms[j]}]->(b)
  RETURN count(*) AS made }
RETURN count(*) AS rows, sum(made) AS links`

// writeSimilarByKey is the same by key (the fallback).
const writeSimilarByKey = `UNWIND $rows AS row
MATCH (a:Initiative {key: row.from})
CALL { WITH a MATCH (a)-[s:SIMILAR]->() DELETE s }
WITH a, row
UNWIND range(0, size(row.to) - 1) AS j
MATCH (b:Initiative {key: row.to[j]})
CREATE (a)-[:SIMILAR {score: row.score[j], textScore: row.text[j], themeScore: row.theme[j], semanticScore: row.sem[j],
  closest: row.closest[j], sharedThemes: row.themes[j], sharedTerms: row.terms[j]}]->(b)`

// similarRow is one initiative's row of a WriteSimilar batch: its key and
// element ID, and its links as parallel lists (one entry per link).
func similarRow(from, id string, ls []domain.SimilarLink, ids map[string]string) map[string]any {
	to, tids := make([]string, len(ls)), make([]string, len(ls))
	score, text, theme, sem := make([]float64, len(ls)), make([]float64, len(ls)), make([]float64, len(ls)), make([]float64, len(ls))
	closest, themes, terms := make([]any, len(ls)), make([]any, len(ls)), make([]any, len(ls))
	for j, l := range ls {
		to[j], tids[j] = l.To, ids[l.To]
		score[j], text[j], theme[j], sem[j] = l.Score, l.TextScore, l.ThemeScore, l.SemanticScore
		if c := closestPair(l); c != nil {
			closest[j] = c
		}
		themes[j], terms[j] = nonNil(l.SharedThemes), nonNil(l.SharedTerms)
	}
	return map[string]any{"from": from, "id": id, "to": to, "ids": tids, "score": score, "text": text, "theme": theme,
		"sem": sem, "closest": closest, "themes": themes, "terms": terms}
}

// similarBatch is one WriteSimilar transaction's rows.
type similarBatch struct {
	n     int // batch number, for errors
	rows  []map[string]any
	links int
	// paired: the rows are pairRows' (writePairsByID), not similarRow's.
	paired bool
}

// WriteSimilar replaces the SIMILAR links of the given initiatives (their
// mutual pairs split first: see held.go), one
// transaction per batch of at most batchSize initiatives and
// maxSimilarPerTx new links, so each transaction's memory is bounded
// whatever the graph's size. Each initiative's links are replaced whole
// (deleted and recreated in one transaction). The initiatives' element
// IDs are read first, batches find their nodes by them, and
// similarWriters batches run at once (batches hold distinct initiatives;
// a deadlock between two is transient and retried by the driver). The
// first failing batch's error is returned.
func (db *DB) WriteSimilar(ctx context.Context, links map[string][]domain.SimilarLink, batchSize int) error {
	keys := make([]string, 0, len(links))
	for k := range links {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if batchSize <= 0 {
		batchSize = 500
	}
	if err := db.splitMutual(ctx, keys); err != nil {
		return err
	}
	t0 := time.Now()
	ids, err := db.initiativeIDs(ctx, links)
	if err != nil {
		return fmt.Errorf("read the element IDs of initiatives with similar links: %w", err)
	}
	db.log.Debug("similarity: element IDs read", "initiatives", len(ids), "took", time.Since(t0).Round(time.Millisecond))
	return db.writeSimilarBatches(ctx, similarBatches(func(yield func(string, []domain.SimilarLink) bool) {
		for _, k := range keys {
			if !yield(k, links[k]) {
				return
			}
		}
	}, ids, batchSize))
}

// similarBatches groups initiatives' links into WriteSimilar batches of at
// most batchSize initiatives and maxSimilarPerTx links (an initiative with
// more is a batch of its own). Batches are built as the writers take them,
// so building overlaps writing.
func similarBatches(links iter.Seq2[string, []domain.SimilarLink], ids map[string]string, batchSize int) iter.Seq[similarBatch] {
	return batchRows(func(yield func(map[string]any, int) bool) {
		for k, ls := range links {
			if !yield(similarRow(k, ids[k], ls, ids), len(ls)) {
				return
			}
		}
	}, batchSize, false)
}

// batchRows groups rows (each with its count of links) into batches of at
// most batchSize rows and maxSimilarPerTx links (a row with more is a
// batch of its own).
func batchRows(rows iter.Seq2[map[string]any, int], batchSize int, paired bool) iter.Seq[similarBatch] {
	return func(yield func(similarBatch) bool) {
		cur := similarBatch{paired: paired}
		for r, n := range rows {
			if len(cur.rows) > 0 && (len(cur.rows) >= batchSize || cur.links+n > maxSimilarPerTx) {
				if !yield(cur) {
					return
				}
				cur = similarBatch{n: cur.n + 1, paired: paired}
			}
			cur.rows = append(cur.rows, r)
			cur.links += n
		}
		if len(cur.rows) > 0 {
			yield(cur)
		}
	}
}

// writeSimilarBatches runs the batches on similarWriters connections and
// returns the first error (the others stop at their next batch).
func (db *DB) writeSimilarBatches(ctx context.Context, batches iter.Seq[similarBatch]) error {
	return inParallel(ctx, similarWriters, batches, func(ctx context.Context, b similarBatch) error {
		if err := db.writeSimilarBatch(ctx, b); err != nil {
			return fmt.Errorf("write similarity batch %d (%v…): %w", b.n, b.rows[0]["from"], err)
		}
		return nil
	})
}

// inParallel runs do on each batch, on n goroutines, as batches yields
// them (building a batch overlaps writing the others), and returns the
// first error; after it the others stop at their next batch and batches
// is not asked for more.
func inParallel[B any](ctx context.Context, n int, batches iter.Seq[B], do func(context.Context, B) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan B)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range next {
				if err := do(ctx, b); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
	var err error
	for b := range batches {
		if err = ctx.Err(); err != nil {
			break
		}
		select {
		case next <- b:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	close(errs)
	if first, ok := <-errs; ok {
		return first // a batch's own error before the cancellation it caused
	}
	return err
}

// writeSimilarBatch writes one batch by element ID, and again by key if a
// node was not found by its ID (the delete-and-create is idempotent).
func (db *DB) writeSimilarBatch(ctx context.Context, b similarBatch) error {
	byID, byKey := writeSimilarByID, writeSimilarByKey
	if b.paired {
		byID, byKey = writePairsByID, writePairsByKey
	}
	var rows, made int64
	err := db.write(ctx, func(tx neo4j.ManagedTransaction) error {
		recs, err := run(ctx, tx, byID, map[string]any{"rows": b.rows})
		if err != nil {
			return err
		}
		if len(recs) != 1 {
			return fmt.Errorf("similarity batch returned %d records, want 1", len(recs))
		}
		if rows, _, err = neo4j.GetRecordValue[int64](recs[0], "rows"); err != nil {
			return fmt.Errorf("read similarity batch rows: %w", err)
		}
		if made, _, err = neo4j.GetRecordValue[int64](recs[0], "links"); err != nil {
			return fmt.Errorf("read similarity batch links: %w", err)
		}
		return nil
	})
	if err != nil || (int(rows) == len(b.rows) && int(made) == b.links) {
		return err
	}
	db.log.Debug("similarity batch: nodes not found by element ID, written again by key", "batch", b.n,
		"rows", rows, "of", len(b.rows), "links", made, "of", b.links)
	return db.write(ctx, func(tx neo4j.ManagedTransaction) error {
		_, err := run(ctx, tx, byKey, map[string]any{"rows": b.rows})
		return err
	})
}

// initiativeIDs reads the element IDs of the initiatives that hold links
// or are linked to; a key without a node is absent.
func (db *DB) initiativeIDs(ctx context.Context, links map[string][]domain.SimilarLink) (map[string]string, error) {
	want := make(map[string]bool, len(links))
	for k, ls := range links {
		want[k] = true
		for _, l := range ls {
			want[l.To] = true
		}
	}
	return db.InitiativeIDs(ctx, slices.Collect(maps.Keys(want)))
}

// InitiativeIDs reads the element IDs of the initiatives with the given
// keys (a key without a node is absent), 50,000 keys per read. The import
// reads them ahead, while the similarity computation finishes.
func (db *DB) InitiativeIDs(ctx context.Context, keys []string) (map[string]string, error) {
	keys = slices.Sorted(slices.Values(keys))
	ids := make(map[string]string, len(keys))
	const perRead = 50_000
	for start := 0; start < len(keys); start += perRead {
		recs, err := db.read(ctx, `UNWIND $keys AS k MATCH (i:Initiative {key: k}) RETURN k AS key, elementId(i) AS id`,
			map[string]any{"keys": keys[start:min(start+perRead, len(keys))]})
		if err != nil {
			return nil, err
		}
		var d decoder
		for _, r := range recs {
			ids[recordValue[string](&d, r, "key")] = recordValue[string](&d, r, "id")
		}
		if err := decodeErr("read initiative element IDs", &d); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// Counts returns node counts per label and relationship counts per type.
func (db *DB) Counts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	recs, err := db.read(ctx, `MATCH (n) UNWIND labels(n) AS l RETURN l AS k, count(*) AS n
UNION ALL MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS n`, nil)
	if err != nil {
		return nil, err
	}
	var d decoder
	for _, r := range recs {
		out[recordValue[string](&d, r, "k")] = int(recordValue[int64](&d, r, "n"))
	}
	return out, decodeErr("read counts", &d)
}

// Bounded deletes: rows per inner transaction, and rows per statement (so
// a statement also ends well within the transaction timeout).
const (
	deleteTxRows        = 10_000
	deleteStatementRows = 500_000
)

// DeleteAll removes every node and relationship except :Meta nodes (the
// schema version and the import's run marker), for tests and
// `civicgraph import --wipe`. Schema stays. Relationships go first, then
// nodes (which then have none left to detach), each with CALL { … } IN
// TRANSACTIONS OF deleteTxRows ROWS, so a wipe of any size fits the
// configured transaction memory. A wipe killed half-way leaves a smaller
// graph; the import's run marker makes the next run finish it.
func (db *DB) DeleteAll(ctx context.Context) error {
	steps := []struct{ what, cypher string }{
		{"relationships", `MATCH ()-[r]->() WITH r LIMIT $limit
CALL (r) { DELETE r } IN TRANSACTIONS OF $rows ROWS
RETURN count(*) AS n`},
		{"nodes", `MATCH (x) WHERE NOT x:Meta WITH x LIMIT $limit
CALL (x) { DETACH DELETE x } IN TRANSACTIONS OF $rows ROWS
RETURN count(*) AS n`},
	}
	for _, s := range steps {
		if _, err := db.deleteInRounds(ctx, s.what, s.cypher); err != nil {
			return fmt.Errorf("delete all %s: %w", s.what, err)
		}
	}
	return nil
}

// deleteInRounds runs a bounded delete statement (parameters $limit and
// $rows, returning n, the rows it deleted) until a round deletes nothing,
// and returns the total. Transient failures (e.g. a deadlock with a
// transaction of a killed client that the server has not ended yet) are
// retried: every round is idempotent.
func (db *DB) deleteInRounds(ctx context.Context, what, cypher string) (int, error) {
	p := map[string]any{"limit": deleteStatementRows, "rows": deleteTxRows}
	total, failures := 0, 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		t0 := time.Now()
		recs, err := db.autoCommit(ctx, cypher, p)
		if err != nil {
			if failures++; failures <= 5 && retryable(err) {
				db.log.Warn("bounded delete failed, retrying", "attempt", failures, "err", err)
				select {
				case <-ctx.Done():
					return total, ctx.Err()
				case <-time.After(time.Duration(failures) * 500 * time.Millisecond):
				}
				continue
			}
			return total, err
		}
		var n int64
		if len(recs) > 0 {
			if n, _, err = neo4j.GetRecordValue[int64](recs[0], "n"); err != nil {
				return total, fmt.Errorf("read deleted count: %w", err)
			}
		}
		total += int(n)
		db.log.Debug("bounded delete round", "what", what, "deleted", n, "total", total, "took", time.Since(t0).Round(time.Millisecond))
		if n == 0 {
			return total, nil
		}
	}
}

// retryable reports whether a failed auto-commit statement may be run
// again: the driver's own rule for managed transactions, plus the domain's
// "unavailable" (translate maps transient errors to it).
func retryable(err error) bool {
	return neo4j.IsRetryable(err) || domain.ErrorCode(err) == domain.EUNAVAILABLE
}

// PruneOrphans deletes cities and award years no initiative points at any
// more (left behind when an import or a curator moved initiatives), so
// the graph holds only places and years that carry facts. Countries and
// themes stay: they are reference data. Deletes run in bounded inner
// transactions (an orphan has no links but its LOCATED_IN), so a prune of
// any size fits the transaction memory; killed half-way, it leaves only
// orphans, which the next run removes.
func (db *DB) PruneOrphans(ctx context.Context) (int, error) {
	steps := []struct{ what, cypher string }{
		{"cities", `MATCH (c:City) WHERE NOT EXISTS { (c)<-[:IN_CITY]-(:Initiative) } WITH c LIMIT $limit
CALL (c) { DETACH DELETE c } IN TRANSACTIONS OF $rows ROWS
RETURN count(*) AS n`},
		{"award years", `MATCH (y:AwardYear) WHERE NOT EXISTS { (y)<-[:AWARDED]-(:Initiative) } WITH y LIMIT $limit
CALL (y) { DETACH DELETE y } IN TRANSACTIONS OF $rows ROWS
RETURN count(*) AS n`},
	}
	total := 0
	for _, s := range steps {
		n, err := db.deleteInRounds(ctx, s.what, s.cypher)
		total += n
		if err != nil {
			return total, fmt.Errorf("prune orphan %s: %w", s.what, err)
		}
	}
	return total, nil
}
