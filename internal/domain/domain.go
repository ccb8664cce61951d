// Package domain holds civicgraph's core types in the words its users use —
// initiatives, cities, countries, themes, award years — and the error type
// every layer shares. It imports nothing but the standard library, so the
// importer, the Neo4j adapter and the GraphQL layer can all depend on it
// without depending on each other.
package domain

// Provenance methods. Every fact in the graph carries the method that
// produced it, so a reader can judge how far to trust it.
const (
	// MethodListing: the initiative was listed on a showroom page.
	MethodListing = "listing"
	// MethodURLCategory: the theme came from the page URL's project_cat or
	// a finalists-page category.
	MethodURLCategory = "url-category"
	// MethodURLCountry: the country came from a country= page filter.
	MethodURLCountry = "url-country"
	// MethodURLYear: the award year came from a project_year= page filter.
	MethodURLYear = "url-year"
	// MethodPageStructure: a fact stated by the page layout itself, such as
	// a "Title, Country" bullet or a "Projektland:" line.
	MethodPageStructure = "page-structure"
	// MethodWinnersFooter: the site-wide "The Winners of the Innovation in
	// Politics Awards YYYY" footer.
	MethodWinnersFooter = "winners-footer"
	// MethodText: extracted from title or summary text (gazetteer, theme
	// keywords).
	MethodText = "text"
	// MethodTitlePlace: a small place named at the edge of the title
	// ("Innovative School Wutöschingen") whose text says it is a place.
	MethodTitlePlace = "title-place"
	// MethodInstitution: a national institution named in the text
	// (Bundestag → DE) from a curated table.
	MethodInstitution = "institution"
	// MethodSubdivision: an ISO 3166-2 subdivision named in the text
	// (Angus, a Scottish council area → GB).
	MethodSubdivision = "subdivision"
	// MethodUserFile: supplied by a user's JSON Lines or CSV file.
	MethodUserFile = "user-file"
	// MethodCuration: set through a curation mutation.
	MethodCuration = "curation"
)

// Theme assignment sources, as the import contract names them.
const (
	ThemeSourceCategory = "category"
	ThemeSourceText     = "text"
	ThemeSourceUser     = "user"
)

// CovidTheme is the slug of the COVID-19 theme. The covid flag of an
// initiative is true exactly when it carries this theme (see
// enrich.IsCovid); the store keeps the flag in step when curators link or
// unlink the theme.
const CovidTheme = "covid-19"

// Levels of government, as LevelRef.Level and the API's GovernmentLevel.
const (
	LevelMunicipal     = "MUNICIPAL"
	LevelRegional      = "REGIONAL"
	LevelNational      = "NATIONAL"
	LevelInternational = "INTERNATIONAL"
	LevelCivilSociety  = "CIVIL_SOCIETY"
)

// Levels lists the levels in their order in the API.
var Levels = []string{LevelMunicipal, LevelRegional, LevelNational, LevelInternational, LevelCivilSociety}

// LevelRef is an initiative's level of government (who runs it) with its
// provenance, like a place: nil when the text does not say.
type LevelRef struct {
	Level      string   `json:"level"`
	Confidence float64  `json:"confidence,omitempty"`
	Evidence   string   `json:"evidence,omitempty"`
	Sources    []Source `json:"sources,omitempty"`
}

// Award statuses.
const (
	AwardWinner   = "winner"
	AwardFinalist = "finalist"
	// AwardEntry: listed under an award year without a known finalist or
	// winner status.
	AwardEntry = "entry"
)

// AwardRank orders award statuses: winner 3, finalist 2, entry 1, else 0.
// Merging two records of one initiative keeps the higher status per year.
func AwardRank(status string) int {
	switch status {
	case AwardWinner:
		return 3
	case AwardFinalist:
		return 2
	case AwardEntry:
		return 1
	}
	return 0
}

// Source is where a fact came from: a page URL (or file path for pages
// without a URL line) and the method that read it.
type Source struct {
	URL    string `json:"url"`
	Method string `json:"method"`
	// Pages, for a fact that many pages repeat word for word (the
	// site-wide winners footer), is how many pages carry it; URL is then
	// the first of them. Zero for ordinary sources (one page each).
	Pages int `json:"pages,omitempty"`
}

// CityRef is an initiative's city as resolved against the gazetteer.
type CityRef struct {
	// ID is the stable key: the GeoNames id as a decimal string.
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	CountryCode string  `json:"countryCode"`
	Lat         float64 `json:"lat"`
	Lon         float64 `json:"lon"`
	Population  int     `json:"population,omitempty"`
	// AltNames are the gazetteer's alternate names and exonyms of the
	// city (Aarhus for Århus, Wien for Vienna); lookups search them.
	AltNames []string `json:"altNames,omitempty"`
	// Confidence is in [0,1]; Method and Evidence say how it was found.
	Confidence float64  `json:"confidence,omitempty"`
	Evidence   string   `json:"evidence,omitempty"`
	Sources    []Source `json:"sources,omitempty"`
}

// CountryRef is an ISO 3166-1 alpha-2 country.
type CountryRef struct {
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	Confidence float64  `json:"confidence,omitempty"`
	Evidence   string   `json:"evidence,omitempty"`
	Sources    []Source `json:"sources,omitempty"`
}

// ThemeAssignment links an initiative to a theme of the taxonomy.
type ThemeAssignment struct {
	Slug       string   `json:"slug"`
	Source     string   `json:"source"` // ThemeSourceCategory | ThemeSourceText | ThemeSourceUser
	Confidence float64  `json:"confidence"`
	Terms      []string `json:"terms,omitempty"` // keywords that matched, for text assignments
	Sources    []Source `json:"sources,omitempty"`
	// Theme is the theme node when the store read it along with the
	// assignment (so the API needs no second query); nil otherwise.
	Theme *Theme `json:"-"`
}

// Award is an initiative's entry in one award year.
type Award struct {
	Year     int      `json:"year"`
	Status   string   `json:"status"`             // AwardWinner | AwardFinalist | AwardEntry
	Category string   `json:"category,omitempty"` // award category slug when known
	Sources  []Source `json:"sources,omitempty"`
}

// Initiative is one political-innovation case, the graph's central node.
type Initiative struct {
	// ID is the stable key (a slug of the normalised title, or of the
	// summary for untitled descriptions); imports MERGE on it.
	ID           string `json:"id"`
	Title        string `json:"title"`
	TitleDerived bool   `json:"titleDerived"`
	// TitleIncomplete marks a title the pages printed cut: without its
	// start ("– Citizen Participation Platform", shown without the dash) or
	// a single word too short to be the whole name ("Fee").
	TitleIncomplete bool        `json:"titleIncomplete,omitempty"`
	AltTitles       []string    `json:"altTitles,omitempty"`
	Summary         string      `json:"summary"`
	City            *CityRef    `json:"city"`
	Country         *CountryRef `json:"country"`
	// Level is the level of government the text names; nil when unknown.
	Level   *LevelRef         `json:"level"`
	Themes  []ThemeAssignment `json:"themes"`
	Awards  []Award           `json:"awards"`
	Sources []Source          `json:"sources"`
	// Covid marks COVID-19 measures: true exactly when the initiative has
	// the CovidTheme theme (from a covid-19 category page, a coronavirus
	// crisis page, a user file, COVID keywords in its text, or curation).
	Covid bool `json:"covid,omitempty"`
	// MergedKeys are the keys of near-duplicate initiatives merged into
	// this one at import (see enrich.MergeDuplicates), so a later import
	// or a curator can find what became of them.
	MergedKeys []string `json:"mergedKeys,omitempty"`
	// ThemesComplete marks themes a user file stated as complete (see
	// importer.Record.ThemesComplete): enrichment adds none. Not stored.
	ThemesComplete bool `json:"-"`
}
