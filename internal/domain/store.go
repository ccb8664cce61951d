package domain

import "strings"

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
