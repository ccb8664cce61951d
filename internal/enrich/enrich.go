// Package enrich turns the importer's raw records into domain initiatives:
// it resolves places with the gazetteer, assigns themes from categories and
// text with the taxonomy, keeps every fact's provenance and reports what it
// could not decide. It is pure (no database), so the dry run and the real
// import produce the same initiatives.
package enrich

import (
	"sort"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/gazetteer"
	"github.com/civicgraph/civicgraph/internal/importer"
	"github.com/civicgraph/civicgraph/internal/themes"
)

// Confidence given to facts stated by the showroom itself.
const (
	categoryConfidence = 0.95
	factConfidence     = 0.95
	userConfidence     = 1.0
	// strongTextTheme is the text confidence at which a theme is added
	// even when a category page already named one (initiatives span
	// themes; weaker text matches only fill in where no category exists).
	strongTextTheme = 0.6
)

// Issue is something the report lists about one initiative.
type Issue struct {
	Key, Title string
	Note       string
}

// Report collects what enrichment could not decide.
type Report struct {
	NoPlace   []Issue // neither city nor country
	Ambiguous []Issue // a place name with several candidates
	NoTheme   []Issue
	Conflicts []Issue // facts that disagree (e.g. two countries)
	// UndatedAwards counts finalist statuses dropped because the page's
	// year is unreliable.
	UndatedAwards int
}

// add appends o's findings to r (a field added to Report is merged here,
// beside its declaration).
func (r *Report) add(o Report) {
	r.NoPlace = append(r.NoPlace, o.NoPlace...)
	r.Ambiguous = append(r.Ambiguous, o.Ambiguous...)
	r.NoTheme = append(r.NoTheme, o.NoTheme...)
	r.Conflicts = append(r.Conflicts, o.Conflicts...)
	r.UndatedAwards += o.UndatedAwards
}

// Enricher holds the gazetteer and taxonomy.
type Enricher struct {
	Gaz *gazetteer.Gazetteer
	Tax *themes.Taxonomy
}

// Build enriches every record. The output is sorted by key. Records are
// enriched on every core (each is independent; the level rules' regular
// expressions are most of the time), in chunks whose reports are joined in
// record order, so the output and the report are those of one pass.
func (e *Enricher) Build(recs []*importer.Record) ([]*domain.Initiative, *Report) {
	out := make([]*domain.Initiative, len(recs))
	const chunk = 256
	reps := make([]Report, (len(recs)+chunk-1)/chunk)
	inChunks(len(recs), chunk, func(_, c, lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = e.one(recs[i], &reps[c])
		}
	})
	rep := &Report{}
	for _, r := range reps {
		rep.add(r)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out, rep
}

func firstURL(r *importer.Record) string {
	if len(r.Sources) > 0 {
		return r.Sources[0].URL
	}
	return ""
}

func (e *Enricher) one(r *importer.Record, rep *Report) *domain.Initiative {
	in := &domain.Initiative{
		ID: r.Key, Title: r.Title, TitleDerived: r.TitleDerived, TitleIncomplete: r.TitleIncomplete, AltTitles: r.AltTitles,
		Summary: r.Summary, Covid: r.Covid, Sources: dedupeSources(r.Sources),
		Themes: []domain.ThemeAssignment{}, Awards: []domain.Award{},
	}
	issue := func(note string) Issue { return Issue{Key: r.Key, Title: r.Title, Note: note} }

	// Country facts from the page structure, URL or user file.
	var factCountry *domain.CountryRef
	for _, f := range r.CountryNames {
		var c gazetteer.Country
		var ok bool
		if f.Code != "" {
			c, ok = e.Gaz.CountryByCode(f.Code)
		} else {
			c, ok = e.Gaz.CountryByName(f.Name)
		}
		if !ok {
			rep.Conflicts = append(rep.Conflicts, issue("unknown country name "+strconv.Quote(f.Name)))
			continue
		}
		switch {
		case factCountry == nil:
			factCountry = &domain.CountryRef{Code: c.Code, Name: c.Name, Confidence: factConfidence, Evidence: f.Name, Sources: []domain.Source{f.Source}}
		case factCountry.Code == c.Code:
			factCountry.Sources = appendSource(factCountry.Sources, f.Source)
		default:
			rep.Conflicts = append(rep.Conflicts, issue("country facts disagree: "+factCountry.Code+" vs "+c.Code))
		}
	}
	var hints gazetteer.Hints
	if factCountry != nil {
		hints.CountryCodes = []string{factCountry.Code}
	}

	textSource := domain.Source{URL: firstURL(r), Method: domain.MethodText}
	var res gazetteer.Resolution
	findings := e.Gaz.Findings(r.Title, r.Summary)
	if r.CityID != "" {
		// A user file gives the city's GeoNames id (civicgraph's own
		// exports do): exact, unless the gazetteer does not know it.
		if id, err := strconv.ParseInt(r.CityID, 10, 64); err == nil {
			if c, ok := e.Gaz.CityByID(id); ok {
				in.City = cityRef(c, userConfidence, c.Name, domain.Source{URL: firstURL(r), Method: domain.MethodUserFile})
			}
		}
	}
	if in.City != nil {
		// found by id
	} else if r.CityName != "" {
		// A user file names the city: look it up, no text guessing.
		cc := ""
		if factCountry != nil {
			cc = factCountry.Code
		}
		if c, ok := e.Gaz.CityByName(r.CityName, cc); ok {
			in.City = cityRef(c, userConfidence, r.CityName, domain.Source{URL: firstURL(r), Method: domain.MethodUserFile})
		} else {
			rep.Ambiguous = append(rep.Ambiguous, issue("city "+strconv.Quote(r.CityName)+" not found or ambiguous in the gazetteer"))
		}
	} else {
		res = e.Gaz.Resolve(r.Title, r.Summary, hints)
		switch {
		case res.City != nil:
			in.City = cityRef(*res.City, res.Confidence, res.Evidence, textSource)
		case len(res.Ambiguous) > 0:
			names := make([]string, 0, len(res.Ambiguous))
			for _, c := range res.Ambiguous {
				names = append(names, c.Name+" ("+c.CountryCode+")")
			}
			rep.Ambiguous = append(rep.Ambiguous, issue("ambiguous place: "+strings.Join(names, ", ")+"; "+res.Note))
		}
		if in.City == nil && res.Country != nil && factCountry == nil && res.Method != "hint" {
			in.Country = &domain.CountryRef{Code: res.Country.Code, Name: res.Country.Name, Confidence: res.Confidence,
				Evidence: res.Evidence, Sources: []domain.Source{textSource}}
		}
	}
	if r.CityName == "" && r.CityID == "" {
		e.applyFindings(r, in, findings, factCountry, rep)
	}
	if in.City != nil && factCountry != nil && in.City.CountryCode != factCountry.Code {
		// The page says one country, the text names a city elsewhere:
		// keep the stated fact, drop the guess, report it.
		rep.Conflicts = append(rep.Conflicts, issue("city "+in.City.Name+" ("+in.City.CountryCode+") is not in the stated country "+factCountry.Code))
		in.City = nil
	}
	switch {
	case factCountry != nil:
		in.Country = factCountry
	case in.City != nil:
		// The country follows from the city, with the city's provenance
		// (text, or a user file's city column).
		if c, ok := e.Gaz.CountryByCode(in.City.CountryCode); ok {
			in.Country = &domain.CountryRef{Code: c.Code, Name: c.Name, Confidence: in.City.Confidence,
				Evidence: in.City.Evidence, Sources: append([]domain.Source(nil), in.City.Sources...)}
		}
	}
	if in.City == nil && in.Country == nil {
		rep.NoPlace = append(rep.NoPlace, issue("no place found in title or summary"))
	}

	in.Level = e.levelOf(r.Title, r.Summary, in.City, res, findings, textSource)

	e.assignThemes(r, in)
	in.Covid = IsCovid(in.Themes)
	if len(in.Themes) == 0 {
		rep.NoTheme = append(rep.NoTheme, issue("no category and no theme keywords"))
	}

	in.Awards = append(in.Awards, r.Awards...)
	rep.UndatedAwards += len(r.UndatedAwards)
	return in
}

func (e *Enricher) assignThemes(r *importer.Record, in *domain.Initiative) {
	bySlug := map[string]int{}
	add := func(t domain.ThemeAssignment, src domain.Source) {
		if k, ok := bySlug[t.Slug]; ok {
			in.Themes[k].Sources = appendSource(in.Themes[k].Sources, src)
			return
		}
		if _, ok := e.Tax.Theme(t.Slug); !ok {
			return
		}
		t.Sources = []domain.Source{src}
		bySlug[t.Slug] = len(in.Themes)
		in.Themes = append(in.Themes, t)
	}
	for _, s := range r.ThemeSlugs {
		add(domain.ThemeAssignment{Slug: s, Source: domain.ThemeSourceUser, Confidence: userConfidence},
			domain.Source{URL: firstURL(r), Method: domain.MethodUserFile})
	}
	if r.ThemesComplete {
		in.ThemesComplete = true
		return
	}
	for _, c := range r.Categories {
		for _, slug := range e.Tax.ForCategory(c.Slug) {
			add(domain.ThemeAssignment{Slug: slug, Source: domain.ThemeSourceCategory, Confidence: categoryConfidence}, c.Source)
		}
	}
	if r.Covid {
		for _, slug := range e.Tax.ForCategory("covid-19-strategies") {
			add(domain.ThemeAssignment{Slug: slug, Source: domain.ThemeSourceCategory, Confidence: categoryConfidence},
				domain.Source{URL: coronavirusSource(r), Method: domain.MethodURLCategory})
		}
	}
	hadCategory := len(in.Themes) > 0
	for _, m := range e.Tax.Classify(r.Title, r.Summary) {
		if hadCategory && m.Confidence < strongTextTheme {
			continue
		}
		add(domain.ThemeAssignment{Slug: m.Slug, Source: domain.ThemeSourceText, Confidence: round3(m.Confidence), Terms: m.Terms},
			domain.Source{URL: firstURL(r), Method: domain.MethodText})
	}
}

// IsCovid is the one rule for the covid flag: an initiative is a COVID-19
// measure exactly when it carries the COVID-19 theme (domain.CovidTheme),
// whatever gave it the theme: a covid-19-strategies category page, one of
// the showroom's coronavirus-crisis pages (which always add the theme), a
// user file, COVID keywords in its title or summary (the taxonomy's
// covid-19 terms, at the usual text-theme thresholds) or a curator. So
// filter {covid: true} and themes: ["covid-19"] select the same
// initiatives; the store applies the same rule after curation.
func IsCovid(ts []domain.ThemeAssignment) bool {
	for _, t := range ts {
		if t.Slug == domain.CovidTheme {
			return true
		}
	}
	return false
}

// coronavirusSource is the first source on a coronavirus page.
func coronavirusSource(r *importer.Record) string {
	for _, s := range r.Sources {
		if strings.Contains(s.URL, "coronavirus") {
			return s.URL
		}
	}
	return firstURL(r)
}

func cityRef(c gazetteer.City, conf float64, evidence string, src domain.Source) *domain.CityRef {
	return &domain.CityRef{
		ID: strconv.FormatInt(c.ID, 10), Name: c.Name, CountryCode: c.CountryCode,
		Lat: c.Lat, Lon: c.Lon, Population: c.Population, AltNames: c.AlternateNames(),
		Confidence: round3(conf), Evidence: evidence, Sources: []domain.Source{src},
	}
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

func appendSource(ss []domain.Source, s domain.Source) []domain.Source {
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}

func dedupeSources(ss []domain.Source) []domain.Source {
	out := make([]domain.Source, 0, len(ss))
	for _, s := range ss {
		out = appendSource(out, s)
	}
	return out
}

// ThemeList returns the taxonomy's themes as domain values.
func ThemeList(t *themes.Taxonomy) []domain.Theme {
	ts := t.Themes()
	out := make([]domain.Theme, len(ts))
	for i, th := range ts {
		out[i] = domain.Theme{Slug: th.Slug, Name: th.Name, Description: th.Description}
	}
	return out
}

// findingConfidence is the confidence of a country read from an institution
// or subdivision, and of a title place (a small town named by a title whose
// text says it is a place).
var findingConfidence = map[string]float64{
	gazetteer.EvidenceInstitution: 0.8,
	gazetteer.EvidenceSubdivision: 0.75,
	gazetteer.EvidenceTitlePlace:  0.7,
}

// applyFindings adds the place evidence Resolve does not read (national
// institutions, ISO 3166-2 subdivisions, a small place in the title) where
// the initiative has no place yet. Findings that name different countries
// give nothing (ambiguity stays unknown); a finding that disagrees with a
// country the page states or the text names is reported as a conflict and
// not used.
func (e *Enricher) applyFindings(r *importer.Record, in *domain.Initiative, fs []gazetteer.Finding, fact *domain.CountryRef, rep *Report) {
	if len(fs) == 0 {
		return
	}
	issue := func(note string) Issue { return Issue{Key: r.Key, Title: r.Title, Note: note} }
	known := ""
	switch {
	case fact != nil:
		known = fact.Code
	case in.City != nil:
		known = in.City.CountryCode
	case in.Country != nil:
		known = in.Country.Code
	}
	var use *gazetteer.Finding
	for k := range fs {
		f := &fs[k]
		if known != "" && f.Country != known {
			rep.Conflicts = append(rep.Conflicts, issue(f.Kind+" "+strconv.Quote(f.Evidence)+" says "+f.Country+", not "+known+"; not used"))
			continue
		}
		if use != nil && use.Country != f.Country {
			rep.Ambiguous = append(rep.Ambiguous, issue("place evidence disagrees: "+use.Evidence+" ("+use.Country+") vs "+f.Evidence+" ("+f.Country+"); left unknown"))
			return
		}
		if use == nil || (use.City == nil && f.City != nil) {
			use = f
		}
	}
	if use == nil {
		return
	}
	src := domain.Source{URL: firstURL(r), Method: use.Kind}
	conf := findingConfidence[use.Kind]
	if use.City != nil && in.City == nil {
		in.City = cityRef(*use.City, conf, use.Evidence, src)
		return
	}
	if in.City == nil && in.Country == nil && fact == nil {
		if c, ok := e.Gaz.CountryByCode(use.Country); ok {
			in.Country = &domain.CountryRef{Code: c.Code, Name: c.Name, Confidence: conf, Evidence: use.Evidence, Sources: []domain.Source{src}}
		}
	}
}
