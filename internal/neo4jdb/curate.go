package neo4jdb

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// Curation edits are marked `curated: true` on their links (and
// i.cityCurated / i.suppressedThemes on the initiative), and imports never
// overwrite or re-add what a curator changed. After an edit the
// initiative's own similar links are recomputed incrementally
// (RefreshSimilar, called by internal/curation after each edit; see
// incremental.go), so "similar elsewhere"
// reflects it at once, and neighbours' lists follow (patched, or by the
// sweeper); deleting an initiative removes its links with it.

// writeOne runs one statement in a write transaction and reports whether
// it returned a row (used to detect unknown nodes). p["key"] names the
// initiative in a COMMIT_UNKNOWN error.
func (db *DB) writeOne(ctx context.Context, q string, p map[string]any) (bool, error) {
	found := false
	err := db.write(ctx, func(tx neo4j.ManagedTransaction) error {
		recs, err := run(ctx, tx, q, p)
		found = len(recs) > 0
		return err
	})
	key, _ := p["key"].(string)
	return found, withKey(err, key)
}

// withKey names the initiative in a COMMIT_UNKNOWN error, so the client
// knows which write to check or retry.
func withKey(err error, key string) error {
	if err == nil || domain.ErrorCode(err) != domain.ECOMMITUNKNOWN {
		return err
	}
	return &keyed{err: err, de: &domain.Error{Code: domain.ECOMMITUNKNOWN, Key: key,
		Message: fmt.Sprintf("initiative %q: %s", key, domain.ErrorMessage(err))}}
}

// keyed is a domain error with a key that keeps its cause for logs.
type keyed struct {
	err error
	de  *domain.Error
}

func (k *keyed) Error() string   { return k.de.Error() + ": " + k.err.Error() }
func (k *keyed) Unwrap() []error { return []error{k.de, k.err} }

// UpsertInitiative writes a checked edit (internal/curation, which calls
// RefreshSimilar after it): the initiative by key, its curated city or
// country and themes, in one transaction; ENOTFOUND for an unknown city,
// EINVALID for an unknown theme or a country that is not the city's (with
// a city the initiative's country is the city's).
func (db *DB) UpsertInitiative(ctx context.Context, e domain.InitiativeEdit) error {
	key, country, countryName := e.Key, "", ""
	if e.Country != nil {
		country, countryName = e.Country.Code, e.Country.Name
	}
	p := map[string]any{"key": key, "title": e.Title, "sortTitle": SortKey(e.Title, key), "summary": e.Summary, "url": e.URL,
		"city": e.CityID, "country": country, "countryName": countryName, "themes": nonNil(e.Themes), "covidTheme": domain.CovidTheme}
	// One transaction: the checks of the city and themes and the write
	// see the same graph, and the client learns one outcome.
	err := db.write(ctx, func(tx neo4j.ManagedTransaction) error {
		recs, err := run(ctx, tx, `OPTIONAL MATCH (c:City {id: $city})
OPTIONAL MATCH (c)-[:LOCATED_IN]->(cc:Country)
WITH count(c) AS cities, head(collect(cc.code)) AS cityCountry
UNWIND (CASE WHEN size($themes) = 0 THEN [null] ELSE $themes END) AS slug
OPTIONAL MATCH (t:Theme {slug: slug})
WITH cities, cityCountry, [s IN collect(CASE WHEN slug IS NOT NULL AND t IS NULL THEN slug END) WHERE s IS NOT NULL] AS unknown
RETURN cities, cityCountry, unknown`, p)
		if err != nil {
			return err
		}
		if len(recs) == 1 {
			cities, _, err := neo4j.GetRecordValue[int64](recs[0], "cities")
			if err != nil {
				return fmt.Errorf("upsert %s: read city check: %w", key, err)
			}
			unknown, _, err := neo4j.GetRecordValue[[]any](recs[0], "unknown")
			if err != nil {
				return fmt.Errorf("upsert %s: read theme check: %w", key, err)
			}
			cityCountry, _, err := neo4j.GetRecordValue[string](recs[0], "cityCountry")
			if err != nil {
				return fmt.Errorf("upsert %s: read the city's country: %w", key, err)
			}
			if e.CityID != "" && cities == 0 {
				return domain.Errorf(domain.ENOTFOUND, "city %q not found", e.CityID)
			}
			if e.CityID != "" && country != "" && cityCountry != "" && cityCountry != country {
				return domain.Errorf(domain.EINVALID, "city %q is in %s, not in the countryCode given (%s); give the city alone or the right country", e.CityID, cityCountry, country)
			}
			if len(unknown) > 0 {
				return domain.Errorf(domain.EINVALID, "unknown theme %q", unknown[0])
			}
		}
		_, err = run(ctx, tx, `MERGE (i:Initiative {key: $key})
SET i.title = $title, i.sortTitle = $sortTitle, i.summary = $summary, i.titleDerived = false,
    i.covid = coalesce(i.covid, false), i.altTitles = coalesce(i.altTitles, []),
    i.sourceUrls = CASE WHEN $url IN coalesce(i.sourceUrls, []) THEN i.sourceUrls ELSE coalesce(i.sourceUrls, []) + $url END,
    i.sourceMethods = CASE WHEN $url IN coalesce(i.sourceUrls, []) THEN i.sourceMethods ELSE coalesce(i.sourceMethods, []) + 'curation' END,
    i.importHash = 'curated'
WITH i
CALL { WITH i WITH i WHERE $city <> ''
  OPTIONAL MATCH (i)-[old:IN_CITY|IN_COUNTRY]->() DELETE old
  WITH DISTINCT i MATCH (c:City {id: $city})-[:LOCATED_IN]->(co:Country)
  MERGE (i)-[r:IN_CITY]->(c) SET r.curated = true, r.confidence = 1.0, r.sourceUrls = [$url], r.sourceMethods = ['curation']
  MERGE (i)-[r2:IN_COUNTRY]->(co) SET r2.curated = true, r2.confidence = 1.0, r2.sourceUrls = [$url], r2.sourceMethods = ['curation']
  SET i.cityCurated = true }
CALL { WITH i WITH i WHERE $city = '' AND $country <> ''
  OPTIONAL MATCH (i)-[old:IN_COUNTRY]->() DELETE old
  WITH DISTINCT i MERGE (co:Country {code: $country}) ON CREATE SET co.name = $countryName
  MERGE (i)-[r:IN_COUNTRY]->(co) SET r.curated = true, r.confidence = 1.0, r.sourceUrls = [$url], r.sourceMethods = ['curation'] }
CALL { WITH i UNWIND $themes AS slug MATCH (t:Theme {slug: slug})
  MERGE (i)-[r:HAS_THEME]->(t) SET r.curated = true, r.source = 'user', r.confidence = 1.0, r.terms = [],
    r.sourceUrls = [$url], r.sourceMethods = ['curation'] }
WITH i SET i.covid = EXISTS { (i)-[:HAS_THEME]->(:Theme {slug: $covidTheme}) }, i.similarStale = timestamp()
RETURN i.key AS key`, p)
		return err
	})
	return withKey(err, key)
}

// DeleteInitiative deletes an initiative with its links.
func (db *DB) DeleteInitiative(ctx context.Context, key string) (bool, error) {
	return db.writeOne(ctx, `MATCH (i:Initiative {key: $key})
`+forgetMutual("i")+`
DETACH DELETE i RETURN 1 AS ok`, map[string]any{"key": key})
}

// LinkTheme links an initiative to a theme as a curator's.
func (db *DB) LinkTheme(ctx context.Context, key, theme string) error {
	ok, err := db.writeOne(ctx, `MATCH (i:Initiative {key: $key}), (t:Theme {slug: $theme})
SET i.suppressedThemes = [s IN coalesce(i.suppressedThemes, []) WHERE s <> $theme]
MERGE (i)-[r:HAS_THEME]->(t)
SET r.curated = true, r.source = 'user', r.confidence = 1.0, r.terms = coalesce(r.terms, []),
    r.sourceUrls = [$url], r.sourceMethods = ['curation']
WITH i SET i.covid = EXISTS { (i)-[:HAS_THEME]->(:Theme {slug: $covidTheme}) }, i.similarStale = timestamp()
RETURN 1 AS ok`, map[string]any{"key": key, "theme": theme, "covidTheme": domain.CovidTheme, "url": domain.CurationURL})
	if err == nil && !ok {
		return domain.Errorf(domain.ENOTFOUND, "initiative %q or theme %q not found", key, theme)
	}
	return err
}

// UnlinkTheme removes an initiative's theme; the theme stays suppressed
// for later imports.
func (db *DB) UnlinkTheme(ctx context.Context, key, theme string) error {
	ok, err := db.writeOne(ctx, `MATCH (i:Initiative {key: $key})
OPTIONAL MATCH (i)-[r:HAS_THEME]->(:Theme {slug: $theme}) DELETE r
WITH DISTINCT i
SET i.suppressedThemes = [s IN coalesce(i.suppressedThemes, []) WHERE s <> $theme] + $theme,
    i.covid = EXISTS { (i)-[:HAS_THEME]->(:Theme {slug: $covidTheme}) }, i.similarStale = timestamp()
RETURN 1 AS ok`, map[string]any{"key": key, "theme": theme, "covidTheme": domain.CovidTheme})
	if err == nil && !ok {
		return domain.Errorf(domain.ENOTFOUND, "initiative %q not found", key)
	}
	return err
}

// LinkCity places an initiative in a city: the city (and its country)
// become curated links, replacing any others.
func (db *DB) LinkCity(ctx context.Context, key, cityID string) error {
	ok, err := db.writeOne(ctx, `MATCH (i:Initiative {key: $key}), (c:City {id: $city})-[:LOCATED_IN]->(co:Country)
CALL { WITH i OPTIONAL MATCH (i)-[old:IN_CITY|IN_COUNTRY]->() DELETE old }
MERGE (i)-[r:IN_CITY]->(c) SET r.curated = true, r.confidence = 1.0, r.sourceUrls = [$url], r.sourceMethods = ['curation']
MERGE (i)-[r2:IN_COUNTRY]->(co) SET r2.curated = true, r2.confidence = 1.0, r2.sourceUrls = [$url], r2.sourceMethods = ['curation']
SET i.cityCurated = true, i.similarStale = timestamp()
RETURN 1 AS ok`, map[string]any{"key": key, "city": cityID, "url": domain.CurationURL})
	if err == nil && !ok {
		return domain.Errorf(domain.ENOTFOUND, "initiative %q or city %q not found", key, cityID)
	}
	return err
}

// UnlinkCity removes an initiative's city; the country link stays.
func (db *DB) UnlinkCity(ctx context.Context, key string) error {
	ok, err := db.writeOne(ctx, `MATCH (i:Initiative {key: $key})
CALL { WITH i OPTIONAL MATCH (i)-[r:IN_CITY]->() DELETE r }
SET i.cityCurated = true, i.similarStale = timestamp()
RETURN 1 AS ok`, map[string]any{"key": key})
	if err == nil && !ok {
		return domain.Errorf(domain.ENOTFOUND, "initiative %q not found", key)
	}
	return err
}
