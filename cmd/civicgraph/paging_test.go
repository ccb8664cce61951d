package main

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/civicgraph/civicgraph/internal/textfold"
)

// storedOrder is every initiative key (of a theme, if given) in stored
// title order, read with plain Cypher: the oracle for paging.
func storedOrder(t *testing.T, theme string, desc bool) []string {
	t.Helper()
	q := `MATCH (i:Initiative) WHERE $theme = '' OR EXISTS { (i)-[:HAS_THEME]->(:Theme {slug: $theme}) }
RETURN i.key AS k ORDER BY i.sortTitle`
	if desc {
		q += " DESC"
	}
	var keys []string
	for _, r := range rawQuery(t, q, map[string]any{"theme": theme}) {
		keys = append(keys, r[0].(string))
	}
	return keys
}

type keyPage struct {
	Initiatives struct {
		Edges []struct {
			Cursor string
			Node   struct{ Key string }
		}
		PageInfo struct {
			HasNextPage     bool
			HasPreviousPage bool
			EndCursor       *string
		}
	}
}

// TestKeysetPaging walks whole lists page by page in title order (both
// directions, with and without a filter) and compares them with the stored
// order; then shows that an insertion before the cursor neither shifts nor
// repeats the next page.
func TestKeysetPaging(t *testing.T) {
	db := importedDB(t)
	srv := newAPI(t, db, nil)
	const q = `query($f: InitiativeFilter, $o: InitiativeOrder, $after: String) {
	  initiatives(filter: $f, orderBy: $o, first: 37, after: $after) {
	    edges { cursor node { key } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`
	for _, c := range []struct {
		name, theme string
		desc        bool
	}{{"all asc", "", false}, {"all desc", "", true}, {"theme asc", "participation", false}} {
		t.Run(c.name, func(t *testing.T) {
			want := storedOrder(t, c.theme, c.desc)
			if len(want) < 40 {
				t.Fatalf("only %d initiatives to page through", len(want))
			}
			vars := map[string]any{"o": map[string]any{"field": "TITLE", "direction": map[bool]string{false: "ASC", true: "DESC"}[c.desc]}}
			if c.theme != "" {
				vars["f"] = map[string]any{"themes": []string{c.theme}}
			}
			var got []string
			for pages := 0; ; pages++ {
				if pages > len(want) {
					t.Fatal("paging does not end")
				}
				var p keyPage
				mustData(t, srv, q, vars, &p)
				for _, e := range p.Initiatives.Edges {
					got = append(got, e.Node.Key)
					raw, _ := base64.RawURLEncoding.DecodeString(e.Cursor)
					if !strings.HasPrefix(string(raw), "k:") {
						t.Fatalf("cursor %q is not a keyset cursor", raw)
					}
				}
				if p.Initiatives.PageInfo.HasPreviousPage != (pages > 0) {
					t.Errorf("page %d: hasPreviousPage %v", pages, p.Initiatives.PageInfo.HasPreviousPage)
				}
				if !p.Initiatives.PageInfo.HasNextPage {
					break
				}
				vars["after"] = *p.Initiatives.PageInfo.EndCursor
			}
			if !slices.Equal(got, want) {
				t.Errorf("paged %d keys, stored order has %d; first difference at %d", len(got), len(want), firstDiff(got, want))
			}
		})
	}

	t.Run("insert before the cursor", func(t *testing.T) {
		t.Cleanup(func() { reimport(t) })
		var p1, before, after keyPage
		mustData(t, srv, q, nil, &p1)
		vars := map[string]any{"after": *p1.Initiatives.PageInfo.EndCursor}
		mustData(t, srv, q, vars, &before)
		auth := []string{"Authorization", "Bearer " + testToken}
		r := post(t, srv, `mutation($in: InitiativeInput!) { upsertInitiative(input: $in) { key } }`,
			map[string]any{"in": map[string]any{"title": "000 sorts first", "summary": "A test initiative whose title sorts before every other (its first word is 000)."}}, auth...)
		if len(r.Errors) > 0 {
			t.Fatalf("upsert: %+v", r.Errors)
		}
		mustData(t, srv, q, vars, &after)
		var b, a []string
		for _, e := range before.Initiatives.Edges {
			b = append(b, e.Node.Key)
		}
		for _, e := range after.Initiatives.Edges {
			a = append(a, e.Node.Key)
		}
		if len(b) == 0 || !slices.Equal(a, b) {
			t.Errorf("page 2 changed after an insertion on page 1:\n before %v\n after  %v", b, a)
		}
		// The offset cursor of the same position now repeats page 1's last
		// item: the shift keyset cursors avoid.
		off := base64.RawURLEncoding.EncodeToString([]byte("o:36"))
		var shifted keyPage
		mustData(t, srv, q, map[string]any{"after": off}, &shifted)
		last := p1.Initiatives.Edges[len(p1.Initiatives.Edges)-1].Node.Key
		if len(shifted.Initiatives.Edges) == 0 || shifted.Initiatives.Edges[0].Node.Key != last {
			t.Errorf("offset cursor after the insertion: page starts at %+v, want the repeated %s", shifted.Initiatives.Edges, last)
		}
	})
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestTitleOrderReadsLikeAnIndex: the default order is by the titles'
// words, so titles that start with quotes, a hash or a dash sort by their
// first word, as in a printed index: the stored order equals sorting every
// title by its folded words (textfold.WordForm), then key.
func TestTitleOrderReadsLikeAnIndex(t *testing.T) {
	importedDB(t)
	rows := rawQuery(t, `MATCH (i:Initiative) RETURN i.key, i.title ORDER BY i.sortTitle`, nil)
	type row struct{ key, words string }
	got := make([]row, len(rows))
	punctuated := 0
	for k, r := range rows {
		title := r[1].(string)
		got[k] = row{r[0].(string), textfold.WordForm(title)}
		if first, _ := utf8.DecodeRuneInString(title); !unicode.IsLetter(first) && !unicode.IsDigit(first) {
			punctuated++
		}
	}
	want := slices.Clone(got)
	slices.SortStableFunc(want, func(a, b row) int {
		if c := strings.Compare(a.words, b.words); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	if punctuated == 0 {
		t.Fatal("no title starting with punctuation: the case is not in the data")
	}
	for k := range got {
		if got[k] != want[k] {
			t.Fatalf("position %d: stored order has %s (%q), the words order %s (%q)", k, got[k].key, got[k].words, want[k].key, want[k].words)
		}
	}
	t.Logf("%d initiatives in words order, %d titles start with punctuation", len(got), punctuated)
}
