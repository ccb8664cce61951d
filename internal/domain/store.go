package domain

import (
	"context"
	"strings"
)

// City is a gazetteer city that has (or may have) initiatives.
type City struct {
	ID          string // GeoNames id
	Name        string
	CountryCode string
	Lat, Lon    float64
	Population  int
	// AltNames are GeoNames alternate names and exonyms (Aarhus, Wien);
	// cities(name:) and search find the city by them.
	AltNames []string
}

// Country is an ISO 3166-1 country.
type Country struct {
	Code string
	Name string
}

// Theme is a taxonomy theme.
type Theme struct {
	Slug        string
	Name        string
	Description string
}

// Counted is a node with its number of initiatives, as lists ranked by
// that number read it (the count is read state, kept off the node).
type Counted[T any] struct {
	Node  *T
	Count int
}

// AwardYear is one year of the Innovation in Politics Awards.
type AwardYear struct {
	Year int
}

// InitiativeFilter selects initiatives; see schema.graphql.
type InitiativeFilter struct {
	Text      string
	Themes    []string
	Cities    []string // GeoNames ids
	Countries []string // ISO codes, upper case
	Years     []int
	Status    []string // AwardWinner, AwardFinalist, AwardEntry
	Covid     *bool
	Levels    []string // LevelMunicipal … LevelCivilSociety
}

// Order fields for initiatives.
const (
	OrderTitle = "TITLE"
	OrderYear  = "YEAR"
	OrderCity  = "CITY"
)

// InitiativeOrder sorts initiatives.
type InitiativeOrder struct {
	Field string
	Desc  bool
	// AfterSortKey, for title order (see Keyset), starts the page after
	// the initiative with this sort key (keyset paging: an index seek,
	// however deep the page, and no item skipped or repeated when others
	// are added or removed meanwhile). The offset passed with it is then
	// ignored.
	AfterSortKey string
}

// Keyset reports whether pages in this order, with this filter, are in
// title order and so can continue after a sort key (see AfterSortKey).
// Year, city and relevance orders page by offset.
func (o InitiativeOrder) Keyset(f InitiativeFilter) bool {
	return o.Field == OrderTitle || (o.Field == "" && strings.TrimSpace(f.Text) == "")
}

// FacetCount is one facet bucket.
type FacetCount struct {
	Value string
	Label string
	Count int
}

// Facets are counts of a filtered set.
type Facets struct {
	Themes, Countries, Years, Status, Levels []FacetCount
}

// Coverage counts how many initiatives have each kind of fact; what is not
// counted is unknown.
type Coverage struct {
	Initiatives, WithCity, WithCountry, CountryOnly, WithoutPlace int
	WithYear, WithLevel, WithTheme, DerivedTitles, Covid          int
}

// Owner kinds for batched edge lookups.
const (
	KindInitiative = "initiative"
	KindCity       = "city"
	KindCountry    = "country"
	KindTheme      = "theme"
	KindYear       = "year"
)

// SimilarLink is a precomputed similarity link.
type SimilarLink struct {
	To         string // initiative key
	Score      float64
	TextScore  float64
	ThemeScore float64
	// SemanticScore is the rescaled passage cosine (0 when scored
	// lexically); ClosestFrom and ClosestTo the two sentences closest in
	// meaning, when known.
	SemanticScore          float64
	ClosestFrom, ClosestTo string
	SharedThemes           []string
	SharedTerms            []string
	Reason                 string
}

// SearchQuery is one search: its text, how many hits, the plan of the
// hits' initiatives, and whether the hits' matched terms are wanted (they
// are found in the title, summary and place names, which are then read).
type SearchQuery struct {
	Text         string
	First        int
	Plan         InitiativePlan
	MatchedTerms bool
}

// SearchHit is a full-text hit.
type SearchHit struct {
	Key          string
	Score        float64
	MatchedTerms []string
	// ByWords and ByMeaning say which list found it (full-text, vector).
	ByWords, ByMeaning bool
	// Initiative is the hit, read by the search's plan.
	Initiative *InitiativeRow
}

// SimilarCity is a city with a theme-profile similarity.
type SimilarCity struct {
	CityID       string
	Score        float64
	SharedThemes []string
}

// GraphNode and GraphEdge form a drawable graph.
type GraphNode struct {
	ID         string // global id
	Kind       string // Kind* constant
	Label      string
	Properties map[string]string
}

// GraphEdge connects two GraphNode ids.
type GraphEdge struct {
	Source, Target, Type string
	Weight               float64
}

// Graph is a set of nodes and edges.
type Graph struct {
	Nodes     []GraphNode
	Edges     []GraphEdge
	Truncated bool
}

// ThemeYearCount, ThemeCountryCount, CityRank and ThemePair are chart rows.
type ThemeYearCount struct {
	Theme string
	Year  int
	Count int
	// Total is the number of initiatives with an award in Year (after the
	// same filters); Share is Count/Total, 0 when Total is 0.
	Total int
	Share float64
}

// ThemeCountryCount counts initiatives per theme and country.
type ThemeCountryCount struct {
	Theme   string
	Country string
	Count   int
	// Total is the number of initiatives in Country; Share is Count/Total.
	Total int
	Share float64
}

// CityRank counts initiatives per city.
type CityRank struct {
	CityID string
	Count  int
}

// ThemePair is a co-occurrence of two themes.
type ThemePair struct {
	A, B    string
	Count   int
	Jaccard float64
	Lift    float64
}

// ReadStore is everything the API reads. Methods that take many keys are
// batch methods for per-request dataloaders: results are aligned with or
// keyed by the input, and a missing key is simply absent (never an error).
// Every method may fail with EUNAVAILABLE when the database cannot be
// reached and EINTERNAL otherwise; those that validate input say so.
type ReadStore interface {
	// Initiative reads one initiative by key as plan asks, in one
	// statement; nil when there is none.
	Initiative(ctx context.Context, key string, plan InitiativePlan) (*InitiativeRow, error)
	// InitiativePage reads what q selects of a filtered, ordered set in
	// one statement: a page (each initiative read as q.Plan asks), the
	// set's size, its facets, and which of the filter's themes the graph
	// does not have. EINVALID for a bad filter (text without words).
	InitiativePage(ctx context.Context, q PageQuery) (*InitiativePage, error)
	// InitiativesByKeys returns whole initiatives keyed by key (exports).
	InitiativesByKeys(ctx context.Context, keys []string) (map[string]*Initiative, error)
	// InitiativesOf returns, per owner key of the given kind (city, country,
	// theme, year), a page of its initiatives by title, read as plan asks.
	InitiativesOf(ctx context.Context, kind string, keys []string, first, offset int, plan InitiativePlan) (map[string][]*InitiativeRow, error)
	// CountOf returns, per owner key of the given kind, its initiative count.
	CountOf(ctx context.Context, kind string, keys []string) (map[string]int, error)
	// WinnersOf returns the winners per award year, read as plan asks.
	WinnersOf(ctx context.Context, years []int, plan InitiativePlan) (map[int][]*InitiativeRow, error)
	// SimilarOf returns the precomputed similar links per initiative key,
	// the linked initiatives read as target asks; a key without an
	// initiative is absent, one without links maps to an empty list.
	SimilarOf(ctx context.Context, keys []string, plan SimilarPlan) (map[string][]*SimilarRow, error)
	// City reads one city with its initiative count and, in the same
	// statement, the pages of its initiatives that pages ask for (results
	// aligned with pages); nil when there is no such city.
	City(ctx context.Context, id string, pages []PagePlan) (*Counted[CityRow], [][]*InitiativeRow, error)
	// CitiesByIDs, CountriesByCodes and ThemesBySlugs look up nodes.
	CitiesByIDs(ctx context.Context, ids []string) (map[string]*CityRow, error)
	CountriesByCodes(ctx context.Context, codes []string) (map[string]*Country, error)
	ThemesBySlugs(ctx context.Context, slugs []string) (map[string]*Theme, error)
	// CitiesOfCountries returns per country its cities with initiatives, most first.
	CitiesOfCountries(ctx context.Context, codes []string, first int) (map[string][]*CityRow, error)
	// Cities lists cities with initiatives, most initiatives first, with
	// their counts and the size of the whole list.
	Cities(ctx context.Context, countries []string, namePrefix string, first, offset int) ([]Counted[CityRow], int, error)
	// Countries lists countries with initiatives, most first.
	Countries(ctx context.Context, first, offset int) ([]Counted[Country], int, error)
	// Themes lists themes, most initiatives first.
	Themes(ctx context.Context, first, offset int) ([]Counted[Theme], int, error)
	// AwardYears lists award years ascending.
	AwardYears(ctx context.Context) ([]*AwardYear, error)
	// Search runs a hybrid query, the hits read as q.Plan asks, with their
	// matched terms when q asks for them. EINVALID for an empty query.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
	// SimilarCities ranks cities by shared themes. ENOTFOUND for an unknown city.
	SimilarCities(ctx context.Context, cityID string, first int) ([]SimilarCity, error)
	// Connection finds shortest paths between two nodes (global ids);
	// nil graph when none. ENOTFOUND for an unknown node.
	Connection(ctx context.Context, from, to string, maxHops int, structuralOnly bool) (*Graph, error)
	// Neighbourhood returns the graph around a node. ENOTFOUND for an unknown node.
	Neighbourhood(ctx context.Context, id string, depth, limit int) (*Graph, error)
	// Aggregations for charts.
	ThemeTrends(ctx context.Context, themes, countries []string) ([]ThemeYearCount, error)
	ThemeByCountry(ctx context.Context, themes []string) ([]ThemeCountryCount, error)
	CityRanking(ctx context.Context, theme, country string, first int) ([]CityRank, error)
	ThemeCooccurrence(ctx context.Context, minCount int) ([]ThemePair, error)
	// Coverage counts the initiatives with each kind of fact, in one query.
	Coverage(ctx context.Context) (*Coverage, error)
	// Ping checks the database and that migrations are applied.
	Ready(ctx context.Context) error
}

// PageQuery is one read of a filtered, ordered set of initiatives: the
// page of First items after Offset (the API asks one more than it shows),
// read by Plan, and which parts the selection asks for — the page, the
// set's size (Total) and its facets. Parts not asked for are not read.
type PageQuery struct {
	Filter                  InitiativeFilter
	Order                   InitiativeOrder
	First, Offset           int
	Plan                    InitiativePlan
	Page, Total, WithFacets bool
}

// InitiativePage is what a PageQuery read; a part not asked for is its
// zero value.
type InitiativePage struct {
	Rows   []*InitiativeRow
	Total  int
	Facets *Facets
	// UnknownThemes are the filter's theme slugs that are no theme of the
	// graph, in the filter's order; the API refuses such a filter.
	UnknownThemes []string
}

// PagePlan is one page of an owner's initiatives, by title: First items
// (the API asks one more than it shows) after Offset, read by Plan.
type PagePlan struct {
	First, Offset int
	Plan          InitiativePlan
}

// InitiativeInput is a curation upsert.
type InitiativeInput struct {
	Key         string
	Title       string
	Summary     string
	CityID      string
	CountryCode string
	Themes      []string
	URL         string
}

// WriteStore is the curation side. Every method may fail with
// EUNAVAILABLE; EINVALID for bad input (an unknown theme, a country code
// that is not ISO 3166-1); ENOTFOUND for unknown nodes; ECOMMITUNKNOWN,
// with the initiative's key in Error.Key, when the connection was lost
// while the write committed. Each method writes in one transaction (the
// similarity refresh after an edit runs on its own) and is
// idempotent by key, so retrying after ECOMMITUNKNOWN is safe.
type WriteStore interface {
	UpsertInitiative(ctx context.Context, in InitiativeInput) (string, error)
	DeleteInitiative(ctx context.Context, key string) (bool, error)
	LinkTheme(ctx context.Context, key, theme string) error
	UnlinkTheme(ctx context.Context, key, theme string) error
	LinkCity(ctx context.Context, key, cityID string) error
	UnlinkCity(ctx context.Context, key string) error
}
