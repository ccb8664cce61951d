package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/importer"
)

// memSource is a graph in memory, paged like the Neo4j adapter.
type memSource struct {
	ins   []*domain.Initiative // in title order
	sims  []Similar
	pages int
}

// Its sort key is the initiative's key (the fixtures' keys are in title
// order); its cities' country names are their initiatives' countries'.
func (m *memSource) ExportInitiatives(_ context.Context, f domain.InitiativeFilter, after string, limit int) ([]*domain.InitiativeRow, error) {
	m.pages++
	var out []*domain.InitiativeRow
	for _, in := range m.ins {
		if in.ID <= after || len(out) == limit {
			continue
		}
		if len(f.Countries) > 0 && (in.Country == nil || in.Country.Code != f.Countries[0]) {
			continue
		}
		r := &domain.InitiativeRow{Initiative: in, SortKey: in.ID}
		if in.City != nil && in.Country != nil {
			r.CityCountryName = in.Country.Name
		}
		out = append(out, r)
	}
	return out, nil
}

func (m *memSource) ExportSimilar(_ context.Context, keys []string) ([]Similar, error) {
	var out []Similar
	for _, s := range m.sims {
		for _, k := range keys {
			if s.From == k {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

func smallGraph() *memSource {
	vienna := &domain.CityRef{ID: "2761369", Name: "Vienna", CountryCode: "AT", Lat: 48.2085, Lon: 16.3721, Population: 1691468, Confidence: 0.9}
	at := &domain.CountryRef{Code: "AT", Name: "Austria", Confidence: 0.9}
	theme := func(s string) domain.ThemeAssignment {
		return domain.ThemeAssignment{Slug: s, Confidence: 0.95, Theme: &domain.Theme{Slug: s, Name: strings.ToUpper(s)}}
	}
	return &memSource{
		ins: []*domain.Initiative{
			{ID: "a-repair-van", Title: `A "Repair" Van <&>`, Summary: "Fixes things.\x01", City: vienna, Country: at,
				Themes: []domain.ThemeAssignment{theme("climate"), theme("community")},
				Awards: []domain.Award{{Year: 2020, Status: "winner", Category: "ecology"}}, Sources: []domain.Source{{URL: "https://example.org/a"}}},
			{ID: "b-budget", Title: "B, Budget", Summary: "Line one\nline two", City: vienna, Country: at,
				Themes: []domain.ThemeAssignment{theme("community")}, Awards: []domain.Award{{Year: 2021, Status: "finalist"}}},
			{ID: "c-national", Title: "C National", Country: &domain.CountryRef{Code: "DE", Name: "Germany"}},
		},
		sims: []Similar{{From: "a-repair-van", To: "b-budget", Score: 0.5}, {From: "b-budget", To: "a-repair-van", Score: 0.5}, {From: "c-national", To: "a-repair-van", Score: 0.2}},
	}
}

// The small graph: 3 initiatives, 1 city, 2 countries, 2 themes, 2 years
// = 10 nodes; edges: IN_CITY 2, IN_COUNTRY 3, HAS_THEME 3, AWARDED 2,
// LOCATED_IN 1, SIMILAR 3 = 14.
const smallNodes, smallEdges = 10, 14

func TestGEXFAndGraphMLAreWellFormedWithEveryNodeAndEdge(t *testing.T) {
	for _, c := range []struct {
		name  string
		write func(context.Context, *bytes.Buffer, Source, Options) error
	}{
		{"gexf", func(ctx context.Context, b *bytes.Buffer, s Source, o Options) error { return WriteGEXF(ctx, b, s, o) }},
		{"graphml", func(ctx context.Context, b *bytes.Buffer, s Source, o Options) error {
			return WriteGraphML(ctx, b, s, o)
		}},
	} {
		var b bytes.Buffer
		if err := c.write(context.Background(), &b, smallGraph(), Options{}); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Graph struct {
				Nodes []struct {
					ID     string `xml:"id,attr"`
					Label  string `xml:"label,attr"`
					Spells []struct {
						Start string `xml:"start,attr"`
					} `xml:"spells>spell"`
				} `xml:"nodes>node"`
				NodesML []struct {
					ID string `xml:"id,attr"`
				} `xml:"node"`
				Edges []struct {
					Label  string `xml:"label,attr"`
					Weight string `xml:"weight,attr"`
				} `xml:"edges>edge"`
				EdgesML []struct {
					Source string `xml:"source,attr"`
				} `xml:"edge"`
			} `xml:"graph"`
		}
		if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatalf("%s is not well-formed XML: %v\n%s", c.name, err, b.String())
		}
		n, e := len(doc.Graph.Nodes)+len(doc.Graph.NodesML), len(doc.Graph.Edges)+len(doc.Graph.EdgesML)
		if n != smallNodes || e != smallEdges {
			t.Errorf("%s: %d nodes, %d edges; want %d, %d", c.name, n, e, smallNodes, smallEdges)
		}
		if c.name == "gexf" {
			if doc.Graph.Nodes[0].Label != `A "Repair" Van <&>` || len(doc.Graph.Nodes[0].Spells) != 1 || doc.Graph.Nodes[0].Spells[0].Start != "2020" {
				t.Errorf("gexf first node %+v", doc.Graph.Nodes[0])
			}
		}
	}
}

func TestPagesAndBound(t *testing.T) {
	src := smallGraph()
	var b bytes.Buffer
	if err := WriteJSONL(context.Background(), &b, src, Options{Max: 2}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(b.String(), "\n"); got != 2 {
		t.Errorf("Max 2: %d lines", got)
	}
	b.Reset()
	if err := WriteJSONL(context.Background(), &b, src, Options{Filter: domain.InitiativeFilter{Countries: []string{"AT"}}}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(b.String(), "\n"); got != 2 {
		t.Errorf("countries AT: %d lines", got)
	}
}

func TestCSVTablesReimport(t *testing.T) {
	ctx := context.Background()
	var nodes, edges bytes.Buffer
	if err := WriteNodesCSV(ctx, &nodes, smallGraph(), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteEdgesCSV(ctx, &edges, smallGraph(), Options{}); err != nil {
		t.Fatal(err)
	}
	nrows, err := csv.NewReader(bytes.NewReader(nodes.Bytes())).ReadAll()
	if err != nil || len(nrows) != smallNodes+1 || nrows[0][0] != "Id" || nrows[0][1] != "Label" {
		t.Fatalf("nodes.csv: %v, %d rows, header %v", err, len(nrows), nrows[0])
	}
	erows, err := csv.NewReader(bytes.NewReader(edges.Bytes())).ReadAll()
	if err != nil || len(erows) != smallEdges+1 || strings.Join(erows[0][:4], ",") != "Source,Target,Type,Weight" {
		t.Fatalf("edges.csv: %v, %d rows, header %v", err, len(erows), erows[0])
	}
	recs, err := importer.ReadGraphCSV(&nodes, &edges)
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, "csv", recs)
}

func TestJSONLReimport(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSONL(context.Background(), &b, smallGraph(), Options{}); err != nil {
		t.Fatal(err)
	}
	recs, err := importer.ReadJSONL(&b)
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, "jsonl", recs)
}

func checkRecords(t *testing.T, name string, recs []*importer.Record) {
	t.Helper()
	want := smallGraph().ins
	if len(recs) != len(want) {
		t.Fatalf("%s: %d records", name, len(recs))
	}
	sort.Slice(recs, func(a, b int) bool { return recs[a].Key < recs[b].Key })
	for i, r := range recs {
		w := want[i]
		var themes []string
		for _, th := range w.Themes {
			themes = append(themes, th.Slug)
		}
		city := ""
		if w.City != nil {
			city = w.City.ID
		}
		if r.Key != w.ID || r.Title != w.Title || strings.Join(strings.Fields(r.Summary), " ") != strings.Join(strings.Fields(w.Summary), " ") || r.CityID != city || !r.ThemesComplete ||
			strings.Join(r.ThemeSlugs, ";") != strings.Join(themes, ";") || len(r.Awards) != len(w.Awards) {
			t.Errorf("%s: record %+v, initiative %+v", name, r, w)
		}
	}
}

func TestGeoJSONIsLonLat(t *testing.T) {
	var b bytes.Buffer
	if err := WriteGeoJSON(context.Background(), &b, smallGraph(), Options{}); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string
		Features []struct {
			Geometry   struct{ Coordinates []float64 }
			Properties struct {
				Initiatives int
				Themes      []string
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != 1 {
		t.Fatalf("%s", b.String())
	}
	f := fc.Features[0]
	if f.Geometry.Coordinates[0] != 16.3721 || f.Geometry.Coordinates[1] != 48.2085 || f.Properties.Initiatives != 2 ||
		strings.Join(f.Properties.Themes, ",") != "community,climate" {
		t.Errorf("feature %+v", f)
	}
}

func TestJSONLDSameAsGeoNames(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSONLD(&b, smallGraph().ins[0]); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Type            string `json:"@type"`
		SpatialCoverage struct {
			SameAs string `json:"sameAs"`
		} `json:"spatialCoverage"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Type != "CreativeWork" || doc.SpatialCoverage.SameAs != "https://sws.geonames.org/2761369/" {
		t.Errorf("%s", b.String())
	}
}

func TestParseFilterNeverEchoes(t *testing.T) {
	for _, q := range []string{"countries=QQ", "years=20x9", "status=champion", "covid=maybe", "sneaky=1", "levels=PLANETARY", "cities=city/abc"} {
		v, _ := urlValues(q)
		_, err := ParseFilter(v)
		if domain.ErrorCode(err) != domain.EINVALID || strings.Contains(err.Error(), q[strings.IndexByte(q, '=')+1:]) {
			t.Errorf("%s: %v", q, err)
		}
	}
	v, _ := urlValues("countries=at,de&years=2020&status=WINNER&covid=false&levels=municipal&cities=city/2761369&themes=a&themes=b")
	f, err := ParseFilter(v)
	if err != nil || strings.Join(f.Countries, ",") != "AT,DE" || f.Years[0] != 2020 || f.Status[0] != "winner" || *f.Covid ||
		f.Levels[0] != "MUNICIPAL" || f.Cities[0] != "2761369" || len(f.Themes) != 2 {
		t.Errorf("%+v %v", f, err)
	}
}

func urlValues(q string) (map[string][]string, error) { return url.ParseQuery(q) }
