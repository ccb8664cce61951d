package main

import (
	"context"
	_ "embed"
	"encoding/base64"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/neo4jdb"
)

// gql is one GraphQL request.
type gql struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
}

// variant is one parameter set of a query, for each of the three sides.
type variant struct {
	Ours, Peer gql
	Floor      map[string]any
}

// query is one entry of the mix: the same read asked of civicgraph (ours),
// of @neo4j/graphql (peer) and of Neo4j directly (floor). Each side's answer
// is reduced to one canonical form so the three can be compared.
type query struct {
	Name, Desc string
	Variants   func(p *params) []variant
	NormOurs   func(data map[string]any) any
	NormPeer   func(data map[string]any) any
	// Floor runs the read as Cypher through the Go driver and returns the
	// canonical form. It is the best plain Cypher we know for the read: the
	// sorted lists carry `i.sortTitle IS NOT NULL` so that the planner walks
	// the sortTitle index in order and stops at the limit (PartialTop), and
	// counts start from the indexed owner node.
	Floor func(ctx context.Context, f *floor, vars map[string]any) (any, error)
}

// params are the data-dependent arguments, read from the database once per
// size so every side gets the same ones.
type params struct {
	Keys   []string // initiatives that have a city
	Cities []string // GeoNames ids, most initiatives first
}

func loadParams(ctx context.Context, f *floor) (*params, error) {
	p := &params{}
	recs, err := f.run(ctx, `MATCH (i:Initiative) WHERE EXISTS { (i)-[:IN_CITY]->() }
WITH i ORDER BY i.key WITH collect(i.key) AS keys
RETURN [k IN range(0, 7) | keys[toInteger(k * size(keys) / 8)]] AS keys`, nil)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("no initiatives with a city: import data first")
	}
	p.Keys = anyStrings(recs[0].Values[0])
	recs, err = f.run(ctx, `MATCH (c:City)<-[:IN_CITY]-(i:Initiative)
RETURN c.id AS id, count(i) AS n ORDER BY n DESC, id LIMIT 4`, nil)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		p.Cities = append(p.Cities, r.Values[0].(string))
	}
	if len(p.Keys) < 8 || len(p.Cities) < 4 {
		return nil, fmt.Errorf("data set too small: %d keys, %d cities", len(p.Keys), len(p.Cities))
	}
	return p, nil
}

//go:embed neighbourhood.cypher
var neighbourhoodCypher string

// oursCursor is civicgraph's cursor for the item at index i (graph/helpers.go).
func oursCursor(i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("o:%d", i)))
}

// peerCursor is graphql-relay's offset cursor, which @neo4j/graphql uses.
func peerCursor(i int) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("arrayconnection:%d", i)))
}

var (
	themeYears = []struct {
		Theme string
		Year  int
	}{{"climate-environment", 2021}, {"participation", 2022}, {"culture", 2019}, {"economy-jobs", 2024}}
	countryPairs = [][]string{{"DE", "FR"}, {"IT", "ES"}, {"AT", "PL"}, {"NL", "BE"}}
	pageThemes   = []string{"participation", "culture", "health-care", "gender-equality"}
	countries    = []string{"DE", "FR", "IT", "ES"}
	searches     = []string{"climate housing", "participation citizens", "digital school", "solar repair"}
	deepFilters  = []struct {
		Countries, Themes, Status []string
		Years                     []int
	}{
		{[]string{"FR", "DE"}, []string{"participation", "democracy-transparency"}, []string{"WINNER", "FINALIST"}, []int{2022, 2023}},
		{[]string{"IT", "ES", "PT"}, []string{"climate-environment", "mobility-public-space"}, []string{"FINALIST"}, []int{2019, 2020, 2021}},
		{[]string{"AT", "PL", "CZ"}, []string{"culture", "education-youth"}, []string{"WINNER", "FINALIST", "ENTRY"}, []int{2024}},
		{[]string{"DE"}, []string{"digital-government"}, []string{"ENTRY"}, []int{2017, 2018}},
	}
)

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

func ints(xs []int) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = int64(x)
	}
	return out
}

// mix is the fixed query mix, in report order.
var mix = []query{
	{
		Name: "lookup", Desc: "initiative by id with city and country",
		Variants: func(p *params) []variant {
			var vs []variant
			for _, k := range p.Keys {
				vs = append(vs, variant{
					Ours: gql{`query($id: ID!) { initiative(id: $id) { key title summary city { city { name countryCode } } country { country { code name } } } }`,
						map[string]any{"id": k}},
					Peer: gql{`query($key: String!) { initiatives(where: {key: {eq: $key}}) { key title summary city { name countryCode } country { code name } } }`,
						map[string]any{"key": k}},
					Floor: map[string]any{"key": k},
				})
			}
			return vs
		},
		NormOurs: func(d map[string]any) any {
			i := obj(d, "initiative")
			return lookupCanon(i, obj(obj(i, "city"), "city"), obj(obj(i, "country"), "country"))
		},
		NormPeer: func(d map[string]any) any {
			i := first(list(d, "initiatives"))
			return lookupCanon(i, first(list(i, "city")), first(list(i, "country")))
		},
		Floor: func(ctx context.Context, f *floor, v map[string]any) (any, error) {
			recs, err := f.run(ctx, `MATCH (i:Initiative {key: $key})
RETURN i {.key, .title, .summary,
  city: head([(i)-[:IN_CITY]->(c:City) | c {.name, .countryCode}]),
  country: head([(i)-[:IN_COUNTRY]->(c:Country) | c {.code, .name}])} AS i`, v)
			if err != nil || len(recs) == 0 {
				return nil, err
			}
			i := recs[0].Values[0].(map[string]any)
			return lookupCanon(i, obj(i, "city"), obj(i, "country")), nil
		},
	},
	{
		Name: "list", Desc: "filtered (country, covid) and sorted list, 20",
		Variants: func(p *params) []variant {
			var vs []variant
			for _, c := range countryPairs {
				vs = append(vs, variant{
					Ours: gql{`query($c: [String!]) { initiatives(filter: {countries: $c, covid: false}, orderBy: {field: TITLE, direction: DESC}, first: 20) { edges { node { key title city { city { name } } } } } }`,
						map[string]any{"c": c}},
					Peer: gql{`query($c: [String!]!) { initiatives(where: {covid: {eq: false}, country: {some: {code: {in: $c}}}}, sort: [{sortTitle: DESC}, {key: ASC}], limit: 20) { key title city { name } } }`,
						map[string]any{"c": c}},
					Floor: map[string]any{"c": c},
				})
			}
			return vs
		},
		NormOurs: func(d map[string]any) any {
			return mapList(edgesNodes(obj(d, "initiatives")), func(n map[string]any) any {
				return []any{n["key"], n["title"], obj(obj(n, "city"), "city")["name"]}
			})
		},
		NormPeer: func(d map[string]any) any {
			return mapList(list(d, "initiatives"), func(n map[string]any) any {
				return []any{n["key"], n["title"], first(list(n, "city"))["name"]}
			})
		},
		Floor: func(ctx context.Context, f *floor, v map[string]any) (any, error) {
			recs, err := f.run(ctx, `MATCH (i:Initiative)
WHERE i.sortTitle IS NOT NULL AND i.covid = false AND EXISTS { (i)-[:IN_COUNTRY]->(c:Country) WHERE c.code IN $c }
WITH i ORDER BY i.sortTitle DESC, i.key LIMIT 20
RETURN i.key, i.title, head([(i)-[:IN_CITY]->(c:City) | c.name])`, v)
			return rows(recs), err
		},
	},
	{
		Name: "nesting", Desc: "city → country, initiatives(10) → themes (3 hops)",
		Variants: func(p *params) []variant {
			var vs []variant
			for _, c := range p.Cities {
				vs = append(vs, variant{
					Ours: gql{`query($id: ID!) { city(id: $id) { name country { name } initiatives(first: 10) { edges { node { key title themes { theme { slug name } } } } } } }`,
						map[string]any{"id": c}},
					Peer: gql{`query($id: String!) { cities(where: {id: {eq: $id}}) { name country { name } initiatives(limit: 10, sort: [{sortTitle: ASC}, {key: ASC}]) { key title themes { slug name } } } }`,
						map[string]any{"id": c}},
					Floor: map[string]any{"id": c},
				})
			}
			return vs
		},
		NormOurs: func(d map[string]any) any {
			c := obj(d, "city")
			items := mapList(edgesNodes(obj(c, "initiatives")), func(n map[string]any) any {
				return []any{n["key"], n["title"], sortedStrings(mapList(list(n, "themes"), func(t map[string]any) any {
					th := obj(t, "theme")
					return fmt.Sprint(th["slug"], "|", th["name"])
				}))}
			})
			return []any{c["name"], obj(c, "country")["name"], items}
		},
		NormPeer: func(d map[string]any) any {
			c := first(list(d, "cities"))
			items := mapList(list(c, "initiatives"), func(n map[string]any) any {
				return []any{n["key"], n["title"], sortedStrings(mapList(list(n, "themes"), func(t map[string]any) any {
					return fmt.Sprint(t["slug"], "|", t["name"])
				}))}
			})
			return []any{c["name"], first(list(c, "country"))["name"], items}
		},
		Floor: func(ctx context.Context, f *floor, v map[string]any) (any, error) {
			recs, err := f.run(ctx, `MATCH (c:City {id: $id})
CALL { WITH c MATCH (c)<-[:IN_CITY]-(i:Initiative)
  WITH i ORDER BY i.sortTitle, i.key LIMIT 10
  RETURN collect([i.key, i.title, [(i)-[:HAS_THEME]->(t:Theme) | t.slug + '|' + t.name]]) AS items }
RETURN c.name, head([(c)-[:LOCATED_IN]->(co:Country) | co.name]), items`, v)
			if err != nil || len(recs) == 0 {
				return nil, err
			}
			r := recs[0].Values
			var items []any
			for _, it := range r[2].([]any) {
				x := it.([]any)
				items = append(items, []any{x[0], x[1], sortedStrings(x[2].([]any))})
			}
			return []any{r[0], r[1], items}, nil
		},
	},
	{
		Name: "relfilter", Desc: "relationship filter: theme + award year, 20 by title",
		Variants: func(p *params) []variant {
			var vs []variant
			for _, ty := range themeYears {
				vs = append(vs, variant{
					Ours: gql{`query($t: [String!], $y: [Int!]) { initiatives(filter: {themes: $t, years: $y}, first: 20) { edges { node { key title } } } }`,
						map[string]any{"t": []string{ty.Theme}, "y": []int{ty.Year}}},
					Peer: gql{`query($t: String!, $y: Int!) { initiatives(where: {themes: {some: {slug: {eq: $t}}}, years: {some: {year: {eq: $y}}}}, sort: [{sortTitle: ASC}, {key: ASC}], limit: 20) { key title } }`,
						map[string]any{"t": ty.Theme, "y": ty.Year}},
					Floor: map[string]any{"t": ty.Theme, "y": int64(ty.Year)},
				})
			}
			return vs
		},
		NormOurs: func(d map[string]any) any { return keyTitles(edgesNodes(obj(d, "initiatives"))) },
		NormPeer: func(d map[string]any) any { return keyTitles(list(d, "initiatives")) },
		Floor: func(ctx context.Context, f *floor, v map[string]any) (any, error) {
			recs, err := f.run(ctx, `MATCH (i:Initiative)
WHERE i.sortTitle IS NOT NULL AND EXISTS { (i)-[:HAS_THEME]->(:Theme {slug: $t}) }
  AND EXISTS { (i)-[:AWARDED]->(:AwardYear {year: $y}) }
WITH i ORDER BY i.sortTitle, i.key LIMIT 20
RETURN i.key, i.title`, v)
			return rows(recs), err
		},
	},
	{
		Name: "connection", Desc: "connection page 2 (cursor) with totalCount",
		Variants: func(p *params) []variant {
			var vs []variant
			for _, t := range pageThemes {
				vs = append(vs, variant{
					Ours: gql{`query($t: [String!], $after: String) { initiatives(filter: {themes: $t}, first: 10, after: $after) { totalCount edges { node { key title } } pageInfo { hasNextPage } } }`,
						map[string]any{"t": []string{t}, "after": oursCursor(9)}},
					Peer: gql{`query($t: String!, $after: String) { initiativesConnection(where: {themes: {some: {slug: {eq: $t}}}}, first: 10, after: $after, sort: [{sortTitle: ASC}, {key: ASC}]) { totalCount edges { node { key title } } pageInfo { hasNextPage } } }`,
						map[string]any{"t": t, "after": peerCursor(9)}},
					Floor: map[string]any{"t": t},
				})
			}
			return vs
		},
		NormOurs: func(d map[string]any) any {
			c := obj(d, "initiatives")
			return []any{num(c["totalCount"]), obj(c, "pageInfo")["hasNextPage"], keyTitles(edgesNodes(c))}
		},
		NormPeer: func(d map[string]any) any {
			c := obj(d, "initiativesConnection")
			return []any{num(c["totalCount"]), obj(c, "pageInfo")["hasNextPage"], keyTitles(edgesNodes(c))}
		},
		Floor: func(ctx context.Context, f *floor, v map[string]any) (any, error) {
			recs, err := f.run(ctx, `CALL { MATCH (:Theme {slug: $t})<-[:HAS_THEME]-(i:Initiative) RETURN count(i) AS total }
CALL { MATCH (i:Initiative) WHERE i.sortTitle IS NOT NULL AND EXISTS { (i)-[:HAS_THEME]->(:Theme {slug: $t}) }
  WITH i ORDER BY i.sortTitle, i.key SKIP 10 LIMIT 11 RETURN collect([i.key, i.title]) AS page }
RETURN total, page`, v)
			if err != nil || len(recs) == 0 {
				return nil, err
			}
			page := recs[0].Values[1].([]any)
			more := len(page) > 10
			if more {
				page = page[:10]
			}
			return []any{num(recs[0].Values[0]), more, page}, nil
		},
	},
	{
		Name: "count", Desc: "totalCount alone (country filter)",
		Variants: func(p *params) []variant {
			var vs []variant
			for _, c := range countries {
				vs = append(vs, variant{
					Ours:  gql{`query($c: [String!]) { initiatives(filter: {countries: $c}) { totalCount } }`, map[string]any{"c": []string{c}}},
					Peer:  gql{`query($c: String!) { initiativesConnection(where: {country: {some: {code: {eq: $c}}}}) { totalCount } }`, map[string]any{"c": c}},
					Floor: map[string]any{"c": c},
				})
			}
			return vs
		},
		NormOurs: func(d map[string]any) any { return num(obj(d, "initiatives")["totalCount"]) },
		NormPeer: func(d map[string]any) any { return num(obj(d, "initiativesConnection")["totalCount"]) },
		Floor: func(ctx context.Context, f *floor, v map[string]any) (any, error) {
			recs, err := f.run(ctx, `MATCH (:Country {code: $c})<-[:IN_COUNTRY]-(i:Initiative) RETURN count(i)`, v)
			if err != nil || len(recs) == 0 {
				return nil, err
			}
			return num(recs[0].Values[0]), nil
		},
	},
	{
		Name: "aggregate", Desc: "aggregation: initiatives per theme",
		Variants: func(p *params) []variant {
			return []variant{{
				Ours:  gql{`{ themes(first: 50) { edges { node { slug name initiativeCount } } } }`, nil},
				Peer:  gql{`{ themes(sort: [{slug: ASC}]) { slug name initiativesConnection { aggregate { count { nodes } } } } }`, nil},
				Floor: map[string]any{},
			}}
		},
		NormOurs: func(d map[string]any) any {
			return sortedRows(mapList(edgesNodes(obj(d, "themes")), func(n map[string]any) any {
				return []any{n["slug"], n["name"], num(n["initiativeCount"])}
			}))
		},
		NormPeer: func(d map[string]any) any {
			return sortedRows(mapList(list(d, "themes"), func(n map[string]any) any {
				return []any{n["slug"], n["name"], num(obj(obj(obj(n, "initiativesConnection"), "aggregate"), "count")["nodes"])}
			}))
		},
		Floor: func(ctx context.Context, f *floor, v map[string]any) (any, error) {
			recs, err := f.run(ctx, `MATCH (t:Theme) RETURN t.slug, t.name, COUNT { (t)<-[:HAS_THEME]-(:Initiative) }`, v)
			out := rows(recs)
			for _, r := range out {
				r.([]any)[2] = num(r.([]any)[2])
			}
			return sortedRows(out), err
		},
	},
	{
		Name: "search", Desc: "search by words (RRF rank score + title boost; model off on all sides), 10 hits",
		Variants: func(p *params) []variant {
			var vs []variant
			for _, s := range searches {
				l, re, k := neo4jdb.SearchParams(s, 10)
				vs = append(vs, variant{
					Ours: gql{`query($q: String!) { search(query: $q, first: 10) { initiative { key title } score } }`, map[string]any{"q": s}},
					Peer: gql{`query($l: String!, $re: String!, $k: Int!) { search(lucene: $l, titleRe: $re, limit: $k, first: 10) { key title score } }`,
						map[string]any{"l": l, "re": re, "k": k}},
					Floor: map[string]any{"l": l, "re": re, "k": int64(k), "first": int64(10)},
				})
			}
			return vs
		},
		NormOurs: func(d map[string]any) any {
			return mapList(list(d, "search"), func(h map[string]any) any {
				i := obj(h, "initiative")
				return []any{i["key"], i["title"], round(h["score"])}
			})
		},
		NormPeer: func(d map[string]any) any {
			return mapList(list(d, "search"), func(h map[string]any) any { return []any{h["key"], h["title"], round(h["score"])} })
		},
		Floor: func(ctx context.Context, f *floor, v map[string]any) (any, error) {
			recs, err := f.run(ctx, `CALL db.index.fulltext.queryNodes('initiative_text', $l, {limit: $k}) YIELD node, score
WITH node ORDER BY score DESC, node.key
WITH collect(node) AS ns UNWIND range(0, size(ns) - 1) AS r
WITH ns[r] AS node, r
WITH node, 1.0 / (61 + r) + CASE WHEN size($re) > 0 AND node.sortTitle =~ $re THEN 2.0 / 61 ELSE 0.0 END AS score
RETURN node.key AS key, node.title, score ORDER BY score DESC, key LIMIT $first`, v)
			out := rows(recs)
			for _, r := range out {
				r.([]any)[2] = round(r.([]any)[2])
			}
			return out, err
		},
	},
	{
		Name: "deepfilter", Desc: "deep filter: country + themes + award status + years",
		Variants: func(p *params) []variant {
			var vs []variant
			for _, f := range deepFilters {
				vs = append(vs, variant{
					Ours: gql{`query($c: [String!], $t: [String!], $s: [AwardStatus!], $y: [Int!]) { initiatives(filter: {countries: $c, themes: $t, status: $s, years: $y}, first: 20) { edges { node { key title awards { year status } } } } }`,
						map[string]any{"c": f.Countries, "t": f.Themes, "s": f.Status, "y": f.Years}},
					Peer: gql{`query($c: [String!]!, $t: [String!]!, $s: [String!]!, $y: [Int!]!) { initiatives(where: {country: {some: {code: {in: $c}}}, themes: {some: {slug: {in: $t}}}, yearsConnection: {some: {edge: {status: {in: $s}}}}, years: {some: {year: {in: $y}}}}, sort: [{sortTitle: ASC}, {key: ASC}], limit: 20) { key title yearsConnection { edges { properties { status } node { year } } } } }`,
						map[string]any{"c": f.Countries, "t": f.Themes, "s": lower(f.Status), "y": f.Years}},
					Floor: map[string]any{"c": f.Countries, "t": f.Themes, "s": lower(f.Status), "y": ints(f.Years)},
				})
			}
			return vs
		},
		NormOurs: func(d map[string]any) any {
			return mapList(edgesNodes(obj(d, "initiatives")), func(n map[string]any) any {
				return []any{n["key"], n["title"], sortedStrings(mapList(list(n, "awards"), func(a map[string]any) any {
					return fmt.Sprint(num(a["year"]), ":", strings.ToLower(fmt.Sprint(a["status"])))
				}))}
			})
		},
		NormPeer: func(d map[string]any) any {
			return mapList(list(d, "initiatives"), func(n map[string]any) any {
				return []any{n["key"], n["title"], sortedStrings(mapList(edgesOf(obj(n, "yearsConnection")), func(e map[string]any) any {
					return fmt.Sprint(num(obj(e, "node")["year"]), ":", obj(e, "properties")["status"])
				}))}
			})
		},
		Floor: func(ctx context.Context, f *floor, v map[string]any) (any, error) {
			recs, err := f.run(ctx, `MATCH (i:Initiative)
WHERE i.sortTitle IS NOT NULL AND EXISTS { (i)-[:IN_COUNTRY]->(c:Country) WHERE c.code IN $c }
  AND EXISTS { (i)-[:HAS_THEME]->(t:Theme) WHERE t.slug IN $t }
  AND EXISTS { (i)-[r:AWARDED]->(:AwardYear) WHERE r.status IN $s }
  AND EXISTS { (i)-[:AWARDED]->(y:AwardYear) WHERE y.year IN $y }
WITH i ORDER BY i.sortTitle, i.key LIMIT 20
RETURN i.key, i.title, [(i)-[r:AWARDED]->(y:AwardYear) | toString(y.year) + ':' + r.status]`, v)
			out := rows(recs)
			for _, r := range out {
				r.([]any)[2] = sortedStrings(r.([]any)[2].([]any))
			}
			return out, err
		},
	},
	{
		Name: "similar", Desc: "similar initiatives, 5",
		Variants: func(p *params) []variant {
			var vs []variant
			for _, k := range p.Keys[:4] {
				vs = append(vs, variant{
					Ours: gql{`query($id: ID!) { similarInitiatives(id: $id, first: 5, differentCity: false) { initiative { key title } score sharedThemes { slug } } }`,
						map[string]any{"id": k}},
					Peer: gql{`query($key: String!) { initiatives(where: {key: {eq: $key}}) { similarConnection(first: 5, sort: [{edge: {score: DESC}}, {node: {key: ASC}}]) { edges { properties { score sharedThemes } node { key title } } } similarBackConnection(first: 5, where: {edge: {mutual: {eq: true}}}, sort: [{edge: {score: DESC}}, {node: {key: ASC}}]) { edges { properties { score sharedThemes } node { key title } } } } }`,
						map[string]any{"key": k}},
					Floor: map[string]any{"key": k},
				})
			}
			return vs
		},
		NormOurs: func(d map[string]any) any {
			return mapList(list(d, "similarInitiatives"), func(s map[string]any) any {
				i := obj(s, "initiative")
				return []any{i["key"], i["title"], round(s["score"]), sortedStrings(mapList(list(s, "sharedThemes"), func(t map[string]any) any { return t["slug"] }))}
			})
		},
		NormPeer: func(d map[string]any) any {
			// The outgoing links and the mutual incoming ones, merged as
			// civicgraph orders them (score desc, then key), first 5.
			in := first(list(d, "initiatives"))
			es := append(edgesOf(obj(in, "similarConnection")), edgesOf(obj(in, "similarBackConnection"))...)
			sort.SliceStable(es, func(a, b int) bool {
				sa, _ := obj(es[a], "properties")["score"].(float64)
				sb, _ := obj(es[b], "properties")["score"].(float64)
				if sa != sb {
					return sa > sb
				}
				ka, _ := obj(es[a], "node")["key"].(string)
				kb, _ := obj(es[b], "node")["key"].(string)
				return ka < kb
			})
			return mapList(es[:min(5, len(es))], func(e map[string]any) any {
				n, pr := obj(e, "node"), obj(e, "properties")
				th, _ := pr["sharedThemes"].([]any)
				return []any{n["key"], n["title"], round(pr["score"]), sortedStrings(th)}
			})
		},
		Floor: func(ctx context.Context, f *floor, v map[string]any) (any, error) {
			recs, err := f.run(ctx, `MATCH (a:Initiative {key: $key})-[s:SIMILAR]-(b:Initiative) WHERE startNode(s) = a OR s.mutual
WITH b, s ORDER BY s.score DESC, b.key LIMIT 5
RETURN b.key, b.title, s.score, s.sharedThemes`, v)
			out := rows(recs)
			for _, r := range out {
				x := r.([]any)
				x[2] = round(x[2])
				th, _ := x[3].([]any)
				x[3] = sortedStrings(th)
			}
			return out, err
		},
	},
	{
		Name: "neighbourhood", Desc: "neighbourhood depth 2, ≤ 100 nodes",
		Variants: func(p *params) []variant {
			var vs []variant
			for _, k := range p.Keys[4:] {
				vs = append(vs, variant{
					Ours: gql{`query($id: ID!) { neighbourhood(id: $id, depth: 2, limit: 100) { truncated nodes { id kind label } edges { source target type } } }`,
						map[string]any{"id": "initiative/" + k}},
					Peer: gql{`query($key: String!) { neighbourhood(key: $key, limit: 100) { truncated nodes { id kind label } edges { source target type } } }`,
						map[string]any{"key": k}},
					Floor: map[string]any{"key": k, "limit": int64(100)},
				})
			}
			return vs
		},
		NormOurs: func(d map[string]any) any { return graphCanon(obj(d, "neighbourhood")) },
		NormPeer: func(d map[string]any) any { return graphCanon(obj(d, "neighbourhood")) },
		Floor: func(ctx context.Context, f *floor, v map[string]any) (any, error) {
			recs, err := f.run(ctx, neighbourhoodCypher, v)
			if err != nil || len(recs) == 0 {
				return nil, err
			}
			return graphCanon(recs[0].Values[0].(map[string]any)), nil
		},
	},
}

// ---- canonical forms ----

func lookupCanon(i, city, country map[string]any) any {
	if i == nil {
		return nil
	}
	return []any{i["key"], i["title"], i["summary"], city["name"], city["countryCode"], country["code"], country["name"]}
}

func keyTitles(ns []map[string]any) any {
	return mapList(ns, func(n map[string]any) any { return []any{n["key"], n["title"]} })
}

func graphCanon(g map[string]any) any {
	if g == nil {
		return nil
	}
	nodes := sortedStrings(mapList(list(g, "nodes"), func(n map[string]any) any {
		return fmt.Sprint(n["id"], "|", n["kind"], "|", n["label"])
	}))
	edges := sortedStrings(mapList(list(g, "edges"), func(e map[string]any) any {
		return fmt.Sprint(e["source"], ">", e["target"], ":", e["type"])
	}))
	return []any{g["truncated"], nodes, edges}
}

func obj(m map[string]any, k string) map[string]any {
	if m == nil {
		return nil
	}
	o, _ := m[k].(map[string]any)
	return o
}

func list(m map[string]any, k string) []map[string]any {
	if m == nil {
		return nil
	}
	raw, _ := m[k].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, v := range raw {
		o, _ := v.(map[string]any)
		out = append(out, o)
	}
	return out
}

func first(l []map[string]any) map[string]any {
	if len(l) == 0 {
		return nil
	}
	return l[0]
}

func edgesOf(conn map[string]any) []map[string]any { return list(conn, "edges") }

func edgesNodes(conn map[string]any) []map[string]any {
	es := edgesOf(conn)
	out := make([]map[string]any, len(es))
	for i, e := range es {
		out[i] = obj(e, "node")
	}
	return out
}

func mapList(l []map[string]any, f func(map[string]any) any) []any {
	out := make([]any, 0, len(l))
	for _, x := range l {
		out = append(out, f(x))
	}
	return out
}

func sortedStrings(l []any) []any {
	s := make([]string, len(l))
	for i, x := range l {
		s[i] = fmt.Sprint(x)
	}
	sort.Strings(s)
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

func sortedRows(l []any) []any {
	sort.Slice(l, func(a, b int) bool { return fmt.Sprint(l[a]) < fmt.Sprint(l[b]) })
	return l
}

func anyStrings(v any) []string {
	raw, _ := v.([]any)
	out := make([]string, 0, len(raw))
	for _, x := range raw {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// num makes JSON numbers (float64) and Cypher integers (int64) compare equal.
func num(v any) any {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	}
	return v
}

// round keeps 6 significant digits: scores pass through float32 in some
// JSON encoders.
func round(v any) any {
	f, ok := v.(float64)
	if !ok {
		return v
	}
	if f == 0 {
		return 0.0
	}
	p := math.Pow(10, 5-math.Floor(math.Log10(math.Abs(f))))
	return math.Round(f*p) / p
}

// rows turns records into lists of their values.
func rows(recs []*neo4j.Record) []any {
	out := make([]any, 0, len(recs))
	for _, r := range recs {
		out = append(out, append([]any(nil), r.Values...))
	}
	return out
}
