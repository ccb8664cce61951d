package gazetteer

import (
	"strings"
	"unicode/utf8"

	"github.com/civicgraph/civicgraph/internal/textfold"
)

// fold turns a place name into its lookup key: lower case, diacritics
// removed (Łódź → lodz, Klaipėda → klaipeda, München → munchen), hyphens,
// apostrophes, slashes and full stops turned into single spaces. Keys of the
// tables and of the text are made by the same function, so matching works in
// both directions (Lodz finds Łódź, Łódź finds Lodz).
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading separators
	put := func(r rune) {
		if isSep(r) {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			return
		}
		b.WriteRune(r)
		space = false
	}
	if ascii {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			put(rune(c))
		}
	} else {
		for _, r := range s {
			if r < latinEnd {
				for _, x := range latinFold[r] {
					put(x)
				}
				continue
			}
			for _, x := range foldRune(r) {
				put(x)
			}
		}
	}
	out := b.String()
	return strings.TrimSuffix(out, " ")
}

func isSep(r rune) bool {
	switch r {
	case ' ', '\t', '-', '\'', '’', '‘', '.', '/', '‐', '‑', '–', ',':
		return true
	}
	return false
}

// latinFold caches foldRune for Latin-1 and Latin Extended-A/B, where almost
// all European place names live; fold is on the load path of Default.
const latinEnd = 0x250

var latinFold = func() (t [latinEnd]string) {
	for r := rune(0); r < latinEnd; r++ {
		t[r] = foldRune(r)
	}
	return t
}()

// foldRune folds one rune: textfold.FoldRune, civicgraph's one letter
// folding (special letters, canonical decomposition without combining
// marks, lower case), so place names fold as titles and search keys do.
func foldRune(r rune) string { return textfold.FoldRune(r) }
