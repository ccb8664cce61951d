// The depth-2 neighbourhood of an initiative in one statement, with the same
// rule as civicgraph's Neighbourhood (internal/neo4jdb/graph.go): each level
// takes the not-yet-seen neighbours by degree (desc), then element id, up to
// the remaining node budget; `truncated` when a level had more. A SIMILAR
// relationship marked mutual is both sides' link: two edges, and two in a
// node's degree (the stored count mutualSimilar when there is one, as
// internal/neo4jdb/held.go's mutualDegree). Parameters:
// $key (initiative key), $limit (max nodes). Used by the peer (@cypher) and
// by the floor (bench/queries.go reads this file).
MATCH (c:Initiative {key: $key})
CALL {
  WITH c
  MATCH (c)-[:IN_CITY|IN_COUNTRY|LOCATED_IN|HAS_THEME|AWARDED|SIMILAR]-(m)
  WHERE m <> c
  WITH DISTINCT m
  WITH m, COUNT { (m)--() } + coalesce(m.mutualSimilar, COUNT { (m)-[md:SIMILAR]-() WHERE md.mutual }) AS deg ORDER BY deg DESC, elementId(m) LIMIT $limit
  RETURN collect(m) AS l1raw
}
WITH c, l1raw, size(l1raw) > $limit - 1 AS t1
WITH c, l1raw[..($limit - 1)] AS l1, t1
CALL {
  WITH c, l1, t1
  WITH c, l1, t1 WHERE NOT t1 AND size(l1) > 0
  UNWIND l1 AS f
  MATCH (f)-[:IN_CITY|IN_COUNTRY|LOCATED_IN|HAS_THEME|AWARDED|SIMILAR]-(m)
  WHERE m <> c AND NOT m IN l1
  WITH DISTINCT m
  WITH m, COUNT { (m)--() } + coalesce(m.mutualSimilar, COUNT { (m)-[md:SIMILAR]-() WHERE md.mutual }) AS deg ORDER BY deg DESC, elementId(m) LIMIT $limit
  RETURN collect(m) AS l2raw
}
WITH c, l1, t1, l2raw, $limit - 1 - size(l1) AS budget2
WITH c, l1, t1 OR (size(l1) > 0 AND (budget2 <= 0 OR size(l2raw) > budget2)) AS truncated,
     CASE WHEN t1 OR budget2 <= 0 THEN [] ELSE l2raw[..budget2] END AS l2
WITH [c] + l1 + l2 AS ns, truncated
CALL {
  WITH ns
  UNWIND ns AS a
  MATCH (a)-[r:IN_CITY|IN_COUNTRY|LOCATED_IN|HAS_THEME|AWARDED|SIMILAR]->(b)
  WHERE b IN ns
  UNWIND CASE WHEN r.mutual THEN [[a, b], [b, a]] ELSE [[a, b]] END AS e
  RETURN collect({a: e[0], b: e[1], type: type(r)}) AS rels
}
WITH truncated, [n IN ns | {n: n, id: CASE
    WHEN n:Initiative THEN 'initiative/' + n.key WHEN n:City THEN 'city/' + n.id
    WHEN n:Country THEN 'country/' + n.code WHEN n:Theme THEN 'theme/' + n.slug
    ELSE 'year/' + toString(n.year) END}] AS idx, rels
WITH truncated, idx, rels, apoc.map.fromPairs([x IN idx | [elementId(x.n), x.id]]) AS gid
RETURN {
  nodes: [x IN idx | {id: x.id,
    kind: CASE WHEN x.n:Initiative THEN 'INITIATIVE' WHEN x.n:City THEN 'CITY' WHEN x.n:Country THEN 'COUNTRY'
               WHEN x.n:Theme THEN 'THEME' ELSE 'YEAR' END,
    label: coalesce(x.n.title, x.n.name, toString(x.n.year))}],
  edges: [e IN rels | {source: gid[elementId(e.a)], target: gid[elementId(e.b)], type: e.type}],
  truncated: truncated
} AS g
