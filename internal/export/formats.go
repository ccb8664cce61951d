package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// Gephi's spreadsheet columns. Gephi reads Type as the edge's direction
// (Directed/Undirected), so the relationship type is the edge's Label.
var (
	NodesCSVHeader = append([]string{"Id", "Label"}, attrNames(nodeAttrs)...)
	EdgesCSVHeader = []string{"Source", "Target", "Type", "Weight", "Label", "status", "category", "year"}
)

func attrNames(as []attr) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.name
	}
	return out
}

// WriteNodesCSV writes Gephi's node table (RFC 4180, UTF-8): Id, Label
// and every node attribute.
func WriteNodesCSV(ctx context.Context, w io.Writer, src Source, o Options) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(NodesCSVHeader); err != nil {
		return err
	}
	s := &csvSink{nodes: cw}
	if _, _, err := walkNodes(ctx, src, o, s); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WriteEdgesCSV writes Gephi's edge table: Source, Target, Type
// (Directed), Weight, Label (the relationship type) and the AWARDED
// edges' status, category and year.
func WriteEdgesCSV(ctx context.Context, w io.Writer, src Source, o Options) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(EdgesCSVHeader); err != nil {
		return err
	}
	if err := walkGraph(ctx, src, o, &csvSink{edges: cw}); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

type csvSink struct{ nodes, edges *csv.Writer }

func (s *csvSink) node(n Node) error {
	if s.nodes == nil {
		return nil
	}
	return s.nodes.Write(append([]string{n.ID, n.Label}, n.values()...))
}
func (s *csvSink) startEdges() error { return nil }
func (s *csvSink) edge(e Edge) error {
	if s.edges == nil {
		return nil
	}
	year := ""
	if e.Year > 0 {
		year = strconv.Itoa(e.Year)
	}
	return s.edges.Write([]string{e.Source, e.Target, "Directed", fmtFloat(e.Weight), e.Type, e.Status, e.Category, year})
}
func (s *csvSink) end() error { return nil }

// neo4j-admin import headers. Node IDs are the global IDs (one ID
// space); properties are those of the graph civicgraph keeps.
var (
	Neo4jNodesHeader = []string{":ID", ":LABEL", "key", "title", "summary", "level", "covid:boolean", "sourceUrls:string[]",
		"id", "name", "countryCode", "lat:double", "lon:double", "population:long", "code", "slug", "year:int"}
	Neo4jRelsHeader = []string{":START_ID", ":END_ID", ":TYPE", "score:double", "confidence:double", "status", "category"}
)

// Neo4jFiles are the files WriteNeo4jCSV writes into its directory.
var Neo4jFiles = []string{"nodes.csv", "relationships.csv"}

// WriteNeo4jCSV writes nodes.csv and relationships.csv into dir with
// neo4j-admin import headers, for
//
//	neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv
//
// Arrays use neo4j-admin's default delimiter ";".
func WriteNeo4jCSV(ctx context.Context, dir string, src Source, o Options) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var files []*os.File
	defer func() {
		for _, f := range files {
			if cerr := f.Close(); cerr != nil && err == nil {
				err = cerr
			}
		}
	}()
	var bufs []*bufio.Writer
	var ws []*csv.Writer
	for _, name := range Neo4jFiles {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		files = append(files, f)
		b := bufio.NewWriterSize(f, 64<<10)
		bufs = append(bufs, b)
		ws = append(ws, csv.NewWriter(b))
	}
	if err := ws[0].Write(Neo4jNodesHeader); err != nil {
		return err
	}
	if err := ws[1].Write(Neo4jRelsHeader); err != nil {
		return err
	}
	if err := walkGraph(ctx, src, o, neo4jSink{ws[0], ws[1]}); err != nil {
		return err
	}
	for i, w := range ws {
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
		if err := bufs[i].Flush(); err != nil {
			return err
		}
	}
	return nil
}

type neo4jSink struct{ nodes, rels *csv.Writer }

func (s neo4jSink) node(n Node) error {
	row := make([]string, len(Neo4jNodesHeader))
	row[0] = n.ID
	switch n.Kind {
	case domain.KindInitiative:
		row[1], row[2], row[3], row[4], row[5], row[6], row[7] = "Initiative", n.Key, n.Label, n.Summary, n.Level, strconv.FormatBool(n.Covid), n.URL
	case domain.KindCity:
		row[1], row[8], row[9], row[10] = "City", n.Key, n.Label, n.CountryCode
		if n.HasCoords {
			row[11], row[12] = fmtFloat(n.Lat), fmtFloat(n.Lon)
		}
		if n.Population > 0 {
			row[13] = strconv.Itoa(n.Population)
		}
	case domain.KindCountry:
		row[1], row[9], row[14] = "Country", n.Label, n.Key
	case domain.KindTheme:
		row[1], row[9], row[15] = "Theme", n.Label, n.Key
	case domain.KindYear:
		row[1], row[16] = "AwardYear", n.Key
	}
	return s.nodes.Write(row)
}
func (s neo4jSink) startEdges() error { return nil }
func (s neo4jSink) edge(e Edge) error {
	row := []string{e.Source, e.Target, e.Type, "", "", e.Status, e.Category}
	switch e.Type {
	case RelSimilar:
		row[3] = fmtFloat(e.Weight)
	case RelInCity, RelInCountry, RelHasTheme:
		row[4] = fmtFloat(e.Weight)
	}
	return s.rels.Write(row)
}
func (s neo4jSink) end() error { return nil }

// GeoNamesURL is the GeoNames linked-data URI of a GeoNames id.
func GeoNamesURL(id string) string { return "https://sws.geonames.org/" + id + "/" }

type place struct {
	city   domain.CityRef
	count  int
	themes map[string]int
}

// WriteGeoJSON writes an RFC 7946 FeatureCollection with one Point
// feature per city of the exported initiatives (coordinates [lon, lat],
// WGS 84, no crs member), most initiatives first. Properties: geonamesId,
// name, countryCode, population, initiatives (the count), themes (slugs,
// most frequent first), themeCounts and sameAs (GeoNames). Initiatives
// known only by country have no point and are not counted.
func WriteGeoJSON(ctx context.Context, w io.Writer, src Source, o Options) error {
	places := map[string]*place{}
	seen := map[string]bool{}
	err := each(ctx, src, o, func(in *domain.Initiative) error {
		if in.City == nil || seen[in.ID] {
			return nil
		}
		seen[in.ID] = true
		p := places[in.City.ID]
		if p == nil {
			p = &place{city: *in.City, themes: map[string]int{}}
			places[in.City.ID] = p
		}
		p.count++
		for _, t := range in.Themes {
			p.themes[t.Slug]++
		}
		return nil
	})
	if err != nil {
		return err
	}
	list := make([]*place, 0, len(places))
	for _, p := range places {
		list = append(list, p)
	}
	sort.Slice(list, func(a, b int) bool {
		if list[a].count != list[b].count {
			return list[a].count > list[b].count
		}
		return list[a].city.ID < list[b].city.ID
	})
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString(`{"type":"FeatureCollection","features":[`)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i, p := range list {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		slugs := make([]string, 0, len(p.themes))
		for s := range p.themes {
			slugs = append(slugs, s)
		}
		sort.Slice(slugs, func(a, b int) bool {
			if p.themes[slugs[a]] != p.themes[slugs[b]] {
				return p.themes[slugs[a]] > p.themes[slugs[b]]
			}
			return slugs[a] < slugs[b]
		})
		f := map[string]any{
			"type":     "Feature",
			"id":       p.city.ID,
			"geometry": map[string]any{"type": "Point", "coordinates": []float64{p.city.Lon, p.city.Lat}},
			"properties": map[string]any{
				"geonamesId": p.city.ID, "name": p.city.Name, "countryCode": p.city.CountryCode,
				"population": p.city.Population, "initiatives": p.count, "themes": slugs, "themeCounts": p.themes,
				"sameAs": GeoNamesURL(p.city.ID),
			},
		}
		if err := enc.Encode(f); err != nil {
			return err
		}
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

// Record is one initiative in the importer's user-file format
// (internal/importer/FORMAT.md), as WriteJSONL writes it: civicgraph
// import reads it back to the same keys, titles, cities (by cityId) and
// themes (themesComplete: no theme is added from the text).
type Record struct {
	ID             string   `json:"id"`
	Title          string   `json:"title"`
	Summary        string   `json:"summary,omitempty"`
	City           string   `json:"city,omitempty"`
	CityID         string   `json:"cityId,omitempty"`
	Country        string   `json:"country,omitempty"`
	Themes         []string `json:"themes"`
	ThemesComplete bool     `json:"themesComplete"`
	Awards         []Award  `json:"awards,omitempty"`
	URL            string   `json:"url,omitempty"`
}

// Award is an award in a Record.
type Award struct {
	Year     int    `json:"year"`
	Status   string `json:"status"`
	Category string `json:"category,omitempty"`
}

// ToRecord renders an initiative as a user-file record.
func ToRecord(in *domain.Initiative) Record {
	r := Record{ID: in.ID, Title: in.Title, Summary: in.Summary, Themes: []string{}, ThemesComplete: true}
	if in.City != nil {
		r.City, r.CityID = in.City.Name, in.City.ID
	}
	switch {
	case in.Country != nil:
		r.Country = in.Country.Code
	case in.City != nil:
		r.Country = in.City.CountryCode
	}
	for _, t := range in.Themes {
		r.Themes = append(r.Themes, t.Slug)
	}
	for _, a := range in.Awards {
		r.Awards = append(r.Awards, Award{Year: a.Year, Status: a.Status, Category: a.Category})
	}
	if len(in.Sources) > 0 {
		r.URL = in.Sources[0].URL
	}
	return r
}

// WriteJSONL writes one JSON object per initiative in the importer's
// user-file format (see Record).
func WriteJSONL(ctx context.Context, w io.Writer, src Source, o Options) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	seen := map[string]bool{}
	err := each(ctx, src, o, func(in *domain.Initiative) error {
		if seen[in.ID] {
			return nil
		}
		seen[in.ID] = true
		return enc.Encode(ToRecord(in))
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// JSONLDMediaType is the media type of WriteJSONLD.
const JSONLDMediaType = "application/ld+json"

// WriteJSONLD writes one initiative as schema.org JSON-LD: a CreativeWork
// (@id /initiative/<key>, relative to the document) with name,
// description, identifier, url and isBasedOn (its sources), about (its
// themes as DefinedTerms), award, and spatialCoverage: its City, with
// sameAs the city's GeoNames URI, geo coordinates and the Country it is
// contained in (or the Country alone). The context is inline
// (@vocab https://schema.org/), so consumers need no network.
func WriteJSONLD(w io.Writer, in *domain.Initiative) error {
	doc := map[string]any{
		"@context":   map[string]any{"@vocab": "https://schema.org/"},
		"@type":      "CreativeWork",
		"@id":        "/initiative/" + in.ID,
		"identifier": in.ID,
		"name":       in.Title,
	}
	if in.Summary != "" {
		doc["description"] = in.Summary
	}
	var urls []string
	for _, s := range in.Sources {
		if strings.HasPrefix(s.URL, "http://") || strings.HasPrefix(s.URL, "https://") {
			urls = append(urls, s.URL)
		}
	}
	if len(urls) > 0 {
		doc["url"] = urls[0]
		doc["isBasedOn"] = urls
	}
	var about []any
	var keywords []string
	for _, t := range in.Themes {
		name := t.Slug
		if t.Theme != nil && t.Theme.Name != "" {
			name = t.Theme.Name
		}
		about = append(about, map[string]any{"@type": "DefinedTerm", "termCode": t.Slug, "name": name, "inDefinedTermSet": "civicgraph themes"})
		keywords = append(keywords, name)
	}
	if len(about) > 0 {
		doc["about"] = about
		doc["keywords"] = keywords
	}
	var awards []string
	for _, a := range in.Awards {
		s := fmt.Sprintf("Innovation in Politics Awards %d: %s", a.Year, a.Status)
		if a.Category != "" {
			s += " (" + a.Category + ")"
		}
		awards = append(awards, s)
	}
	if len(awards) > 0 {
		doc["award"] = awards
	}
	var country map[string]any
	if in.Country != nil {
		country = map[string]any{"@type": "Country", "name": in.Country.Name, "identifier": in.Country.Code}
	}
	switch {
	case in.City != nil:
		city := map[string]any{"@type": "City", "name": in.City.Name}
		if _, err := strconv.ParseInt(in.City.ID, 10, 64); err == nil {
			city["sameAs"] = GeoNamesURL(in.City.ID)
			city["identifier"] = in.City.ID
		}
		if in.City.Lat != 0 || in.City.Lon != 0 {
			city["geo"] = map[string]any{"@type": "GeoCoordinates", "latitude": in.City.Lat, "longitude": in.City.Lon}
		}
		if country != nil {
			city["containedInPlace"] = country
		}
		doc["spatialCoverage"] = city
	case country != nil:
		doc["spatialCoverage"] = country
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
