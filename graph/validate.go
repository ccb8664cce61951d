package graph

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/gazetteer"
)

// The rule for unknown values, the same on every field (README "Unknown
// IDs, slugs and codes"):
//
//   - a lookup by ID (node, initiative, city) answers null, as Relay
//     expects; an ID that is not a global ID at all is BAD_USER_INPUT;
//   - a field anchored on one node it is given (similarInitiatives,
//     similarCities, connection, neighbourhood) answers NOT_FOUND when the
//     node does not exist;
//   - a filter or argument value naming a theme or a country (filter
//     themes and countries, cities(countries:), cityRanking, themeTrends,
//     themeByCountry) must name one: an unknown theme slug or a code that
//     is not ISO 3166-1 alpha-2 is BAD_USER_INPUT, naming its position
//     (never echoing the value); a known theme or country that no
//     initiative has gives an empty answer, which is the true one.

// checkCountries upper-cases codes and checks them against ISO 3166-1
// (the gazetteer's table, in memory).
func checkCountries(arg string, codes []string) ([]string, error) {
	out := make([]string, len(codes))
	for i, c := range codes {
		c = strings.ToUpper(strings.TrimSpace(c))
		if _, ok := gazetteer.Default().CountryByCode(c); !ok || len(c) != 2 {
			return nil, domain.Errorf(domain.EINVALID, "%s is not an ISO 3166-1 alpha-2 country code", position(arg, i, len(codes)))
		}
		out[i] = c
	}
	return out, nil
}

// knownThemes remembers theme slugs the store has confirmed, so that only a
// slug not seen before costs a lookup. It only grows: a theme removed by a
// later import still passes here and matches nothing, which is harmless.
// It is per process, and several servers need not agree.
type knownThemes struct{ m sync.Map }

// check fails with EINVALID when a slug is not a theme of the graph.
func (k *knownThemes) check(ctx context.Context, store domain.ReadStore, arg string, slugs []string) error {
	var missing []string
	for _, s := range slugs {
		if _, ok := k.m.Load(s); !ok {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	found, err := store.ThemesBySlugs(ctx, missing)
	if err != nil {
		return err
	}
	for i, s := range slugs {
		if _, ok := k.m.Load(s); ok {
			continue
		}
		if _, ok := found[s]; !ok {
			return domain.Errorf(domain.EINVALID, "%s is not a theme slug (the themes query lists them)", position(arg, i, len(slugs)))
		}
		k.m.Store(s, true)
	}
	return nil
}

func position(arg string, i, n int) string {
	if n == 1 && !strings.HasSuffix(arg, "s") {
		return arg
	}
	return fmt.Sprintf("%s[%d]", arg, i)
}
