package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// Graph tables: the node and edge CSV files civicgraph exports for Gephi
// (/export/nodes.csv, /export/edges.csv). ReadGraphCSV reads such a pair
// back into user records, so an export edited in a spreadsheet or Gephi
// re-imports: initiative rows give key, title, summary and url; IN_CITY
// edges the city (by GeoNames id, with its name), IN_COUNTRY the country,
// HAS_THEME the themes (complete: none is added from the text), AWARDED
// the awards with status, category and year. Other node kinds and
// SIMILAR edges are derived data and are ignored.

// IsGraphNodesHeader reports whether a CSV header row is a graph node
// table (first column Id), IsGraphEdgesHeader an edge table (Source,
// Target).
func IsGraphNodesHeader(h []string) bool {
	return len(h) >= 2 && strings.EqualFold(strings.TrimPrefix(h[0], "\uFEFF"), "Id") && strings.EqualFold(h[1], "Label")
}

// IsGraphEdgesHeader: see IsGraphNodesHeader.
func IsGraphEdgesHeader(h []string) bool {
	return len(h) >= 2 && strings.EqualFold(strings.TrimPrefix(h[0], "\uFEFF"), "Source") && strings.EqualFold(h[1], "Target")
}

type csvTable struct {
	col  map[string]int
	rows [][]string
	line []int
}

func readTable(r io.Reader, what string) (*csvTable, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, domain.Errorf(domain.EINVALID, "read %s csv: header row expected", what)
	}
	t := &csvTable{col: map[string]int{}}
	for i, h := range header {
		t.col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))] = i
	}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s csv: %w", what, err)
		}
		line, _ := cr.FieldPos(0)
		t.rows = append(t.rows, row)
		t.line = append(t.line, line)
	}
}

func (t *csvTable) get(row []string, name string) string {
	if i, ok := t.col[name]; ok && i < len(row) {
		return row[i]
	}
	return ""
}

// ReadGraphCSV reads a node table and its edge table (see above) into
// records. Rows it cannot use are reported like ReadCSV's, as
// *LineError joined; the other records are returned.
func ReadGraphCSV(nodes, edges io.Reader) ([]*Record, error) {
	nt, err := readTable(nodes, "nodes")
	if err != nil {
		return nil, err
	}
	et, err := readTable(edges, "edges")
	if err != nil {
		return nil, err
	}
	for _, c := range []string{"id", "label", "kind", "key"} {
		if _, ok := nt.col[c]; !ok {
			return nil, domain.Errorf(domain.EINVALID, "read nodes csv: column %q missing", c)
		}
	}
	for _, c := range []string{"source", "target", "label"} {
		if _, ok := et.col[c]; !ok {
			return nil, domain.Errorf(domain.EINVALID, "read edges csv: column %q missing", c)
		}
	}
	type node struct{ kind, key, label, country string }
	byID := map[string]node{}
	var users []userRecord
	index := map[string]int{} // node id → users index
	var errs []error
	for i, row := range nt.rows {
		n := node{kind: nt.get(row, "kind"), key: nt.get(row, "key"), label: nt.get(row, "label"), country: nt.get(row, "countrycode")}
		id := nt.get(row, "id")
		byID[id] = n
		if n.kind != domain.KindInitiative {
			continue
		}
		if _, dup := index[id]; dup {
			errs = append(errs, &LineError{Line: nt.line[i], Err: errors.New("initiative listed twice")})
			continue
		}
		index[id] = len(users)
		users = append(users, userRecord{ID: n.key, Title: n.label, Summary: nt.get(row, "summary"), URL: nt.get(row, "url"), ThemesComplete: true})
	}
	themes := make([][]string, len(users))
	awards := make([][]any, len(users))
	for i, row := range et.rows {
		k, ok := index[et.get(row, "source")]
		if !ok {
			continue // an edge of a city or between initiatives
		}
		to, ok := byID[et.get(row, "target")]
		if !ok {
			errs = append(errs, &LineError{Line: et.line[i], Err: errors.New("edge to a node the node table does not list")})
			continue
		}
		u := &users[k]
		switch et.get(row, "label") {
		case "IN_CITY":
			u.City, u.CityID = to.label, to.key
			if u.Country == "" {
				u.Country = to.country
			}
		case "IN_COUNTRY":
			u.Country = to.key
		case "HAS_THEME":
			themes[k] = append(themes[k], to.key)
		case "AWARDED":
			y, err := strconv.Atoi(to.key)
			if err != nil {
				errs = append(errs, &LineError{Line: et.line[i], Err: errors.New("AWARDED edge to a node without a year")})
				continue
			}
			a := map[string]any{"year": float64(y), "status": et.get(row, "status")}
			if c := et.get(row, "category"); c != "" {
				a["category"] = c
			}
			awards[k] = append(awards[k], a)
		}
	}
	recs := make([]*Record, 0, len(users))
	for k := range users {
		sort.Strings(themes[k])
		ts := make([]any, len(themes[k]))
		for i, t := range themes[k] {
			ts[i] = t
		}
		users[k].Themes = ts
		if len(awards[k]) > 0 {
			users[k].Awards = awards[k]
		}
		rec, err := users[k].record()
		if err != nil {
			errs = append(errs, fmt.Errorf("initiative %d of the node table: %w", k+1, err))
			continue
		}
		recs = append(recs, rec)
	}
	return recs, errors.Join(errs...)
}
