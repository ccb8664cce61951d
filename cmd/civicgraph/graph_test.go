package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// refGraph is the whole imported graph, read with plain Cypher, so the
// test can walk it in Go and compare with the store's one-statement walk.
type refGraph struct {
	gid    map[string]string   // element id → global id
	eid    map[string]string   // global id → element id
	degree map[string]int64    // element id → degree over all relationships
	adj    map[string][]string // element id → neighbours over drawable types
	edges  map[string]bool     // "src|type|dst" (global ids), drawable types
}

const refTypes = "IN_CITY|IN_COUNTRY|LOCATED_IN|HAS_THEME|AWARDED|SIMILAR"

func loadRefGraph(t *testing.T) *refGraph {
	t.Helper()
	g := &refGraph{gid: map[string]string{}, eid: map[string]string{}, degree: map[string]int64{},
		adj: map[string][]string{}, edges: map[string]bool{}}
	for _, r := range rawQuery(t, `MATCH (n) WHERE n:Initiative OR n:City OR n:Country OR n:Theme OR n:AwardYear
RETURN elementId(n) AS e, COUNT { (n)--() } + COUNT { (n)-[s:SIMILAR]-() WHERE s.mutual } AS deg, CASE
  WHEN n:Initiative THEN 'initiative/' + n.key WHEN n:City THEN 'city/' + n.id
  WHEN n:Country THEN 'country/' + n.code WHEN n:Theme THEN 'theme/' + n.slug
  ELSE 'year/' + toString(n.year) END AS id`, nil) {
		e, id, deg := r[0].(string), r[2].(string), r[1].(int64)
		g.gid[e], g.eid[id], g.degree[e] = id, e, deg
	}
	for _, r := range rawQuery(t, `MATCH (a)-[r:`+refTypes+`]->(b)
RETURN elementId(a) AS a, type(r) AS t, elementId(b) AS b, coalesce(r.mutual, false) AS m`, nil) {
		a, typ, b := r[0].(string), r[1].(string), r[2].(string)
		g.adj[a] = append(g.adj[a], b)
		g.adj[b] = append(g.adj[b], a)
		g.edges[g.gid[a]+"|"+typ+"|"+g.gid[b]] = true
		if r[3].(bool) { // a mutual pair stored once: both sides' link
			g.edges[g.gid[b]+"|"+typ+"|"+g.gid[a]] = true
		}
	}
	return g
}

// walk is the documented rule: breadth first; per level the unseen
// neighbours of the frontier, best connected first (degree desc, then
// element id), up to the remaining budget; truncated when a level had more.
func (g *refGraph) walk(centre string, depth, limit int) (nodes []string, truncated bool) {
	seen := map[string]bool{centre: true}
	nodes = []string{centre}
	frontier := []string{centre}
	for level := 0; level < depth && len(frontier) > 0 && !truncated; level++ {
		budget := limit - len(nodes)
		if budget <= 0 {
			truncated = true
			break
		}
		cand := map[string]bool{}
		for _, f := range frontier {
			for _, m := range g.adj[f] {
				if !seen[m] {
					cand[m] = true
				}
			}
		}
		found := make([]string, 0, len(cand))
		for m := range cand {
			found = append(found, m)
		}
		sort.Slice(found, func(i, j int) bool {
			if g.degree[found[i]] != g.degree[found[j]] {
				return g.degree[found[i]] > g.degree[found[j]]
			}
			return found[i] < found[j]
		})
		if len(found) > budget {
			found, truncated = found[:budget], true
		}
		for _, m := range found {
			seen[m] = true
			nodes = append(nodes, m)
		}
		frontier = found
	}
	return nodes, truncated
}

// TestNeighbourhoodMatchesReferenceWalk compares the store's single
// statement with the walk above, for every kind of centre, depth 1–3 and
// budgets that do and do not truncate; each request is one round trip.
func TestNeighbourhoodMatchesReferenceWalk(t *testing.T) {
	db := importedDB(t)
	ref := loadRefGraph(t)
	var centres []string
	for _, prefix := range []string{"initiative/", "city/", "country/", "theme/", "year/"} {
		var ids []string
		for id := range ref.eid {
			if strings.HasPrefix(id, prefix) {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			t.Fatalf("no %s nodes in the imported graph", prefix)
		}
		sort.Strings(ids)
		centres = append(centres, ids[0], ids[len(ids)/2])
	}
	const q = `query($id: ID!, $d: Int!, $l: Int!) { neighbourhood(id: $id, depth: $d, limit: $l) {
	  truncated nodes { id } edges { source target type } } }`
	sawTruncated, sawComplete := false, false
	for _, c := range centres {
		for depth := 1; depth <= 3; depth++ {
			for _, limit := range []int{1, 7, 40, 500} {
				name := fmt.Sprintf("%s/d%d/l%d", c, depth, limit)
				r, n := postCounted(t, db, name, q, map[string]any{"id": c, "d": depth, "l": limit})
				if n != 1 {
					t.Errorf("%s: %d round trips, want 1", name, n)
				}
				var got struct {
					Neighbourhood struct {
						Truncated bool
						Nodes     []struct{ ID string }
						Edges     []struct{ Source, Target, Type string }
					}
				}
				if err := json.Unmarshal(r.Data, &got); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				wantE, wantTrunc := ref.walk(ref.eid[c], depth, limit)
				var want, have []string
				in := map[string]bool{}
				for _, e := range wantE {
					want = append(want, ref.gid[e])
					in[ref.gid[e]] = true
				}
				for _, n := range got.Neighbourhood.Nodes {
					have = append(have, n.ID)
				}
				if strings.Join(have, " ") != strings.Join(want, " ") || got.Neighbourhood.Truncated != wantTrunc {
					t.Errorf("%s:\n got  %v truncated=%v\n want %v truncated=%v", name, have, got.Neighbourhood.Truncated, want, wantTrunc)
					continue
				}
				wantEdges := 0
				for k := range ref.edges {
					p := strings.Split(k, "|")
					if in[p[0]] && in[p[2]] {
						wantEdges++
					}
				}
				for _, e := range got.Neighbourhood.Edges {
					if !ref.edges[e.Source+"|"+e.Type+"|"+e.Target] || !in[e.Source] || !in[e.Target] {
						t.Errorf("%s: edge %+v is not a relationship among the chosen nodes", name, e)
					}
				}
				if len(got.Neighbourhood.Edges) != wantEdges {
					t.Errorf("%s: %d edges, want %d", name, len(got.Neighbourhood.Edges), wantEdges)
				}
				sawTruncated = sawTruncated || wantTrunc
				sawComplete = sawComplete || (!wantTrunc && len(want) > 1)
			}
		}
	}
	if !sawTruncated || !sawComplete {
		t.Errorf("cases cover truncated=%v complete=%v; want both", sawTruncated, sawComplete)
	}
}
