package gazetteer

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Hints carries country facts known from page structure, such as the
// country= filter of a showroom URL or a "Projektland:" line.
type Hints struct {
	CountryCodes []string
}

// Resolution is where Resolve thinks an initiative takes place.
//
// Exactly one of these shapes comes back: a City (Country set to its
// country); a Region with its Country; a Country alone (national
// initiative or hint); Ambiguous candidates with City nil; or nothing, with
// Note saying why.
type Resolution struct {
	City       *City
	Country    *Country
	Region     string  // e.g. "Aragon" when a region, not a city, is the place
	Confidence float64 // in [0,1]; 0 when nothing was found
	// Method names the rule that decided: city-name, exonym, city-of,
	// possessive, district, city-adjective, region, country-name,
	// country-adjective, hint or ambiguous.
	Method    string
	Evidence  string // the surface text that matched, e.g. "Bristol’s"
	Ambiguous []City
	Note      string // why it is unresolved, ambiguous or less certain
}

// Resolve finds the place of an initiative from its title and summary.
//
// Candidates. Title and summary are split into words keeping their case;
// a trailing 's or ’s (or s’) marks a possessive and is dropped. Candidates
// are runs of 1–5 capitalised words with no punctuation between them, where
// inner words may be lower-case connectors (Frankfurt am Main). The longest
// run that names a city, district, region or country wins. Names are
// compared folded: case, diacritics, hyphens and apostrophes do not matter,
// so Lodz finds Łódź and Klaipėda finds Klaipeda; GeoNames alternate names
// give the exonyms (Munich/München, Cologne/Köln, Warsaw/Warszawa).
//
// A run-together hashtag (#GDAŃSKPOMAGA, #LondonTogether) that names no
// place as a whole is read for a city of at least 100,000 inhabitants at its
// start. Plural demonyms count as their adjective (Lithuanians), and country
// adjectives that modify a country name ("Turkish and Greek Cyprus") give
// way to it. An acronym in ordinary text ("the US") is not the function word
// it spells ("us").
//
// Evidence. A candidate gets strong evidence from phrasing ("City of X",
// "Municipality of X", "town of X", "Mayor of X", "Stadt X", "Gemeinde X",
// "X City Council", "X Municipality", an apposition "X, a small town" or
// "X – a municipality"), moderate evidence from a possessive
// (Bristol’s) and country evidence when the city's country is in the hints
// or named in the text ("Irish", "Germany", a region). Words on the
// never-a-place list (The, Government, Police, Europe, Digital, Young…) are
// rejected unless phrased; words on the weak list (Nice, Split, Bath,
// Reading, Turkey…) and words that also occur in lower case in the same
// text need phrasing or country evidence. Words at a sentence start or in a
// Title-Cased title not introduced by "in", "from" (or, in a title, "of")
// are "weak capitals": they count only for big places
// (population ≥ 50,000) not followed by an article ("Brake the Curve" is a
// verb), for places named again mid-sentence, or with country evidence.
//
// Ambiguity. A name shared by several places is narrowed to the hinted
// countries, else to the countries named in the text. What is left is
// decided by population dominance (largest ≥ 10× the next and ≥ 100,000;
// a match through an alternate name counts a third of its population), or
// within one country by ≥ 5×; otherwise the result lists the candidates in
// Ambiguous and says so in Note, never guessing. Places under 15,000
// inhabitants need phrasing, country evidence, or a unique name with a
// possessive or settlement words (town, village, mayor…) in the sentence.
//
// Districts and boroughs (GeoNames PPLX and the curated aliases: Haringey,
// Kreuzberg, Ottakring), city adjectives (Wiener, Cracovians) and curated
// short names (Newcastle for Newcastle upon Tyne) resolve to
// their city. When a name is both a region and a city the city wins only if
// it has ≥ 50,000 inhabitants; a name that is a country (Luxembourg,
// Monaco) is the country unless phrased as a city.
//
// Choice. With several cities, the first in the title wins, else the first
// in the summary, with lower confidence; but a region named in the title
// wins over a city named only in the summary (the city is an example). Without a city: the first region
// (Region and Country), else the first country name or adjective (Country
// only, a national initiative), else a single country hint (Method "hint").
func (g *Gazetteer) Resolve(title, summary string, h Hints) Resolution {
	r := resolver{g: g, hints: map[string]bool{}}
	for _, c := range h.CountryCodes {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" {
			r.hints[c] = true
			r.hintOrder = append(r.hintOrder, c)
		}
	}
	r.src = [2]string{title, summary}
	r.toks = tokenize(title, summary)
	r.findMentions()
	return r.decide()
}

// token is one word of the text.
type token struct {
	text      string // as written, possessive suffix removed
	key       string // folded
	end       int    // byte offset after the word including a possessive suffix
	start     int
	part      int  // 0 title, 1 summary
	capital   bool // starts with an upper-case letter
	sentStart bool // first word of a sentence or of a part
	gapBefore bool // punctuation between this word and the previous one
	poss      bool
	hashtag   bool // written as #Word
}

type resolver struct {
	g         *Gazetteer
	hints     map[string]bool
	hintOrder []string
	toks      []token
	src       [2]string
	titleCase bool
	lower     map[string]bool // folded words written in lower case
	mentions  []mention
	countries []string // country codes named in the text, in order
}

type mention struct {
	i, j     int // token span, inclusive
	key      string
	evidence string
	cities   bool
	region   *region
	country  *countryName
	phrase   bool
	weak     bool
}

func tokenize(title, summary string) []token {
	var toks []token
	for part, s := range []string{title, summary} {
		prevEnd := 0
		first := true
		i := 0
		for i < len(s) {
			r, w := utf8.DecodeRuneInString(s[i:])
			if !isWordRune(r) {
				i += w
				continue
			}
			start := i
			for i < len(s) {
				r, w := utf8.DecodeRuneInString(s[i:])
				if isWordRune(r) {
					i += w
					continue
				}
				// Inner hyphen or apostrophe followed by a letter stays in the word.
				if r == '-' || r == '\'' || r == '’' || r == '‐' {
					if n, _ := utf8.DecodeRuneInString(s[i+w:]); i+w < len(s) && isWordRune(n) {
						i += w
						continue
					}
				}
				break
			}
			word, end := s[start:i], i
			t := token{start: start, part: part}
			t.hashtag = start > 0 && s[start-1] == '#'
			// Possessives: X's, X’s, Xs’.
			for _, suf := range []string{"'s", "’s", "'S", "’S"} {
				if strings.HasSuffix(word, suf) && len(word) > len(suf) {
					word, t.poss = word[:len(word)-len(suf)], true
					break
				}
			}
			if !t.poss && strings.HasSuffix(word, "s") && i < len(s) {
				if n, w := utf8.DecodeRuneInString(s[i:]); (n == '\'' || n == '’') &&
					(i+w >= len(s) || !isWordRune(firstRune(s[i+w:]))) {
					t.poss = true
					end = i + w
				}
			}
			t.text, t.end, t.key = word, end, fold(word)
			fr, _ := utf8.DecodeRuneInString(word)
			t.capital = unicode.IsUpper(fr)
			between := strings.TrimSpace(s[prevEnd:start])
			t.gapBefore = between != ""
			t.sentStart = first || strings.ContainsAny(between, ".!?:;\"“”«»(–—•")
			first = false
			prevEnd = end
			i = end
			toks = append(toks, t)
		}
	}
	return toks
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// acronym reports whether token i is written in capitals (two letters or
// more) in a part that is not itself all capitals: "US", "UK" in a
// sentence, not "THE" in an all-caps title.
func (r *resolver) acronym(i int) bool {
	t := r.toks[i]
	if utf8.RuneCountInString(t.text) < 2 || strings.ToUpper(t.text) != t.text || strings.ToLower(t.text) == t.text {
		return false
	}
	return strings.ToUpper(r.src[t.part]) != r.src[t.part]
}

// findMentions collects the longest place-name runs, left to right.
func (r *resolver) findMentions() {
	r.lower = map[string]bool{}
	words, caps := 0, 0
	for _, t := range r.toks {
		if !t.capital {
			r.lower[t.key] = true
		}
		if t.part == 0 && utf8.RuneCountInString(t.text) >= 4 && !strings.ContainsFunc(t.text, unicode.IsDigit) {
			words++
			if t.capital {
				caps++
			}
		}
	}
	r.titleCase = words >= 2 && caps == words
	for i := 0; i < len(r.toks); {
		m, ok := r.longestAt(i)
		if !ok {
			m, ok = r.hashtagAt(i)
		}
		if !ok {
			i++
			continue
		}
		r.mentions = append(r.mentions, m)
		i = m.j + 1
	}
	r.dropModifyingAdjectives()
	for _, m := range r.mentions {
		if m.country != nil {
			r.addCountry(r.g.countries[m.country.idx].Code)
		} else if m.region != nil {
			r.addCountry(m.region.Country)
		}
	}
}

// hashtagMinPop is the population a city needs to be read off the start
// of a run-together hashtag (#GDAŃSKPOMAGA, #LondonTogether): only names
// too big to be a chance prefix of an ordinary word.
const hashtagMinPop = 100000

// hashtagAt finds a city name at the start of a run-together hashtag that
// names no place as a whole: the longest prefix of at least four letters,
// followed by at least three more, that is an ordinary city of at least
// hashtagMinPop inhabitants.
func (r *resolver) hashtagAt(i int) (mention, bool) {
	t := r.toks[i]
	if !t.hashtag || !t.capital {
		return mention{}, false
	}
	runes := []rune(t.key)
	for n := len(runes) - 3; n >= 4; n-- {
		key := string(runes[:n])
		if k, ok := r.g.largest(key, ""); ok && r.g.cities[k].Population >= hashtagMinPop {
			m := mention{i: i, j: i, key: key, cities: true, weak: r.weakAt(i)}
			m.evidence = "#" + t.text
			return m, true
		}
	}
	return mention{}, false
}

// dropModifyingAdjectives removes the country of adjectives that modify a
// country name ("Turkish and Greek Cyprus"): the place is the noun's.
func (r *resolver) dropModifyingAdjectives() {
	ms := r.mentions
	for a := 0; a < len(ms); a++ {
		if ms[a].country == nil || !ms[a].country.adjective {
			continue
		}
		// Follow a chain of adjectives joined by and/or/commas.
		b := a
		for b+1 < len(ms) && ms[b+1].country != nil && r.joined(ms[b].j, ms[b+1].i) && ms[b].country.adjective {
			b++
		}
		if b > a && !ms[b].country.adjective {
			for k := a; k < b; k++ {
				ms[k].country = nil
			}
		}
		a = b
	}
}

// joined reports whether only "and", "or" or a comma separate token j from
// token k (j < k) within one part.
func (r *resolver) joined(j, k int) bool {
	if r.toks[j].part != r.toks[k].part {
		return false
	}
	if k == j+1 {
		return !r.toks[k].gapBefore || strings.TrimSpace(r.src[r.toks[k].part][r.toks[j].end:r.toks[k].start]) == ","
	}
	if k == j+2 {
		w := r.toks[j+1].key
		return (w == "and" || w == "or") && !r.toks[k].gapBefore
	}
	return false
}

func (r *resolver) addCountry(cc string) {
	for _, c := range r.countries {
		if c == cc {
			return
		}
	}
	r.countries = append(r.countries, cc)
}

func (r *resolver) longestAt(i int) (mention, bool) {
	t := r.toks
	if !t[i].capital {
		return mention{}, false
	}
	for n := 5; n >= 1; n-- {
		j := i + n - 1
		if j >= len(t) || !t[j].capital || t[j].part != t[i].part {
			continue
		}
		ok := true
		keys := make([]string, 0, n)
		for k := i; k <= j; k++ {
			if k > i && (t[k].gapBefore || t[k-1].poss) {
				ok = false
				break
			}
			if !t[k].capital && !connectors[t[k].key] {
				ok = false
				break
			}
			keys = append(keys, t[k].key)
		}
		if !ok {
			continue
		}
		key := strings.Join(keys, " ")
		m := mention{i: i, j: j, key: key}
		_, m.cities = r.g.names[key]
		if reg, ok := r.g.regions[key]; ok {
			m.region = &reg
		}
		if cn, ok := r.g.countryNames[key]; ok {
			m.country = &cn
		} else if cn, ok := r.g.countryNames[strings.TrimSuffix(key, "s")]; ok && n == 1 && cn.adjective && strings.HasSuffix(key, "s") {
			m.country = &cn // plural demonym: Lithuanians, Germans
		}
		if !m.cities && m.region == nil && m.country == nil {
			continue
		}
		if n == 1 && neverPlace[key] {
			// Never a place alone, but "City of Nice"-style phrasing is
			// checked below for city names. An acronym in ordinary text is
			// not the function word: "the US" is a country, "us" is not.
			m.region = nil
			if !r.acronym(i) {
				m.country = nil
			}
		}
		if n == 1 && (weakPlace[key] || r.lower[key]) && m.country != nil && !r.hints[r.g.countries[m.country.idx].Code] {
			m.country = nil // Turkey, Georgia, Jordan need a hint to be countries
		}
		m.evidence = r.surface(i, j)
		m.phrase = r.phrased(i, j)
		m.weak = r.weakAt(i)
		return m, true
	}
	return mention{}, false
}

func (r *resolver) surface(i, j int) string {
	a, b := r.toks[i], r.toks[j]
	return r.src[a.part][a.start:b.end]
}

// phrased reports municipal phrasing around tokens i..j: "City of X",
// "Municipality of X", "town of X", "Mayor of X", "Stadt X", "Gemeinde X",
// "X City Council", "X Municipality", "X Town Hall".
func (r *resolver) phrased(i, j int) bool {
	t := r.toks
	low := func(k int) string {
		if k < 0 || k >= len(t) || t[k].part != t[i].part {
			return ""
		}
		return t[k].key
	}
	if low(i-1) == "of" {
		switch low(i - 2) {
		case "city", "town", "municipality", "village", "commune", "borough", "mayor", "mayors", "citizens", "residents", "inhabitants", "people":
			return true
		}
	}
	switch low(i - 1) {
	case "stadt", "gemeinde", "landeshauptstadt", "hansestadt", "marktgemeinde", "stadtgemeinde", "kommune", "ville", "comune", "gmina", "obec", "mesto", "miasto":
		return true
	}
	// Apposition: "Ungersheim – a municipality in transition", "Rzeszów, a
	// pioneering smart city, …": a punctuation mark, an article, then a
	// settlement noun within three words.
	if a := low(j + 1); (a == "a" || a == "an" || a == "the") && r.toks[j+1].gapBefore {
		for k := j + 2; k <= j+4; k++ {
			if k > j+2 && (k >= len(t) || t[k].gapBefore) {
				break
			}
			if settlementNouns[low(k)] {
				return true
			}
		}
	}
	switch low(j + 1) {
	case "municipality", "municipal", "borough":
		return true
	case "city", "town":
		switch low(j + 2) {
		case "council", "hall", "administration", "government":
			return true
		}
	case "council":
		return true
	case "county", "district":
		switch low(j + 2) {
		case "council", "municipality":
			return true
		}
	}
	return false
}

// settlement reports words in the sentence of token i that say a place is a
// town: evidence for a small place with a unique name.
func (r *resolver) settlement(i int) bool {
	t := r.toks
	lo, hi := i, i
	for lo > 0 && t[lo-1].part == t[i].part && !t[lo].sentStart {
		lo--
	}
	for hi+1 < len(t) && t[hi+1].part == t[i].part && !t[hi+1].sentStart {
		hi++
	}
	for k := lo; k <= hi; k++ {
		switch t[k].key {
		case "town", "towns", "village", "villages", "municipality", "municipal", "mayor", "city", "commune", "inhabitants", "residents", "township", "gemeinde", "stadt", "dorf":
			return true
		}
	}
	return false
}

// candidate is one place a city mention may mean.
type candidate struct {
	idx    int32 // the city (the parent for districts and aliases)
	via    int32 // the matched record
	alt    bool
	effPop int
}

// cityVerdict is what one mention says about cities.
type cityVerdict struct {
	m         mention
	idx       int32
	method    string
	conf      float64
	ambiguous []int32
	note      string
	countryEv bool
	accepted  bool
}

func (r *resolver) candidates(key string) []candidate {
	g := r.g
	var out []candidate
	seen := map[int32]int{}
	head, ok := g.names[key]
	if !ok {
		return nil
	}
	for e := head; e >= 0; e = g.entries[e].next {
		en := g.entries[e]
		c := candidate{idx: en.city, via: en.city, alt: en.alt}
		switch g.kind[en.city] {
		case 'C':
			c.effPop = g.cities[en.city].Population
			if en.alt {
				c.effPop /= 3
			}
		case 'X':
			c.idx = g.parent[en.city]
			c.effPop = g.cities[en.city].Population
		default: // curated district or adjective: trusted, weighs as the city
			c.idx = g.parent[en.city]
			c.effPop = g.cities[c.idx].Population
		}
		if k, ok := seen[c.idx]; ok {
			if c.effPop > out[k].effPop {
				out[k] = c
			}
			continue
		}
		seen[c.idx] = len(out)
		out = append(out, c)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].effPop > out[b].effPop })
	return out
}

const (
	smallTown = 15000
	bigTown   = 50000
)

func (r *resolver) judge(m mention) cityVerdict {
	g := r.g
	v := cityVerdict{m: m, idx: -1}
	single := m.i == m.j
	t := r.toks[m.i]
	if single && neverPlace[m.key] && !m.phrase {
		v.note = fmt.Sprintf("%q is a common word, not taken as a place", m.evidence)
		return v
	}
	cands := r.candidates(m.key)
	if len(cands) == 0 {
		return v
	}
	unique := len(cands) == 1
	// Narrow by country evidence: hints first, then countries in the text.
	narrow := func(ok func(string) bool) []candidate {
		var out []candidate
		for _, c := range cands {
			if ok(g.cities[c.idx].CountryCode) {
				out = append(out, c)
			}
		}
		return out
	}
	hintConflict, foreign := false, false
	if len(r.hints) > 0 {
		if n := narrow(func(cc string) bool { return r.hints[cc] }); len(n) > 0 {
			cands, v.countryEv = n, true
		} else {
			hintConflict = true
		}
	}
	if !v.countryEv && len(r.countries) > 0 {
		in := map[string]bool{}
		for _, c := range r.countries {
			in[c] = true
		}
		if n := narrow(func(cc string) bool { return in[cc] }); len(n) > 0 {
			cands, v.countryEv = n, true
		} else {
			foreign = true // the text names other countries only
		}
	}
	if single && (weakPlace[m.key] || r.lower[m.key]) && !m.phrase && !v.countryEv {
		v.note = fmt.Sprintf("%q is also an ordinary word; needs phrasing or a country", m.evidence)
		return v
	}
	// The evidence checks look at the biggest remaining candidate, before
	// any choice between candidates.
	top := cands[0]
	maxPop, viaTop := 0, g.kind[top.via]
	for _, c := range cands {
		p := g.cities[c.idx].Population
		if g.kind[c.via] == 'C' || g.kind[c.via] == 'X' {
			p = g.cities[c.via].Population
		}
		if p > maxPop {
			maxPop = p
		}
	}
	curated := viaTop == 'D' || viaTop == 'A' || viaTop == 'S'
	poss := r.toks[m.j].poss
	if foreign && !curated && !m.phrase && maxPop < bigTown {
		v.note = fmt.Sprintf("%q: the text names other countries (%s)", m.evidence, strings.Join(r.countries, ", "))
		return v
	}
	// Weak capitals: sentence starts and Title-Cased titles.
	if m.weak && !m.phrase && !poss && !curated {
		next := ""
		if m.j+1 < len(r.toks) && r.toks[m.j+1].part == t.part && !r.toks[m.j+1].gapBefore {
			next = r.toks[m.j+1].key // "Brake the Curve"; not "Rzeszów, a city"
		}
		strongElsewhere := false
		for k, o := range r.toks {
			if k != m.i && o.key == t.key && o.capital && !r.weakAt(k) && single {
				strongElsewhere = true
			}
		}
		verb := verbFollowers[next]
		ok := strongElsewhere ||
			(!verb && !top.alt && maxPop >= bigTown) ||
			(!verb && unique && !top.alt && maxPop >= smallTown) ||
			(!verb && v.countryEv && maxPop >= smallTown)
		if !ok {
			v.note = fmt.Sprintf("%q starts a sentence or title; not enough evidence", m.evidence)
			return v
		}
	}
	// Small places need more.
	if !curated && maxPop < smallTown && !m.phrase && !v.countryEv {
		if !(unique && !m.weak && (poss || r.settlement(m.i) || r.afterPreposition(m.i) || m.i != m.j)) {
			v.note = fmt.Sprintf("%q is a small place (%d); needs a country or municipal phrasing", m.evidence, maxPop)
			return v
		}
	}
	// Decide among the candidates.
	dominance := false
	if len(cands) > 1 {
		next := cands[1]
		sameCountry := true
		for _, c := range cands[1:] {
			if g.cities[c.idx].CountryCode != g.cities[top.idx].CountryCode {
				sameCountry = false
			}
		}
		switch {
		case g.cities[top.idx].Population >= 100000 && top.effPop >= 10*next.effPop:
			dominance = true
		case v.countryEv && sameCountry && top.effPop >= 5*next.effPop:
			dominance = true
		default:
			for k, c := range cands {
				if k == 8 {
					break
				}
				v.ambiguous = append(v.ambiguous, c.idx)
			}
			v.note = fmt.Sprintf("%q names %d places; add a country hint", m.evidence, len(cands))
			return v
		}
	}
	city := g.cities[top.idx]
	viaKind := g.kind[top.via]
	pop := city.Population
	if viaKind == 'C' {
		pop = g.cities[top.via].Population
	}
	v.accepted, v.idx = true, top.idx
	switch {
	case viaKind == 'X' || viaKind == 'D':
		v.method, v.conf = "district", 0.85
	case m.phrase:
		v.method, v.conf = "city-of", 0.95
	case poss:
		v.method, v.conf = "possessive", 0.9
	case viaKind == 'A':
		v.method, v.conf = "city-adjective", 0.75
	case top.alt:
		v.method, v.conf = "exonym", 0.85
	default:
		v.method, v.conf = "city-name", 0.85
	}
	switch {
	case pop < smallTown && viaKind == 'C':
		v.conf -= 0.25
	case pop < 100000 && viaKind == 'C':
		v.conf -= 0.05
	}
	var notes []string
	if dominance {
		v.conf *= 0.85
		notes = append(notes, fmt.Sprintf("%q also names smaller places; took the largest", m.evidence))
	}
	if r.hints[city.CountryCode] {
		v.conf += 0.05
	} else if hintConflict {
		v.conf *= 0.6
		notes = append(notes, fmt.Sprintf("%s is in %s, not in the hinted countries", city.Name, city.CountryCode))
	}
	if foreign {
		v.conf *= 0.7
		notes = append(notes, fmt.Sprintf("the text names other countries (%s)", strings.Join(r.countries, ", ")))
	}
	if m.weak && !m.phrase {
		v.conf *= 0.95
	}
	v.note = strings.Join(notes, "; ")
	return v
}

// weakAt reports whether token k carries only weak capitalisation: a
// sentence start, or a Title-Cased title word not introduced by "in".
func (r *resolver) weakAt(k int) bool {
	t := r.toks[k]
	if t.sentStart {
		return true
	}
	return t.part == 0 && r.titleCase && !r.afterPreposition(k)
}

// afterPreposition reports "in X", "from X", "near X"…
func (r *resolver) afterPreposition(k int) bool {
	if k == 0 || r.toks[k-1].part != r.toks[k].part || r.toks[k].gapBefore {
		return false
	}
	switch r.toks[k-1].key {
	case "in", "from", "near", "around", "across", "throughout", "aus", "im":
		return true
	case "of":
		// In a title, "The Canteen of Bioule" names the place as
		// "in" would; in running text "of" is too common.
		return r.toks[k].part == 0 && !r.toks[k-1].capital
	}
	return false
}

func (r *resolver) decide() Resolution {
	g := r.g
	var verdicts []cityVerdict
	for _, m := range r.mentions {
		if !m.cities {
			continue
		}
		// A country name (Luxembourg, Monaco) is the country unless phrased.
		if m.country != nil && !m.phrase {
			continue
		}
		// A region wins over a city under bigTown unless phrased.
		if m.region != nil && !m.phrase {
			if c := r.candidates(m.key); len(c) == 0 || g.cities[c[0].idx].Population < bigTown {
				continue
			}
		}
		verdicts = append(verdicts, r.judge(m))
	}
	var chosen, firstAmb *cityVerdict
	var notes []string
	others := map[int32]bool{}
	for k := range verdicts {
		v := &verdicts[k]
		switch {
		case v.accepted && chosen == nil:
			chosen = v
		case v.accepted:
			if v.idx != chosen.idx {
				others[v.idx] = true
			}
		case v.ambiguous != nil && firstAmb == nil && chosen == nil:
			firstAmb = v
		}
	}
	// A region named in the title is the initiative's place even when the
	// summary names a city in it ("Fossil-free transport in Skåne … around
	// Malmö"): the city is then an example, not the scope.
	if chosen != nil && r.toks[chosen.m.i].part == 1 {
		for _, m := range r.mentions {
			if r.toks[m.i].part == 0 && m.region != nil && m.country == nil && !m.cities {
				chosen, firstAmb = nil, nil
				break
			}
		}
	}
	if chosen != nil {
		city := g.cities[chosen.idx]
		res := Resolution{City: &city, Method: chosen.method, Evidence: chosen.m.evidence, Confidence: chosen.conf}
		if c, ok := g.CountryByCode(city.CountryCode); ok {
			res.Country = &c
		}
		if chosen.note != "" {
			notes = append(notes, chosen.note)
		}
		if len(others) > 0 {
			res.Confidence *= 0.85
			var names []string
			for _, v := range verdicts {
				if v.accepted && others[v.idx] {
					names = append(names, g.cities[v.idx].Name)
					delete(others, v.idx)
				}
			}
			notes = append(notes, "also mentions "+strings.Join(names, ", "))
		}
		if firstAmb != nil {
			res.Confidence *= 0.8
			notes = append(notes, firstAmb.note)
		}
		res.Note = strings.Join(notes, "; ")
		res.Confidence = clamp(res.Confidence)
		return res
	}
	if firstAmb != nil {
		res := Resolution{Method: "ambiguous", Evidence: firstAmb.m.evidence, Note: firstAmb.note}
		ccs := map[string]bool{}
		for _, i := range firstAmb.ambiguous {
			res.Ambiguous = append(res.Ambiguous, g.cities[i])
			ccs[g.cities[i].CountryCode] = true
		}
		if len(ccs) == 1 {
			if c, ok := g.CountryByCode(res.Ambiguous[0].CountryCode); ok {
				res.Country = &c
				res.Confidence = 0.4
			}
		}
		return res
	}
	for _, m := range r.mentions {
		if m.region != nil && (m.country == nil) {
			res := Resolution{Region: m.region.Name, Method: "region", Evidence: m.evidence, Confidence: 0.8}
			if c, ok := g.CountryByCode(m.region.Country); ok {
				res.Country = &c
			}
			if r.hints[m.region.Country] {
				res.Confidence = 0.85
			}
			return res
		}
	}
	for _, m := range r.mentions {
		if m.country == nil {
			continue
		}
		c := g.countries[m.country.idx]
		res := Resolution{Country: &c, Method: "country-name", Evidence: m.evidence, Confidence: 0.8}
		if m.country.adjective {
			res.Method, res.Confidence = "country-adjective", 0.7
		}
		if r.hints[c.Code] {
			res.Confidence += 0.1
		}
		if len(r.countries) > 1 {
			res.Confidence *= 0.85
			res.Note = "several countries mentioned: " + strings.Join(r.countries, ", ")
		}
		return res
	}
	var why []string
	for _, v := range verdicts {
		if v.note != "" {
			why = append(why, v.note)
		}
	}
	if len(r.hintOrder) > 0 {
		if c, ok := g.CountryByCode(r.hintOrder[0]); ok {
			res := Resolution{Country: &c, Method: "hint", Evidence: c.Code, Confidence: 0.5}
			if len(r.hintOrder) > 1 {
				res.Confidence = 0.3
				why = append(why, "several hinted countries; took the first")
			}
			res.Note = strings.Join(why, "; ")
			return res
		}
	}
	if len(why) == 0 {
		why = append(why, "no place named")
	}
	return Resolution{Note: strings.Join(why, "; ")}
}

func clamp(f float64) float64 {
	switch {
	case f < 0:
		return 0
	case f > 1:
		return 1
	}
	return f
}
