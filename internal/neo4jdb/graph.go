package neo4jdb

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
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

// toGraphNode turns a Neo4j node into a drawable node with its global id.
func toGraphNode(n dbtype.Node) domain.GraphNode { return graphNode(n.Labels, n.Props) }

// graphProps is the projection graph queries return for a node `m`:
// only what a drawing needs, not the summaries.
const graphProps = `elementId(m) AS eid, labels(m) AS labels,
  m {.key, .title, .bestYear, .id, .name, .lat, .lon, .countryCode, .code, .slug, .year} AS p`

func graphNodeFromRecord(r *neo4j.Record) (string, domain.GraphNode) {
	eid, _, _ := neo4j.GetRecordValue[string](r, "eid")
	labels, _, _ := neo4j.GetRecordValue[[]any](r, "labels")
	ls := make([]string, 0, len(labels))
	for _, l := range labels {
		if s, ok := l.(string); ok {
			ls = append(ls, s)
		}
	}
	return eid, graphNode(ls, recordMap(r, "p"))
}

func graphNode(labels []string, p map[string]any) domain.GraphNode {
	g := domain.GraphNode{Properties: map[string]string{}}
	for _, l := range labels {
		switch l {
		case "Initiative":
			g.Kind, g.ID, g.Label = domain.KindInitiative, domain.KindInitiative+"/"+str(p, "key"), str(p, "title")
			if y := i64(p, "bestYear"); y > 0 {
				g.Properties["year"] = strconv.FormatInt(y, 10)
			}
		case "City":
			g.Kind, g.ID, g.Label = domain.KindCity, domain.KindCity+"/"+str(p, "id"), str(p, "name")
			g.Properties["latitude"] = strconv.FormatFloat(f64(p, "lat"), 'f', 5, 64)
			g.Properties["longitude"] = strconv.FormatFloat(f64(p, "lon"), 'f', 5, 64)
			g.Properties["countryCode"] = str(p, "countryCode")
		case "Country":
			g.Kind, g.ID, g.Label = domain.KindCountry, domain.KindCountry+"/"+str(p, "code"), str(p, "name")
		case "Theme":
			g.Kind, g.ID, g.Label = domain.KindTheme, domain.KindTheme+"/"+str(p, "slug"), str(p, "name")
		case "AwardYear":
			y := strconv.FormatInt(i64(p, "year"), 10)
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

// Neighbourhood implements domain.ReadStore: breadth-first, one query per
// level (depth ≤ 3 round trips), each level bounded by the remaining
// node budget and preferring well-connected nodes; then one query for the
// edges among the chosen nodes. Queries return only drawing properties.
func (db *DB) Neighbourhood(ctx context.Context, id string, depth, limit int) (*domain.Graph, error) {
	match, key, err := nodeMatch(id, "n")
	if err != nil {
		return nil, err
	}
	recs, err := db.read(ctx, "MATCH "+strings.Replace(match, "(n:", "(m:", 1)+" RETURN "+graphProps, map[string]any{"nKey": key})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "node %q not found", id)
	}
	g := &domain.Graph{}
	byEID := map[string]string{}
	eid, centre := graphNodeFromRecord(recs[0])
	byEID[eid] = centre.ID
	ids := []string{eid}
	g.Nodes = append(g.Nodes, centre)
	frontier := []string{eid}
	for level := 0; level < depth && len(frontier) > 0 && !g.Truncated; level++ {
		budget := limit - len(g.Nodes)
		if budget <= 0 {
			g.Truncated = true
			break
		}
		recs, err := db.read(ctx, `UNWIND $frontier AS fid
MATCH (f) WHERE elementId(f) = fid
MATCH (f)-[:`+graphTypes+`]-(m)
WHERE NOT elementId(m) IN $seen
WITH DISTINCT m
WITH m, COUNT { (m)--() } AS deg
ORDER BY deg DESC, elementId(m)
LIMIT $budget
RETURN `+graphProps, map[string]any{"frontier": frontier, "seen": ids, "budget": int64(budget + 1)})
		if err != nil {
			return nil, err
		}
		frontier = frontier[:0]
		for k, r := range recs {
			if k == budget {
				g.Truncated = true
				break
			}
			eid, n := graphNodeFromRecord(r)
			if _, ok := byEID[eid]; ok {
				continue
			}
			byEID[eid] = n.ID
			ids = append(ids, eid)
			frontier = append(frontier, eid)
			g.Nodes = append(g.Nodes, n)
		}
	}
	edges, err := db.edgesAmong(ctx, ids, byEID)
	if err != nil {
		return nil, err
	}
	g.Edges = edges
	return g, nil
}

// edgesAmong returns the relationships between the given nodes, as ids.
func (db *DB) edgesAmong(ctx context.Context, elementIDs []string, byEID map[string]string) ([]domain.GraphEdge, error) {
	recs, err := db.read(ctx, `UNWIND $ids AS aid
MATCH (a) WHERE elementId(a) = aid
MATCH (a)-[r:`+graphTypes+`]->(b) WHERE elementId(b) IN $ids
RETURN aid AS a, type(r) AS t, coalesce(r.score, r.confidence, 1.0) AS w, elementId(b) AS b`, map[string]any{"ids": elementIDs})
	if err != nil {
		return nil, err
	}
	out := make([]domain.GraphEdge, 0, len(recs))
	for _, rec := range recs {
		a, _, _ := neo4j.GetRecordValue[string](rec, "a")
		b, _, _ := neo4j.GetRecordValue[string](rec, "b")
		t, _, _ := neo4j.GetRecordValue[string](rec, "t")
		w, _, _ := neo4j.GetRecordValue[float64](rec, "w")
		if w <= 0 {
			w = 1
		}
		out = append(out, domain.GraphEdge{Source: byEID[a], Target: byEID[b], Type: t, Weight: w})
	}
	return out, nil
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
			m[fmt.Sprintf("%d/%v", hops, structural)] = fmt.Sprintf(
				"MATCH p = allShortestPaths((a)-[:%s*..%d]-(b)) RETURN p LIMIT 25", types, hops)
		}
	}
	return m
}()

// Connection implements domain.ReadStore.
func (db *DB) Connection(ctx context.Context, from, to string, maxHops int, structuralOnly bool) (*domain.Graph, error) {
	ma, ka, err := nodeMatch(from, "a")
	if err != nil {
		return nil, err
	}
	mb, kb, err := nodeMatch(to, "b")
	if err != nil {
		return nil, err
	}
	params := map[string]any{"aKey": ka, "bKey": kb}
	recs, err := db.read(ctx, "OPTIONAL MATCH "+ma+" OPTIONAL MATCH "+mb+" RETURN a IS NOT NULL AS ha, b IS NOT NULL AS hb", params)
	if err != nil {
		return nil, err
	}
	if len(recs) == 1 {
		ha, _, _ := neo4j.GetRecordValue[bool](recs[0], "ha")
		hb, _, _ := neo4j.GetRecordValue[bool](recs[0], "hb")
		if !ha {
			return nil, domain.Errorf(domain.ENOTFOUND, "node %q not found", from)
		}
		if !hb {
			return nil, domain.Errorf(domain.ENOTFOUND, "node %q not found", to)
		}
	}
	if from == to {
		return nil, domain.Errorf(domain.EINVALID, "from and to are the same node")
	}
	q := "MATCH " + ma + ", " + mb + " " + connectionQueries[fmt.Sprintf("%d/%v", maxHops, structuralOnly)]
	recs, err = db.read(ctx, q, params)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, nil
	}
	g := &domain.Graph{}
	seenN, seenE := map[string]bool{}, map[string]bool{}
	for _, rec := range recs {
		p, _, _ := neo4j.GetRecordValue[dbtype.Path](rec, "p")
		byEID := map[string]domain.GraphNode{}
		for _, n := range p.Nodes {
			gn := toGraphNode(n)
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
		}
	}
	return g, nil
}
