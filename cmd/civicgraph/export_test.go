package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/curation"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/export"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
	"github.com/civicgraph/civicgraph/internal/neo4jdb/dbtest"
	"github.com/civicgraph/civicgraph/internal/server"
	"github.com/civicgraph/civicgraph/internal/testenv"
)

// consumerPython returns the venv python that scripts/pyenv.sh provisions
// (networkx, shapely, geojson, rdflib), or CIVICGRAPH_TEST_PYTHON. Without
// it the test skips, and fails under CI=true.
func consumerPython(t *testing.T) string {
	t.Helper()
	py := os.Getenv("CIVICGRAPH_TEST_PYTHON")
	if py == "" {
		out, err := exec.Command("../../scripts/pyenv.sh", "python").Output()
		if err == nil {
			py = strings.TrimSpace(string(out))
		}
	}
	if py != "" {
		if err := exec.Command(py, "-c", "import networkx, shapely, geojson, rdflib").Run(); err == nil {
			return py
		}
	}
	msg := "the Python consumers of the exports (networkx, shapely, geojson, rdflib) are missing: run scripts/pyenv.sh ensure (make test does)"
	testenv.Missing(t, msg)
	return ""
}

// runPy runs a Python script with args and decodes its JSON answer.
func runPy(t *testing.T, py, script string, v any, args ...string) {
	t.Helper()
	cmd := exec.Command(py, append([]string{"-c", script}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python consumer: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("python consumer answer %q: %v", out, err)
	}
}

func newExportAPI(t *testing.T, db *neo4jdb.DB) *httptest.Server {
	t.Helper()
	cfg := config.Defaults().Server
	h := server.New(server.Options{Config: cfg, Store: db, Writer: curation.New(db, nil, nil), Health: db,
		Exports: export.Handler(export.HandlerOptions{Store: db})})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// fetch GETs path into dir/name and returns the file and the response.
func fetchTo(t *testing.T, srv *httptest.Server, path, dir, name string) (string, *http.Response) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, resp
}

func oneInt(t *testing.T, cypher string) int {
	t.Helper()
	rows := rawQuery(t, cypher, nil)
	return int(rows[0][0].(int64))
}

// graphOracle counts, in Neo4j, what a whole-graph export must hold.
func graphOracle(t *testing.T) (nodes map[string]int, edges map[string]int) {
	nodes = map[string]int{
		"initiative": oneInt(t, `MATCH (i:Initiative) RETURN count(i)`),
		"city":       oneInt(t, `MATCH (c:City) WHERE EXISTS { (:Initiative)-[:IN_CITY]->(c) } RETURN count(c)`),
		"country": oneInt(t, `MATCH (i:Initiative) OPTIONAL MATCH (i)-[:IN_COUNTRY]->(c:Country) OPTIONAL MATCH (i)-[:IN_CITY]->(x:City)
			WITH collect(c.code) + collect(x.countryCode) AS codes UNWIND codes AS code RETURN count(DISTINCT code)`),
		"theme": oneInt(t, `MATCH (t:Theme) WHERE EXISTS { (:Initiative)-[:HAS_THEME]->(t) } RETURN count(t)`),
		"year":  oneInt(t, `MATCH (y:AwardYear) WHERE EXISTS { (:Initiative)-[:AWARDED]->(y) } RETURN count(y)`),
	}
	edges = map[string]int{}
	for _, typ := range []string{"IN_CITY", "IN_COUNTRY", "HAS_THEME", "AWARDED", "SIMILAR"} {
		// A mutual SIMILAR relationship is both sides' link: two edges.
		rows := rawQuery(t, `MATCH (:Initiative)-[r]->() WHERE type(r) = $t RETURN count(r) + count(CASE WHEN r.mutual THEN 1 END)`, map[string]any{"t": typ})
		edges[typ] = int(rows[0][0].(int64))
	}
	edges["LOCATED_IN"] = oneInt(t, `MATCH (c:City) WHERE EXISTS { (:Initiative)-[:IN_CITY]->(c) } AND c.countryCode IS NOT NULL RETURN count(c)`)
	return nodes, edges
}

const nxScript = `
import json, sys, collections
import networkx as nx
path, kind = sys.argv[1], sys.argv[2]
if kind == "gexf":
    g = nx.read_gexf(path, version="1.3")
    rel = "label"
else:
    g = nx.read_graphml(path)
    rel = "type"
kinds = collections.Counter(d.get("kind") for _, d in g.nodes(data=True))
types = collections.Counter(d.get(rel) for _, _, d in g.edges(data=True))
spells = sum(1 for _, d in g.nodes(data=True) if d.get("spells"))
weights = [d.get("weight") for _, _, d in g.edges(data=True) if d.get(rel) == "SIMILAR"]
print(json.dumps({"nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "kinds": kinds, "types": types,
  "spells": spells, "mode": g.graph.get("mode"), "directed": g.is_directed(),
  "similarWeightsInRange": all(w is not None and 0 <= float(w) <= 1 for w in weights)}))
`

const geoScript = `
import json, sys
import geojson
from shapely.geometry import shape
with open(sys.argv[1]) as f:
    text = f.read()
obj = geojson.loads(text)
raw = json.loads(text)
valid = obj.is_valid
ok = 0
for feat in raw["features"]:
    g = shape(feat["geometry"])
    lon, lat = feat["geometry"]["coordinates"]
    if g.is_valid and g.geom_type == "Point" and -180 <= lon <= 180 and -90 <= lat <= 90:
        ok += 1
print(json.dumps({"valid": valid, "errors": obj.errors(), "type": raw["type"], "crs": "crs" in raw,
  "features": len(raw["features"]), "inRange": ok,
  "initiatives": sum(f["properties"]["initiatives"] for f in raw["features"]),
  "first": raw["features"][0] if raw["features"] else None}))
`

const ldScript = `
import json, sys
import rdflib
g = rdflib.Graph()
g.parse(sys.argv[1], format="json-ld", publicID=sys.argv[2])
S = rdflib.Namespace("https://schema.org/")
same = [str(o) for o in g.objects(None, S.sameAs)]
names = [str(o) for s in g.subjects(rdflib.RDF.type, S.CreativeWork) for o in g.objects(s, S.name)]
subjects = [str(s) for s in g.subjects(rdflib.RDF.type, S.CreativeWork)]
print(json.dumps({"triples": len(g), "sameAs": same, "names": names, "subjects": subjects}))
`

type nxResult struct {
	Nodes, Edges          int
	Kinds, Types          map[string]int
	Spells                int
	Mode                  string
	Directed              bool
	SimilarWeightsInRange bool
}

// TestExportsOpenInTheirConsumers exports the imported showroom over HTTP
// and reads every export with a real consumer: networkx (GEXF, GraphML)
// with node and edge counts per kind and type equal to Neo4j's;
// geojson + shapely (places); civicgraph's own importer (nodes/edges CSV,
// JSON Lines) back to the same keys, titles, cities and themes; rdflib
// (JSON-LD) with the city's GeoNames sameAs.
func TestExportsOpenInTheirConsumers(t *testing.T) {
	db := importedDB(t)
	py := consumerPython(t)
	srv := newExportAPI(t, db)
	dir := t.TempDir()
	wantNodes, wantEdges := graphOracle(t)
	totalNodes, totalEdges := 0, 0
	for _, n := range wantNodes {
		totalNodes += n
	}
	for _, n := range wantEdges {
		totalEdges += n
	}
	t.Logf("Neo4j: nodes %v (%d), edges %v (%d)", wantNodes, totalNodes, wantEdges, totalEdges)

	for _, c := range []struct{ path, name, kind, media string }{
		{"/export/graph.gexf", "graph.gexf", "gexf", "application/gexf+xml"},
		{"/export/graph.graphml", "graph.graphml", "graphml", "application/graphml+xml"},
	} {
		p, resp := fetchTo(t, srv, c.path, dir, c.name)
		if got := resp.Header.Get("Content-Type"); got != c.media {
			t.Errorf("%s: Content-Type %q, want %q", c.path, got, c.media)
		}
		var r nxResult
		runPy(t, py, nxScript, &r, p, c.kind)
		t.Logf("networkx read %s: %d nodes, %d edges, kinds %v, types %v, %d nodes with spells, mode %q",
			c.name, r.Nodes, r.Edges, r.Kinds, r.Types, r.Spells, r.Mode)
		if r.Nodes != totalNodes || r.Edges != totalEdges {
			t.Errorf("%s: networkx reads %d nodes and %d edges, Neo4j has %d and %d", c.name, r.Nodes, r.Edges, totalNodes, totalEdges)
		}
		for k, n := range wantNodes {
			if r.Kinds[k] != n {
				t.Errorf("%s: %d %s nodes, Neo4j %d", c.name, r.Kinds[k], k, n)
			}
		}
		for k, n := range wantEdges {
			if r.Types[k] != n {
				t.Errorf("%s: %d %s edges, Neo4j %d", c.name, r.Types[k], k, n)
			}
		}
		if !r.Directed || !r.SimilarWeightsInRange {
			t.Errorf("%s: directed %v, similar weights in [0,1] %v", c.name, r.Directed, r.SimilarWeightsInRange)
		}
		if c.kind == "gexf" {
			withYear := oneInt(t, `MATCH (i:Initiative) WHERE EXISTS { (i)-[:AWARDED]->() } RETURN count(i)`)
			if r.Mode != "dynamic" || r.Spells != withYear+wantNodes["year"] {
				t.Errorf("gexf: mode %q, %d nodes with spells; want dynamic and %d (initiatives with a year + years)", r.Mode, r.Spells, withYear+wantNodes["year"])
			}
		}
	}

	// GeoJSON.
	p, resp := fetchTo(t, srv, "/export/places.geojson", dir, "places.geojson")
	if got := resp.Header.Get("Content-Type"); got != "application/geo+json" {
		t.Errorf("geojson Content-Type %q", got)
	}
	var geo struct {
		Valid                          bool
		Errors                         any
		Type                           string
		Crs                            bool
		Features, InRange, Initiatives int
		First                          json.RawMessage
	}
	runPy(t, py, geoScript, &geo, p)
	withCity := oneInt(t, `MATCH (i:Initiative) WHERE EXISTS { (i)-[:IN_CITY]->() } RETURN count(i)`)
	t.Logf("geojson: valid %v, %d features (%d in lon/lat range), %d initiatives; first feature %s", geo.Valid, geo.Features, geo.InRange, geo.Initiatives, geo.First)
	if !geo.Valid || geo.Type != "FeatureCollection" || geo.Crs || geo.Features != wantNodes["city"] || geo.InRange != geo.Features || geo.Initiatives != withCity {
		t.Errorf("geojson: valid %v (%v), type %s, crs %v, %d features (want %d), %d in range, %d initiatives (want %d)",
			geo.Valid, geo.Errors, geo.Type, geo.Crs, geo.Features, wantNodes["city"], geo.InRange, geo.Initiatives, withCity)
	}

	// Round trips through the importer.
	want := storedInitiatives(t)
	fetchTo(t, srv, "/export/nodes.csv", dir, "nodes.csv")
	fetchTo(t, srv, "/export/edges.csv", dir, "edges.csv")
	jl, _ := fetchTo(t, srv, "/export/initiatives.jsonl", filepath.Join(dir), "initiatives.jsonl")
	csvDir := filepath.Join(dir, "csv")
	os.Mkdir(csvDir, 0o755)
	for _, f := range []string{"nodes.csv", "edges.csv"} {
		os.Rename(filepath.Join(dir, f), filepath.Join(csvDir, f))
	}
	for name, path := range map[string]string{"nodes/edges CSV": filepath.Join(csvDir, "nodes.csv"), "JSON Lines": jl} {
		got := dryRunImport(t, path)
		compareInitiatives(t, name, want, got)
	}

	// JSON-LD of an initiative with a city.
	rows := rawQuery(t, `MATCH (i:Initiative)-[:IN_CITY]->(c:City) RETURN i.key, i.title, c.id ORDER BY i.key LIMIT 1`, nil)
	key, title, city := rows[0][0].(string), rows[0][1].(string), rows[0][2].(string)
	p, resp = fetchTo(t, srv, "/initiative/"+key+".jsonld", dir, "one.jsonld")
	if got := resp.Header.Get("Content-Type"); got != "application/ld+json" {
		t.Errorf("jsonld Content-Type %q", got)
	}
	var ld struct {
		Triples                 int
		SameAs, Names, Subjects []string
	}
	runPy(t, py, ldScript, &ld, p, srv.URL+"/initiative/"+key+".jsonld")
	t.Logf("rdflib read %s.jsonld: %d triples, sameAs %v, subject %v", key, ld.Triples, ld.SameAs, ld.Subjects)
	if len(ld.SameAs) != 1 || ld.SameAs[0] != export.GeoNamesURL(city) || len(ld.Names) != 1 || ld.Names[0] != title ||
		len(ld.Subjects) != 1 || ld.Subjects[0] != srv.URL+"/initiative/"+key {
		t.Errorf("jsonld: sameAs %v (want %s), names %v (want %q), subjects %v", ld.SameAs, export.GeoNamesURL(city), ld.Names, title, ld.Subjects)
	}
}

type storedInitiative struct {
	Title, City string
	Themes      []string
}

func storedInitiatives(t *testing.T) map[string]storedInitiative {
	rows := rawQuery(t, `MATCH (i:Initiative) OPTIONAL MATCH (i)-[:IN_CITY]->(c:City)
		RETURN i.key, i.title, c.id, COLLECT { MATCH (i)-[:HAS_THEME]->(t:Theme) RETURN t.slug ORDER BY t.slug }`, nil)
	out := map[string]storedInitiative{}
	for _, r := range rows {
		s := storedInitiative{Title: r[1].(string), Themes: []string{}}
		if r[2] != nil {
			s.City = r[2].(string)
		}
		for _, x := range r[3].([]any) {
			s.Themes = append(s.Themes, x.(string))
		}
		out[r[0].(string)] = s
	}
	return out
}

// dryRunImport reads path with civicgraph import --dry-run --json.
func dryRunImport(t *testing.T, path string) map[string]storedInitiative {
	t.Helper()
	var out bytes.Buffer
	err := runImport(context.Background(), []string{"--dry-run", "--json", "--no-model", "--log-level", "warn", path}, &out, io.Discard)
	if err != nil {
		t.Fatalf("import --dry-run %s: %v", path, err)
	}
	got := map[string]storedInitiative{}
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	for sc.Scan() {
		var in struct {
			ID, Title string
			City      *struct{ ID string }
			Themes    []struct{ Slug string }
		}
		if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
			t.Fatalf("dry-run line: %v", err)
		}
		s := storedInitiative{Title: in.Title, Themes: []string{}}
		if in.City != nil {
			s.City = in.City.ID
		}
		for _, th := range in.Themes {
			s.Themes = append(s.Themes, th.Slug)
		}
		sort.Strings(s.Themes)
		got[in.ID] = s
	}
	return got
}

func compareInitiatives(t *testing.T, name string, want, got map[string]storedInitiative) {
	t.Helper()
	diffs := 0
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("%s: initiative %s not re-imported", name, k)
		case g.Title != w.Title || g.City != w.City || strings.Join(g.Themes, ";") != strings.Join(w.Themes, ";"):
			t.Errorf("%s: %s re-imported as %+v, stored %+v", name, k, g, w)
		default:
			continue
		}
		if diffs++; diffs > 10 {
			t.Fatalf("%s: more differences not shown", name)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d initiatives re-imported, %d stored", name, len(got), len(want))
	}
	t.Logf("%s round trip: %d initiatives re-imported, %d stored, %d differ (keys, titles, cities, themes)", name, len(got), len(want), diffs)
}

// TestExportFilterAndErrors: a filtered export holds what the filter
// selects; bad filters are 400 with a code and never echo the input; an
// unknown initiative is 404.
func TestExportFilterAndErrors(t *testing.T) {
	db := importedDB(t)
	srv := newExportAPI(t, db)
	want := oneInt(t, `MATCH (i:Initiative)-[:IN_COUNTRY]->(:Country {code: 'DE'}) RETURN count(i)`)
	resp, err := http.Get(srv.URL + "/export/initiatives.jsonl?countries=de")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	lines := strings.Count(string(body), "\n")
	if resp.StatusCode != 200 || lines != want || want == 0 {
		t.Errorf("countries=de: %d, %d lines, Neo4j %d initiatives in DE", resp.StatusCode, lines, want)
	}
	// A text filter selects what initiatives(filter: {text}) counts.
	nText, err := db.CountInitiatives(context.Background(), domain.InitiativeFilter{Text: "participatory budget"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(srv.URL + "/export/initiatives.jsonl?text=participatory+budget")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := strings.Count(string(body), "\n"); resp.StatusCode != 200 || got != nText || nText == 0 || resp.Header.Get("X-Civicgraph-Initiatives") != strconv.Itoa(nText) {
		t.Errorf("text filter: %d, %d lines, count %d", resp.StatusCode, got, nText)
	}
	for _, q := range []string{"themes=zz-no-such-theme", "countries=QQ", "years=20x9", "status=champion", "covid=maybe", "colour=red", "cities=city/xx"} {
		resp, err := http.Get(srv.URL + "/export/graph.gexf?" + q)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e gqlResponse
		_ = json.Unmarshal(body, &e)
		val := q[strings.IndexByte(q, '=')+1:]
		if resp.StatusCode != 400 || e.code() != "BAD_USER_INPUT" || strings.Contains(string(body), val) {
			t.Errorf("%s: %d %s", q, resp.StatusCode, body)
		}
	}
	resp, err = http.Get(srv.URL + "/initiative/no-such-initiative-key.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || strings.Contains(string(body), "no-such-initiative-key") {
		t.Errorf("unknown jsonld: %d %s", resp.StatusCode, body)
	}
}

// TestExportCommand runs civicgraph export for the formats only the
// command writes (neo4j-csv) and checks the neo4j-admin headers and row
// counts against Neo4j.
func TestExportCommand(t *testing.T) {
	importedDB(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	err := runExport(ctx, []string{"neo4j-csv", "--out", dir, "--neo4j-uri", dbtest.URI(), "--no-model", "--log-level", "warn"}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	nodes, edges := graphOracle(t)
	want := map[string]int{}
	for _, n := range nodes {
		want["nodes.csv"] += n
	}
	for _, n := range edges {
		want["relationships.csv"] += n
	}
	for i, f := range export.Neo4jFiles {
		rows := readCSVRows(t, filepath.Join(dir, f))
		header := []string{":ID", ":LABEL"}
		if i == 1 {
			header = []string{":START_ID", ":END_ID", ":TYPE"}
		}
		if strings.Join(rows[0][:len(header)], ",") != strings.Join(header, ",") || len(rows)-1 != want[f] {
			t.Errorf("%s: header %v, %d rows; want %v… and %d", f, rows[0], len(rows)-1, header, want[f])
		}
		t.Logf("%s: %d rows, header %v", f, len(rows)-1, rows[0])
	}
	var out bytes.Buffer
	if err := runExport(ctx, []string{"gexf", "--countries", "zz", "--neo4j-uri", dbtest.URI(), "--no-model"}, &out, io.Discard); err == nil {
		t.Error("export with an unknown country: no error")
	}
}

func readCSVRows(t *testing.T, path string) [][]string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}
