// Package loader holds per-request dataloaders over the domain store's
// batch methods: every nested field of one GraphQL request that needs the
// same kind of data is fetched in one Cypher round trip, whatever the list
// sizes. Loaders live for one request only (no cache outlives it), so any
// number of API instances can serve the same database.
package loader

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// OwnerKey addresses the initiatives (or count) of one city, country,
// theme or year.
type OwnerKey struct {
	Kind, Key string
}

// PageKey addresses one page of an owner's initiatives, read by a plan.
type PageKey struct {
	OwnerKey
	First, Offset int
	Plan          string // domain.InitiativePlan.String of the page's plan
}

// winnersKey addresses one year's winners, read by a plan.
type winnersKey struct {
	Year int
	Plan string
}

// CitiesKey addresses a country's top cities.
type CitiesKey struct {
	Code  string
	First int
}

// Loaders are one request's dataloaders, for the fields below lists of
// cities, countries, themes and years, which the root's statement does
// not plan. Pages of initiatives and winners are keyed by what they read
// (the plan's text); plans holds the plans by that text.
//
// Each loader is made on its first use: most operations use none or one
// of the seven, and making all of them for every request was about 45 of
// the 773 allocations of a lookup (BenchmarkRequest in cmd/civicgraph).
type Loaders struct {
	src           Source
	city          lazy[string, *domain.CityRow]
	country       lazy[string, *domain.Country]
	theme         lazy[string, *domain.Theme]
	count         lazy[OwnerKey, int]
	initiativesOf lazy[PageKey, []*domain.InitiativeRow]
	winners       lazy[winnersKey, []*domain.InitiativeRow]
	citiesOf      lazy[CitiesKey, []*domain.CityRow]
	plans         sync.Map // plan text -> domain.InitiativePlan
}

// lazy is a loader made once, on first use, by the fetch its caller
// passes then. Resolvers of one request run concurrently, hence the Once.
type lazy[K comparable, V any] struct {
	once sync.Once
	l    *dataloadgen.Loader[K, V]
}

func (z *lazy[K, V]) get(fetch func(context.Context, []K) (map[K]V, error)) *dataloadgen.Loader[K, V] {
	z.once.Do(func() { z.l = dataloadgen.NewMappedLoader(fetch, options...) })
	return z.l
}

// City loads cities by GeoNames id.
func (l *Loaders) City() *dataloadgen.Loader[string, *domain.CityRow] {
	return l.city.get(l.src.CitiesByIDs)
}

// Country loads countries by ISO code.
func (l *Loaders) Country() *dataloadgen.Loader[string, *domain.Country] {
	return l.country.get(l.src.CountriesByCodes)
}

// Theme loads themes by slug.
func (l *Loaders) Theme() *dataloadgen.Loader[string, *domain.Theme] {
	return l.theme.get(l.src.ThemesBySlugs)
}

// Count loads the initiative counts of cities, countries, themes and years.
func (l *Loaders) Count() *dataloadgen.Loader[OwnerKey, int] {
	return l.count.get(grouped(func(ctx context.Context, kind string, keys []OwnerKey) (map[OwnerKey]int, error) {
		m, err := l.src.CountOf(ctx, kind, keysOf(keys, func(k OwnerKey) string { return k.Key }))
		return rekey(keys, m, func(k OwnerKey) string { return k.Key }), err
	}, func(k OwnerKey) string { return k.Kind }))
}

// CitiesOf loads the top cities of countries.
func (l *Loaders) CitiesOf() *dataloadgen.Loader[CitiesKey, []*domain.CityRow] {
	return l.citiesOf.get(grouped(func(ctx context.Context, first int, keys []CitiesKey) (map[CitiesKey][]*domain.CityRow, error) {
		m, err := l.src.CitiesOfCountries(ctx, keysOf(keys, func(k CitiesKey) string { return k.Code }), first)
		return rekey(keys, m, func(k CitiesKey) string { return k.Code }), err
	}, func(k CitiesKey) int { return k.First }))
}

func (l *Loaders) pages() *dataloadgen.Loader[PageKey, []*domain.InitiativeRow] {
	return l.initiativesOf.get(grouped(func(ctx context.Context, g PageKey, keys []PageKey) (map[PageKey][]*domain.InitiativeRow, error) {
		m, err := l.src.InitiativesOf(ctx, g.Kind, keysOf(keys, func(k PageKey) string { return k.Key }), g.First, g.Offset, l.planOf(g.Plan))
		return rekey(keys, m, func(k PageKey) string { return k.Key }), err
	}, func(k PageKey) PageKey {
		return PageKey{OwnerKey: OwnerKey{Kind: k.Kind}, First: k.First, Offset: k.Offset, Plan: k.Plan}
	}))
}

func (l *Loaders) winnersOf() *dataloadgen.Loader[winnersKey, []*domain.InitiativeRow] {
	return l.winners.get(grouped(func(ctx context.Context, plan string, keys []winnersKey) (map[winnersKey][]*domain.InitiativeRow, error) {
		years := make([]int, len(keys))
		for i, k := range keys {
			years[i] = k.Year
		}
		m, err := l.src.WinnersOf(ctx, years, l.planOf(plan))
		out := make(map[winnersKey][]*domain.InitiativeRow, len(keys))
		for _, k := range keys {
			if v, ok := m[k.Year]; ok {
				out[k] = v
			}
		}
		return out, err
	}, func(k winnersKey) string { return k.Plan }))
}

// plan registers p and returns its text, the loaders' key for it.
func (l *Loaders) plan(p domain.InitiativePlan) string {
	s := p.String()
	l.plans.LoadOrStore(s, p)
	return s
}

func (l *Loaders) planOf(s string) domain.InitiativePlan {
	p, _ := l.plans.Load(s)
	return p.(domain.InitiativePlan)
}

// InitiativesOf loads a page of an owner's initiatives, read by plan.
func (l *Loaders) InitiativesOf(ctx context.Context, owner OwnerKey, first, offset int, plan domain.InitiativePlan) ([]*domain.InitiativeRow, error) {
	return Load(ctx, l.pages(), PageKey{OwnerKey: owner, First: first, Offset: offset, Plan: l.plan(plan)})
}

// PrimeInitiativesOf stores a page that a root's statement read with the
// owner, so the nested connection's InitiativesOf finds it.
func (l *Loaders) PrimeInitiativesOf(owner OwnerKey, first, offset int, plan domain.InitiativePlan, rows []*domain.InitiativeRow) {
	l.pages().Prime(PageKey{OwnerKey: owner, First: first, Offset: offset, Plan: l.plan(plan)}, rows)
}

// Winners loads a year's winners, read by plan.
func (l *Loaders) Winners(ctx context.Context, year int, plan domain.InitiativePlan) ([]*domain.InitiativeRow, error) {
	return Load(ctx, l.winnersOf(), winnersKey{Year: year, Plan: l.plan(plan)})
}

// Source is what the loaders read: the store's batch methods, results
// keyed by the input (a missing key is absent, never an error).
type Source interface {
	// InitiativesOf returns, per owner key of the given kind (city,
	// country, theme, year), a page of its initiatives by title, read as
	// plan asks.
	InitiativesOf(ctx context.Context, kind string, keys []string, first, offset int, plan domain.InitiativePlan) (map[string][]*domain.InitiativeRow, error)
	// CountOf returns, per owner key of the given kind, its initiative count.
	CountOf(ctx context.Context, kind string, keys []string) (map[string]int, error)
	// WinnersOf returns the winners per award year, read as plan asks.
	WinnersOf(ctx context.Context, years []int, plan domain.InitiativePlan) (map[int][]*domain.InitiativeRow, error)
	CitiesByIDs(ctx context.Context, ids []string) (map[string]*domain.CityRow, error)
	CountriesByCodes(ctx context.Context, codes []string) (map[string]*domain.Country, error)
	ThemesBySlugs(ctx context.Context, slugs []string) (map[string]*domain.Theme, error)
	// CitiesOfCountries returns per country its cities with initiatives, most first.
	CitiesOfCountries(ctx context.Context, codes []string, first int) (map[string][]*domain.CityRow, error)
}

// wait is how long a loader collects keys before it fetches. Resolvers of
// one list level run concurrently, so a short wait gathers them all.
const wait = 2 * time.Millisecond

// options are every loader's batching options.
var options = []dataloadgen.Option{dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(1000)}

// New creates the loaders of one request over s; each is made on first use.
func New(s Source) *Loaders { return &Loaders{src: s} }

// grouped splits one batch of keys by group (e.g. kind, or page size) and
// fetches each group with one call; in practice a request has one group.
func grouped[K comparable, G comparable, V any](fetch func(context.Context, G, []K) (map[K]V, error), group func(K) G) func(context.Context, []K) (map[K]V, error) {
	return func(ctx context.Context, keys []K) (map[K]V, error) {
		byGroup := map[G][]K{}
		var order []G
		for _, k := range keys {
			g := group(k)
			if _, ok := byGroup[g]; !ok {
				order = append(order, g)
			}
			byGroup[g] = append(byGroup[g], k)
		}
		out := make(map[K]V, len(keys))
		for _, g := range order {
			m, err := fetch(ctx, g, byGroup[g])
			if err != nil {
				return nil, err
			}
			for k, v := range m {
				out[k] = v
			}
		}
		return out, nil
	}
}

func rekey[K comparable, V any](keys []K, m map[string]V, key func(K) string) map[K]V {
	out := make(map[K]V, len(keys))
	for _, k := range keys {
		if v, ok := m[key(k)]; ok {
			out[k] = v
		}
	}
	return out
}

// keysOf extracts the store keys of a batch of loader keys.
func keysOf[K any](keys []K, key func(K) string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = key(k)
	}
	return out
}

type ctxKey struct{}

// With returns ctx carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From returns the loaders ctx carries, nil when it carries none.
func From(ctx context.Context) *Loaders {
	l, _ := ctx.Value(ctxKey{}).(*Loaders)
	return l
}

// Load loads one key and treats "not found" as the zero value, so an
// empty list or a missing count is not an error.
func Load[K comparable, V any](ctx context.Context, l *dataloadgen.Loader[K, V], k K) (V, error) {
	v, err := l.Load(ctx, k)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		var zero V
		return zero, nil
	}
	return v, err
}

// LoadAll loads many keys, dropping those not found and keeping order.
func LoadAll[K comparable, V any](ctx context.Context, l *dataloadgen.Loader[K, V], ks []K) ([]V, error) {
	vs, err := l.LoadAll(ctx, ks)
	out := make([]V, 0, len(vs))
	var errs dataloadgen.ErrorSlice
	if errors.As(err, &errs) {
		for i, e := range errs {
			if e != nil && !errors.Is(e, dataloadgen.ErrNotFound) {
				return nil, e
			}
			if e == nil {
				out = append(out, vs[i])
			}
		}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	return vs, nil
}
