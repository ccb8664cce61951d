package graph

import (
	"encoding/base64"
	"testing"

	"github.com/civicgraph/civicgraph/graph/model"
	"github.com/civicgraph/civicgraph/internal/domain"
)

func TestCursorAfter(t *testing.T) {
	enc := func(s string) *string { c := base64.RawURLEncoding.EncodeToString([]byte(s)); return &c }
	for _, c := range []struct {
		in      *string
		offset  int
		sortKey string
	}{
		{nil, 0, ""},
		{enc("o:0"), 1, ""},
		{enc("o:41"), 42, ""},
		{enc("k:9:lodz citizens\x1flodz-citizens"), 10, "lodz citizens\x1flodz-citizens"},
		{enc("k:3:a:b"), 4, "a:b"}, // a colon inside the key is kept
	} {
		off, key, err := cursorAfter(c.in)
		if err != nil || off != c.offset || key != c.sortKey {
			t.Errorf("cursorAfter(%v) = %d, %q, %v; want %d, %q", c.in, off, key, err, c.offset, c.sortKey)
		}
	}
	// Round trip through the encoders.
	if off, key, _ := cursorAfter(ptr(encodeKeysetCursor(7, "x\x1fy"))); off != 8 || key != "x\x1fy" {
		t.Errorf("keyset round trip: %d %q", off, key)
	}
	if off, key, _ := cursorAfter(ptr(encodeCursor(7))); off != 8 || key != "" {
		t.Errorf("offset round trip: %d %q", off, key)
	}
	for _, bad := range []*string{ptr("not base64!"), enc("x:1"), enc("o:"), enc("o:-1"), enc("o:1e3"),
		enc("k:1"), enc("k:1:"), enc("k::key"), enc("o:99999999999")} {
		if _, _, err := cursorAfter(bad); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("cursorAfter(%q): err %v, want invalid input", *bad, err)
		}
	}
}

func ptr(s string) *string { return &s }

func TestToFilterLevels(t *testing.T) {
	f, err := toFilter(&model.InitiativeFilter{Levels: []model.GovernmentLevel{model.GovernmentLevelMunicipal, model.GovernmentLevelCivilSociety}})
	if err != nil || len(f.Levels) != 2 || f.Levels[0] != domain.LevelMunicipal || f.Levels[1] != domain.LevelCivilSociety {
		t.Errorf("toFilter levels = %v, %v; want the domain level names", f.Levels, err)
	}
	// The API's enum values are exactly the domain's levels.
	for _, l := range domain.Levels {
		if !model.GovernmentLevel(l).IsValid() {
			t.Errorf("domain level %q is not a GovernmentLevel", l)
		}
	}
	if len(model.AllGovernmentLevel) != len(domain.Levels) {
		t.Errorf("%d API levels, %d domain levels", len(model.AllGovernmentLevel), len(domain.Levels))
	}
}
