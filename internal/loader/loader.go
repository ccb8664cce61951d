// Package loader holds per-request dataloaders over the domain store's
// batch methods: every nested field of one GraphQL request that needs the
// same kind of data is fetched in one Cypher round trip, whatever the list
// sizes. Loaders live for one request only (no cache outlives it), so any
// number of API instances can serve the same database.
package loader

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// OwnerKey addresses the initiatives (or count) of one city, country,
// theme or year.
type OwnerKey struct {
	Kind, Key string
}

// PageKey addresses one page of an owner's initiatives.
type PageKey struct {
	OwnerKey
	First, Offset int
	Parts         domain.Parts // what the page's initiatives need
}

// SimilarKey addresses one initiative's similar links.
type SimilarKey struct {
	Key           string
	First         int
	DifferentCity bool
	Parts         domain.Parts // what the linked initiatives need
}

// CitiesKey addresses a country's top cities.
type CitiesKey struct {
	Code  string
	First int
}

// Loaders are one request's dataloaders.
type Loaders struct {
	Initiative    *dataloadgen.Loader[string, *domain.Initiative]
	City          *dataloadgen.Loader[string, *domain.City]
	Country       *dataloadgen.Loader[string, *domain.Country]
	Theme         *dataloadgen.Loader[string, *domain.Theme]
	Count         *dataloadgen.Loader[OwnerKey, int]
	InitiativesOf *dataloadgen.Loader[PageKey, []*domain.Initiative]
	Similar       *dataloadgen.Loader[SimilarKey, []domain.SimilarLink]
	Winners       *dataloadgen.Loader[int, []*domain.Initiative]
	CitiesOf      *dataloadgen.Loader[CitiesKey, []*domain.City]
}

// wait is how long a loader collects keys before it fetches. Resolvers of
// one list level run concurrently, so a short wait gathers them all.
const wait = 2 * time.Millisecond

// New creates the loaders of one request over s.
func New(s domain.ReadStore) *Loaders {
	opts := []dataloadgen.Option{dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(1000)}
	return &Loaders{
		Initiative: dataloadgen.NewMappedLoader(s.InitiativesByKeys, opts...), // reads by key are whole (domain.Parts)
		City:       dataloadgen.NewMappedLoader(s.CitiesByIDs, opts...),
		Country:    dataloadgen.NewMappedLoader(s.CountriesByCodes, opts...),
		Theme:      dataloadgen.NewMappedLoader(s.ThemesBySlugs, opts...),
		Count: dataloadgen.NewMappedLoader(grouped(func(ctx context.Context, kind string, keys []OwnerKey) (map[OwnerKey]int, error) {
			m, err := s.CountOf(ctx, kind, keysOf(keys, func(k OwnerKey) string { return k.Key }))
			return rekey(keys, m, func(k OwnerKey) string { return k.Key }), err
		}, func(k OwnerKey) string { return k.Kind }), opts...),
		InitiativesOf: dataloadgen.NewMappedLoader(grouped(func(ctx context.Context, _ PageKey, keys []PageKey) (map[PageKey][]*domain.Initiative, error) {
			m, err := s.InitiativesOf(domain.WithParts(ctx, keys[0].Parts), keys[0].Kind, keysOf(keys, func(k PageKey) string { return k.Key }), keys[0].First, keys[0].Offset)
			return rekey(keys, m, func(k PageKey) string { return k.Key }), err
		}, func(k PageKey) PageKey {
			return PageKey{OwnerKey: OwnerKey{Kind: k.Kind}, First: k.First, Offset: k.Offset, Parts: k.Parts}
		}), opts...),
		Similar: dataloadgen.NewMappedLoader(grouped(func(ctx context.Context, g SimilarKey, keys []SimilarKey) (map[SimilarKey][]domain.SimilarLink, error) {
			m, err := s.SimilarOf(domain.WithParts(ctx, g.Parts), keysOf(keys, func(k SimilarKey) string { return k.Key }), g.First, g.DifferentCity)
			return rekey(keys, m, func(k SimilarKey) string { return k.Key }), err
		}, func(k SimilarKey) SimilarKey {
			return SimilarKey{First: k.First, DifferentCity: k.DifferentCity, Parts: k.Parts}
		}), opts...),
		Winners: dataloadgen.NewMappedLoader(s.WinnersOf, opts...),
		CitiesOf: dataloadgen.NewMappedLoader(grouped(func(ctx context.Context, first int, keys []CitiesKey) (map[CitiesKey][]*domain.City, error) {
			m, err := s.CitiesOfCountries(ctx, keysOf(keys, func(k CitiesKey) string { return k.Code }), first)
			return rekey(keys, m, func(k CitiesKey) string { return k.Code }), err
		}, func(k CitiesKey) int { return k.First }), opts...),
	}
}

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

// Middleware puts fresh loaders into every request's context.
func Middleware(s domain.ReadStore, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(With(r.Context(), New(s))))
	})
}

// With returns ctx carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the request's loaders; it panics if Middleware was not
// installed, which is a wiring bug.
func For(ctx context.Context) *Loaders {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		panic("loader: no loaders in context; install loader.Middleware")
	}
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
