package domain

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// ThemeLookup finds themes by slug (ReadStore has it).
type ThemeLookup interface {
	ThemesBySlugs(ctx context.Context, slugs []string) (map[string]*Theme, error)
}

// KnownThemes remembers theme slugs the store has confirmed, so that only a
// slug not seen before costs a lookup. It only grows: a theme removed by a
// later import still passes here and matches nothing, which is harmless.
// It is per process, and several servers need not agree.
type KnownThemes struct{ m sync.Map }

// Check fails with EINVALID when a slug is not a theme of the graph.
func (k *KnownThemes) Check(ctx context.Context, store ThemeLookup, arg string, slugs []string) error {
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
			return UnknownTheme(arg, i, len(slugs))
		}
		k.m.Store(s, true)
	}
	return nil
}

// ArgPosition names the i-th of n values of an argument in an error
// message: "theme" for a single value, "filter.themes[2]" in a list.
func ArgPosition(arg string, i, n int) string {
	if n == 1 && !strings.HasSuffix(arg, "s") {
		return arg
	}
	return fmt.Sprintf("%s[%d]", arg, i)
}

// UnknownTheme is the EINVALID error for the i-th of n theme slugs of
// argument arg, which is no theme of the graph (the value is not echoed).
func UnknownTheme(arg string, i, n int) error {
	return Errorf(EINVALID, "%s is not a theme slug (the themes query lists them)", ArgPosition(arg, i, n))
}
