package graph

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/civicgraph/civicgraph/graph/model"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/loader"
)

// MaxPage is the largest page size any list field accepts.
const MaxPage = 100

// pageSize checks a `first` argument against [1, limit].
func pageSize(first *int, def, limit int) (int, error) {
	if first == nil {
		return def, nil
	}
	if *first < 1 || *first > limit {
		return 0, domain.Errorf(domain.EINVALID, "first must be between 1 and %d, got %d", limit, *first)
	}
	return *first, nil
}

// Cursors are opaque and need no server state. Two kinds:
//   - base64("o:<index>"): an offset, for orders without a unique indexed
//     key (year, city, relevance) and for nested lists;
//   - base64("k:<index>:<sort key>"): keyset, for initiatives in title
//     order; the next page starts after that key with an index seek, so
//     deep pages cost no SKIP and concurrent writes neither skip nor
//     repeat items. The index only numbers edges (hasPreviousPage).
//
// A keyset cursor given to another order falls back to its index.
func encodeCursor(i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(i)))
}

func encodeKeysetCursor(i int, sortKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("k:" + strconv.Itoa(i) + ":" + sortKey))
}

// offsetAfter returns the offset of the item following the cursor.
func offsetAfter(after *string) (int, error) {
	off, _, err := cursorAfter(after)
	return off, err
}

// cursorAfter returns the offset of the item following the cursor and,
// for a keyset cursor, the sort key to continue after.
func cursorAfter(after *string) (offset int, sortKey string, err error) {
	if after == nil || *after == "" {
		return 0, "", nil
	}
	bad := domain.Errorf(domain.EINVALID, "malformed cursor %q", *after)
	raw, err := base64.RawURLEncoding.DecodeString(*after)
	if err != nil || len(raw) < 3 || (raw[0] != 'o' && raw[0] != 'k') || raw[1] != ':' {
		return 0, "", bad
	}
	num := string(raw[2:])
	if raw[0] == 'k' {
		var ok bool
		if num, sortKey, ok = strings.Cut(num, ":"); !ok || sortKey == "" {
			return 0, "", bad
		}
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 10_000_000 {
		return 0, "", bad
	}
	return n + 1, sortKey, nil
}

func pageInfo(offset, n int, hasNext bool) *model.PageInfo {
	pi := &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: offset > 0}
	if n > 0 {
		s, e := encodeCursor(offset), encodeCursor(offset+n-1)
		pi.StartCursor, pi.EndCursor = &s, &e
	}
	return pi
}

// initiativeConnection builds a connection from a page fetched with
// first+1 items (the extra one tells whether a next page exists).
// With keyset set, edge cursors carry each item's sort key.
func initiativeConnection(items []*domain.InitiativeRow, first, offset int, keyset bool) *model.InitiativeConnection {
	hasNext := len(items) > first
	if hasNext {
		items = items[:first]
	}
	edges := make([]*model.InitiativeEdge, len(items))
	for i, it := range items {
		c := encodeCursor(offset + i)
		if keyset && it.SortKey != "" {
			c = encodeKeysetCursor(offset+i, it.SortKey)
		}
		edges[i] = &model.InitiativeEdge{Cursor: c, Node: it}
	}
	pi := pageInfo(offset, len(items), hasNext)
	if len(edges) > 0 {
		pi.StartCursor, pi.EndCursor = &edges[0].Cursor, &edges[len(edges)-1].Cursor
	}
	return &model.InitiativeConnection{Edges: edges, PageInfo: pi, Facets: &domain.Facets{}}
}

// ownerConnection is the connection of a city's, country's, theme's or
// year's initiatives, through the request's loaders.
func (r *Resolver) ownerConnection(ctx context.Context, kind, key string, first *int, after *string) (*model.InitiativeConnection, error) {
	n, err := pageSize(first, 20, MaxPage)
	if err != nil {
		return nil, err
	}
	off, err := offsetAfter(after)
	if err != nil {
		return nil, err
	}
	owner := loader.OwnerKey{Kind: kind, Key: key}
	parts := connectionParts(ctx)
	var items []*domain.InitiativeRow
	if parts.page {
		if items, err = r.loaders(ctx).InitiativesOf(ctx, owner, n+1, off, planAt(ctx, "edges", "node")); err != nil {
			return nil, err
		}
	}
	c := initiativeConnection(items, n, off, false)
	if parts.total {
		if c.TotalCount, err = loader.Load(ctx, r.loaders(ctx).Count(), owner); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func sourcePtrs(ss []domain.Source) []*domain.Source {
	out := make([]*domain.Source, len(ss))
	for i := range ss {
		out[i] = &ss[i]
	}
	return out
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// themeList loads theme slugs, keeping order and dropping unknown ones.
func (r *Resolver) themeList(ctx context.Context, slugs []string) ([]*domain.Theme, error) {
	return loader.LoadAll(ctx, r.loaders(ctx).Theme(), slugs)
}

// initiativeKey accepts a global ID or a bare key.
func initiativeKey(id string) (string, error) {
	kind, key := domain.ParseGlobalID(id)
	if kind != "" && kind != domain.KindInitiative {
		return "", domain.Errorf(domain.EINVALID, "id %q is not an initiative", id)
	}
	if key == "" {
		return "", domain.Errorf(domain.EINVALID, "empty id")
	}
	return key, nil
}

// cityKey accepts a global ID or a bare GeoNames id.
func cityKey(id string) (string, error) {
	kind, key := domain.ParseGlobalID(id)
	if kind != "" && kind != domain.KindCity {
		return "", domain.Errorf(domain.EINVALID, "id %q is not a city", id)
	}
	if _, err := strconv.ParseInt(key, 10, 64); err != nil {
		return "", domain.Errorf(domain.EINVALID, "city id %q is not a GeoNames id", id)
	}
	return key, nil
}

// toFilter validates and converts the GraphQL filter.
func toFilter(f *model.InitiativeFilter) (domain.InitiativeFilter, error) {
	var out domain.InitiativeFilter
	if f == nil {
		return out, nil
	}
	if f.Text != nil {
		if len(*f.Text) > 200 {
			return out, domain.Errorf(domain.EINVALID, "filter.text is longer than 200 characters")
		}
		out.Text = *f.Text
	}
	if len(f.Themes)+len(f.Cities)+len(f.Countries)+len(f.Years)+len(f.Status)+len(f.Levels) > 200 {
		return out, domain.Errorf(domain.EINVALID, "filter has more than 200 values")
	}
	out.Themes = f.Themes
	for _, c := range f.Cities {
		k, err := cityKey(c)
		if err != nil {
			return out, err
		}
		out.Cities = append(out.Cities, k)
	}
	for _, c := range f.Countries {
		if len(c) != 2 {
			return out, domain.Errorf(domain.EINVALID, "country %q is not an ISO 3166-1 alpha-2 code", c)
		}
		out.Countries = append(out.Countries, strings.ToUpper(c))
	}
	out.Years = f.Years
	for _, s := range f.Status {
		out.Status = append(out.Status, strings.ToLower(string(s)))
	}
	out.Covid = f.Covid
	for _, l := range f.Levels {
		out.Levels = append(out.Levels, string(l))
	}
	return out, nil
}

func ptrSlice[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// mustTheme loads a theme by slug; an unknown slug is shown by its slug.
func (r *Resolver) mustTheme(ctx context.Context, slug string) (*domain.Theme, error) {
	t, err := loader.Load(ctx, r.loaders(ctx).Theme(), slug)
	if err == nil && t == nil {
		t = &domain.Theme{Slug: slug, Name: slug}
	}
	return t, err
}

// reload reads an initiative after a mutation, as the mutation's
// selection asks.
func (r *mutationResolver) reload(ctx context.Context, key string) (*domain.InitiativeRow, error) {
	in, err := r.InitiativeStore.Initiative(ctx, key, planAt(ctx))
	if err == nil && in == nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "initiative %q not found", key)
	}
	return in, err
}

// connectionSelection says which parts of a connection a selection asks
// for: the page (edges or pageInfo), totalCount, facets.
type connectionSelection struct{ page, total, facets bool }

// connectionParts reads the current connection field's selection; without
// a field context (a direct call) every part is asked for.
func connectionParts(ctx context.Context) connectionSelection {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return connectionSelection{true, true, true}
	}
	return connectionPartsIn(graphql.GetOperationContext(ctx), fc.Field.Selections)
}

func connectionPartsIn(oc *graphql.OperationContext, sel ast.SelectionSet) connectionSelection {
	var c connectionSelection
	for _, f := range graphql.CollectFields(oc, sel, nil) {
		switch f.Name {
		case "edges", "pageInfo":
			c.page = true
		case "totalCount":
			c.total = true
		case "facets":
			c.facets = true
		}
	}
	return c
}

// primeCounts gives the request's count loader the counts a ranked list
// read with its nodes, so the nodes' initiativeCount (which always reads
// the loader) costs no round trip, and returns the nodes.
func primeCounts[T any](l *loader.Loaders, kind string, list []domain.Counted[T], key func(*T) string) []*T {
	out := make([]*T, len(list))
	for i, c := range list {
		l.Count().Prime(loader.OwnerKey{Kind: kind, Key: key(c.Node)}, c.Count)
		out[i] = c.Node
	}
	return out
}

// pageEdges wraps a page of nodes starting at offset into Relay edges.
func pageEdges[N, E any](nodes []*N, offset int, edge func(cursor string, n *N) *E) []*E {
	out := make([]*E, len(nodes))
	for i, n := range nodes {
		out[i] = edge(encodeCursor(offset+i), n)
	}
	return out
}

// loadRoot reads one key for a root field straight from the store: a
// root field has nothing to batch with, so waiting for the loader's batch
// window would only add latency. A missing key is the zero value.
func loadRoot[K comparable, V any](ctx context.Context, fetch func(context.Context, []K) (map[K]V, error), k K) (V, error) {
	m, err := fetch(ctx, []K{k})
	return m[k], err
}
