// Package themes holds civicgraph's theme taxonomy: a small, user-editable
// list of themes (COVID-19 response, citizen participation, climate, ...)
// that initiatives are filed under.
//
// The taxonomy is data, not code. taxonomy.json in this folder is embedded
// as the default; Load reads a user's file with the same schema, so a
// deployment can rename themes, add keywords in another language or change
// how showroom categories map to themes without a rebuild.
//
// Themes reach an initiative in two ways, and the graph records which:
//
//   - from a showroom category (ForCategory): the page URL's project_cat or
//     a finalists page says "ecology", which maps to climate-environment.
//     This is the showroom editors' own judgement, so it is trusted.
//   - from the text (Classify): keywords and stems matched in the title and
//     one-sentence summary. This is a guess with a confidence and the terms
//     that triggered it, so a user can see why.
//
// When an embedding model is available, Meaning weighs both against what
// the text means: each theme's name, description and examples are its
// prototypes in embedding space, and Meaning.Decide keeps a category or
// keyword theme only when meaning supports it and adds a theme neither
// names when the text clearly is about it (enrich.SemanticThemes applies
// it at import).
//
// # File schema
//
//	{
//	  "description": "free text",
//	  "categories": [ {"slug": "ecology", "description": "why it maps as it does"} ],
//	  "themes": [ {
//	      "slug": "climate-environment",
//	      "name": "Climate & environment",
//	      "description": "free text",
//	      "examples": ["Planting trees and protecting biodiversity", ...],
//	      "keywords": ["climat*^2", "carbon^2", "klima*^2", "food waste^2", ...],
//	      "categories": ["ecology", "climate-protection"]
//	  } ]
//	}
//
// "categories" lists every category slug the importer may meet; each
// theme's categories must come from that list and each listed category must
// map to at least one theme. Keyword syntax is described at Classify.
package themes

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/civicgraph/civicgraph/internal/domain"
)

//go:embed taxonomy.json
var defaultJSON []byte

// Theme is one entry of the taxonomy.
type Theme struct {
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// Examples are short phrases, written for the taxonomy, of what an
	// initiative of this theme is about. With the name and description
	// they are the theme's prototypes in embedding space (see Meaning).
	// Optional: without them the description alone stands for the theme.
	Examples []string `json:"examples,omitempty"`
	// Keywords are the terms Classify looks for; see Classify for syntax.
	Keywords []string `json:"keywords"`
	// Categories are the showroom category slugs that map to this theme.
	Categories []string `json:"categories"`
}

// Category is a showroom category slug the taxonomy knows, with a note on
// why it maps to its themes.
type Category struct {
	Slug        string `json:"slug"`
	Description string `json:"description"`
}

// file is the JSON document.
type file struct {
	Description string     `json:"description"`
	Categories  []Category `json:"categories"`
	Themes      []Theme    `json:"themes"`
}

// Taxonomy is a validated, compiled theme list. It is immutable and safe
// for concurrent use.
type Taxonomy struct {
	description string
	themes      []Theme
	categories  []Category
	bySlug      map[string]int
	byCategory  map[string][]string
	m           matcher
}

var defaultTaxonomy = sync.OnceValue(func() *Taxonomy {
	t, err := parse(defaultJSON, "embedded taxonomy.json")
	if err != nil {
		panic(err) // a test guards the embedded file
	}
	return t
})

// Default returns the taxonomy embedded in the binary. Every call returns
// the same value.
func Default() *Taxonomy { return defaultTaxonomy() }

// Load reads and validates a taxonomy file. A file that cannot be read is
// returned as is (wrapped); a file that is not valid JSON or breaks a rule
// of the schema gives a domain.EINVALID error listing every problem found,
// so a user can fix the file in one pass.
func Load(path string) (*Taxonomy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load taxonomy %s: %w", path, err)
	}
	t, err := parse(data, path)
	if err != nil {
		return nil, fmt.Errorf("load taxonomy %s: %w", path, err)
	}
	return t, nil
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func parse(data []byte, name string) (*Taxonomy, error) {
	var f file
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + strings.Count(string(data[:min(int(se.Offset), len(data))]), "\n")
			return nil, domain.Errorf(domain.EINVALID, "%s: line %d: %v", name, line, se)
		}
		return nil, domain.Errorf(domain.EINVALID, "%s: %v", name, err)
	}

	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }

	if len(f.Themes) == 0 {
		bad("no themes")
	}
	known := map[string]bool{}
	for i, c := range f.Categories {
		switch {
		case !slugRE.MatchString(c.Slug):
			bad("categories[%d]: slug %q is not lowercase-with-hyphens", i, c.Slug)
		case known[c.Slug]:
			bad("categories[%d]: duplicate category slug %q", i, c.Slug)
		}
		known[c.Slug] = true
	}

	t := &Taxonomy{
		description: f.Description,
		categories:  f.Categories,
		bySlug:      map[string]int{},
		byCategory:  map[string][]string{},
	}
	var kws []keyword
	for i, th := range f.Themes {
		where := fmt.Sprintf("themes[%d] %q", i, th.Slug)
		if !slugRE.MatchString(th.Slug) {
			bad("%s: slug is not lowercase-with-hyphens", where)
		} else if _, dup := t.bySlug[th.Slug]; dup {
			bad("%s: duplicate theme slug", where)
		}
		if strings.TrimSpace(th.Name) == "" {
			bad("%s: empty name", where)
		}
		if len(th.Keywords) == 0 {
			bad("%s: empty keywords", where)
		}
		for j, ex := range th.Examples {
			if strings.TrimSpace(ex) == "" {
				bad("%s: examples[%d] is empty", where, j)
			}
		}
		seenKW := map[string]bool{}
		for _, raw := range th.Keywords {
			kw, err := compileKeyword(raw)
			if err != nil {
				bad("%s: keyword %q: %v", where, raw, err)
				continue
			}
			if seenKW[kw.key] {
				bad("%s: duplicate keyword %q", where, raw)
				continue
			}
			seenKW[kw.key] = true
			kw.theme = len(t.themes)
			kws = append(kws, kw)
		}
		seenCat := map[string]bool{}
		for _, c := range th.Categories {
			if !known[c] {
				bad("%s: unknown category %q (add it to the top-level \"categories\" list)", where, c)
				continue
			}
			if seenCat[c] {
				bad("%s: category %q listed twice", where, c)
				continue
			}
			seenCat[c] = true
			t.byCategory[c] = append(t.byCategory[c], th.Slug)
		}
		if _, dup := t.bySlug[th.Slug]; !dup {
			t.bySlug[th.Slug] = len(t.themes)
		}
		t.themes = append(t.themes, cloneTheme(th))
	}
	for _, c := range f.Categories {
		if known[c.Slug] && len(t.byCategory[c.Slug]) == 0 {
			bad("category %q maps to no theme", c.Slug)
		}
	}
	if len(probs) > 0 {
		return nil, domain.Errorf(domain.EINVALID, "%s: %s", name, strings.Join(probs, "; "))
	}
	for c := range t.byCategory {
		sort.Strings(t.byCategory[c])
	}
	t.m = newMatcher(kws)
	return t, nil
}

// Description is the file's free-text description.
func (t *Taxonomy) Description() string { return t.description }

// Themes returns the themes in file order. The slice is a copy.
func (t *Taxonomy) Themes() []Theme {
	out := make([]Theme, len(t.themes))
	for i, th := range t.themes {
		out[i] = cloneTheme(th)
	}
	return out
}

// Categories returns the category slugs the taxonomy knows, in file order.
func (t *Taxonomy) Categories() []Category { return append([]Category(nil), t.categories...) }

// Theme returns the theme with the given slug.
func (t *Taxonomy) Theme(slug string) (Theme, bool) {
	i, ok := t.bySlug[slug]
	if !ok {
		return Theme{}, false
	}
	return cloneTheme(t.themes[i]), true
}

// ForCategory returns the slugs of the themes a showroom category maps to,
// sorted, or nil for a category the taxonomy does not know. The slug is
// matched case-insensitively, with surrounding slashes and spaces trimmed,
// since URLs spell it loosely ("finalists-2020-ecology/").
func (t *Taxonomy) ForCategory(categorySlug string) []string {
	c := strings.ToLower(strings.Trim(categorySlug, "/ "))
	return append([]string(nil), t.byCategory[c]...)
}

func cloneTheme(th Theme) Theme {
	th.Examples = append([]string(nil), th.Examples...)
	th.Keywords = append([]string(nil), th.Keywords...)
	th.Categories = append([]string(nil), th.Categories...)
	return th
}

// parseWeight splits "term^2.5" into "term" and 2.5; no suffix means 1.
func parseWeight(raw string) (string, float64, error) {
	i := strings.LastIndexByte(raw, '^')
	if i < 0 {
		return raw, 1, nil
	}
	w, err := strconv.ParseFloat(strings.TrimSpace(raw[i+1:]), 64)
	if err != nil || w <= 0 || w > 10 {
		return "", 0, fmt.Errorf("weight after ^ must be a number in (0,10]")
	}
	return raw[:i], w, nil
}
