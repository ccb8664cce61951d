package neo4jdb

import (
	"context"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// ExplainCypher plans one statement under ctx (see WithExplain) and
// returns Neo4j's error, if any: for the test of the explain check itself.
func ExplainCypher(ctx context.Context, db *DB, cypher string) error {
	_, err := db.read(ctx, cypher, nil)
	return err
}

// TestEveryPartHasAFragment: each part of an initiative is read by a
// fragment (the modifier parts by one inside the links they widen), so a
// plan asking for it gets it.
func TestEveryPartHasAFragment(t *testing.T) {
	var covered domain.Parts
	for _, f := range partFragments {
		if f.frag == "" || covered&f.part != 0 {
			t.Errorf("part %b: empty or repeated fragment", f.part)
		}
		covered |= f.part
	}
	for _, m := range placeModifiers {
		if m.frag == "" || covered&m.part != 0 || m.links&covered != m.links {
			t.Errorf("modifier %b: empty, repeated or widening a link without a fragment", m.part)
		}
		covered |= m.part
	}
	if covered != domain.PartsAll {
		t.Errorf("fragments cover parts %b, want %b", covered, domain.PartsAll)
	}
}

// TestFillMatchesReplacer: fill gives what strings.NewReplacer gives, on
// every fragment the planner fills, with values that hold braces and
// placeholder names themselves (replaced once, never again).
func TestFillMatchesReplacer(t *testing.T) {
	frags := []string{fragSimilar, heldTerms, heldClosest, "", "{i}", "{i", "no braces", "{{i}}", "{more}{i}{"}
	for _, f := range partFragments {
		frags = append(frags, f.frag)
	}
	for _, m := range placeModifiers {
		frags = append(frags, m.frag)
	}
	for _, f := range linkFragments {
		frags = append(frags, f.frag)
	}
	pairs := []string{"{i}", "n{s}", "{t}", "si2", "{s}", "ss2", "{p}", "sim0_", "{more}", ", x: {i}.y", "{target}", "t {.key}"}
	for _, f := range frags {
		for n := 0; n <= len(pairs); n += 2 {
			want := strings.NewReplacer(pairs[:n]...).Replace(f)
			if got := fill(f, pairs[:n]...); got != want {
				t.Errorf("fill(%q, %q) = %q, want %q", f, pairs[:n], got, want)
			}
		}
	}
}
