package neo4jdb

import (
	"iter"
	"slices"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// A full refresh writes each pair of initiatives once (see held.go): the
// row of the later of the two, in the order the refresh hands them over,
// holds every link between them, since by then both sides' lists are
// known. A pair whose two links are the same but for the spelling of the
// shared terms (and the closest sentences, swapped) is one relationship
// marked mutual, from the smaller key to the larger; any other link is a
// one-way relationship.

// pairedLink is one relationship of a paired row, between the row's
// initiative and partner.
type pairedLink struct {
	partner string
	// link is the view of the relationship's start node: the row's
	// initiative, or partner when inward.
	link   domain.SimilarLink
	inward bool
	mutual bool
	back   []string // the end node's shared terms, when mutual
}

// pairedRow is one row of a paired write: the relationships between
// initiative key and the initiatives handed over before it. clear: the
// row first deletes the stored links between key and the initiatives
// with smaller keys (the previous refresh's).
type pairedRow struct {
	key   string
	links []pairedLink
	clear bool
}

type pendingLink struct {
	from string
	link domain.SimilarLink
}

// samePair reports whether b's link to a is a's link to b seen from b:
// the same score, parts and shared themes, and the closest sentences
// swapped. The shared terms may differ (each side's spelling).
func samePair(a, b domain.SimilarLink) bool {
	return a.Score == b.Score && a.TextScore == b.TextScore && a.ThemeScore == b.ThemeScore &&
		a.SemanticScore == b.SemanticScore && slices.Equal(a.SharedThemes, b.SharedThemes) &&
		a.ClosestFrom == b.ClosestTo && a.ClosestTo == b.ClosestFrom
}

// pairOnce turns each initiative's links, handed over once per
// initiative, into paired rows (clear set when clear is). Links to an
// initiative that is never handed over are written at the end, one-way,
// in rows that clear nothing.
func pairOnce(groups iter.Seq2[string, []domain.SimilarLink], clear bool) iter.Seq[pairedRow] {
	return func(yield func(pairedRow) bool) {
		waiting := map[string][]pendingLink{} // links to initiatives not handed over yet, by target
		seen := map[string]bool{}
		for x, ls := range groups {
			seen[x] = true
			in := waiting[x]
			delete(waiting, x)
			from := make(map[string]int, len(in))
			for i, w := range in {
				from[w.from] = i
			}
			used := make([]bool, len(in))
			row := pairedRow{key: x, clear: clear, links: make([]pairedLink, 0, len(ls))}
			for _, l := range ls {
				if !seen[l.To] {
					waiting[l.To] = append(waiting[l.To], pendingLink{from: x, link: l})
					continue
				}
				i, ok := from[l.To]
				switch {
				case ok && samePair(l, in[i].link) && x < l.To:
					used[i] = true
					row.links = append(row.links, pairedLink{partner: l.To, link: l, mutual: true, back: in[i].link.SharedTerms})
				case ok && samePair(l, in[i].link):
					used[i] = true
					row.links = append(row.links, pairedLink{partner: l.To, link: in[i].link, inward: true, mutual: true, back: l.SharedTerms})
				default:
					row.links = append(row.links, pairedLink{partner: l.To, link: l})
				}
			}
			for i, w := range in {
				if !used[i] {
					row.links = append(row.links, pairedLink{partner: w.from, link: w.link, inward: true})
				}
			}
			if !yield(row) {
				return
			}
		}
		targets := make([]string, 0, len(waiting))
		for t := range waiting {
			targets = append(targets, t)
		}
		slices.Sort(targets)
		for _, t := range targets {
			for _, w := range waiting[t] {
				if !yield(pairedRow{key: w.from, links: []pairedLink{{partner: t, link: w.link}}}) {
					return
				}
			}
		}
	}
}

// pairRow is a paired row as writePairsByID takes it: like similarRow,
// with each relationship's direction (inward: from the partner), its
// mutual mark and the end node's shared terms (null when one-way).
func pairRow(r pairedRow, ids map[string]string) map[string]any {
	n := len(r.links)
	to, tids := make([]string, n), make([]string, n)
	score, text, theme, sem := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	closest, themes, terms, inward, mutual, back := make([]any, n), make([]any, n), make([]any, n), make([]bool, n), make([]any, n), make([]any, n)
	for j, p := range r.links {
		l := p.link
		to[j], tids[j] = p.partner, ids[p.partner]
		score[j], text[j], theme[j], sem[j] = l.Score, l.TextScore, l.ThemeScore, l.SemanticScore
		if c := closestPair(l); c != nil {
			closest[j] = c
		}
		themes[j], terms[j], inward[j] = nonNil(l.SharedThemes), nonNil(l.SharedTerms), p.inward
		if p.mutual {
			mutual[j], back[j] = true, nonNil(p.back)
		}
	}
	return map[string]any{"from": r.key, "id": ids[r.key], "clear": r.clear, "to": to, "ids": tids, "score": score, "text": text,
		"theme": theme, "sem": sem, "closest": closest, "themes": themes, "terms": terms, "inward": inward, "mutual": mutual, "back": back}
}

// pairBatches is similarBatches for paired rows.
func pairBatches(rows iter.Seq[pairedRow], ids map[string]string, batchSize int) iter.Seq[similarBatch] {
	return batchRows(func(yield func(map[string]any, int) bool) {
		for r := range rows {
			if !r.clear && len(r.links) == 0 {
				continue // nothing to delete or write
			}
			if !yield(pairRow(r, ids), len(r.links)) {
				return
			}
		}
	}, batchSize, true)
}

// pairLinks is the part of writePairsByID and writePairsByKey after the
// partner b is bound: the relationship, from b when inward.
const pairLinks = `
  WITH row, j, CASE WHEN row.inward[j] THEN b ELSE a END AS x, CASE WHEN row.inward[j] THEN a ELSE b END AS y
  CREATE (x)-[:SIMILAR {score: row.score[j], textScore: row.text[j], themeScore: row.theme[j], semanticScore: row.sem[j],
    closest: row.closest[j], sharedThemes: row.themes[j], sharedTerms: row.terms[j], mutual: row.mutual[j], backTerms: row.back[j]}]->(y)`

// writePairsByID writes paired rows, finding nodes by element ID as
// writeSimilarByID does (and returning the same counts). A row with clear
// first deletes the links between its initiative and those with smaller
// keys: a refresh hands initiatives over in key order, so those are the
// previous refresh's, and the links this refresh writes to smaller keys
// come in this row, after the delete.
const writePairsByID = `UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.id AND a.key = row.from AND 'Initiative' IN labels(a)
CALL (a, row) { WITH a WHERE row.clear MATCH (a)-[s:SIMILAR]-(y:Initiative) WHERE y.key < a.key DELETE s }
CALL (a, row) {
  UNWIND range(0, size(row.to) - 1) AS j
  MATCH (b) WHERE elementId(b) = row.ids[j] AND b.key = row.to[j] AND 'Initiative' IN labels(b)` + pairLinks + `
  RETURN count(*) AS made }
RETURN count(*) AS rows, sum(made) AS links`

// writePairsByKey is the same by key: the fallback, after writePairsByID
// missed a node, so it first deletes what that wrote (each pair belongs
// to one row, so the links between a row's initiative and its partners
// are the row's own).
const writePairsByKey = `UNWIND $rows AS row
MATCH (a:Initiative {key: row.from})
CALL (a, row) { WITH a WHERE row.clear MATCH (a)-[s:SIMILAR]-(y:Initiative) WHERE y.key < a.key DELETE s }
CALL (a, row) { MATCH (a)-[s:SIMILAR]-(y:Initiative) WHERE y.key IN row.to DELETE s }
CALL (a, row) {
  UNWIND range(0, size(row.to) - 1) AS j
  MATCH (b:Initiative {key: row.to[j]})` + pairLinks + `
  RETURN count(*) AS made }
RETURN count(*) AS rows, sum(made) AS links`
