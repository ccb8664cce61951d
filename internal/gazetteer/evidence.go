package gazetteer

import (
	"fmt"
	"strings"
)

// Evidence kinds: what a Finding rests on. They are also the provenance
// methods the enricher records.
const (
	// EvidenceInstitution: a national institution (Bundestag, Sejm, NHS)
	// from the curated table data/institutions.tsv.
	EvidenceInstitution = "institution"
	// EvidenceSubdivision: an ISO 3166-2 subdivision (Angus, a council area
	// of Scotland) from data/subdivisions.tsv, unique among the covered
	// countries and not also a city's name.
	EvidenceSubdivision = "subdivision"
	// EvidenceTitlePlace: a small place named at the edge of a title
	// ("Ferla Agorà – Ideas Square", "Innovative School Wutöschingen") with
	// a unique name and a word in the text that says it is a place.
	EvidenceTitlePlace = "title-place"
)

// Subdivision is one ISO 3166-2 subdivision.
type Subdivision struct {
	Code, Country, Type, Name string
}

// Institution is one national institution of the curated table.
type Institution struct {
	Names   []string
	Country string
	Kind    string // parliament, government, agency
	keys    [][]string
}

// Finding is one piece of place evidence beyond Resolve: the country (and,
// for a title place, the city) it gives and the words it read.
type Finding struct {
	Kind     string // EvidenceInstitution, EvidenceSubdivision or EvidenceTitlePlace
	Country  string // ISO 3166-1 alpha-2
	City     *City  // for EvidenceTitlePlace
	Name     string // the institution's or subdivision's name, or the city's
	Evidence string // the words as written
}

func (g *Gazetteer) loadEvidence() error {
	g.subdivisions = map[string][]Subdivision{}
	err := readTSV("data/subdivisions.tsv", func(f []string) error {
		if len(f) < 4 {
			return fmt.Errorf("short line %q", strings.Join(f, "\t"))
		}
		for _, n := range strings.Split(f[3], "|") {
			k := fold(n)
			g.subdivisions[k] = append(g.subdivisions[k], Subdivision{Code: f[0], Country: f[1], Type: f[2], Name: n})
		}
		return nil
	})
	if err != nil {
		return err
	}
	return readTSV("data/institutions.tsv", func(f []string) error {
		if len(f) < 3 {
			return fmt.Errorf("short line %q", strings.Join(f, "\t"))
		}
		if _, ok := g.countryByCode[f[1]]; !ok {
			return fmt.Errorf("institution %q: unknown country %q", f[0], f[1])
		}
		in := Institution{Names: strings.Split(f[0], "|"), Country: f[1], Kind: f[2]}
		for _, n := range in.Names {
			in.keys = append(in.keys, strings.Fields(fold(n)))
		}
		g.institutions = append(g.institutions, in)
		return nil
	})
}

// Subdivisions returns the ISO 3166-2 subdivisions with the name (folded
// comparison), for tests and reports.
func (g *Gazetteer) Subdivisions(name string) []Subdivision {
	return g.subdivisions[fold(name)]
}

// Findings reads the place evidence Resolve does not use: national
// institutions, ISO 3166-2 subdivisions and small places at the edge of a
// title. Each finding names one country; a name that could mean several
// countries gives no finding (ambiguity stays unknown). Findings are in text
// order, title first.
//
// Rules. An institution matches as a run of words equal to one of its names
// (folded), the first written with a capital. A subdivision matches as a run
// of capitalised words equal to its name when that name belongs to one
// covered country only and is not a city, country or curated region name
// (those are Resolve's) nor a common word; a one-word name must not start a
// sentence nor occur in lower case in the text. A title place is the first
// or last word (or two words) of a title segment (segments split at dashes,
// colons and commas) that names exactly one place of the gazetteer under its
// own name (no exonym), is not a common or ordinary word nor an English
// inflected form (-ing, -ed, -ly…), and whose text
// says it is a place or a local body (town, village, municipality, school,
// residents, local…).
func (g *Gazetteer) Findings(title, summary string) []Finding {
	r := resolver{g: g}
	r.src = [2]string{title, summary}
	r.toks = tokenize(title, summary)
	lower := map[string]bool{}
	for _, t := range r.toks {
		if !t.capital {
			lower[t.key] = true
		}
	}
	var out []Finding
	seen := map[string]bool{}
	add := func(f Finding) {
		k := f.Kind + "|" + f.Country + "|" + f.Name
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	toks := r.toks
	for i := 0; i < len(toks); i++ {
		if !toks[i].capital {
			continue
		}
		for _, in := range g.institutions {
			for _, key := range in.keys {
				if j, ok := r.runEquals(i, key); ok {
					add(Finding{Kind: EvidenceInstitution, Country: in.Country, Name: in.Names[0], Evidence: r.surface(i, j)})
				}
			}
		}
		for n := 4; n >= 1; n-- {
			j := i + n - 1
			if j >= len(toks) || !r.sameRun(i, j) || !toks[j].capital {
				continue
			}
			k := r.key(i, j)
			subs, ok := g.subdivisions[k]
			if !ok || !g.onlySubdivision(k, subs) {
				continue
			}
			if n == 1 && (toks[i].sentStart || lower[k] || weakPlace[k] || neverPlace[k] || toks[i].hashtag) {
				continue
			}
			add(Finding{Kind: EvidenceSubdivision, Country: subs[0].Country, Name: subs[0].Name, Evidence: r.surface(i, j)})
			break
		}
	}
	if f, ok := r.titlePlace(lower); ok {
		add(f)
	}
	return out
}

// onlySubdivision reports whether the folded name is a subdivision of one
// country only and nothing Resolve reads.
func (g *Gazetteer) onlySubdivision(k string, subs []Subdivision) bool {
	if len(k) < 4 || neverPlace[k] || hasName(g, k) {
		return false
	}
	if _, ok := g.countryNames[k]; ok {
		return false
	}
	if _, ok := g.regions[k]; ok {
		return false
	}
	for _, s := range subs[1:] {
		if s.Country != subs[0].Country {
			return false
		}
	}
	return true
}

func hasName(g *Gazetteer, k string) bool { _, ok := g.names[k]; return ok }

// runEquals reports whether the words from i on equal key (folded words),
// within one part and with no punctuation between them; j is the last.
func (r *resolver) runEquals(i int, key []string) (int, bool) {
	j := i + len(key) - 1
	if j >= len(r.toks) || !r.sameRun(i, j) {
		return 0, false
	}
	for n, w := range key {
		if r.toks[i+n].key != w {
			return 0, false
		}
	}
	return j, true
}

// sameRun reports whether tokens i..j are in one part with no punctuation
// between them.
func (r *resolver) sameRun(i, j int) bool {
	for k := i + 1; k <= j; k++ {
		if r.toks[k].part != r.toks[i].part || r.toks[k].gapBefore {
			return false
		}
	}
	return true
}

func (r *resolver) key(i, j int) string {
	ks := make([]string, 0, j-i+1)
	for k := i; k <= j; k++ {
		ks = append(ks, r.toks[k].key)
	}
	return strings.Join(ks, " ")
}

// placeWords say that a name in a title is a place or a local body.
var placeWords = setOf(`town towns village villages municipality municipal city commune inhabitants
residents township island islands school council mayor local locals district parish
gemeinde stadt dorf schule`)

// titlePlace finds a small place at the edge of a title segment.
func (r *resolver) titlePlace(lower map[string]bool) (Finding, bool) {
	g := r.g
	local := false
	for _, t := range r.toks {
		if placeWords[t.key] {
			local = true
		}
	}
	if !local {
		return Finding{}, false
	}
	// Segment bounds in the title: a gap (punctuation) starts a new one.
	var edges [][2]int // token spans of one or two words
	start := -1
	for k, t := range r.toks {
		if t.part != 0 {
			break
		}
		if start < 0 || t.gapBefore {
			start = k
		}
		last := k+1 >= len(r.toks) || r.toks[k+1].part != 0 || r.toks[k+1].gapBefore
		if k == start {
			edges = append(edges, [2]int{k, k})
			if k+1 < len(r.toks) && r.sameRun(k, k+1) {
				edges = append(edges, [2]int{k, k + 1})
			}
		}
		if last && k != start {
			edges = append(edges, [2]int{k, k})
			if k-1 > start {
				edges = append(edges, [2]int{k - 1, k})
			}
		}
	}
	var found *Finding
	for _, e := range edges {
		i, j := e[0], e[1]
		if !r.toks[i].capital || !r.toks[j].capital || r.toks[i].hashtag {
			continue
		}
		k := r.key(i, j)
		if len(k) < 4 || neverPlace[k] || weakPlace[k] || lower[k] || englishForm(k) || qualifier[k] {
			continue
		}
		if _, ok := g.countryNames[k]; ok {
			continue
		}
		if _, ok := g.regions[k]; ok {
			continue
		}
		city, ok := g.uniqueOwnName(k)
		if !ok {
			continue
		}
		if found != nil && found.City.ID != city.ID {
			return Finding{}, false // two places: not the title's place
		}
		c := city
		found = &Finding{Kind: EvidenceTitlePlace, Country: c.CountryCode, City: &c, Name: c.Name, Evidence: r.surface(i, j)}
	}
	if found == nil {
		return Finding{}, false
	}
	return *found, true
}

// qualifier words start a longer name ("Outer Hebrides", "Greater
// Manchester") and are no place on their own in a title.
var qualifier = setOf(`outer inner greater little great high`)

// englishForm reports a word with an English inflection or suffix ("Going",
// "Connected", "Friendly"): a title word that happens to name a village.
func englishForm(k string) bool {
	if strings.Contains(k, " ") {
		return false
	}
	for _, suf := range []string{"ing", "ed", "ly", "tion", "ness", "ment", "ers", "ful", "less", "able"} {
		if strings.HasSuffix(k, suf) {
			return true
		}
	}
	return false
}

// uniqueOwnName returns the one ordinary city the folded key names under its
// own (not an alternate) name, if exactly one place of any kind has it.
func (g *Gazetteer) uniqueOwnName(k string) (City, bool) {
	head, ok := g.names[k]
	if !ok {
		return City{}, false
	}
	idx := int32(-1)
	for e := head; e >= 0; e = g.entries[e].next {
		en := g.entries[e]
		if en.alt || g.kind[en.city] != 'C' || idx >= 0 {
			return City{}, false
		}
		idx = en.city
	}
	return g.cities[idx], idx >= 0
}

// IsIsland reports whether the name is one of the curated islands (Tilos,
// Gozo), which name a place but no regional government.
func (g *Gazetteer) IsIsland(name string) bool {
	return g.regions[fold(name)].Island
}

// RegionByName returns the curated region (or regional adjective: Basque,
// Bavarian) with the name, diacritics- and case-insensitively, and its
// country.
func (g *Gazetteer) RegionByName(name string) (region, country string, ok bool) {
	r, ok := g.regions[fold(name)]
	return r.Name, r.Country, ok
}

// IsPlaceName reports whether name is the name or an alternate name of a
// city in the gazetteer, compared as place names are (folded: "Lodz" is
// "Łódź"). Search uses it to leave place names untranslated.
func (g *Gazetteer) IsPlaceName(name string) bool { return hasName(g, fold(name)) }
