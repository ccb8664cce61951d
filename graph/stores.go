package graph

import (
	"context"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/loader"
)

// The stores the resolvers read, one interface per area, declared here
// where they are used: a resolver test fakes only the area it exercises
// (and gets an INTERNAL "no store" error from any other). The Neo4j
// adapter (internal/neo4jdb.DB) implements them all; NewResolver wires
// one store into every area. Every method may fail with EUNAVAILABLE when
// the database cannot be reached and EINTERNAL otherwise; those that
// validate input say so.

// InitiativeReader reads initiatives, each as its plan asks.
type InitiativeReader interface {
	// Initiative reads one initiative by key as plan asks, in one
	// statement; nil when there is none.
	Initiative(ctx context.Context, key string, plan domain.InitiativePlan) (*domain.InitiativeRow, error)
	// InitiativePage reads what q selects of a filtered, ordered set in
	// one statement: a page (each initiative read as q.Plan asks), the
	// set's size, its facets, and which of the filter's themes the graph
	// does not have. EINVALID for a bad filter (text without words).
	InitiativePage(ctx context.Context, q domain.PageQuery) (*domain.InitiativePage, error)
	// Search runs a hybrid query, the hits read as q.Plan asks, with their
	// matched terms when q asks for them. EINVALID for an empty query.
	Search(ctx context.Context, q domain.SearchQuery) ([]domain.SearchHit, error)
	// SimilarOf returns the precomputed similar links per initiative key,
	// the linked initiatives read as plan's target asks; a key without an
	// initiative is absent, one without links maps to an empty list.
	SimilarOf(ctx context.Context, keys []string, plan domain.SimilarPlan) (map[string][]*domain.SimilarRow, error)
}

// PlaceReader reads cities and countries.
type PlaceReader interface {
	// City reads one city with its initiative count and, in the same
	// statement, the pages of its initiatives that pages ask for (results
	// aligned with pages); nil when there is no such city.
	City(ctx context.Context, id string, pages []domain.PagePlan) (*domain.Counted[domain.CityRow], [][]*domain.InitiativeRow, error)
	// CitiesByIDs and CountriesByCodes look nodes up; a missing one is absent.
	CitiesByIDs(ctx context.Context, ids []string) (map[string]*domain.CityRow, error)
	CountriesByCodes(ctx context.Context, codes []string) (map[string]*domain.Country, error)
	// Cities lists cities with initiatives, most initiatives first, with
	// their counts and the size of the whole list.
	Cities(ctx context.Context, countries []string, namePrefix string, first, offset int) ([]domain.Counted[domain.CityRow], int, error)
	// Countries lists countries with initiatives, most first.
	Countries(ctx context.Context, first, offset int) ([]domain.Counted[domain.Country], int, error)
	// SimilarCities ranks cities by shared themes. ENOTFOUND for an unknown city.
	SimilarCities(ctx context.Context, cityID string, first int) ([]domain.SimilarCity, error)
}

// ThemeReader reads themes and award years.
type ThemeReader interface {
	// ThemesBySlugs looks themes up; a missing one is absent.
	ThemesBySlugs(ctx context.Context, slugs []string) (map[string]*domain.Theme, error)
	// Themes lists themes, most initiatives first.
	Themes(ctx context.Context, first, offset int) ([]domain.Counted[domain.Theme], int, error)
	// AwardYears lists award years ascending.
	AwardYears(ctx context.Context) ([]*domain.AwardYear, error)
}

// GraphReader walks the graph for drawing.
type GraphReader interface {
	// Connection finds shortest paths between two nodes (global ids);
	// nil graph when none. ENOTFOUND for an unknown node.
	Connection(ctx context.Context, from, to string, maxHops int, structuralOnly bool) (*domain.Graph, error)
	// Neighbourhood returns the graph around a node. ENOTFOUND for an unknown node.
	Neighbourhood(ctx context.Context, id string, depth, limit int) (*domain.Graph, error)
}

// ChartReader aggregates for charts.
type ChartReader interface {
	ThemeTrends(ctx context.Context, themes, countries []string) ([]domain.ThemeYearCount, error)
	ThemeByCountry(ctx context.Context, themes []string) ([]domain.ThemeCountryCount, error)
	CityRanking(ctx context.Context, theme, country string, first int) ([]domain.CityRank, error)
	ThemeCooccurrence(ctx context.Context, minCount int) ([]domain.ThemePair, error)
	// Coverage counts the initiatives with each kind of fact, in one query.
	Coverage(ctx context.Context) (*domain.Coverage, error)
}

// Curator is the mutations' side (internal/curation.Service): it checks
// each edit, writes it in one transaction and refreshes similarity. Every
// method may fail with EUNAVAILABLE; EINVALID for bad input (blank or too
// long text, a key not in key form, an unknown theme, a country code that
// is not ISO 3166-1); ENOTFOUND for unknown nodes; ECOMMITUNKNOWN, with
// the initiative's key in Error.Key, when the connection was lost while
// the write committed. Writes are idempotent by key, so retrying after
// ECOMMITUNKNOWN is safe.
type Curator interface {
	UpsertInitiative(ctx context.Context, in domain.InitiativeInput) (string, error)
	DeleteInitiative(ctx context.Context, key string) (bool, error)
	LinkTheme(ctx context.Context, key, theme string) error
	UnlinkTheme(ctx context.Context, key, theme string) error
	LinkCity(ctx context.Context, key, cityID string) error
	UnlinkCity(ctx context.Context, key string) error
}

// Store is every read area at once, as one adapter provides them.
type Store interface {
	InitiativeReader
	PlaceReader
	ThemeReader
	GraphReader
	ChartReader
	loader.Source
}

// NewResolver wires store into every read area and writer into the
// mutations.
func NewResolver(store Store, writer Curator) *Resolver {
	return &Resolver{InitiativeStore: store, PlaceStore: store, ThemeStore: store, GraphStore: store, ChartStore: store, LoadStore: store, Writer: writer}
}
