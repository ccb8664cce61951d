package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// graphDump is a canonical dump of the test database without its :Meta
// nodes (schema version, import run marker): one line per node (sorted
// labels, properties) and one per relationship (type, the natural keys of
// both ends, properties), sorted. Temporal values would be left out (the
// import writes none today). Two graphs with equal dumps are equal up to
// Neo4j's internal ids; parallel duplicate relationships show as repeated
// lines.
type graphDump struct {
	lines  []string
	counts map[string]int // nodes per label, relationships per type
}

// dumpGraph reads the whole graph with its own driver (not through the
// code under test).
func dumpGraph(t *testing.T) graphDump {
	t.Helper()
	d := graphDump{counts: map[string]int{}}
	for _, row := range rawQuery(t, `MATCH (n) WHERE NOT n:Meta RETURN labels(n) AS l, properties(n) AS p`, nil) {
		labels := toStrings(row[0])
		sort.Strings(labels)
		for _, l := range labels {
			d.counts[l]++
		}
		d.lines = append(d.lines, "N "+strings.Join(labels, ":")+" "+canonical(row[1]))
	}
	const id = `labels(%[1]s)[0] + '/' + coalesce(%[1]s.key, %[1]s.id, %[1]s.code, %[1]s.slug, toString(%[1]s.year))`
	q := fmt.Sprintf(`MATCH (a)-[r]->(b) WHERE NOT a:Meta AND NOT b:Meta RETURN type(r) AS t, %s AS a, %s AS b, properties(r) AS p`,
		fmt.Sprintf(id, "a"), fmt.Sprintf(id, "b"))
	for _, row := range rawQuery(t, q, nil) {
		typ, _ := row[0].(string)
		d.counts[typ]++
		d.lines = append(d.lines, fmt.Sprintf("R %s %v %v %s", typ, row[1], row[2], canonical(row[3])))
	}
	sort.Strings(d.lines)
	return d
}

// digest is a SHA-256 of the dump.
func (d graphDump) digest() string {
	h := sha256.New()
	for _, l := range d.lines {
		h.Write([]byte(l))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// diff describes how got differs from d (first lines only on each side).
func (d graphDump) diff(got graphDump) string {
	want := map[string]int{}
	for _, l := range d.lines {
		want[l]++
	}
	var extra []string
	for _, l := range got.lines {
		if want[l] > 0 {
			want[l]--
		} else {
			extra = append(extra, l)
		}
	}
	var missing []string
	for _, l := range d.lines {
		if want[l] > 0 {
			want[l]--
			missing = append(missing, l)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d lines missing, %d unexpected\n", len(missing), len(extra))
	for i, l := range missing {
		if i == 8 {
			break
		}
		fmt.Fprintf(&b, "  - %.220s\n", l)
	}
	for i, l := range extra {
		if i == 8 {
			break
		}
		fmt.Fprintf(&b, "  + %.220s\n", l)
	}
	return b.String()
}

// canonical encodes a property map with sorted keys (encoding/json sorts
// map keys; floats are written exactly), leaving temporal values out.
func canonical(v any) string {
	m, _ := v.(map[string]any)
	out := make(map[string]any, len(m))
	for k, x := range m {
		switch x.(type) {
		case time.Time, dbtype.Date, dbtype.Time, dbtype.LocalTime, dbtype.LocalDateTime, dbtype.Duration:
			continue
		}
		out[k] = x
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Sprintf("%v", out)
	}
	return string(b)
}

func toStrings(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, fmt.Sprint(x))
	}
	return out
}
