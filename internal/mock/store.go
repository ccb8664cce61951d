// Package mock holds a function-field fake of the whole store adapter
// (every read area and the writes) for unit tests of the HTTP server,
// which serves them all: set the functions a test needs; any other call
// fails with an INTERNAL error, so a test never passes by accident on a
// method it did not expect. Resolver tests fake one store interface at a
// time instead (graph/resolver_test.go); integration tests use the real
// Neo4j.
package mock

import (
	"context"

	"github.com/civicgraph/civicgraph/graph"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/server"
)

var (
	_ graph.Store   = (*Store)(nil)
	_ graph.Curator = (*Store)(nil)
	_ server.Health = (*Store)(nil)
)

// Store fakes what the HTTP server is given (server.Options): every read
// area of the resolvers (graph.Store), the curation service
// (graph.Curator) and the readiness check.
type Store struct {
	InitiativeFn        func(ctx context.Context, key string, plan domain.InitiativePlan) (*domain.InitiativeRow, error)
	InitiativePageFn    func(ctx context.Context, q domain.PageQuery) (*domain.InitiativePage, error)
	InitiativesOfFn     func(ctx context.Context, kind string, keys []string, first, offset int, plan domain.InitiativePlan) (map[string][]*domain.InitiativeRow, error)
	CountOfFn           func(ctx context.Context, kind string, keys []string) (map[string]int, error)
	WinnersOfFn         func(ctx context.Context, years []int, plan domain.InitiativePlan) (map[int][]*domain.InitiativeRow, error)
	SimilarOfFn         func(ctx context.Context, keys []string, plan domain.SimilarPlan) (map[string][]*domain.SimilarRow, error)
	CityFn              func(ctx context.Context, id string, pages []domain.PagePlan) (*domain.Counted[domain.CityRow], [][]*domain.InitiativeRow, error)
	CitiesByIDsFn       func(ctx context.Context, ids []string) (map[string]*domain.CityRow, error)
	CountriesByCodesFn  func(ctx context.Context, codes []string) (map[string]*domain.Country, error)
	ThemesBySlugsFn     func(ctx context.Context, slugs []string) (map[string]*domain.Theme, error)
	CitiesOfCountriesFn func(ctx context.Context, codes []string, first int) (map[string][]*domain.CityRow, error)
	CitiesFn            func(ctx context.Context, countries []string, namePrefix string, first, offset int) ([]domain.Counted[domain.CityRow], int, error)
	CountriesFn         func(ctx context.Context, first, offset int) ([]domain.Counted[domain.Country], int, error)
	ThemesFn            func(ctx context.Context, first, offset int) ([]domain.Counted[domain.Theme], int, error)
	AwardYearsFn        func(ctx context.Context) ([]*domain.AwardYear, error)
	SearchFn            func(ctx context.Context, q domain.SearchQuery) ([]domain.SearchHit, error)
	SimilarCitiesFn     func(ctx context.Context, cityID string, first int) ([]domain.SimilarCity, error)
	ConnectionFn        func(ctx context.Context, from, to string, maxHops int, structuralOnly bool) (*domain.Graph, error)
	NeighbourhoodFn     func(ctx context.Context, id string, depth, limit int) (*domain.Graph, error)
	ThemeTrendsFn       func(ctx context.Context, themes, countries []string) ([]domain.ThemeYearCount, error)
	ThemeByCountryFn    func(ctx context.Context, themes []string) ([]domain.ThemeCountryCount, error)
	CityRankingFn       func(ctx context.Context, theme, country string, first int) ([]domain.CityRank, error)
	ThemeCooccurrenceFn func(ctx context.Context, minCount int) ([]domain.ThemePair, error)
	CoverageFn          func(ctx context.Context) (*domain.Coverage, error)
	ReadyFn             func(ctx context.Context) error
	UpsertInitiativeFn  func(ctx context.Context, in domain.InitiativeInput) (string, error)
	DeleteInitiativeFn  func(ctx context.Context, key string) (bool, error)
	LinkThemeFn         func(ctx context.Context, key, theme string) error
	UnlinkThemeFn       func(ctx context.Context, key, theme string) error
	LinkCityFn          func(ctx context.Context, key, cityID string) error
	UnlinkCityFn        func(ctx context.Context, key string) error
}

func unexpected(name string) error {
	return domain.Errorf(domain.EINTERNAL, "mock: unexpected call to %s", name)
}

// Initiative calls InitiativeFn.
func (s *Store) Initiative(ctx context.Context, key string, plan domain.InitiativePlan) (*domain.InitiativeRow, error) {
	if s.InitiativeFn == nil {
		return nil, unexpected("Initiative")
	}
	return s.InitiativeFn(ctx, key, plan)
}

// InitiativePage calls InitiativePageFn.
func (s *Store) InitiativePage(ctx context.Context, q domain.PageQuery) (*domain.InitiativePage, error) {
	if s.InitiativePageFn == nil {
		return nil, unexpected("InitiativePage")
	}
	return s.InitiativePageFn(ctx, q)
}

// InitiativesOf calls InitiativesOfFn.
func (s *Store) InitiativesOf(ctx context.Context, kind string, keys []string, first, offset int, plan domain.InitiativePlan) (map[string][]*domain.InitiativeRow, error) {
	if s.InitiativesOfFn == nil {
		return nil, unexpected("InitiativesOf")
	}
	return s.InitiativesOfFn(ctx, kind, keys, first, offset, plan)
}

// CountOf calls CountOfFn.
func (s *Store) CountOf(ctx context.Context, kind string, keys []string) (map[string]int, error) {
	if s.CountOfFn == nil {
		return nil, unexpected("CountOf")
	}
	return s.CountOfFn(ctx, kind, keys)
}

// WinnersOf calls WinnersOfFn.
func (s *Store) WinnersOf(ctx context.Context, years []int, plan domain.InitiativePlan) (map[int][]*domain.InitiativeRow, error) {
	if s.WinnersOfFn == nil {
		return nil, unexpected("WinnersOf")
	}
	return s.WinnersOfFn(ctx, years, plan)
}

// SimilarOf calls SimilarOfFn.
func (s *Store) SimilarOf(ctx context.Context, keys []string, plan domain.SimilarPlan) (map[string][]*domain.SimilarRow, error) {
	if s.SimilarOfFn == nil {
		return nil, unexpected("SimilarOf")
	}
	return s.SimilarOfFn(ctx, keys, plan)
}

// City calls CityFn.
func (s *Store) City(ctx context.Context, id string, pages []domain.PagePlan) (*domain.Counted[domain.CityRow], [][]*domain.InitiativeRow, error) {
	if s.CityFn == nil {
		return nil, nil, unexpected("City")
	}
	return s.CityFn(ctx, id, pages)
}

// CitiesByIDs calls CitiesByIDsFn.
func (s *Store) CitiesByIDs(ctx context.Context, ids []string) (map[string]*domain.CityRow, error) {
	if s.CitiesByIDsFn == nil {
		return nil, unexpected("CitiesByIDs")
	}
	return s.CitiesByIDsFn(ctx, ids)
}

// CountriesByCodes calls CountriesByCodesFn.
func (s *Store) CountriesByCodes(ctx context.Context, codes []string) (map[string]*domain.Country, error) {
	if s.CountriesByCodesFn == nil {
		return nil, unexpected("CountriesByCodes")
	}
	return s.CountriesByCodesFn(ctx, codes)
}

// ThemesBySlugs calls ThemesBySlugsFn.
func (s *Store) ThemesBySlugs(ctx context.Context, slugs []string) (map[string]*domain.Theme, error) {
	if s.ThemesBySlugsFn == nil {
		return nil, unexpected("ThemesBySlugs")
	}
	return s.ThemesBySlugsFn(ctx, slugs)
}

// CitiesOfCountries calls CitiesOfCountriesFn.
func (s *Store) CitiesOfCountries(ctx context.Context, codes []string, first int) (map[string][]*domain.CityRow, error) {
	if s.CitiesOfCountriesFn == nil {
		return nil, unexpected("CitiesOfCountries")
	}
	return s.CitiesOfCountriesFn(ctx, codes, first)
}

// Cities calls CitiesFn.
func (s *Store) Cities(ctx context.Context, countries []string, namePrefix string, first, offset int) ([]domain.Counted[domain.CityRow], int, error) {
	if s.CitiesFn == nil {
		return nil, 0, unexpected("Cities")
	}
	return s.CitiesFn(ctx, countries, namePrefix, first, offset)
}

// Countries calls CountriesFn.
func (s *Store) Countries(ctx context.Context, first, offset int) ([]domain.Counted[domain.Country], int, error) {
	if s.CountriesFn == nil {
		return nil, 0, unexpected("Countries")
	}
	return s.CountriesFn(ctx, first, offset)
}

// Themes calls ThemesFn.
func (s *Store) Themes(ctx context.Context, first, offset int) ([]domain.Counted[domain.Theme], int, error) {
	if s.ThemesFn == nil {
		return nil, 0, unexpected("Themes")
	}
	return s.ThemesFn(ctx, first, offset)
}

// AwardYears calls AwardYearsFn.
func (s *Store) AwardYears(ctx context.Context) ([]*domain.AwardYear, error) {
	if s.AwardYearsFn == nil {
		return nil, unexpected("AwardYears")
	}
	return s.AwardYearsFn(ctx)
}

// Search calls SearchFn.
func (s *Store) Search(ctx context.Context, q domain.SearchQuery) ([]domain.SearchHit, error) {
	if s.SearchFn == nil {
		return nil, unexpected("Search")
	}
	return s.SearchFn(ctx, q)
}

// SimilarCities calls SimilarCitiesFn.
func (s *Store) SimilarCities(ctx context.Context, cityID string, first int) ([]domain.SimilarCity, error) {
	if s.SimilarCitiesFn == nil {
		return nil, unexpected("SimilarCities")
	}
	return s.SimilarCitiesFn(ctx, cityID, first)
}

// Connection calls ConnectionFn.
func (s *Store) Connection(ctx context.Context, from, to string, maxHops int, structuralOnly bool) (*domain.Graph, error) {
	if s.ConnectionFn == nil {
		return nil, unexpected("Connection")
	}
	return s.ConnectionFn(ctx, from, to, maxHops, structuralOnly)
}

// Neighbourhood calls NeighbourhoodFn.
func (s *Store) Neighbourhood(ctx context.Context, id string, depth, limit int) (*domain.Graph, error) {
	if s.NeighbourhoodFn == nil {
		return nil, unexpected("Neighbourhood")
	}
	return s.NeighbourhoodFn(ctx, id, depth, limit)
}

// ThemeTrends calls ThemeTrendsFn.
func (s *Store) ThemeTrends(ctx context.Context, themes, countries []string) ([]domain.ThemeYearCount, error) {
	if s.ThemeTrendsFn == nil {
		return nil, unexpected("ThemeTrends")
	}
	return s.ThemeTrendsFn(ctx, themes, countries)
}

// ThemeByCountry calls ThemeByCountryFn.
func (s *Store) ThemeByCountry(ctx context.Context, themes []string) ([]domain.ThemeCountryCount, error) {
	if s.ThemeByCountryFn == nil {
		return nil, unexpected("ThemeByCountry")
	}
	return s.ThemeByCountryFn(ctx, themes)
}

// CityRanking calls CityRankingFn.
func (s *Store) CityRanking(ctx context.Context, theme, country string, first int) ([]domain.CityRank, error) {
	if s.CityRankingFn == nil {
		return nil, unexpected("CityRanking")
	}
	return s.CityRankingFn(ctx, theme, country, first)
}

// Coverage calls CoverageFn.
func (s *Store) Coverage(ctx context.Context) (*domain.Coverage, error) {
	if s.CoverageFn == nil {
		return nil, unexpected("Coverage")
	}
	return s.CoverageFn(ctx)
}

// ThemeCooccurrence calls ThemeCooccurrenceFn.
func (s *Store) ThemeCooccurrence(ctx context.Context, minCount int) ([]domain.ThemePair, error) {
	if s.ThemeCooccurrenceFn == nil {
		return nil, unexpected("ThemeCooccurrence")
	}
	return s.ThemeCooccurrenceFn(ctx, minCount)
}

// Ready calls ReadyFn.
func (s *Store) Ready(ctx context.Context) error {
	if s.ReadyFn == nil {
		return unexpected("Ready")
	}
	return s.ReadyFn(ctx)
}

// UpsertInitiative calls UpsertInitiativeFn.
func (s *Store) UpsertInitiative(ctx context.Context, in domain.InitiativeInput) (string, error) {
	if s.UpsertInitiativeFn == nil {
		return "", unexpected("UpsertInitiative")
	}
	return s.UpsertInitiativeFn(ctx, in)
}

// DeleteInitiative calls DeleteInitiativeFn.
func (s *Store) DeleteInitiative(ctx context.Context, key string) (bool, error) {
	if s.DeleteInitiativeFn == nil {
		return false, unexpected("DeleteInitiative")
	}
	return s.DeleteInitiativeFn(ctx, key)
}

// LinkTheme calls LinkThemeFn.
func (s *Store) LinkTheme(ctx context.Context, key, theme string) error {
	if s.LinkThemeFn == nil {
		return unexpected("LinkTheme")
	}
	return s.LinkThemeFn(ctx, key, theme)
}

// UnlinkTheme calls UnlinkThemeFn.
func (s *Store) UnlinkTheme(ctx context.Context, key, theme string) error {
	if s.UnlinkThemeFn == nil {
		return unexpected("UnlinkTheme")
	}
	return s.UnlinkThemeFn(ctx, key, theme)
}

// LinkCity calls LinkCityFn.
func (s *Store) LinkCity(ctx context.Context, key, cityID string) error {
	if s.LinkCityFn == nil {
		return unexpected("LinkCity")
	}
	return s.LinkCityFn(ctx, key, cityID)
}

// UnlinkCity calls UnlinkCityFn.
func (s *Store) UnlinkCity(ctx context.Context, key string) error {
	if s.UnlinkCityFn == nil {
		return unexpected("UnlinkCity")
	}
	return s.UnlinkCityFn(ctx, key)
}
