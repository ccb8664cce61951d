package graph

import (
	"strings"

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
			return nil, domain.Errorf(domain.EINVALID, "%s is not an ISO 3166-1 alpha-2 country code", domain.ArgPosition(arg, i, len(codes)))
		}
		out[i] = c
	}
	return out, nil
}

// unknownTheme is the error for a filter whose themes include slug, which
// the store reported unknown.
func unknownTheme(arg string, themes []string, slug string) error {
	for i, t := range themes {
		if t == slug {
			return domain.UnknownTheme(arg, i, len(themes))
		}
	}
	return domain.UnknownTheme(arg, 0, len(themes))
}
