package neo4jdb

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/similarity"
)

func sortInitiativeLinks(in *domain.Initiative) {
	sort.Slice(in.Themes, func(a, b int) bool {
		if in.Themes[a].Confidence != in.Themes[b].Confidence {
			return in.Themes[a].Confidence > in.Themes[b].Confidence
		}
		return in.Themes[a].Slug < in.Themes[b].Slug
	})
	sort.Slice(in.Awards, func(a, b int) bool { return in.Awards[a].Year < in.Awards[b].Year })
}

// filterQuery builds the MATCH/WHERE part for a filter from constant
// fragments; values go to params. With a text condition the match starts
// from hybrid search (textMatch, which embeds the query; hence ctx and
// the error). Without one, a page (anchored false) walks the
// sortTitle index in order and stops at LIMIT, while counts and facets
// (anchored true) start from the filter's most selective node — a city, a
// theme, a country, a year — instead of visiting every initiative.
func filterQuery(f domain.InitiativeFilter, text string, params map[string]any, anchored bool, extra ...string) string {
	var b strings.Builder
	where := append([]string(nil), extra...)
	anchor := ""
	an, hasAnchor := anchorOf(f)
	switch {
	case text != "":
		b.WriteString(text)
	case anchored && hasAnchor:
		anchor = an.param
		b.WriteString(an.match(f))
	default:
		b.WriteString("MATCH (i:Initiative)\n")
		// Lets the planner read the sortTitle index in order and stop at
		// LIMIT instead of sorting every initiative.
		where = append(where, "i.sortTitle IS NOT NULL")
	}
	if len(f.Themes) > 0 {
		params["themes"] = f.Themes
		if anchor != "themes" {
			where = append(where, "EXISTS { (i)-[:HAS_THEME]->(t:Theme) WHERE t.slug IN $themes }")
		}
	}
	if len(f.Countries) > 0 {
		params["countries"] = f.Countries
		if anchor != "countries" {
			where = append(where, "EXISTS { (i)-[:IN_COUNTRY]->(c:Country) WHERE c.code IN $countries }")
		}
	}
	if len(f.Cities) > 0 {
		params["cities"] = f.Cities
		if anchor != "cities" {
			where = append(where, "EXISTS { (i)-[:IN_CITY]->(c:City) WHERE c.id IN $cities }")
		}
	}
	if len(f.Years) > 0 {
		ys := make([]int64, len(f.Years))
		for k, y := range f.Years {
			ys[k] = int64(y)
		}
		params["years"] = ys
		if anchor != "years" {
			where = append(where, "EXISTS { (i)-[:AWARDED]->(y:AwardYear) WHERE y.year IN $years }")
		}
	}
	if len(f.Status) > 0 {
		params["status"] = f.Status
		where = append(where, "EXISTS { (i)-[r:AWARDED]->(:AwardYear) WHERE r.status IN $status }")
	}
	if f.Covid != nil {
		params["covid"] = *f.Covid
		where = append(where, "i.covid = $covid")
	}
	if len(f.Levels) > 0 {
		params["levels"] = f.Levels
		where = append(where, "i.level IN $levels")
	}
	if len(where) > 0 {
		b.WriteString("WHERE " + strings.Join(where, "\n  AND ") + "\n")
	}
	return b.String()
}

// filterAnchor is a filter a statement can start from: the initiatives
// linked by rel to the nodes of label whose key is in $param.
type filterAnchor struct {
	param, label, key, rel string
	// once: an initiative holds at most one link to each such node (see
	// match), so one node meets each initiative once.
	once bool
	n    func(domain.InitiativeFilter) int // how many nodes the filter names
}

// filterAnchors in the order filterQuery prefers them, the most selective
// kind first.
var filterAnchors = []filterAnchor{
	{"cities", "City", "id", "IN_CITY", true, func(f domain.InitiativeFilter) int { return len(f.Cities) }},
	{"themes", "Theme", "slug", "HAS_THEME", false, func(f domain.InitiativeFilter) int { return len(f.Themes) }},
	{"countries", "Country", "code", "IN_COUNTRY", true, func(f domain.InitiativeFilter) int { return len(f.Countries) }},
	{"years", "AwardYear", "year", "AWARDED", false, func(f domain.InitiativeFilter) int { return len(f.Years) }},
}

// anchorOf is the anchor an anchored filterQuery starts from, if any.
func anchorOf(f domain.InitiativeFilter) (filterAnchor, bool) {
	for _, a := range filterAnchors {
		if a.n(f) > 0 {
			return a, true
		}
	}
	return filterAnchor{}, false
}

// match binds the initiatives i of a's nodes named by f, with the
// DISTINCT it needs unless it cannot meet an initiative twice. A city or
// country anchor with one value can not: the import writes at most one
// city and one country per initiative (one IN_CITY and one IN_COUNTRY
// row each, CREATE after a wipe, MERGE otherwise) and curation MERGEs
// them, so one anchor node has at most one link from each initiative.
// Leaving DISTINCT out spares Neo4j a hash of every matched initiative (a
// count by one country at 100k, eight concurrent clients, two rounds:
// 13 % and 0 % less Neo4j CPU per request). Themes and award years keep
// DISTINCT whatever the count, since an initiative's rows for them are
// lists.
func (a filterAnchor) match(f domain.InitiativeFilter) string {
	m := "MATCH (a:" + a.label + ")<-[:" + a.rel + "]-(i:Initiative) WHERE a." + a.key + " IN $" + a.param + "\n"
	if a.once && a.n(f) == 1 {
		return m + "WITH i\n" // a projection, so the filter's WHERE can follow
	}
	return m + "WITH DISTINCT i\n"
}

// degreeOf is a CALL subquery returning `adeg`, the number of links of
// a's nodes ($param, which filterQuery sets), each node's read from its
// relationship groups (getDegree, see placeCount). For award years it
// may exceed the initiatives (two awards in one year): an estimate there.
func (a filterAnchor) degreeOf() string {
	return "CALL { MATCH (a:" + a.label + ") WHERE a." + a.key + " IN $" + a.param + "\n" +
		"  RETURN coalesce(sum(COUNT { (a)<-[:" + a.rel + "]-() }), 0) AS adeg }\n"
}

// Initiative implements graph.InitiativeReader: one statement shaped by plan.
func (db *DB) Initiative(ctx context.Context, key string, plan domain.InitiativePlan) (*domain.InitiativeRow, error) {
	params := map[string]any{"key": key}
	pl := planner{params: params}
	recs, err := db.read(ctx, "MATCH (i:Initiative {key: $key})\nRETURN "+pl.initiative("i", plan, 0)+" AS i", params)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	var d decoder
	r := d.row(d.record(recs[0], "i"), plan)
	return r, decodeErr("read initiative "+key, &d)
}

// InitiativePage implements graph.InitiativeReader: the parts q asks for are
// uncorrelated CALL subqueries of one statement (the page, the count, the
// facets), and the filter's unknown themes an expression beside them, so
// a connection with its totalCount and facets is one round trip. A text
// filter is embedded once and shared by the parts.
func (db *DB) InitiativePage(ctx context.Context, q domain.PageQuery) (*domain.InitiativePage, error) {
	params := map[string]any{}
	text := ""
	if strings.TrimSpace(q.Filter.Text) != "" {
		var err error
		if text, _, err = db.textMatch(ctx, q.Filter.Text, params, MaxWordHits); err != nil {
			return nil, err
		}
	}
	var b strings.Builder
	cols := []string{"[] AS page", "0 AS total", "null AS th0, null AS co0, null AS ye0, null AS st0, null AS le0", "[] AS unknown"}
	if q.Page {
		b.WriteString("CALL {\n" + pageQuery(q, text, params) + "}\n")
		cols[0] = "page"
	}
	if q.Total {
		b.WriteString("CALL {\n" + countQuery(q.Filter, text, params) + "}\n")
		cols[1] = "total"
	}
	if q.WithFacets {
		b.WriteString("CALL {\n" + filterQuery(q.Filter, text, params, true) + facetsQuery + "}\n")
		cols[2] = "th0, co0, ye0, st0, le0"
	}
	if len(q.Filter.Themes) > 0 {
		params["themes"] = q.Filter.Themes
		cols[3] = "[s IN $themes WHERE NOT EXISTS { MATCH (:Theme {slug: s}) }] AS unknown"
	}
	recs, err := db.read(ctx, b.String()+"RETURN "+strings.Join(cols, ", "), params)
	if err != nil {
		return nil, err
	}
	out := &domain.InitiativePage{}
	if len(recs) == 0 { // EXPLAIN
		return out, nil
	}
	var d decoder
	rec := recs[0]
	for _, m := range d.maps(map[string]any{"page": recordValue[[]any](&d, rec, "page")}, "page") {
		out.Rows = append(out.Rows, d.row(m, q.Plan))
	}
	out.Total = int(recordValue[int64](&d, rec, "total"))
	if q.WithFacets {
		out.Facets = decodeFacets(&d, rec)
	}
	out.UnknownThemes = d.strs(map[string]any{"unknown": recordValue[[]any](&d, rec, "unknown")}, "unknown")
	return out, decodeErr("read initiatives", &d)
}

// pageQuery is the page part of InitiativePage: it returns `page`, the
// list of the page's initiatives in order.
func pageQuery(q domain.PageQuery, text string, params map[string]any) string {
	f, o := q.Filter, q.Order
	params["skip"], params["limit"] = int64(q.Offset), int64(q.First)
	var keyset []string
	if o.AfterSortKey != "" && o.Keyset(f) {
		params["after"], params["skip"] = o.AfterSortKey, int64(0)
		if o.Desc {
			keyset = append(keyset, "i.sortTitle < $after")
		} else {
			keyset = append(keyset, "i.sortTitle > $after")
		}
	}
	dir := ""
	if o.Desc {
		dir = " DESC"
	}
	order, titleOrder := "", false
	switch o.Field {
	case domain.OrderYear:
		order = "WITH i ORDER BY coalesce(i.bestYear, 0)" + dir + ", i.sortTitle, i.key\n"
	case domain.OrderCity:
		order = "OPTIONAL MATCH (i)-[:IN_CITY]->(c:City)\nWITH i, c ORDER BY c.foldedName IS NULL, c.foldedName" + dir + ", i.sortTitle, i.key\n"
	default:
		if text != "" && o.Field == "" {
			order = "WITH i ORDER BY score DESC, i.key\n"
		} else {
			order, titleOrder = "WITH i ORDER BY i.sortTitle"+dir+"\n", true
		}
	}
	pl := planner{params: params}
	window := order + "SKIP $skip LIMIT $limit\n"
	collect := "RETURN collect(" + pl.initiative("i", q.Plan, 0) + ") AS page\n"
	an, hasAnchor := anchorOf(f)
	switch {
	case text != "" || !hasAnchor:
		return filterQuery(f, text, params, false, keyset...) + window + collect
	case !titleOrder:
		// Every matching initiative is sorted anyway: start from the anchor.
		return filterQuery(f, "", params, true, keyset...) + window + collect
	}
	// Title order: the sortTitle index walk or the anchor's expansion, by
	// ownerPage's rule on the anchor nodes' degree; on a small city the
	// walk would visit every initiative to fill a page.
	return an.degreeOf() + walkOrExpand("adeg", "adeg", "",
		func(string) string { return filterQuery(f, "", params, false, keyset...) + window + "RETURN i" },
		func(string) string { return filterQuery(f, "", params, true, keyset...) + window + "RETURN i" }) +
		order + collect
}

// countQuery is the count part of InitiativePage: it returns `total`.
func countQuery(f domain.InitiativeFilter, text string, params map[string]any) string {
	if isEmptyFilter(f) {
		return "MATCH (i:Initiative) RETURN count(i) AS total\n" // served from the count store
	}
	if s, ok := placeCount(f, params); ok {
		return s
	}
	return filterQuery(f, text, params, true) + "RETURN count(i) AS total\n"
}

// placeCount counts a filter by cities alone or by countries alone as
// the degree of the place nodes. The node match meets each place once
// even when the filter names it twice.
//
// Degree counts: where a count needs no other condition — initiatives of
// a city, of a country or of a theme, a filter by places alone — the
// store writes it COUNT { (x)<-[:TYPE]-() }, without a label on the far
// node, which Neo4j answers from the node's relationship groups
// (getDegree) instead of expanding every link and checking each
// initiative's label: a count by one country at 100k initiatives (23,711
// links) took 0.85 ms per statement against 7–10 ms for the expanding
// count. That is exact by two rules of the write path, which
// TestCountByPlace checks after an import and a re-import: only
// initiatives hold IN_CITY, IN_COUNTRY and HAS_THEME links, and one
// initiative holds at most one link to a given city, country or theme
// (the import writes one city row, one country row and its themes
// deduplicated by slug, CREATE after a wipe and MERGE otherwise; curation
// MERGEs). Award years are left out: an initiative can be awarded twice
// in one year.
func placeCount(f domain.InitiativeFilter, params map[string]any) (string, bool) {
	rest := f
	rest.Cities, rest.Countries = nil, nil
	if !isEmptyFilter(rest) || (len(f.Cities) > 0) == (len(f.Countries) > 0) {
		return "", false
	}
	an, _ := anchorOf(f)
	if len(f.Cities) > 0 {
		params["cities"] = f.Cities
	} else {
		params["countries"] = f.Countries
	}
	return an.degreeOf() + "RETURN adeg AS total\n", true
}

func isEmptyFilter(f domain.InitiativeFilter) bool {
	return strings.TrimSpace(f.Text) == "" && len(f.Themes) == 0 && len(f.Countries) == 0 && len(f.Cities) == 0 &&
		len(f.Years) == 0 && len(f.Status) == 0 && f.Covid == nil && len(f.Levels) == 0
}

// facetsQuery follows a filter in the facets part of InitiativePage: it
// returns the buckets' raw values th0, co0, ye0, st0 and le0.
const facetsQuery = `WITH collect(i) AS set
CALL { WITH set UNWIND set AS i MATCH (i)-[:HAS_THEME]->(t:Theme)
       RETURN collect({v: t.slug, l: t.name, n: 0}) AS th0 }
CALL { WITH set UNWIND set AS i OPTIONAL MATCH (i)-[:IN_COUNTRY]->(c:Country)
       RETURN collect({v: coalesce(c.code, 'unknown'), l: coalesce(c.name, 'Unknown')}) AS co0 }
CALL { WITH set UNWIND set AS i OPTIONAL MATCH (i)-[:AWARDED]->(y:AwardYear)
       WITH i, collect(DISTINCT y.year) AS ys UNWIND (CASE WHEN size(ys) = 0 THEN [null] ELSE ys END) AS y
       RETURN collect({v: coalesce(toString(y), 'none'), l: coalesce(toString(y), 'No award year')}) AS ye0 }
CALL { WITH set UNWIND set AS i
       WITH i, [(i)-[r:AWARDED]->() | r.status] AS st
       RETURN collect(CASE WHEN 'winner' IN st THEN 'WINNER' WHEN 'finalist' IN st THEN 'FINALIST'
                           WHEN size(st) > 0 THEN 'ENTRY' ELSE 'NONE' END) AS st0 }
CALL { WITH set UNWIND set AS i
       RETURN collect({v: coalesce(i.level, 'unknown'), l: coalesce(i.level, 'Unknown')}) AS le0 }
RETURN th0, co0, ye0, st0, le0
`

// decodeFacets counts the facets part's raw values into buckets, most
// frequent first.
func decodeFacets(d *decoder, rec *neo4j.Record) *domain.Facets {
	fc := &domain.Facets{}
	bucket := func(key string) []domain.FacetCount {
		raw := recordValue[[]any](d, rec, key)
		counts := map[string]*domain.FacetCount{}
		for _, v := range raw {
			var val, label string
			switch x := v.(type) {
			case map[string]any:
				val, label = d.str(x, "v"), d.str(x, "l")
			case string:
				val, label = x, strings.ToLower(x)
			}
			c, ok := counts[val]
			if !ok {
				c = &domain.FacetCount{Value: val, Label: label}
				counts[val] = c
			}
			c.Count++
		}
		out := make([]domain.FacetCount, 0, len(counts))
		for _, c := range counts {
			out = append(out, *c)
		}
		sort.Slice(out, func(a, b int) bool {
			if out[a].Count != out[b].Count {
				return out[a].Count > out[b].Count
			}
			return out[a].Value < out[b].Value
		})
		return out
	}
	fc.Themes, fc.Countries, fc.Years, fc.Status = bucket("th0"), bucket("co0"), bucket("ye0"), bucket("st0")
	fc.Levels = bucket("le0")
	return fc
}

// InitiativesByKeys implements export.Store.
func (db *DB) InitiativesByKeys(ctx context.Context, keys []string) (map[string]*domain.Initiative, error) {
	params := map[string]any{"keys": keys}
	pl := planner{params: params}
	recs, err := db.read(ctx, "UNWIND $keys AS k MATCH (i:Initiative {key: k}) RETURN "+pl.initiative("i", domain.WholePlan, 0)+" AS i", params)
	if err != nil {
		return nil, err
	}
	var d decoder
	out := make(map[string]*domain.Initiative, len(recs))
	for _, r := range recs {
		in := d.initiative(d.record(r, "i"))
		out[in.ID] = in
	}
	return out, decodeErr("read initiatives by key", &d)
}

// ownerMatch returns, for the owner kinds (city, country, theme, award
// year), the match binding owner `o` by key `k`, the relationship type
// that links the owner's initiatives to it, and the owner's key
// expression.
func ownerMatch(kind string) (match, rel, keyExpr string, ok bool) {
	switch kind {
	case domain.KindCity:
		return "MATCH (o:City {id: k})", "IN_CITY", "o.id", true
	case domain.KindCountry:
		return "MATCH (o:Country {code: k})", "IN_COUNTRY", "o.code", true
	case domain.KindTheme:
		return "MATCH (o:Theme {slug: k})", "HAS_THEME", "o.slug", true
	case domain.KindYear:
		return "MATCH (o:AwardYear {year: toInteger(k)})", "AWARDED", "toString(o.year)", true
	}
	return "", "", "", false
}

// ownerWalkFactor sets where ownerPage walks the title index instead of
// expanding the owner's links: see ownerPage.
const ownerWalkFactor = 4

// ownerPage is a CALL subquery returning rows `i`: one page (parameters
// $<prefix>skip and $<prefix>limit) of the initiatives linked to the
// node bound to o by rel, in sortTitle order (unique: SortKey appends the
// key). It is one of two plans, chosen per owner inside the statement:
//
//   - expand: the owner's links, every initiative's sortTitle, a top-k
//     sort; the cost grows with the owner's degree d.
//   - walk: the sortTitle index in order, each entry tested for a link to
//     the owner, stopping at the page's end; with the owner's initiatives
//     spread over the alphabet that visits about (skip+limit)·n/d entries
//     of n initiatives.
//
// The walk is taken when d² ≥ ownerWalkFactor·(skip+limit)·n, the factor
// a margin for owners whose titles cluster late in the alphabet. The
// degree and n come from the node's relationship groups and the count
// store, so the choice costs nothing. At 100k initiatives (Neo4j CPU per
// statement, a city's first 10 with their themes): Berlin, 17,138
// initiatives, 27–30 ms expanded, 1.1 ms walked; Rome, 3,958, 4–10 ms
// against 1.5 ms; a city of one initiative 0.66 ms expanded, where the
// walk would scan all 100k entries (10.4 ms). The two branches are put
// together by walkOrExpand. The walk's EXISTS meets an initiative once; the expansion keeps
// DISTINCT, which award years need (an initiative can be awarded twice in
// one year).
func ownerPage(o, rel, prefix string) string {
	page := "ORDER BY i.sortTitle SKIP $" + prefix + "skip LIMIT $" + prefix + "limit RETURN i"
	return walkOrExpand(o, "COUNT { ("+o+")<-[:"+rel+"]-() }", prefix,
		func(ow string) string {
			return "MATCH (i:Initiative) WHERE i.sortTitle IS NOT NULL AND EXISTS { (i)-[:" + rel + "]->(" + ow + ") }\n      WITH i " + page
		},
		func(oe string) string {
			return "MATCH (" + oe + ")<-[:" + rel + "]-(i:Initiative)\n      WITH DISTINCT i " + page
		})
}

// walkOrExpand is a CALL subquery importing v and returning rows `i`
// from one of two subqueries, walk (the sortTitle index in order) or
// expand (from the anchor's links), chosen inside the statement by
// ownerPage's rule on the anchor's degree deg and the page's
// $<prefix>skip and $<prefix>limit. Each branch is guarded by an UNWIND
// of an empty or one-element list of v before its own CALL, since a
// WHERE on the anchor alone is planned after the index scan, not before;
// the functions get the name the guard binds v to.
func walkOrExpand(v, deg, prefix string, walk, expand func(string) string) string {
	cond := fmt.Sprintf("%s ^ 2 >= %d * ($%sskip + $%slimit) * COUNT { (:Initiative) }", deg, ownerWalkFactor, prefix, prefix)
	branch := func(on, w, body string) string {
		return "    UNWIND CASE WHEN " + cond + " THEN " + on + " END AS " + w + "\n" +
			"    CALL (" + w + ") { " + body + " }\n" +
			"    RETURN i\n"
	}
	return "CALL (" + v + ") {\n" + branch("["+v+"] ELSE []", "ow", walk("ow")) + "    UNION ALL\n" +
		branch("[] ELSE ["+v+"]", "oe", expand("oe")) + "}\n"
}

// InitiativesOf implements loader.Source: one query for all owners.
func (db *DB) InitiativesOf(ctx context.Context, kind string, keys []string, first, offset int, plan domain.InitiativePlan) (map[string][]*domain.InitiativeRow, error) {
	match, rel, keyExpr, ok := ownerMatch(kind)
	if !ok {
		return nil, domain.Errorf(domain.EINVALID, "unknown kind %q", kind)
	}
	params := map[string]any{"keys": keys, "skip": int64(offset), "limit": int64(first)}
	pl := planner{params: params}
	q := "UNWIND $keys AS k\n" + match + "\nCALL (o) {\n  " + ownerPage("o", rel, "") +
		"  WITH i ORDER BY i.sortTitle\n  RETURN collect(" + pl.initiative("i", plan, 0) + ") AS items }\nRETURN " + keyExpr + " AS owner, items"
	recs, err := db.read(ctx, q, params)
	if err != nil {
		return nil, err
	}
	var d decoder
	out := make(map[string][]*domain.InitiativeRow, len(keys))
	for _, r := range recs {
		owner := recordValue[string](&d, r, "owner")
		items := recordValue[[]any](&d, r, "items")
		for _, m := range d.maps(map[string]any{"items": items}, "items") {
			out[owner] = append(out[owner], d.row(m, plan))
		}
	}
	return out, decodeErr("read initiatives of "+kind, &d)
}

// CountOf implements loader.Source.
func (db *DB) CountOf(ctx context.Context, kind string, keys []string) (map[string]int, error) {
	var d decoder
	match, rel, keyExpr, ok := ownerMatch(kind)
	if !ok {
		return nil, domain.Errorf(domain.EINVALID, "unknown kind %q", kind)
	}
	q := "UNWIND $keys AS k\n" + match + "<-[:" + rel + "]-(i:Initiative)\nRETURN " + keyExpr + " AS owner, count(DISTINCT i) AS n"
	recs, err := db.read(ctx, q, map[string]any{"keys": keys})
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(keys))
	for _, k := range keys {
		out[k] = 0
	}
	for _, r := range recs {
		owner := recordValue[string](&d, r, "owner")
		n := recordValue[int64](&d, r, "n")
		out[owner] = int(n)
	}
	return out, decodeErr("read count of", &d)
}

// WinnersOf implements loader.Source.
func (db *DB) WinnersOf(ctx context.Context, years []int, plan domain.InitiativePlan) (map[int][]*domain.InitiativeRow, error) {
	ys := make([]int64, len(years))
	for k, y := range years {
		ys[k] = int64(y)
	}
	params := map[string]any{"years": ys}
	pl := planner{params: params}
	q := "UNWIND $years AS yr MATCH (y:AwardYear {year: yr})<-[r:AWARDED {status: 'winner'}]-(i:Initiative)\n" +
		"WITH y, i ORDER BY i.sortTitle RETURN y.year AS year, collect(" + pl.initiative("i", plan, 0) + ") AS items"
	recs, err := db.read(ctx, q, params)
	if err != nil {
		return nil, err
	}
	var d decoder
	out := map[int][]*domain.InitiativeRow{}
	for _, r := range recs {
		y := recordValue[int64](&d, r, "year")
		items := recordValue[[]any](&d, r, "items")
		for _, m := range d.maps(map[string]any{"items": items}, "items") {
			out[int(y)] = append(out[int(y)], d.row(m, plan))
		}
	}
	return out, decodeErr("read winners", &d)
}

// SimilarOf implements graph.InitiativeReader: a lookup of precomputed links,
// planned like an initiative's similar field.
func (db *DB) SimilarOf(ctx context.Context, keys []string, plan domain.SimilarPlan) (map[string][]*domain.SimilarRow, error) {
	params := map[string]any{"keys": keys}
	pl := planner{params: params}
	q := "UNWIND $keys AS k\nMATCH (i:Initiative {key: k})\nRETURN i.key AS key, " + pl.similar("i", plan, 0) + " AS links"
	recs, err := db.read(ctx, q, params)
	if err != nil {
		return nil, err
	}
	var d decoder
	out := make(map[string][]*domain.SimilarRow, len(keys))
	for _, r := range recs {
		k := recordValue[string](&d, r, "key")
		links := recordValue[[]any](&d, r, "links")
		out[k] = d.similar(d.maps(map[string]any{"links": links}, "links"), plan)
	}
	return out, decodeErr("read similar links", &d)
}

// City implements graph.PlaceReader: the city with its pages of
// initiatives, each a COLLECT subquery, in one statement.
func (db *DB) City(ctx context.Context, id string, pages []domain.PagePlan) (*domain.Counted[domain.CityRow], [][]*domain.InitiativeRow, error) {
	params := map[string]any{"id": id}
	pl := planner{params: params}
	lists := make([]string, len(pages))
	for k, p := range pages {
		prefix := "page" + strconv.Itoa(k) + "_"
		params[prefix+"skip"], params[prefix+"limit"] = int64(p.Offset), int64(p.First)
		lists[k] = "COLLECT {\n  " + ownerPage("c", "IN_CITY", prefix) + "  WITH i ORDER BY i.sortTitle\n  RETURN " + pl.initiative("i", p.Plan, 0) + " }"
	}
	recs, err := db.read(ctx, "MATCH (c:City {id: $id})\nRETURN "+cityProjection+" AS c, COUNT { (c)<-[:IN_CITY]-() } AS n, ["+
		strings.Join(lists, ",\n")+"] AS pages", params)
	if err != nil || len(recs) == 0 {
		return nil, nil, err
	}
	var d decoder
	c := &domain.Counted[domain.CityRow]{Node: d.city(d.record(recs[0], "c")), Count: int(recordValue[int64](&d, recs[0], "n"))}
	raw := recordValue[[]any](&d, recs[0], "pages")
	out := make([][]*domain.InitiativeRow, len(pages))
	for k := range pages {
		if k >= len(raw) {
			break
		}
		for _, m := range d.maps(map[string]any{"page": raw[k]}, "page") {
			out[k] = append(out[k], d.row(m, pages[k].Plan))
		}
	}
	return c, out, decodeErr("read city "+id, &d)
}

// CitiesByIDs implements graph.PlaceReader and loader.Source.
func (db *DB) CitiesByIDs(ctx context.Context, ids []string) (map[string]*domain.CityRow, error) {
	var d decoder
	recs, err := db.read(ctx, `UNWIND $ids AS id MATCH (c:City {id: id})
RETURN `+cityProjection+` AS c`, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*domain.CityRow, len(recs))
	for _, r := range recs {
		c := d.city(d.record(r, "c"))
		out[c.ID] = c
	}
	return out, decodeErr("read cities by ids", &d)
}

// CountriesByCodes implements graph.PlaceReader and loader.Source.
func (db *DB) CountriesByCodes(ctx context.Context, codes []string) (map[string]*domain.Country, error) {
	var d decoder
	recs, err := db.read(ctx, `UNWIND $codes AS code MATCH (c:Country {code: code}) RETURN c.code AS code, c.name AS name`,
		map[string]any{"codes": codes})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*domain.Country, len(recs))
	for _, r := range recs {
		code := recordValue[string](&d, r, "code")
		name := recordValue[string](&d, r, "name")
		out[code] = &domain.Country{Code: code, Name: name}
	}
	return out, decodeErr("read countries by codes", &d)
}

// ThemesBySlugs implements graph.ThemeReader and loader.Source.
func (db *DB) ThemesBySlugs(ctx context.Context, slugs []string) (map[string]*domain.Theme, error) {
	var d decoder
	recs, err := db.read(ctx, `UNWIND $slugs AS s MATCH (t:Theme {slug: s}) RETURN t {.slug, .name, .description} AS t`,
		map[string]any{"slugs": slugs})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*domain.Theme, len(recs))
	for _, r := range recs {
		m := d.record(r, "t")
		out[d.str(m, "slug")] = &domain.Theme{Slug: d.str(m, "slug"), Name: d.str(m, "name"), Description: d.str(m, "description")}
	}
	return out, decodeErr("read themes by slugs", &d)
}

// CitiesOfCountries implements loader.Source.
func (db *DB) CitiesOfCountries(ctx context.Context, codes []string, first int) (map[string][]*domain.CityRow, error) {
	var d decoder
	q := `UNWIND $codes AS code
CALL { WITH code
  MATCH (co:Country {code: code})<-[:LOCATED_IN]-(c:City)
  WITH c, COUNT { (c)<-[:IN_CITY]-() } AS n WHERE n > 0
  WITH c, n ORDER BY n DESC, c.name LIMIT $limit
  RETURN collect(` + cityProjection + `) AS cities }
RETURN code, cities`
	recs, err := db.read(ctx, q, map[string]any{"codes": codes, "limit": int64(first)})
	if err != nil {
		return nil, err
	}
	out := map[string][]*domain.CityRow{}
	for _, r := range recs {
		code := recordValue[string](&d, r, "code")
		cs := recordValue[[]any](&d, r, "cities")
		for _, m := range d.maps(map[string]any{"cities": cs}, "cities") {
			out[code] = append(out[code], d.city(m))
		}
	}
	return out, decodeErr("read cities of countries", &d)
}

// Cities implements graph.PlaceReader.
func (db *DB) Cities(ctx context.Context, countries []string, namePrefix string, first, offset int) ([]domain.Counted[domain.CityRow], int, error) {
	var d decoder
	params := map[string]any{"skip": int64(offset), "limit": int64(first)}
	where := []string{"EXISTS { (c)<-[:IN_CITY]-() }"} // degree checks and counts (see placeCount)
	if len(countries) > 0 {
		params["countries"] = countries
		where = append(where, "c.countryCode IN $countries")
	}
	if p := Fold(namePrefix); p != "" {
		params["prefix"] = p
		// The name or any alternate name (Aarhus → Århus, Wien → Vienna).
		where = append(where, "any(n IN coalesce(c.foldedNames, [c.foldedName]) WHERE n STARTS WITH $prefix)")
	}
	base := "MATCH (c:City) WHERE " + strings.Join(where, " AND ") + "\n"
	q := base + `WITH c, COUNT { (c)<-[:IN_CITY]-() } AS n
WITH c, n ORDER BY n DESC, c.name, c.id
WITH collect(c {.id, .name, .countryCode, .lat, .lon, .population, .altNames, count: n,
  countryName: head([(c)-[:LOCATED_IN]->(co:Country) | co.name])}) AS rows
RETURN size(rows) AS total, rows[$skip..($skip + $limit)] AS cities`
	recs, err := db.read(ctx, q, params)
	if err != nil {
		return nil, 0, err
	}
	if len(recs) == 0 {
		return nil, 0, nil
	}
	total := recordValue[int64](&d, recs[0], "total")
	cs := recordValue[[]any](&d, recs[0], "cities")
	out := make([]domain.Counted[domain.CityRow], 0, len(cs))
	for _, m := range d.maps(map[string]any{"cities": cs}, "cities") {
		out = append(out, domain.Counted[domain.CityRow]{Node: d.city(m), Count: int(d.i64(m, "count"))})
	}
	return out, int(total), decodeErr("read cities", &d)
}

func (db *DB) countSimple(ctx context.Context, q string, params map[string]any) (int, error) {
	var d decoder
	recs, err := db.read(ctx, q, params)
	if err != nil || len(recs) == 0 {
		return 0, err
	}
	n := recordValue[int64](&d, recs[0], "n")
	return int(n), decodeErr("read count simple", &d)
}

// writeCount runs one write statement returning a count column n, in a
// managed transaction (retried as a whole), and returns n.
func (db *DB) writeCount(ctx context.Context, q string, params map[string]any) (int, error) {
	var n int64
	err := db.write(ctx, func(tx neo4j.ManagedTransaction) error {
		recs, err := run(ctx, tx, q, params)
		if err != nil {
			return err
		}
		n = 0
		if len(recs) > 0 {
			if n, _, err = neo4j.GetRecordValue[int64](recs[0], "n"); err != nil {
				return fmt.Errorf("decode count: %w", err)
			}
		}
		return nil
	})
	return int(n), err
}

// Countries implements graph.PlaceReader.
func (db *DB) Countries(ctx context.Context, first, offset int) ([]domain.Counted[domain.Country], int, error) {
	var d decoder
	// A degree count (see placeCount).
	q := `MATCH (c:Country) WITH c, COUNT { (c)<-[:IN_COUNTRY]-() } AS n WHERE n > 0
WITH c, n ORDER BY n DESC, c.name
WITH collect(c {.code, .name, count: n}) AS rows
RETURN size(rows) AS total, rows[$skip..($skip + $limit)] AS page`
	recs, err := db.read(ctx, q, map[string]any{"skip": int64(offset), "limit": int64(first)})
	if err != nil || len(recs) == 0 {
		return nil, 0, err
	}
	total := recordValue[int64](&d, recs[0], "total")
	page := recordValue[[]any](&d, recs[0], "page")
	out := make([]domain.Counted[domain.Country], 0, len(page))
	for _, m := range d.maps(map[string]any{"page": page}, "page") {
		out = append(out, domain.Counted[domain.Country]{Node: &domain.Country{Code: d.str(m, "code"), Name: d.str(m, "name")}, Count: int(d.i64(m, "count"))})
	}
	return out, int(total), decodeErr("read countries", &d)
}

// Themes implements graph.ThemeReader.
func (db *DB) Themes(ctx context.Context, first, offset int) ([]domain.Counted[domain.Theme], int, error) {
	var d decoder
	// A degree count (see placeCount).
	q := `MATCH (t:Theme) WITH t, COUNT { (t)<-[:HAS_THEME]-() } AS n
WITH t, n ORDER BY n DESC, t.slug
WITH collect(t {.slug, .name, .description, count: n}) AS rows
RETURN size(rows) AS total, rows[$skip..($skip + $limit)] AS page`
	recs, err := db.read(ctx, q, map[string]any{"skip": int64(offset), "limit": int64(first)})
	if err != nil || len(recs) == 0 {
		return nil, 0, err
	}
	total := recordValue[int64](&d, recs[0], "total")
	page := recordValue[[]any](&d, recs[0], "page")
	out := make([]domain.Counted[domain.Theme], 0, len(page))
	for _, m := range d.maps(map[string]any{"page": page}, "page") {
		out = append(out, domain.Counted[domain.Theme]{
			Node:  &domain.Theme{Slug: d.str(m, "slug"), Name: d.str(m, "name"), Description: d.str(m, "description")},
			Count: int(d.i64(m, "count")),
		})
	}
	return out, int(total), decodeErr("read themes", &d)
}

// AwardYears implements graph.ThemeReader.
func (db *DB) AwardYears(ctx context.Context) ([]*domain.AwardYear, error) {
	var d decoder
	recs, err := db.read(ctx, `MATCH (y:AwardYear) RETURN y.year AS year ORDER BY year`, nil)
	if err != nil {
		return nil, err
	}
	out := make([]*domain.AwardYear, 0, len(recs))
	for _, r := range recs {
		y := recordValue[int64](&d, r, "year")
		out = append(out, &domain.AwardYear{Year: int(y)})
	}
	return out, decodeErr("read award years", &d)
}

// SimilarCities implements graph.PlaceReader: the cities'
// theme profiles (initiative counts per theme) of the city and of every
// city sharing at least one theme, read in one query and ranked by
// similarity.RankCities (the formula is stated there).
func (db *DB) SimilarCities(ctx context.Context, cityID string, first int) ([]domain.SimilarCity, error) {
	var d decoder
	q := `MATCH (c:City {id: $id})
OPTIONAL MATCH (c)<-[:IN_CITY]-(:Initiative)-[:HAS_THEME]->(t:Theme)
WITH c, collect(DISTINCT t) AS mine
UNWIND mine AS t
MATCH (t)<-[:HAS_THEME]-(:Initiative)-[:IN_CITY]->(o:City)
WITH c, collect(DISTINCT o) + [c] AS cities
UNWIND cities AS x
MATCH (x)<-[:IN_CITY]-(:Initiative)-[:HAS_THEME]->(t:Theme)
RETURN x.id AS city, t.slug AS theme, count(*) AS n`
	recs, err := db.read(ctx, q, map[string]any{"id": cityID})
	if err != nil {
		return nil, err
	}
	profiles := map[string]map[string]float64{}
	for _, r := range recs {
		c := recordValue[string](&d, r, "city")
		t := recordValue[string](&d, r, "theme")
		n := recordValue[int64](&d, r, "n")
		if profiles[c] == nil {
			profiles[c] = map[string]float64{}
		}
		profiles[c][t] = float64(n)
	}
	if _, ok := profiles[cityID]; !ok {
		exists, err := db.countSimple(ctx, `MATCH (c:City {id: $id}) RETURN count(c) AS n`, map[string]any{"id": cityID})
		if err != nil {
			return nil, err
		}
		if exists == 0 {
			return nil, domain.Errorf(domain.ENOTFOUND, "city %q not found", cityID)
		}
		return []domain.SimilarCity{}, nil
	}
	ranked := similarity.RankCities(cityID, profiles, first)
	out := make([]domain.SimilarCity, len(ranked))
	for i, c := range ranked {
		out[i] = domain.SimilarCity{CityID: c.City, Score: c.Score, SharedThemes: c.SharedThemes}
	}
	return out, decodeErr("read similar cities", &d)
}

// ThemeTrends implements graph.ChartReader: one row per theme and year for
// every year from the first to the last award year in the graph, zeros
// included, with the year's total of awarded initiatives (after the country
// filter) and the row's share of it. One statement.
func (db *DB) ThemeTrends(ctx context.Context, themes, countries []string) ([]domain.ThemeYearCount, error) {
	params := map[string]any{"themes": themes, "countries": countries}
	if len(themes) == 0 {
		params["themes"] = nil
	}
	if len(countries) == 0 {
		params["countries"] = nil
	}
	const q = `CALL { MATCH (y:AwardYear) RETURN min(y.year) AS lo, max(y.year) AS hi }
CALL { MATCH (t:Theme) WHERE $themes IS NULL OR t.slug IN $themes RETURN collect(t.slug) AS slugs }
CALL { MATCH (i:Initiative)-[:AWARDED]->(y:AwardYear)
  WHERE $countries IS NULL OR EXISTS { (i)-[:IN_COUNTRY]->(c:Country) WHERE c.code IN $countries }
  WITH y.year AS year, count(DISTINCT i) AS n RETURN collect([year, n]) AS totals }
CALL { MATCH (t:Theme)<-[:HAS_THEME]-(i:Initiative)-[:AWARDED]->(y:AwardYear)
  WHERE ($themes IS NULL OR t.slug IN $themes)
    AND ($countries IS NULL OR EXISTS { (i)-[:IN_COUNTRY]->(c:Country) WHERE c.code IN $countries })
  WITH t.slug AS theme, y.year AS year, count(DISTINCT i) AS n RETURN collect([theme, toString(year), n]) AS counts }
RETURN lo, hi, slugs, totals, counts`
	recs, err := db.read(ctx, q, params)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, nil
	}
	r := recs[0]
	lo, loNil, err1 := neo4j.GetRecordValue[int64](r, "lo")
	hi, _, err2 := neo4j.GetRecordValue[int64](r, "hi")
	slugs, _, err3 := neo4j.GetRecordValue[[]any](r, "slugs")
	totals, _, err4 := neo4j.GetRecordValue[[]any](r, "totals")
	counts, _, err5 := neo4j.GetRecordValue[[]any](r, "counts")
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		return nil, fmt.Errorf("read theme trends: %w", err)
	}
	if loNil {
		return []domain.ThemeYearCount{}, nil
	}
	total := map[int64]int64{}
	for _, x := range totals {
		var y, n int64
		if err := scanTuple(x, &y, &n); err != nil {
			return nil, fmt.Errorf("read theme trends: %w", err)
		}
		total[y] = n
	}
	count := map[string]int64{}
	for _, x := range counts {
		var t, y string
		var n int64
		if err := scanTuple(x, &t, &y, &n); err != nil {
			return nil, fmt.Errorf("read theme trends: %w", err)
		}
		count[t+"|"+y] = n
	}
	names, err := sortedStrings(slugs)
	if err != nil {
		return nil, fmt.Errorf("read theme trends: %w", err)
	}
	out := make([]domain.ThemeYearCount, 0, len(names)*int(hi-lo+1))
	for _, t := range names {
		for y := lo; y <= hi; y++ {
			n, tot := count[t+"|"+strconv.FormatInt(y, 10)], total[y]
			out = append(out, domain.ThemeYearCount{Theme: t, Year: int(y), Count: int(n), Total: int(tot), Share: share(n, tot)})
		}
	}
	return out, nil
}

// scanTuple reads one [a, b, …] list of a chart query into dst (each a
// *string or *int64); a list of another shape is an error, not a panic.
func scanTuple(x any, dst ...any) error {
	p, ok := x.([]any)
	if !ok || len(p) != len(dst) {
		return fmt.Errorf("chart row %v: want a list of %d values", x, len(dst))
	}
	for i, d := range dst {
		switch d := d.(type) {
		case *string:
			if *d, ok = p[i].(string); !ok {
				return fmt.Errorf("chart row %v: value %d is not a string", x, i)
			}
		case *int64:
			if *d, ok = p[i].(int64); !ok {
				return fmt.Errorf("chart row %v: value %d is not an integer", x, i)
			}
		}
	}
	return nil
}

// sortedStrings returns the sorted strings of a list value.
func sortedStrings(xs []any) ([]string, error) {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("list value %v is not a string", x)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out, nil
}

// share is n/total rounded to four places, 0 when total is 0.
func share(n, total int64) float64 {
	if total == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(total)*10000) / 10000
}

// ThemeByCountry implements graph.ChartReader: one row per theme and country
// with initiatives, zeros included, with the country's total of initiatives
// and the row's share of it. One statement.
func (db *DB) ThemeByCountry(ctx context.Context, themes []string) ([]domain.ThemeCountryCount, error) {
	params := map[string]any{"themes": themes}
	if len(themes) == 0 {
		params["themes"] = nil
	}
	const q = `CALL { MATCH (t:Theme) WHERE $themes IS NULL OR t.slug IN $themes RETURN collect(t.slug) AS slugs }
CALL { MATCH (i:Initiative)-[:IN_COUNTRY]->(c:Country)
  WITH c.code AS code, count(DISTINCT i) AS n RETURN collect([code, n]) AS totals }
CALL { MATCH (t:Theme)<-[:HAS_THEME]-(i:Initiative)-[:IN_COUNTRY]->(c:Country)
  WHERE $themes IS NULL OR t.slug IN $themes
  WITH t.slug AS theme, c.code AS code, count(DISTINCT i) AS n RETURN collect([theme, code, n]) AS counts }
RETURN slugs, totals, counts`
	recs, err := db.read(ctx, q, params)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, nil
	}
	r := recs[0]
	slugs, _, err1 := neo4j.GetRecordValue[[]any](r, "slugs")
	totals, _, err2 := neo4j.GetRecordValue[[]any](r, "totals")
	counts, _, err3 := neo4j.GetRecordValue[[]any](r, "counts")
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, fmt.Errorf("read theme by country: %w", err)
	}
	total := map[string]int64{}
	codes := make([]string, 0, len(totals))
	for _, x := range totals {
		var c string
		var n int64
		if err := scanTuple(x, &c, &n); err != nil {
			return nil, fmt.Errorf("read theme by country: %w", err)
		}
		total[c] = n
		codes = append(codes, c)
	}
	count := map[string]int64{}
	for _, x := range counts {
		var t, c string
		var n int64
		if err := scanTuple(x, &t, &c, &n); err != nil {
			return nil, fmt.Errorf("read theme by country: %w", err)
		}
		count[t+"|"+c] = n
	}
	names, err := sortedStrings(slugs)
	if err != nil {
		return nil, fmt.Errorf("read theme by country: %w", err)
	}
	out := make([]domain.ThemeCountryCount, 0, len(names)*len(codes))
	for _, t := range names {
		rows := make([]domain.ThemeCountryCount, 0, len(codes))
		for _, c := range codes {
			n, tot := count[t+"|"+c], total[c]
			rows = append(rows, domain.ThemeCountryCount{Theme: t, Country: c, Count: int(n), Total: int(tot), Share: share(n, tot)})
		}
		sort.Slice(rows, func(a, b int) bool {
			if rows[a].Count != rows[b].Count {
				return rows[a].Count > rows[b].Count
			}
			return rows[a].Country < rows[b].Country
		})
		out = append(out, rows...)
	}
	return out, nil
}

// Coverage implements graph.ChartReader in one statement.
func (db *DB) Coverage(ctx context.Context) (*domain.Coverage, error) {
	recs, err := db.read(ctx, `MATCH (i:Initiative)
WITH i, EXISTS { (i)-[:IN_CITY]->(:City) } AS city, EXISTS { (i)-[:IN_COUNTRY]->(:Country) } AS country
RETURN count(i) AS n,
  sum(CASE WHEN city THEN 1 ELSE 0 END) AS withCity,
  sum(CASE WHEN city OR country THEN 1 ELSE 0 END) AS withCountry,
  sum(CASE WHEN country AND NOT city THEN 1 ELSE 0 END) AS countryOnly,
  sum(CASE WHEN NOT city AND NOT country THEN 1 ELSE 0 END) AS withoutPlace,
  sum(CASE WHEN EXISTS { (i)-[:AWARDED]->(:AwardYear) } THEN 1 ELSE 0 END) AS withYear,
  sum(CASE WHEN i.level IS NOT NULL THEN 1 ELSE 0 END) AS withLevel,
  sum(CASE WHEN EXISTS { (i)-[:HAS_THEME]->(:Theme) } THEN 1 ELSE 0 END) AS withTheme,
  sum(CASE WHEN i.titleDerived THEN 1 ELSE 0 END) AS derived,
  sum(CASE WHEN i.covid THEN 1 ELSE 0 END) AS covid`, nil)
	if err != nil {
		return nil, err
	}
	c := &domain.Coverage{}
	if len(recs) == 0 {
		return c, nil
	}
	r := recs[0]
	for _, f := range []struct {
		key string
		dst *int
	}{{"n", &c.Initiatives}, {"withCity", &c.WithCity}, {"withCountry", &c.WithCountry}, {"countryOnly", &c.CountryOnly},
		{"withoutPlace", &c.WithoutPlace}, {"withYear", &c.WithYear}, {"withLevel", &c.WithLevel}, {"withTheme", &c.WithTheme},
		{"derived", &c.DerivedTitles}, {"covid", &c.Covid}} {
		v, _, err := neo4j.GetRecordValue[int64](r, f.key)
		if err != nil {
			return nil, fmt.Errorf("read coverage %s: %w", f.key, err)
		}
		*f.dst = int(v)
	}
	return c, nil
}

// CityRanking implements graph.ChartReader.
func (db *DB) CityRanking(ctx context.Context, theme, country string, first int) ([]domain.CityRank, error) {
	var d decoder
	params := map[string]any{"limit": int64(first)}
	q := "MATCH (c:City)<-[:IN_CITY]-(i:Initiative)\n"
	var where []string
	if theme != "" {
		params["theme"] = theme
		where = append(where, "EXISTS { (i)-[:HAS_THEME]->(:Theme {slug: $theme}) }")
	}
	if country != "" {
		params["country"] = country
		where = append(where, "c.countryCode = $country")
	}
	if len(where) > 0 {
		q += "WHERE " + strings.Join(where, " AND ") + "\n"
	}
	q += "RETURN c.id AS city, c.name AS name, count(DISTINCT i) AS n ORDER BY n DESC, name LIMIT $limit"
	recs, err := db.read(ctx, q, params)
	if err != nil {
		return nil, err
	}
	out := make([]domain.CityRank, 0, len(recs))
	for _, r := range recs {
		c := recordValue[string](&d, r, "city")
		n := recordValue[int64](&d, r, "n")
		out = append(out, domain.CityRank{CityID: c, Count: int(n)})
	}
	return out, decodeErr("read city ranking", &d)
}

// ThemeCooccurrence implements graph.ChartReader. Lift is
// P(a∧b)/(P(a)P(b)) over initiatives that have at least one theme.
func (db *DB) ThemeCooccurrence(ctx context.Context, minCount int) ([]domain.ThemePair, error) {
	var d decoder
	q := `MATCH (i:Initiative) WHERE EXISTS { (i)-[:HAS_THEME]->() }
WITH count(i) AS total
MATCH (a:Theme)<-[:HAS_THEME]-(i:Initiative)-[:HAS_THEME]->(b:Theme)
WHERE a.slug < b.slug
WITH total, a, b, count(DISTINCT i) AS n WHERE n >= $min
WITH total, a, b, n, COUNT { (a)<-[:HAS_THEME]-() } AS na, COUNT { (b)<-[:HAS_THEME]-() } AS nb
RETURN a.slug AS a, b.slug AS b, n, toFloat(n) / (na + nb - n) AS jaccard,
       (toFloat(n) / total) / ((toFloat(na) / total) * (toFloat(nb) / total)) AS lift
ORDER BY n DESC, a, b`
	recs, err := db.read(ctx, q, map[string]any{"min": int64(minCount)})
	if err != nil {
		return nil, err
	}
	out := make([]domain.ThemePair, 0, len(recs))
	for _, r := range recs {
		a := recordValue[string](&d, r, "a")
		b := recordValue[string](&d, r, "b")
		n := recordValue[int64](&d, r, "n")
		j := recordValue[float64](&d, r, "jaccard")
		l := recordValue[float64](&d, r, "lift")
		out = append(out, domain.ThemePair{A: a, B: b, Count: int(n), Jaccard: j, Lift: l})
	}
	return out, decodeErr("read theme cooccurrence", &d)
}
