package neo4jdb

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// nodeMatch returns a constant MATCH fragment binding `n` for a global id
// and the parameter value for its key. The fragment depends only on the
// kind, which is checked against a fixed list.
func nodeMatch(globalID, varName string) (string, any, error) {
	kind, key := domain.ParseGlobalID(globalID)
	switch kind {
	case domain.KindInitiative:
		return "(" + varName + ":Initiative {key: $" + varName + "Key})", key, nil
	case domain.KindCity:
		return "(" + varName + ":City {id: $" + varName + "Key})", key, nil
	case domain.KindCountry:
		return "(" + varName + ":Country {code: $" + varName + "Key})", key, nil
	case domain.KindTheme:
		return "(" + varName + ":Theme {slug: $" + varName + "Key})", key, nil
	case domain.KindYear:
		y, err := strconv.Atoi(key)
		if err != nil {
			return "", nil, domain.Errorf(domain.EINVALID, "bad year in id %q", globalID)
		}
		return "(" + varName + ":AwardYear {year: $" + varName + "Key})", int64(y), nil
	}
	return "", nil, domain.Errorf(domain.EINVALID, "id %q is not a global ID (kind/key)", globalID)
}

// nodeProjection is the map projection of a node's drawing properties.
const nodeProjection = `{.key, .title, .bestYear, .id, .name, .lat, .lon, .countryCode, .code, .slug, .year}`

// graphNode turns a node's labels and drawing properties into a drawable
// node with its global id.
func (d *decoder) graphNode(labels []string, p map[string]any) domain.GraphNode {
	g := domain.GraphNode{Properties: map[string]string{}}
	for _, l := range labels {
		switch l {
		case "Initiative":
			g.Kind, g.ID, g.Label = domain.KindInitiative, domain.KindInitiative+"/"+d.str(p, "key"), d.str(p, "title")
			if y := d.i64(p, "bestYear"); y > 0 {
				g.Properties["year"] = strconv.FormatInt(y, 10)
			}
		case "City":
			g.Kind, g.ID, g.Label = domain.KindCity, domain.KindCity+"/"+d.str(p, "id"), d.str(p, "name")
			g.Properties["latitude"] = strconv.FormatFloat(d.f64(p, "lat"), 'f', 5, 64)
			g.Properties["longitude"] = strconv.FormatFloat(d.f64(p, "lon"), 'f', 5, 64)
			g.Properties["countryCode"] = d.str(p, "countryCode")
		case "Country":
			g.Kind, g.ID, g.Label = domain.KindCountry, domain.KindCountry+"/"+d.str(p, "code"), d.str(p, "name")
		case "Theme":
			g.Kind, g.ID, g.Label = domain.KindTheme, domain.KindTheme+"/"+d.str(p, "slug"), d.str(p, "name")
		case "AwardYear":
			y := strconv.FormatInt(d.i64(p, "year"), 10)
			g.Kind, g.ID, g.Label = domain.KindYear, domain.KindYear+"/"+y, y
		}
	}
	return g
}

func edgeWeight(r dbtype.Relationship) float64 {
	if s, ok := r.Props["score"].(float64); ok {
		return s
	}
	if c, ok := r.Props["confidence"].(float64); ok && c > 0 {
		return c
	}
	return 1
}

// graphTypes are the relationship types a drawable graph may contain.
const graphTypes = "IN_CITY|IN_COUNTRY|LOCATED_IN|HAS_THEME|AWARDED|SIMILAR"

// maxNeighbourhoodDepth is the deepest walk Neighbourhood compiles a
// statement for; the API bounds depth to the same value.
const maxNeighbourhoodDepth = 3

// neighbourhoodQueries holds one statement per depth (1..3), appended to a
// MATCH binding the centre `c`. Each level is a subquery: the not-yet-seen
// neighbours of the frontier, best connected first (degree desc, then
// element id), cut to the remaining node budget; `truncated` is set when a
// level had more than fits. Then the edges among the chosen nodes. The
// whole walk is one round trip; the depth picks a constant string.
var neighbourhoodQueries = func() map[int]string {
	level := `
CALL (seen, frontier, truncated) {
  WITH * WHERE NOT truncated AND size(frontier) > 0 AND $limit - size(seen) > 0
  UNWIND frontier AS f
  MATCH (f)-[:` + graphTypes + `]-(m)
  WHERE NOT m IN seen
  WITH DISTINCT m
  WITH m, COUNT { (m)--() } + ` + strings.ReplaceAll(mutualDegree, "{m}", "m") + ` AS deg
  ORDER BY deg DESC, elementId(m)
  LIMIT $limit
  RETURN collect(m) AS found
}
WITH seen, frontier, truncated, found, $limit - size(seen) AS budget
WITH seen, truncated OR (size(frontier) > 0 AND (budget <= 0 OR size(found) > budget)) AS next_truncated,
     CASE WHEN truncated OR budget <= 0 THEN [] ELSE found[..budget] END AS next
WITH seen + next AS seen, next AS frontier, next_truncated AS truncated`
	tail := `
CALL (seen) {
  UNWIND seen AS a
  MATCH (a)-[r:` + graphTypes + `]->(b)
  WHERE b IN seen
  UNWIND CASE WHEN r.mutual THEN [[a, b], [b, a]] ELSE [[a, b]] END AS e
  RETURN collect({a: elementId(e[0]), b: elementId(e[1]), t: type(r), w: coalesce(r.score, r.confidence, 1.0)}) AS rels
}
RETURN [m IN seen | {eid: elementId(m), labels: labels(m), p: m ` + nodeProjection + `}] AS nodes, rels, truncated`
	m := map[int]string{}
	for d := 1; d <= maxNeighbourhoodDepth; d++ {
		m[d] = "\nWITH [c] AS seen, [c] AS frontier, false AS truncated" + strings.Repeat(level, d) + tail
	}
	return m
}()

// Neighbourhood implements graph.GraphReader: a bounded breadth-first walk
// from one node, in one Cypher statement (see neighbourhoodQueries).
// Queries return only drawing properties, not summaries.
func (db *DB) Neighbourhood(ctx context.Context, id string, depth, limit int) (*domain.Graph, error) {
	match, key, err := nodeMatch(id, "c")
	if err != nil {
		return nil, err
	}
	q, ok := neighbourhoodQueries[depth]
	if !ok {
		return nil, domain.Errorf(domain.EINVALID, "depth must be between 1 and %d", maxNeighbourhoodDepth)
	}
	if limit < 1 {
		return nil, domain.Errorf(domain.EINVALID, "limit must be positive")
	}
	recs, err := db.read(ctx, "MATCH "+match+q, map[string]any{"cKey": key, "limit": int64(limit)})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "node %q not found", id)
	}
	r := recs[0]
	g := &domain.Graph{}
	var d decoder
	g.Truncated = recordValue[bool](&d, r, "truncated")
	nodes := recordValue[[]any](&d, r, "nodes")
	rels := recordValue[[]any](&d, r, "rels")
	if err := decodeErr("read neighbourhood", &d); err != nil {
		return nil, err
	}
	byEID := make(map[string]string, len(nodes))
	for _, m := range d.maps(map[string]any{"nodes": nodes}, "nodes") {
		n := d.graphNode(d.strs(m, "labels"), d.sub(m, "p"))
		byEID[d.str(m, "eid")] = n.ID
		g.Nodes = append(g.Nodes, n)
	}
	g.Edges = make([]domain.GraphEdge, 0, len(rels))
	for _, m := range d.maps(map[string]any{"rels": rels}, "rels") {
		w := d.f64(m, "w")
		if w <= 0 {
			w = 1
		}
		g.Edges = append(g.Edges, domain.GraphEdge{Source: byEID[d.str(m, "a")], Target: byEID[d.str(m, "b")], Type: d.str(m, "t"), Weight: w})
	}
	if err := decodeErr("read neighbourhood", &d); err != nil {
		return nil, err
	}
	return g, nil
}

// connectionQueries are the shortest-path queries per maximum length; the
// length cannot be a parameter in Cypher, so it selects a constant string.
var connectionQueries = func() map[string]string {
	m := map[string]string{}
	for hops := 1; hops <= 6; hops++ {
		for _, structural := range []bool{true, false} {
			types := graphTypes
			if structural {
				types = "IN_CITY|IN_COUNTRY|LOCATED_IN|HAS_THEME|AWARDED"
			}
			m[fmt.Sprintf("%d/%v", hops, structural)] = fmt.Sprintf(`
CALL (a, b) {
  WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
  MATCH p = allShortestPaths((a)-[:%s*..%d]-(b))
  WITH p LIMIT 25
  RETURN collect(p) AS paths
}
RETURN a IS NOT NULL AS ha, b IS NOT NULL AS hb, paths`, types, hops)
		}
	}
	return m
}()

// Connection implements graph.GraphReader.
func (db *DB) Connection(ctx context.Context, from, to string, maxHops int, structuralOnly bool) (*domain.Graph, error) {
	var d decoder
	ma, ka, err := nodeMatch(from, "a")
	if err != nil {
		return nil, err
	}
	mb, kb, err := nodeMatch(to, "b")
	if err != nil {
		return nil, err
	}
	q, ok := connectionQueries[fmt.Sprintf("%d/%v", maxHops, structuralOnly)]
	if !ok {
		return nil, domain.Errorf(domain.EINVALID, "maxHops must be between 1 and 6")
	}
	// One round trip: both ends (to tell which one is missing) and the paths.
	recs, err := db.read(ctx, "OPTIONAL MATCH "+ma+" OPTIONAL MATCH "+mb+q, map[string]any{"aKey": ka, "bKey": kb})
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("connection: %d result rows, want 1", len(recs))
	}
	ha := recordValue[bool](&d, recs[0], "ha")
	hb := recordValue[bool](&d, recs[0], "hb")
	if err := decodeErr("read connection", &d); err != nil {
		return nil, err
	}
	switch {
	case !ha:
		return nil, domain.Errorf(domain.ENOTFOUND, "node %q not found", from)
	case !hb:
		return nil, domain.Errorf(domain.ENOTFOUND, "node %q not found", to)
	case from == to:
		return nil, domain.Errorf(domain.EINVALID, "from and to are the same node")
	}
	paths := recordValue[[]any](&d, recs[0], "paths")
	if err := decodeErr("read connection", &d); err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, nil
	}
	g := &domain.Graph{}
	seenN, seenE := map[string]bool{}, map[string]bool{}
	for _, v := range paths {
		p, ok := v.(dbtype.Path)
		if !ok {
			continue
		}
		byEID := map[string]domain.GraphNode{}
		for _, n := range p.Nodes {
			gn := d.graphNode(n.Labels, n.Props)
			byEID[n.ElementId] = gn
			if !seenN[gn.ID] {
				seenN[gn.ID] = true
				g.Nodes = append(g.Nodes, gn)
			}
		}
		for _, r := range p.Relationships {
			if seenE[r.ElementId] {
				continue
			}
			seenE[r.ElementId] = true
			g.Edges = append(g.Edges, domain.GraphEdge{
				Source: byEID[r.StartElementId].ID, Target: byEID[r.EndElementId].ID, Type: r.Type, Weight: edgeWeight(r),
			})
			if m, _ := r.Props["mutual"].(bool); m { // both sides' link (see held.go)
				g.Edges = append(g.Edges, domain.GraphEdge{
					Source: byEID[r.EndElementId].ID, Target: byEID[r.StartElementId].ID, Type: r.Type, Weight: edgeWeight(r),
				})
			}
		}
	}
	return g, decodeErr("read connection", &d)
}
