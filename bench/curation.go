package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"
)

// benchToken is the bearer token the harness starts civicgraph with, so
// that it may send curation mutations.
const benchToken = "bench-curation-token"

// curationTheme is the theme the curation row links and unlinks.
const curationTheme = "culture"

// CurationResult is the curation row of one size: linkTheme and
// unlinkTheme, alternately, through civicgraph's GraphQL API, one at a
// time, each followed by a similar query on the edited initiative.
type CurationResult struct {
	Mutations int
	P50, P99  float64 // milliseconds, over every mutation
	// Reflected says every similar query right after a mutation showed
	// it: after linkTheme every returned neighbour with the theme shares
	// it with the edited initiative, after unlinkTheme none does.
	// Shared counts the neighbours that shared the theme after linkTheme
	// (0 would mean the check saw nothing; then Reflected is false).
	Reflected bool
	Shared    int
	Mismatch  string `json:",omitempty"`
}

// curationKeys picks n initiatives to edit: with a theme but not the
// curation theme, and a precomputed neighbour that has it (so that linking
// it must show in the neighbour's shared themes).
func curationKeys(ctx context.Context, fl *floor, n int) ([]string, error) {
	recs, err := fl.run(ctx, `MATCH (i:Initiative)-[s:SIMILAR]-(:Initiative)-[:HAS_THEME]->(:Theme {slug: $theme})
WHERE (startNode(s) = i OR s.mutual) AND NOT (i)-[:HAS_THEME]->(:Theme {slug: $theme}) AND EXISTS { (i)-[:HAS_THEME]->() }
WITH DISTINCT i.key AS key ORDER BY key SKIP 50 LIMIT $n
RETURN key`, map[string]any{"theme": curationTheme, "n": n})
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(recs))
	for _, r := range recs {
		if k, ok := r.Values[0].(string); ok {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("curation: no initiative to edit")
	}
	return keys, nil
}

// askAuth posts one GraphQL request with the bench token.
func askAuth(ctx context.Context, url string, g gql) (map[string]any, error) {
	return askToken(ctx, url, g, benchToken)
}

const (
	linkMutation   = `mutation($k: ID!, $t: String!) { linkTheme(initiative: $k, theme: $t) { key } }`
	unlinkMutation = `mutation($k: ID!, $t: String!) { unlinkTheme(initiative: $k, theme: $t) { key } }`
	similarAfter   = `query($k: ID!) { similarInitiatives(id: $k, first: 10, differentCity: false) {
  initiative { key themes { theme { slug } } } sharedThemes { slug } } }`
)

// checkSimilar asks the similar query of key right after a mutation and
// returns how many neighbours share the curation theme, or a description
// of what contradicts the mutation (linked: the theme was just linked).
func checkSimilar(ctx context.Context, url, key string, linked bool) (int, string, error) {
	d, err := askAuth(ctx, url, gql{similarAfter, map[string]any{"k": key}})
	if err != nil {
		return 0, "", err
	}
	shared := 0
	for _, s := range list(d, "similarInitiatives") {
		n := obj(s, "initiative")
		has := slices.Contains(mapList(list(n, "themes"), func(t map[string]any) any { return obj(t, "theme")["slug"] }), any(curationTheme))
		sh := slices.Contains(mapList(list(s, "sharedThemes"), func(t map[string]any) any { return t["slug"] }), any(curationTheme))
		switch {
		case sh:
			shared++
			if !linked {
				return shared, fmt.Sprintf("%s: after unlinkTheme its neighbour %v still shares %s", key, n["key"], curationTheme), nil
			}
		case linked && has:
			return shared, fmt.Sprintf("%s: after linkTheme its neighbour %v has %s but does not share it", key, n["key"], curationTheme), nil
		}
	}
	return shared, "", nil
}

// benchCuration times runs link+unlink pairs on keys (round robin), one
// request at a time; the similar checks are not timed.
func benchCuration(ctx context.Context, url string, keys []string, runs int) (CurationResult, error) {
	res := CurationResult{Reflected: true}
	var lat []float64
	for i := 0; i < runs; i++ {
		k := keys[i%len(keys)]
		for _, linked := range []bool{true, false} {
			m := unlinkMutation
			if linked {
				m = linkMutation
			}
			t0 := time.Now()
			if _, err := askAuth(ctx, url, gql{m, map[string]any{"k": k, "t": curationTheme}}); err != nil {
				return res, fmt.Errorf("curation mutation on %s: %w", k, err)
			}
			lat = append(lat, ms(time.Since(t0)))
			n, bad, err := checkSimilar(ctx, url, k, linked)
			if err != nil {
				return res, fmt.Errorf("similar after curation of %s: %w", k, err)
			}
			if linked {
				res.Shared += n
			}
			if bad != "" && res.Reflected {
				res.Reflected, res.Mismatch = false, bad
			}
		}
	}
	if res.Shared == 0 && res.Reflected {
		res.Reflected, res.Mismatch = false, "no neighbour shared the linked theme: the check saw nothing"
	}
	sort.Float64s(lat)
	res.Mutations, res.P50, res.P99 = len(lat), quantile(lat, 0.50), quantile(lat, 0.99)
	return res, nil
}

// quantile of sorted values (nearest rank).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
