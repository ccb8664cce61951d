package neo4jdb

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/similarity"
)

// The read planner: a domain.InitiativePlan (what the GraphQL selection
// asks of each initiative) becomes one Cypher map expression, composed
// from the constant fragments below; similar lists are COLLECT subqueries
// inside it, so a page with its similar links and their targets is one
// statement. Only identifiers the planner chooses (the variable of each
// nesting level, the map keys simN) are composed in; every value (page
// sizes, flags) is a parameter.
//
// Adding a field to Initiative: a fragment here (or a property in
// initiativeBase), its decoding in (*decoder).initiative, and its parts
// in graph/plan.go's initiativeFields (TestInitiativeFieldsPlanned fails
// without it).
//
// Fragments name their variables after the level's variable v (the
// placeholder {i}) or with a p prefix inside pattern comprehensions, whose
// variables are local: statements around a projection must not bind
// variables named p* or s*.
const (
	initiativeBase = `.key, .sortTitle, .title`
	fragFlags      = `.titleDerived, .titleIncomplete, .covid`
	fragAltTitles  = `.altTitles`
	fragSummary    = `.summary`
	fragSources    = `su: {i}.sourceUrls, sm: {i}.sourceMethods, sp: {i}.sourcePages`
	fragLevel      = `.level, .levelConfidence, .levelEvidence, .levelSourceUrls, .levelSourceMethods`
	// fragCity and fragCountry are the place links; {more} is where the
	// modifier parts' fragments go (placeModifiers).
	fragCity         = `city: head([({i})-[pr:IN_CITY]->(pc:City) | pc {.id, .name, .countryCode, .lat, .lon, .population{more}}])`
	fragCountry      = `country: head([({i})-[pr:IN_COUNTRY]->(pc:Country) | pc {.code, .name{more}}])`
	fragCityCountry  = `countryName: head([(pc)-[:LOCATED_IN]->(pco:Country) | pco.name])`
	fragCityNames    = `.altNames`
	fragLinkEvidence = `confidence: pr.confidence, evidence: pr.evidence, su: pr.sourceUrls, sm: pr.sourceMethods`
	fragThemes       = `themes: [({i})-[pr:HAS_THEME]->(pt:Theme) | {slug: pt.slug, name: pt.name, description: pt.description, source: pr.source,
    confidence: pr.confidence, terms: pr.terms, su: pr.sourceUrls, sm: pr.sourceMethods}]`
	fragAwards = `awards: [({i})-[pr:AWARDED]->(py:AwardYear) | {year: py.year, status: pr.status, category: pr.category,
    su: pr.sourceUrls, sm: pr.sourceMethods, sp: pr.sourcePages}]`
	// fragSimilar is one similar list of {i}: {t} is the linked
	// initiative's variable, {s} the link's, {p} the list's parameter
	// prefix and {target} the linked initiative's expression.
	// The links are those {i} holds (heldMatch: outgoing, or mutual).
	fragSimilar = `COLLECT { ` + heldMatch + `
    AND (NOT ${p}dc OR NOT EXISTS { ({i})-[:IN_CITY]->(:City)<-[:IN_CITY]-({t}) })
    WITH {t}, {s} ORDER BY {s}.score DESC, {t}.key LIMIT ${p}first
    RETURN {to: {t}.key, score: {s}.score, themes: {s}.sharedThemes{more}, target: {target}} }`
	// The link parts' fragments, inside fragSimilar's {more}.
	fragLinkDetail     = `text: {s}.textScore, theme: {s}.themeScore, sem: {s}.semanticScore, closest: ` + heldClosest + `, terms: ` + heldTerms
	fragLinkThemeNodes = `themeNodes: COLLECT { MATCH ({s}t:Theme) WHERE {s}t.slug IN {s}.sharedThemes RETURN {s}t {.slug, .name, .description} ORDER BY {s}t.slug }`
)

// partFragments pairs each part with its fragment; the place links take
// the fragments of the modifier parts in placeModifiers.
var partFragments = []struct {
	part domain.Parts
	frag string
}{
	{domain.PartSummary, fragSummary},
	{domain.PartFlags, fragFlags},
	{domain.PartAltTitles, fragAltTitles},
	{domain.PartSources, fragSources},
	{domain.PartLevel, fragLevel},
	{domain.PartCity, fragCity},
	{domain.PartCountry, fragCountry},
	{domain.PartThemes, fragThemes},
	{domain.PartAwards, fragAwards},
}

// placeModifiers are the fragments the modifier parts add inside a place
// link's projection, for the links they apply to.
var placeModifiers = []struct {
	part  domain.Parts
	links domain.Parts
	frag  string
}{
	{domain.PartCityCountry, domain.PartCity, fragCityCountry},
	{domain.PartCityNames, domain.PartCity, fragCityNames},
	{domain.PartPlaceEvidence, domain.PartCity | domain.PartCountry, fragLinkEvidence},
}

// planner composes one statement's expressions; params receives the
// values of every similar list it plans.
type planner struct {
	params map[string]any
	lists  int // similar lists planned so far (parameter prefixes)
}

// initiative returns the map expression of the initiative bound to v
// under plan p, at nesting depth d (0 for the statement's own variable).
func (pl *planner) initiative(v string, p domain.InitiativePlan, d int) string {
	parts := []string{initiativeBase}
	for _, f := range partFragments {
		if p.Parts&f.part == 0 {
			continue
		}
		more := ""
		for _, m := range placeModifiers {
			if p.Parts&m.part != 0 && f.part&m.links != 0 {
				more += ", " + m.frag
			}
		}
		parts = append(parts, fill(f.frag, "{i}", v, "{more}", more))
	}
	for k, s := range p.Similar {
		parts = append(parts, "sim"+strconv.Itoa(k)+": "+pl.similar(v, s, d))
	}
	return v + " {\n  " + strings.Join(parts, ",\n  ") + "\n}"
}

// linkFragments pairs each link part with its fragment.
var linkFragments = []struct {
	part domain.LinkParts
	frag string
}{
	{domain.LinkDetail, fragLinkDetail},
	{domain.LinkThemeNodes, fragLinkThemeNodes},
}

// similar returns the list expression of v's similar links under s.
func (pl *planner) similar(v string, s domain.SimilarPlan, d int) string {
	prefix := "sim" + strconv.Itoa(pl.lists) + "_"
	pl.lists++
	pl.params[prefix+"first"] = int64(s.First)
	pl.params[prefix+"dc"] = s.DifferentCity
	depth := strconv.Itoa(d + 1)
	t, sv := "si"+depth, "ss"+depth
	more := ""
	for _, f := range linkFragments {
		if s.Links&f.part != 0 {
			more += ", " + fill(f.frag, "{s}", sv, "{i}", v)
		}
	}
	return fill(fragSimilar, "{i}", v, "{t}", t, "{s}", sv, "{p}", prefix, "{more}", more,
		"{target}", pl.initiative(t, s.Target, d+1))
}

// fill replaces a fragment's placeholders in one pass, as
// strings.NewReplacer(pairs...).Replace(frag) would, without building a
// replacer on every call (those builds were most of what planning a
// statement allocated). pairs are placeholder, value, …; placeholders
// are braced names, none a prefix of another, and braces around anything
// else (Cypher maps and projections) are copied as they are.
func fill(frag string, pairs ...string) string {
	var b strings.Builder
	b.Grow(len(frag) + 64)
	for {
		i := strings.IndexByte(frag, '{')
		if i < 0 {
			b.WriteString(frag)
			return b.String()
		}
		b.WriteString(frag[:i])
		frag = frag[i:]
		k := 0
		for ; k+1 < len(pairs) && !strings.HasPrefix(frag, pairs[k]); k += 2 {
		}
		if k+1 < len(pairs) {
			b.WriteString(pairs[k+1])
			frag = frag[len(pairs[k]):]
		} else {
			b.WriteByte('{')
			frag = frag[1:]
		}
	}
}

// decoder reads the values of records and map projections with their
// types checked: a value of the wrong type records an error (the first
// one is kept), a missing or null value reads as the zero value.
type decoder struct{ err error }

func (d *decoder) fail(k string, v any, want string) {
	if d.err == nil {
		d.err = fmt.Errorf("decode %s: %T is not %s", k, v, want)
	}
}

func (d *decoder) str(m map[string]any, k string) string {
	v, ok := m[k].(string)
	if !ok && m[k] != nil {
		d.fail(k, m[k], "a string")
	}
	return v
}

func (d *decoder) i64(m map[string]any, k string) int64 {
	v, ok := m[k].(int64)
	if !ok && m[k] != nil {
		d.fail(k, m[k], "an integer")
	}
	return v
}

func (d *decoder) f64(m map[string]any, k string) float64 {
	switch v := m[k].(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	case nil:
		return 0
	}
	d.fail(k, m[k], "a number")
	return 0
}

func (d *decoder) boolean(m map[string]any, k string) bool {
	v, ok := m[k].(bool)
	if !ok && m[k] != nil {
		d.fail(k, m[k], "a boolean")
	}
	return v
}

func (d *decoder) list(m map[string]any, k string) []any {
	v, ok := m[k].([]any)
	if !ok && m[k] != nil {
		d.fail(k, m[k], "a list")
	}
	return v
}

func (d *decoder) strs(m map[string]any, k string) []string {
	raw := d.list(m, k)
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		s, ok := v.(string)
		if !ok {
			d.fail(k, v, "a string")
			continue
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) maps(m map[string]any, k string) []map[string]any {
	raw := d.list(m, k)
	out := make([]map[string]any, 0, len(raw))
	for _, v := range raw {
		if v == nil {
			continue // head() of an empty comprehension
		}
		mm, ok := v.(map[string]any)
		if !ok {
			d.fail(k, v, "a map")
			continue
		}
		out = append(out, mm)
	}
	return out
}

func (d *decoder) sub(m map[string]any, k string) map[string]any {
	v, ok := m[k].(map[string]any)
	if !ok && m[k] != nil {
		d.fail(k, m[k], "a map")
	}
	return v
}

// record reads column k of rec as a map projection.
func (d *decoder) record(rec *neo4j.Record, k string) map[string]any {
	v, _, err := neo4j.GetRecordValue[map[string]any](rec, k)
	if err != nil && d.err == nil {
		d.err = fmt.Errorf("decode column %s: %w", k, err)
	}
	return v
}

// recordValue reads column k of rec as a T, recording a type error.
func recordValue[T neo4j.RecordValue](d *decoder, rec *neo4j.Record, k string) T {
	v, _, err := neo4j.GetRecordValue[T](rec, k)
	if err != nil && d.err == nil {
		d.err = fmt.Errorf("decode column %s: %w", k, err)
	}
	return v
}

// row decodes an initiative expression planned with p.
func (d *decoder) row(m map[string]any, p domain.InitiativePlan) *domain.InitiativeRow {
	r := &domain.InitiativeRow{Initiative: d.initiative(m), SortKey: d.str(m, "sortTitle")}
	if c := d.sub(m, "city"); c != nil {
		r.CityCountryName = d.str(c, "countryName")
	}
	if len(p.Similar) > 0 {
		r.Similar = make(map[string][]*domain.SimilarRow, len(p.Similar))
	}
	for k, s := range p.Similar {
		r.Similar[s.Key] = d.similar(d.maps(m, "sim"+strconv.Itoa(k)), s)
	}
	return r
}

// similar decodes a similar list planned with s.
func (d *decoder) similar(links []map[string]any, s domain.SimilarPlan) []*domain.SimilarRow {
	out := make([]*domain.SimilarRow, 0, len(links))
	for _, m := range links {
		link := &domain.SimilarRow{SimilarLink: domain.SimilarLink{
			To: d.str(m, "to"), Score: d.f64(m, "score"), TextScore: d.f64(m, "text"), ThemeScore: d.f64(m, "theme"),
			SemanticScore: d.f64(m, "sem"), SharedThemes: d.strs(m, "themes"), SharedTerms: d.strs(m, "terms"),
		}}
		if c := d.strs(m, "closest"); len(c) == 2 {
			link.ClosestFrom, link.ClosestTo = c[0], c[1]
		}
		if t := d.sub(m, "target"); t != nil {
			link.Target = d.row(t, s.Target)
		}
		if s.Links&domain.LinkThemeNodes == 0 {
			// Only the slugs were asked for: the themes are the link's
			// own slugs, in the nodes' order (by slug).
			slugs := slices.Sorted(slices.Values(link.SharedThemes))
			for _, slug := range slugs {
				link.Themes = append(link.Themes, &domain.Theme{Slug: slug})
			}
		}
		names := make([]string, 0, len(link.SharedThemes))
		for _, t := range d.maps(m, "themeNodes") { // stored order: by slug
			th := &domain.Theme{Slug: d.str(t, "slug"), Name: d.str(t, "name"), Description: d.str(t, "description")}
			link.Themes = append(link.Themes, th)
			names = append(names, th.Name)
		}
		if s.Links == domain.LinksAll {
			link.Reason = similarity.Reason(names, link.SharedTerms, link.ClosestFrom, link.ClosestTo)
		}
		out = append(out, link)
	}
	return out
}

// sources zips the parallel lists su (URLs), sm (methods) and sp (page
// counts) that stand in for a list of maps, which Neo4j properties cannot
// hold.
func (d *decoder) sources(m map[string]any) []domain.Source {
	urls, methods := d.strs(m, "su"), d.strs(m, "sm")
	pages := d.list(m, "sp") // absent on older data and most links
	out := make([]domain.Source, 0, len(urls))
	for i, u := range urls {
		s := domain.Source{URL: u}
		if i < len(methods) {
			s.Method = methods[i]
		}
		if i < len(pages) {
			n, _ := pages[i].(int64)
			s.Pages = int(n)
		}
		out = append(out, s)
	}
	return out
}

// initiative decodes an initiative's map projection (any parts).
func (d *decoder) initiative(m map[string]any) *domain.Initiative {
	in := &domain.Initiative{
		ID:              d.str(m, "key"),
		Title:           d.str(m, "title"),
		TitleDerived:    d.boolean(m, "titleDerived"),
		TitleIncomplete: d.boolean(m, "titleIncomplete"),
		Summary:         d.str(m, "summary"),
		AltTitles:       d.strs(m, "altTitles"),
		Covid:           d.boolean(m, "covid"),
		Sources:         d.sources(m),
		Themes:          []domain.ThemeAssignment{},
		Awards:          []domain.Award{},
	}
	if c := d.sub(m, "city"); c != nil {
		in.City = &domain.CityRef{
			ID: d.str(c, "id"), Name: d.str(c, "name"), CountryCode: d.str(c, "countryCode"),
			Lat: d.f64(c, "lat"), Lon: d.f64(c, "lon"), Population: int(d.i64(c, "population")),
			Confidence: d.f64(c, "confidence"), Evidence: d.str(c, "evidence"), Sources: d.sources(c),
			AltNames: d.strs(c, "altNames"),
		}
	}
	if l := d.str(m, "level"); l != "" {
		in.Level = &domain.LevelRef{Level: l, Confidence: d.f64(m, "levelConfidence"), Evidence: d.str(m, "levelEvidence"),
			Sources: d.sources(map[string]any{"su": m["levelSourceUrls"], "sm": m["levelSourceMethods"]})}
	}
	if c := d.sub(m, "country"); c != nil {
		in.Country = &domain.CountryRef{
			Code: d.str(c, "code"), Name: d.str(c, "name"),
			Confidence: d.f64(c, "confidence"), Evidence: d.str(c, "evidence"), Sources: d.sources(c),
		}
	}
	for _, t := range d.maps(m, "themes") {
		in.Themes = append(in.Themes, domain.ThemeAssignment{
			Slug: d.str(t, "slug"), Source: d.str(t, "source"), Confidence: d.f64(t, "confidence"),
			Terms: d.strs(t, "terms"), Sources: d.sources(t),
			Theme: &domain.Theme{Slug: d.str(t, "slug"), Name: d.str(t, "name"), Description: d.str(t, "description")},
		})
	}
	for _, a := range d.maps(m, "awards") {
		in.Awards = append(in.Awards, domain.Award{
			Year: int(d.i64(a, "year")), Status: d.str(a, "status"), Category: d.str(a, "category"), Sources: d.sources(a),
		})
	}
	sortInitiativeLinks(in)
	return in
}

// decodeErr wraps a decoder's error as an internal error of operation op.
func decodeErr(op string, d *decoder) error {
	if d.err == nil {
		return nil
	}
	return domain.Errorf(domain.EINTERNAL, "%s: %v", op, d.err)
}
