package neo4jdb

import (
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// TestDecoderReportsTypeErrors: a value of the wrong type is a decoding
// error naming its key (the first one met), never a silent zero value;
// absent values are the zero value without an error.
func TestDecoderReportsTypeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		read func(d *decoder)
		key  string
	}{
		{"string", func(d *decoder) { d.str(map[string]any{"title": int64(3)}, "title") }, "title"},
		{"integer", func(d *decoder) { d.i64(map[string]any{"year": "2021"}, "year") }, "year"},
		{"float", func(d *decoder) { d.f64(map[string]any{"score": "high"}, "score") }, "score"},
		{"strings", func(d *decoder) { d.strs(map[string]any{"themes": []any{"a", int64(1)}}, "themes") }, "themes"},
		{"vector", func(d *decoder) { d.vec(map[string]any{"vec": []any{0.5, "x"}}, "vec") }, "vec"},
		{"city", func(d *decoder) { d.city(map[string]any{"id": "1", "lat": "north"}) }, "lat"},
		{"graph node", func(d *decoder) { d.graphNode([]string{"Initiative"}, map[string]any{"key": "k", "bestYear": 2.5}) }, "bestYear"},
		{"held links", func(d *decoder) { d.maps(map[string]any{"held": []any{"not a map"}}, "held") }, "held"},
	} {
		var d decoder
		tc.read(&d)
		err := decodeErr("read", &d)
		if err == nil || domain.ErrorCode(err) != domain.EINTERNAL || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s: %v, want an internal error naming %s", tc.name, err, tc.key)
		}
	}
	var d decoder
	c := d.city(map[string]any{"id": "1", "name": "Aarhus"})
	if err := decodeErr("read", &d); err != nil || c.ID != "1" || c.Lat != 0 || len(c.AltNames) != 0 {
		t.Errorf("absent values: %+v, %v; want zero values and no error", c, err)
	}
}
