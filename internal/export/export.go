// Package export writes civicgraph's graph in the formats analysts' tools
// read: GEXF 1.3 (Gephi), GraphML, Gephi's node and edge CSV tables,
// neo4j-admin import CSV, GeoJSON (RFC 7946) places, JSON Lines in the
// importer's user-file format, and schema.org JSON-LD for one initiative.
//
// Every writer streams: it reads the filtered initiatives a page at a time
// from a Source (in title order, keyset paging) and writes as it reads,
// so memory holds one page, the keys of the exported initiatives (to keep
// SIMILAR edges inside the export) and the distinct cities, countries,
// themes and years seen, never the whole graph. A graph format, whose
// edges must follow all its nodes, reads the initiatives twice: nodes on
// the first pass, edges on the second (only edges between nodes written
// on the first, so a concurrent write cannot make a dangling edge). An
// export holds at most Options.Max initiatives (MaxInitiatives by
// default); the HTTP handler refuses larger ones before writing.
package export

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// MaxInitiatives bounds one export (README "Exports").
const MaxInitiatives = 100_000

// PageSize is how many initiatives one read of the Source returns.
const PageSize = 500

// Source is what the exports read. The Neo4j adapter implements it
// (internal/neo4jdb/export.go); tests use a graph in memory.
type Source interface {
	// ExportInitiatives returns up to limit initiatives matching f with
	// every part (place, themes, awards, sources), in title order, after
	// the initiative whose sort key is after ("" for the first page), as
	// rows with their sort keys and their cities' country names.
	ExportInitiatives(ctx context.Context, f domain.InitiativeFilter, after string, limit int) ([]*domain.InitiativeRow, error)
	// ExportSimilar returns the SIMILAR links that start at the given
	// initiatives.
	ExportSimilar(ctx context.Context, keys []string) ([]Similar, error)
}

// Similar is one precomputed SIMILAR link.
type Similar struct {
	From, To string
	Score    float64
}

// Options are what every export takes.
type Options struct {
	Filter domain.InitiativeFilter
	// Max bounds the initiatives exported; 0 means MaxInitiatives.
	Max int
}

func (o Options) max() int {
	if o.Max <= 0 || o.Max > MaxInitiatives {
		return MaxInitiatives
	}
	return o.Max
}

// Format is one export format.
type Format struct {
	Name      string // command-line name: gexf, graphml, nodes-csv, …
	Path      string // HTTP path under the server ("/export/graph.gexf")
	MediaType string
	Write     func(ctx context.Context, w io.Writer, src Source, o Options) error
}

// Formats lists the streamed exports (JSON-LD of one initiative and the
// neo4j-admin directory are separate: WriteJSONLD, WriteNeo4jCSV).
var Formats = []Format{
	{"gexf", "/export/graph.gexf", "application/gexf+xml", WriteGEXF},
	{"graphml", "/export/graph.graphml", "application/graphml+xml", WriteGraphML},
	{"nodes-csv", "/export/nodes.csv", "text/csv; charset=utf-8; header=present", WriteNodesCSV},
	{"edges-csv", "/export/edges.csv", "text/csv; charset=utf-8; header=present", WriteEdgesCSV},
	{"geojson", "/export/places.geojson", "application/geo+json", WriteGeoJSON},
	{"jsonl", "/export/initiatives.jsonl", "application/jsonl; charset=utf-8", WriteJSONL},
}

// FormatByName returns the format with the command-line name.
func FormatByName(name string) (Format, bool) {
	for _, f := range Formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// each calls fn for every initiative of o's filter, page by page, at most
// o.max() of them.
func each(ctx context.Context, src Source, o Options, fn func(*domain.Initiative) error) error {
	return eachPage(ctx, src, o, func(page []*domain.InitiativeRow) error {
		for _, in := range page {
			if err := fn(in.Initiative); err != nil {
				return err
			}
		}
		return nil
	})
}

func eachPage(ctx context.Context, src Source, o Options, fn func([]*domain.InitiativeRow) error) error {
	limit, after, n := o.max(), "", 0
	for n < limit {
		want := min(PageSize, limit-n)
		page, err := src.ExportInitiatives(ctx, o.Filter, after, want)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		if err := fn(page); err != nil {
			return err
		}
		n += len(page)
		if last := page[len(page)-1].SortKey; last == "" || last == after {
			return fmt.Errorf("export: page without a sort key to continue after")
		}
		after = page[len(page)-1].SortKey
		if len(page) < want {
			return nil
		}
	}
	return nil
}

// Node kinds and edge types as the exports name them.
const (
	RelInCity    = "IN_CITY"
	RelInCountry = "IN_COUNTRY"
	RelHasTheme  = "HAS_THEME"
	RelAwarded   = "AWARDED"
	RelSimilar   = "SIMILAR"
	RelLocatedIn = "LOCATED_IN"
)

// Node is one node of a graph export. Its ID is the API's global ID
// (initiative/<key>, city/<geonameid>, country/DE, theme/<slug>,
// year/2020), so an export joins back to the API.
type Node struct {
	ID, Kind, Label string
	// Key is the node's own key: initiative key, GeoNames id, country
	// code, theme slug, year.
	Key string
	// Initiative attributes.
	Summary, Level, URL string
	Covid               bool
	Themes              []string
	// Years are the award years (initiatives) or the year (year nodes):
	// GEXF writes them as spells, so Gephi's timeline replays them.
	Years []int
	// City attributes (CountryCode also for initiatives).
	CountryCode string
	Lat, Lon    float64
	HasCoords   bool
	Population  int
}

// Edge is one edge of a graph export.
type Edge struct {
	Source, Target, Type string
	// Weight is the similarity score for SIMILAR, the link's confidence
	// for IN_CITY, IN_COUNTRY and HAS_THEME when known, else 1.
	Weight float64
	// Status and Category of an AWARDED edge, and its Year.
	Status, Category string
	Year             int
}

// attr is a typed attribute of nodes or edges.
type attr struct{ name, typ string } // typ: string, double, long, integer, boolean

var nodeAttrs = []attr{
	{"kind", "string"}, {"key", "string"}, {"summary", "string"}, {"level", "string"}, {"covid", "boolean"},
	{"themes", "string"}, {"years", "string"}, {"url", "string"}, {"countryCode", "string"},
	{"lat", "double"}, {"lon", "double"}, {"population", "long"}, {"year", "integer"},
}

var edgeAttrs = []attr{
	{"type", "string"}, {"weight", "double"}, {"status", "string"}, {"category", "string"}, {"year", "integer"},
}

// values returns the node's attribute values by index into nodeAttrs;
// "" means absent.
func (n Node) values() []string {
	v := make([]string, len(nodeAttrs))
	v[0], v[1] = n.Kind, n.Key
	switch n.Kind {
	case domain.KindInitiative:
		v[2], v[3], v[4] = n.Summary, n.Level, strconv.FormatBool(n.Covid)
		v[5], v[6], v[7], v[8] = strings.Join(n.Themes, ";"), joinInts(n.Years), n.URL, n.CountryCode
	case domain.KindCity:
		v[8] = n.CountryCode
		if n.HasCoords {
			v[9], v[10] = fmtFloat(n.Lat), fmtFloat(n.Lon)
		}
		if n.Population > 0 {
			v[11] = strconv.Itoa(n.Population)
		}
	case domain.KindYear:
		if len(n.Years) > 0 {
			v[12] = strconv.Itoa(n.Years[0])
		}
	}
	return v
}

func (e Edge) values() []string {
	v := make([]string, len(edgeAttrs))
	v[0], v[1], v[2], v[3] = e.Type, fmtFloat(e.Weight), e.Status, e.Category
	if e.Year > 0 {
		v[4] = strconv.Itoa(e.Year)
	}
	return v
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ";")
}

// Global IDs of the nodes.
func initiativeID(key string) string { return domain.KindInitiative + "/" + key }
func cityID(id string) string        { return domain.KindCity + "/" + id }
func countryID(code string) string   { return domain.KindCountry + "/" + code }
func themeID(slug string) string     { return domain.KindTheme + "/" + slug }
func yearID(y int) string            { return domain.KindYear + "/" + strconv.Itoa(y) }

func initiativeNode(in *domain.Initiative) Node {
	n := Node{ID: initiativeID(in.ID), Kind: domain.KindInitiative, Label: in.Title, Key: in.ID,
		Summary: in.Summary, Covid: in.Covid}
	if in.Level != nil {
		n.Level = in.Level.Level
	}
	if len(in.Sources) > 0 {
		n.URL = in.Sources[0].URL
	}
	for _, t := range in.Themes {
		n.Themes = append(n.Themes, t.Slug)
	}
	for _, a := range in.Awards {
		n.Years = append(n.Years, a.Year)
	}
	sort.Ints(n.Years)
	if in.Country != nil {
		n.CountryCode = in.Country.Code
	} else if in.City != nil {
		n.CountryCode = in.City.CountryCode
	}
	return n
}

// linkedNodes returns the city, country, theme and year nodes an
// initiative points at.
func linkedNodes(in *domain.InitiativeRow) []Node {
	var out []Node
	if c := in.City; c != nil {
		out = append(out, Node{ID: cityID(c.ID), Kind: domain.KindCity, Label: c.Name, Key: c.ID, CountryCode: c.CountryCode,
			Lat: c.Lat, Lon: c.Lon, HasCoords: c.Lat != 0 || c.Lon != 0, Population: c.Population})
		if c.CountryCode != "" {
			name := in.CityCountryName
			if in.Country != nil && in.Country.Code == c.CountryCode {
				name = in.Country.Name
			}
			out = append(out, countryNode(c.CountryCode, name))
		}
	}
	if c := in.Country; c != nil {
		out = append(out, countryNode(c.Code, c.Name))
	}
	for _, t := range in.Themes {
		name := t.Slug
		if t.Theme != nil && t.Theme.Name != "" {
			name = t.Theme.Name
		}
		out = append(out, Node{ID: themeID(t.Slug), Kind: domain.KindTheme, Label: name, Key: t.Slug})
	}
	for _, a := range in.Awards {
		out = append(out, Node{ID: yearID(a.Year), Kind: domain.KindYear, Label: strconv.Itoa(a.Year), Key: strconv.Itoa(a.Year), Years: []int{a.Year}})
	}
	return out
}

func countryNode(code, name string) Node {
	if name == "" {
		name = code
	}
	return Node{ID: countryID(code), Kind: domain.KindCountry, Label: name, Key: code}
}

// linkEdges returns an initiative's IN_CITY, IN_COUNTRY, HAS_THEME and
// AWARDED edges.
func linkEdges(in *domain.Initiative) []Edge {
	from := initiativeID(in.ID)
	var out []Edge
	if c := in.City; c != nil {
		out = append(out, Edge{Source: from, Target: cityID(c.ID), Type: RelInCity, Weight: weight(c.Confidence)})
	}
	if c := in.Country; c != nil {
		out = append(out, Edge{Source: from, Target: countryID(c.Code), Type: RelInCountry, Weight: weight(c.Confidence)})
	}
	for _, t := range in.Themes {
		out = append(out, Edge{Source: from, Target: themeID(t.Slug), Type: RelHasTheme, Weight: weight(t.Confidence)})
	}
	for _, a := range in.Awards {
		out = append(out, Edge{Source: from, Target: yearID(a.Year), Type: RelAwarded, Weight: 1, Status: a.Status, Category: a.Category, Year: a.Year})
	}
	return out
}

func weight(confidence float64) float64 {
	if confidence > 0 {
		return confidence
	}
	return 1
}

// graphSink receives a graph: every node, then every edge.
type graphSink interface {
	node(Node) error
	startEdges() error
	edge(Edge) error
	end() error
}

// walkNodes is walkGraph's first pass: it feeds sink the initiatives and
// the nodes they link to, each once, and returns the IDs of the nodes fed
// and the keys of the initiatives.
func walkNodes(ctx context.Context, src Source, o Options, sink graphSink) (seen, keys map[string]bool, err error) {
	seen, keys = map[string]bool{}, map[string]bool{}
	err = eachPage(ctx, src, o, func(page []*domain.InitiativeRow) error {
		for _, in := range page {
			if keys[in.ID] {
				continue
			}
			keys[in.ID] = true
			for _, n := range append([]Node{initiativeNode(in.Initiative)}, linkedNodes(in)...) {
				if seen[n.ID] {
					continue
				}
				seen[n.ID] = true
				if err := sink.node(n); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return seen, keys, err
}

// walkGraph feeds sink the exported graph: initiatives and the nodes they
// link to (each once), then their link edges, LOCATED_IN (city → country,
// once per city) and SIMILAR edges between exported initiatives.
func walkGraph(ctx context.Context, src Source, o Options, sink graphSink) error {
	seen, keys, err := walkNodes(ctx, src, o, sink)
	if err != nil {
		return err
	}
	if err := sink.startEdges(); err != nil {
		return err
	}
	located := map[string]bool{}
	done := map[string]bool{}
	err = eachPage(ctx, src, o, func(page []*domain.InitiativeRow) error {
		var from []string
		for _, in := range page {
			if !keys[in.ID] || done[in.ID] {
				continue // not exported on the first pass, or seen already
			}
			done[in.ID] = true
			from = append(from, in.ID)
			es := linkEdges(in.Initiative)
			if c := in.City; c != nil && c.CountryCode != "" && !located[c.ID] {
				located[c.ID] = true
				es = append(es, Edge{Source: cityID(c.ID), Target: countryID(c.CountryCode), Type: RelLocatedIn, Weight: 1})
			}
			for _, e := range es {
				if !seen[e.Source] || !seen[e.Target] {
					continue
				}
				if err := sink.edge(e); err != nil {
					return err
				}
			}
		}
		if len(from) == 0 {
			return nil
		}
		sims, err := src.ExportSimilar(ctx, from)
		if err != nil {
			return err
		}
		for _, s := range sims {
			if !keys[s.From] || !keys[s.To] {
				continue
			}
			if err := sink.edge(Edge{Source: initiativeID(s.From), Target: initiativeID(s.To), Type: RelSimilar, Weight: s.Score}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return sink.end()
}
