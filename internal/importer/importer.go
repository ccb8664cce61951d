// Package importer turns the text of "Best Practice in Politics" showroom
// pages, and users' JSON Lines or CSV files, into raw initiative facts.
//
// It works in two steps. ParsePage reads one page into a Page: the facts its
// URL states (category, award year, finalists filter, country, programme,
// search term) and the initiatives it lists, in page order, each with the
// line it was read from. Merge then gathers the entries of many pages into
// one Record per initiative, keeping every fact with the page and method it
// came from, so that a reader can judge how far to trust it.
//
// The importer states only what the pages state. Places and themes are
// resolved elsewhere (the gazetteer and themes packages); a fact the pages do
// not give stays unknown rather than guessed.
package importer

import "github.com/civicgraph/civicgraph/internal/domain"

// Page kinds, as reported in PageFacts.Kind. The kind decides how the body
// of a page is read.
const (
	KindListing     = "listing"            // showroom listing (filters in the query)
	KindSearch      = "search"             // showroom search_term listing
	KindFinalists   = "finalists"          // finalists-YYYY-CAT, ?p=…, the-finalists-CAT
	KindProfiles    = "finalists-profiles" // the-finalists-CAT: title, people, tagline, text
	KindAwards2020  = "awards-2020"        // untitled descriptions of the 2020 awards
	KindAwards2223  = "awards-22-23"       // "Title, Country" bullets
	KindHub         = "best-practices-hub" // untitled descriptions under Winners/Finalists YYYY
	KindDEWinners   = "de-winners"         // German page: Kategorie:/Projekt:/Projektland:
	KindIPI         = "ipi"                // ipi-project-programme / ipi-project-tag lists
	KindCovid       = "covid"              // coping-with-the-coronavirus-crisis measures
	KindClimateList = "climate-list"       // "10 projects where …" article
	KindSeed        = "seed"               // a page without a URL line
)

// Page is one parsed showroom page.
type Page struct {
	// Path is the file the page was read from.
	Path string
	// URL is the address on the page's "URL:" line, or "" for pages
	// without one (seeds); SourceURL then falls back to "file:"+base name.
	URL   string
	Facts PageFacts
	// Entries are the initiatives listed in the page body, in page order,
	// without repeated blocks (see Duplicates).
	Entries []Entry
	// Winners is the site-wide "The Winners / of the Innovation in Politics
	// Awards YYYY" footer. It states facts about those initiatives, not about
	// the page's filter.
	Winners []FooterWinner
	// Duplicates counts entries dropped because the same title and summary
	// already appeared on the page (repeated blocks).
	Duplicates int
	// Warnings describe what the parser repaired or ignored, with line
	// numbers: truncated lines, glued lines split, unknown headers.
	Warnings []string

	seen map[string]int // folded title|summary -> first line, for Duplicates
}

// PageFacts are the facts a page states about everything it lists.
type PageFacts struct {
	// Category is the project_cat slug, or the category of a finalists page
	// (community, democracy, …, human-rights, quality-of-life); "" if none.
	Category string
	// Year is the award year from project_year; 0 when unknown. The 2020 in
	// finalists-2020-* URLs is not reliable and is never used.
	Year int
	// Finalists is true for ipa-filter=finalists and finalists pages.
	Finalists bool
	// Country is the ISO 3166-1 alpha-2 code of the country= filter when the
	// slug is known; CountryName is its English name (or the slug, title-cased,
	// when the code is unknown).
	Country     string
	CountryName string
	// Programme is the prog= slug (innovation-in-politics-awards, act-now, …).
	Programme string
	// Search is the search_term.
	Search string
	// Covid marks coping-with-the-coronavirus-crisis pages: COVID-19
	// measures, not award entries.
	Covid bool
	// Lang is "en", "de" or "sv", guessed from the text.
	Lang string
	// Kind is one of the Kind* constants.
	Kind string
}

// Entry is one initiative as one page lists it.
type Entry struct {
	// Title is the title as printed ("" for a description without title).
	Title string
	// TitleDerived is never set by ParsePage; Merge derives titles.
	TitleDerived bool
	// TitleFragment marks a title that lost its beginning (it started with
	// a dash, e.g. "– The New Era of Government"); Title then holds the rest.
	TitleFragment bool
	Summary       string
	// SummaryFragment marks a summary split off a glued line: it may start
	// mid-sentence.
	SummaryFragment bool
	// CountryName comes from a "Title, Country" bullet or a "Projektland:"
	// line, verbatim; "" if the page does not say.
	CountryName string
	// Category is the per-entry category when the page states it
	// ("Kategorie:" lines, hub sections); "" otherwise.
	Category string
	// Year and Status are set when the page states them for this entry
	// (domain.AwardWinner, domain.AwardFinalist, domain.AwardEntry).
	Year   int
	Status string
	// Truncated marks an entry cut off by the end of the page: its summary
	// (or, with no summary, its title) is incomplete.
	Truncated bool
	// Line is the 1-based line number of the entry's first line in the file.
	Line int
}

// FooterWinner is one initiative of the site-wide winners footer.
type FooterWinner struct {
	// Year is the footer's award year; 0 when the footer was cut before it.
	// "2022/2023" is read as 2023, the year of that edition's ceremony and of
	// the showroom's project_year filter.
	Year      int
	Title     string
	Summary   string
	Truncated bool
	Line      int
}

// CountryFact is a country an initiative is said to belong to.
type CountryFact struct {
	// Name is the name as the source gives it (e.g. "Germany",
	// "Deutschland", "Austria").
	Name string
	// Code is the ISO alpha-2 code when the source gives one (URL country
	// filter, user file); "" otherwise — resolution happens elsewhere.
	Code   string
	Source domain.Source
}

// CategoryFact is a showroom or award category slug with its source
// (method url-category or page-structure).
type CategoryFact struct {
	Slug   string
	Source domain.Source
}

// Record is one initiative gathered across pages (or read from a user
// file), before place and theme enrichment.
type Record struct {
	// Key is the stable key: the slug of the normalised title; for
	// descriptions without title, a slug of the summary's first words.
	Key string
	// Title is the display title as printed (curly quotes kept). With
	// TitleDerived it was made from the summary's first words; with
	// TitleIncomplete it is a fragment the page printed without its start.
	Title           string
	TitleDerived    bool
	TitleIncomplete bool
	AltTitles       []string
	// Summary is the longest complete summary seen; SummaryTruncated is set
	// when only cut-off summaries were seen.
	Summary          string
	SummaryTruncated bool
	CountryNames     []CountryFact
	Categories       []CategoryFact
	// Awards has one element per award year, with the strongest status seen
	// (winner > finalist > entry) and every source.
	Awards []domain.Award
	// UndatedAwards holds finalist statuses from pages whose year is not
	// reliable (finalists-2020-* pages); Year is 0.
	UndatedAwards []domain.Award
	Covid         bool
	// Sources lists every page the initiative appeared on: method listing
	// for the page body, winners-footer for the footer, user-file for users'
	// files.
	Sources []domain.Source
	// CityName and ThemeSlugs are filled from users' files only; enrichment
	// resolves them elsewhere.
	CityName   string
	ThemeSlugs []string
	// CityID, from users' files only, is the city's GeoNames id; it wins
	// over CityName when the gazetteer knows it.
	CityID string
	// ThemesComplete, from users' files only, says ThemeSlugs are all the
	// initiative's themes: none is added from categories, keywords or
	// meaning (what civicgraph's own exports state, so they re-import
	// to the same themes).
	ThemesComplete bool
}

// MergeStats summarise a Merge.
type MergeStats struct {
	Pages   int
	Entries int // body entries after in-page de-duplication
	// FooterEntries counts winners-footer items read.
	FooterEntries int
	Records       int
	// DuplicatesCollapsed counts repeated blocks dropped inside pages.
	DuplicatesCollapsed int
	// OrphanSummaries counts entries with a summary and no title;
	// OrphansMerged how many were joined to a titled record.
	OrphanSummaries int
	OrphansMerged   int
	// OrphansParaphrased counts the orphans among OrphansMerged that were
	// joined by paraphrase (see joinParaphrases), not by identical text.
	OrphansParaphrased int
	// TitlesMergedBySummary counts groups of different titles joined because
	// their summaries matched.
	TitlesMergedBySummary int
	// TruncatedMatched / TruncatedDropped count cut-off entries without a
	// usable summary that were matched to a record by prefix, or dropped.
	TruncatedMatched int
	TruncatedDropped int
	TitleDerived     int
	WithCountry      int
	WithAwardYear    int
	Winners          int
	Covid            int
}
