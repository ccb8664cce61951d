package neo4jdb

import (
	"context"
	"fmt"
	"strings"
)

// How similar links are stored.
//
// Each initiative holds its top similar initiatives (package similarity).
// A SIMILAR relationship a→b is a's link to b. When b also holds a (a
// mutual pair: about two thirds of the links at 100k), the pair may be
// stored once, as one relationship with mutual: true, which is then b's
// link to a as well: the score, its three parts and the shared themes of
// a pair are the same both ways (every sum of the score runs in term or
// index order), and b's view differs only in the spelling of the shared
// terms (backTerms: b's words where a's are in sharedTerms) and in the
// closest sentences, which are swapped. A full refresh stores every
// mutual pair that way, from the smaller key to the larger; a partial
// refresh (curation) splits the mutual pairs of the initiatives it
// replaces back into one-way links first (splitMutualCypher), so both
// forms live side by side and every reader takes both:
//
//   - the links i holds: (i)-[s:SIMILAR]-(t) WHERE startNode(s) = i OR s.mutual
//     (heldMatch), with heldTerms and heldClosest for i's view;
//   - a drawn graph's edges: a mutual relationship is two edges, a→b and
//     b→a, and counts twice in a node's degree (mutualDegree), so
//     neighbourhoods and connections answer as with two relationships.

// heldMatch is the pattern and condition binding each link {i} holds as
// {s} to {t}; a caller adds its own conditions with AND.
const heldMatch = `MATCH ({i})-[{s}:SIMILAR]-({t}:Initiative) WHERE (startNode({s}) = {i} OR {s}.mutual)`

// heldTerms and heldClosest are {i}'s view of link {s}: its spelling of
// the shared terms, and the closest sentences (a pair) with {i}'s first.
// (reverse() refuses a stored array in Neo4j 5.26: "Expected a string or
// a list", hence the indexes.)
const (
	heldTerms   = `CASE WHEN startNode({s}) = {i} THEN {s}.sharedTerms ELSE {s}.backTerms END`
	heldClosest = `CASE WHEN startNode({s}) = {i} OR {s}.closest IS NULL THEN {s}.closest ELSE [{s}.closest[1], {s}.closest[0]] END`
)

// held fills a held-link fragment for node variable i, link variable s
// and linked initiative t.
func held(frag, i, s, t string) string {
	return fill(frag, "{i}", i, "{s}", s, "{t}", t)
}

// mutualDegree is the count to add to COUNT { ({m})--() } for the degree
// a node would have with every mutual pair stored as two relationships:
// the node's mutualSimilar property when it has one, else the count of
// its mutual relationships. Counting them reads a property of every
// SIMILAR relationship of every candidate; a depth-2 neighbourhood at
// 100k initiatives ranks ~50k candidates, and the count made it 7–16×
// slower (2026-12-06: 710–1,560 ms per query against 84–112 ms with the
// stored count, same answers). So a full refresh stores the count on
// every initiative it refreshes (WriteStream), and every write that
// changes an initiative's mutual pairs otherwise — a split
// (splitMutualCypher), a deleted initiative (DeleteInitiative,
// RetireMerged) — removes the property of the initiatives it touches,
// which then fall back to counting (coalesce evaluates the count only
// when the property is absent): the property is exact or absent, never
// stale. TestMutualSimilarCount checks it after each of those writes.
const mutualDegree = `coalesce({m}.mutualSimilar, COUNT { ({m})-[md:SIMILAR]-() WHERE md.mutual })`

// forgetMutual fills forgetMutualCount for node variable n.
func forgetMutual(n string) string { return strings.ReplaceAll(forgetMutualCount, "{n}", n) }

// forgetMutualCount is the clause that removes the stored mutual count of
// the initiatives a write is about to change the mutual pairs of: those
// with a mutual relationship to node {n} (and {n} itself).
const forgetMutualCount = `CALL ({n}) {
  OPTIONAL MATCH ({n})-[fm:SIMILAR]-(fo:Initiative) WHERE fm.mutual
  REMOVE {n}.mutualSimilar, fo.mutualSimilar }`

// splitMutualCypher turns every mutual pair that one of $keys is part of
// back into the one-way link of the other side, before those keys' links
// are replaced (WriteSimilar): when both sides are replaced the pair is
// simply deleted; when the start node stays, the relationship stays as
// its one-way link; when the end node stays, its view (backTerms, the
// closest sentences swapped) becomes a new relationship from it. The
// stored mutual counts of both sides are removed (see mutualDegree).
const splitMutualCypher = `UNWIND $keys AS k
MATCH (:Initiative {key: k})-[s:SIMILAR]-(:Initiative)
WHERE s.mutual
WITH DISTINCT s
WITH s, startNode(s) AS a, endNode(s) AS b
REMOVE a.mutualSimilar, b.mutualSimilar
WITH s, a, b, a.key IN $keys AS ra, b.key IN $keys AS rb
FOREACH (_ IN CASE WHEN ra AND NOT rb THEN [1] ELSE [] END |
  CREATE (b)-[:SIMILAR {score: s.score, textScore: s.textScore, themeScore: s.themeScore, semanticScore: s.semanticScore,
    closest: CASE WHEN s.closest IS NULL THEN null ELSE [s.closest[1], s.closest[0]] END, sharedThemes: s.sharedThemes, sharedTerms: s.backTerms}]->(a))
FOREACH (_ IN CASE WHEN ra THEN [] ELSE [1] END | REMOVE s.mutual, s.backTerms)
WITH s, ra WHERE ra
DELETE s
RETURN count(*) AS deleted`

// splitKeysPerTx bounds the keys of one splitMutualCypher transaction.
const splitKeysPerTx = 1000

// splitMutual runs splitMutualCypher for keys (sorted), in transactions
// of splitKeysPerTx keys. A pair whose two sides fall in different
// transactions is split by the first into the second side's one-way link,
// which that side's replacement then deletes.
func (db *DB) splitMutual(ctx context.Context, keys []string) error {
	for lo := 0; lo < len(keys); lo += splitKeysPerTx {
		part := keys[lo:min(lo+splitKeysPerTx, len(keys))]
		if err := db.exec(ctx, splitMutualCypher, map[string]any{"keys": part}); err != nil {
			return fmt.Errorf("split the mutual similar links of %d initiatives (%s…): %w", len(part), part[0], err)
		}
	}
	return nil
}
