package neo4jdb

import (
	"fmt"
	"slices"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/similarity"
)

// heldFromRows is what readers see (held.go) once rows are written: each
// initiative's links in its own view.
func heldFromRows(rows []pairedRow) (held map[string]domain.SimilarLink, rels, mutual int) {
	held = map[string]domain.SimilarLink{}
	put := func(from string, l domain.SimilarLink) {
		k := from + " -> " + l.To
		if _, dup := held[k]; dup {
			panic("link stored twice: " + k)
		}
		held[k] = l
	}
	for _, r := range rows {
		for _, p := range r.links {
			start, end := r.key, p.partner
			if p.inward {
				start, end = end, start
			}
			l := p.link
			l.To = end
			put(start, l)
			rels++
			if p.mutual {
				mutual++
				b := domain.SimilarLink{To: start, Score: l.Score, TextScore: l.TextScore, ThemeScore: l.ThemeScore,
					SemanticScore: l.SemanticScore, SharedThemes: l.SharedThemes, SharedTerms: p.back,
					ClosestFrom: l.ClosestTo, ClosestTo: l.ClosestFrom}
				put(end, b)
			}
		}
	}
	return held, rels, mutual
}

// TestPairOnce checks that the paired rows of a full refresh store every
// link the scorer gives, in each side's view, with each mutual pair once;
// that a pair whose two links differ stays two links; and that a link to
// an initiative never handed over is still written.
func TestPairOnce(t *testing.T) {
	words := []string{"budget", "assembly", "climate", "youth", "housing", "transport", "libraries", "elderly"}
	var docs []similarity.Doc
	for k := range 300 {
		docs = append(docs, similarity.Doc{ID: fmt.Sprintf("i%04d", k), CityID: fmt.Sprint("c", k%7), Title: fmt.Sprint("Initiative ", k),
			Summary: fmt.Sprintf("A participatory %s and %s plan for quarter%dx.", words[k%len(words)], words[(k/len(words))%len(words)], k/3)})
	}
	links := similarity.Compute(docs, similarity.Options{})
	byFrom := map[string][]domain.SimilarLink{}
	for _, l := range links {
		byFrom[l.From] = append(byFrom[l.From], domainLink(l))
	}
	// Change one side of one mutual pair: it must stay two links.
	var changed string
	for _, l := range links {
		if slices.ContainsFunc(byFrom[l.To], func(b domain.SimilarLink) bool { return b.To == l.From }) {
			for j := range byFrom[l.To] {
				if byFrom[l.To][j].To == l.From {
					byFrom[l.To][j].Score += 1e-9
				}
			}
			changed = l.From + " -> " + l.To
			break
		}
	}
	if changed == "" {
		t.Fatal("the fixture has no mutual pair")
	}
	// A link to an initiative that is never handed over.
	byFrom["i0001"] = append(byFrom["i0001"], domain.SimilarLink{To: "zz-missing", Score: 0.5, SharedTerms: []string{"late"}})

	var rows []pairedRow
	for r := range pairOnce(func(yield func(string, []domain.SimilarLink) bool) {
		for _, d := range docs {
			if !yield(d.ID, byFrom[d.ID]) {
				return
			}
		}
	}, true) {
		rows = append(rows, r)
	}
	held, rels, mutual := heldFromRows(rows)
	want := 0
	for from, ls := range byFrom {
		for _, l := range ls {
			want++
			k := from + " -> " + l.To
			if g, ok := held[k]; !ok || fmt.Sprint(g) != fmt.Sprint(l) {
				t.Errorf("%s: held %+v (%v), want %+v", k, g, ok, l)
			}
		}
	}
	if len(held) != want || rels != want-mutual || mutual == 0 {
		t.Errorf("%d links held, want %d; %d relationships of which %d mutual", len(held), want, rels, mutual)
	}
	for _, r := range rows {
		for _, p := range r.links {
			if p.mutual && (r.key+" -> "+p.partner == changed || p.partner+" -> "+r.key == changed) {
				t.Errorf("the pair %s, whose scores differ, was stored as mutual", changed)
			}
		}
		if r.key == "i0001" && !r.clear && (len(r.links) != 1 || r.links[0].partner != "zz-missing") {
			t.Errorf("the late row %+v, want only the link to zz-missing", r)
		}
	}
	if last := rows[len(rows)-1]; last.key != "i0001" || last.clear {
		t.Errorf("the last row is %s (clear %v), want the late link of i0001, clearing nothing", last.key, last.clear)
	}
}
