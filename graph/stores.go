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
// one store into every area.

// InitiativeReader reads initiatives, each as its plan asks.
type InitiativeReader interface {
	Initiative(ctx context.Context, key string, plan domain.InitiativePlan) (*domain.InitiativeRow, error)
	InitiativePage(ctx context.Context, q domain.PageQuery) (*domain.InitiativePage, error)
	Search(ctx context.Context, q domain.SearchQuery) ([]domain.SearchHit, error)
	SimilarOf(ctx context.Context, keys []string, plan domain.SimilarPlan) (map[string][]*domain.SimilarRow, error)
}

// PlaceReader reads cities and countries.
type PlaceReader interface {
	City(ctx context.Context, id string, pages []domain.PagePlan) (*domain.Counted[domain.CityRow], [][]*domain.InitiativeRow, error)
	CitiesByIDs(ctx context.Context, ids []string) (map[string]*domain.CityRow, error)
	CountriesByCodes(ctx context.Context, codes []string) (map[string]*domain.Country, error)
	Cities(ctx context.Context, countries []string, namePrefix string, first, offset int) ([]domain.Counted[domain.CityRow], int, error)
	Countries(ctx context.Context, first, offset int) ([]domain.Counted[domain.Country], int, error)
	SimilarCities(ctx context.Context, cityID string, first int) ([]domain.SimilarCity, error)
}

// ThemeReader reads themes and award years.
type ThemeReader interface {
	ThemesBySlugs(ctx context.Context, slugs []string) (map[string]*domain.Theme, error)
	Themes(ctx context.Context, first, offset int) ([]domain.Counted[domain.Theme], int, error)
	AwardYears(ctx context.Context) ([]*domain.AwardYear, error)
}

// GraphReader walks the graph for drawing.
type GraphReader interface {
	Connection(ctx context.Context, from, to string, maxHops int, structuralOnly bool) (*domain.Graph, error)
	Neighbourhood(ctx context.Context, id string, depth, limit int) (*domain.Graph, error)
}

// ChartReader aggregates for charts.
type ChartReader interface {
	ThemeTrends(ctx context.Context, themes, countries []string) ([]domain.ThemeYearCount, error)
	ThemeByCountry(ctx context.Context, themes []string) ([]domain.ThemeCountryCount, error)
	CityRanking(ctx context.Context, theme, country string, first int) ([]domain.CityRank, error)
	ThemeCooccurrence(ctx context.Context, minCount int) ([]domain.ThemePair, error)
	Coverage(ctx context.Context) (*domain.Coverage, error)
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
func NewResolver(store Store, writer domain.WriteStore) *Resolver {
	return &Resolver{InitiativeStore: store, PlaceStore: store, ThemeStore: store, GraphStore: store, ChartStore: store, LoadStore: store, Writer: writer}
}
