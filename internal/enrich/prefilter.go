package enrich

import (
	"fmt"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coregx/ahocorasick"
)

// A level rule's prefilter: literal strings of which every match of the
// rule's pattern contains at least one, compared after folding case
// (foldText), so a text that contains none of them cannot match and the
// pattern is not run on it. Most summaries name no actor, so most rules
// are skipped on most texts: running all of them was most of the
// enrichment's time at 100k initiatives. The filter only ever skips a
// pattern that cannot match, so levels do not change (see
// TestLevelPrefilterAgrees).

// requirement is what a pattern (or a part of one) needs in any match.
type requirement struct {
	any []string // folded strings of which a match contains one; nil: nothing known
	// exact: every match is exactly one of any (after folding), so it may
	// be joined with neighbouring exact parts into longer strings.
	exact bool
}

// maxJoined caps the strings a run of exact parts is expanded to ("city",
// "town" … joined with " of " give "city of ", "town of " …).
const maxJoined = 64

// prefilterOf returns the folded strings one of which every match of
// pattern contains, or nil when the pattern needs none that is known (then
// the pattern is always run).
func prefilterOf(pattern string) []string {
	re, err := syntax.Parse(pattern, syntax.Perl) // the flags regexp.Compile uses
	if err != nil {
		return nil
	}
	r := required(re)
	if shortest(r.any) <= 0 {
		return nil
	}
	return minimal(r.any)
}

// minimal drops the strings that contain another one of ss ("mayors"
// when "mayor" is there) and duplicates: a text contains one of the rest
// exactly when it contains one of ss.
func minimal(ss []string) []string {
	var out []string
	for i, s := range ss {
		redundant := false
		for j, o := range ss {
			if j != i && strings.Contains(s, o) && (len(o) < len(s) || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, s)
		}
	}
	return out
}

func required(re *syntax.Regexp) requirement {
	switch re.Op {
	case syntax.OpLiteral:
		return requirement{any: []string{foldText(string(re.Rune))}, exact: true}
	case syntax.OpCharClass:
		// [Gg], [’']: a few runes (after folding) are a few literals.
		if rs, ok := classRunes(re.Rune); ok {
			out := make([]string, len(rs))
			for i, r := range rs {
				out[i] = string(r)
			}
			return requirement{any: out, exact: true}
		}
		return requirement{}
	case syntax.OpCapture:
		return required(re.Sub[0])
	case syntax.OpPlus:
		return requirement{any: required(re.Sub[0]).any}
	case syntax.OpQuest:
		// x? is "" or x: exact when x is.
		if r := required(re.Sub[0]); r.exact {
			return requirement{any: append([]string{""}, r.any...), exact: true}
		}
		return requirement{}
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requirement{any: required(re.Sub[0]).any}
		}
		return requirement{}
	case syntax.OpAlternate:
		out := requirement{exact: true}
		for _, sub := range re.Sub {
			r := required(sub)
			if r.any == nil {
				return requirement{}
			}
			out.any = append(out.any, r.any...)
			out.exact = out.exact && r.exact
		}
		return out
	case syntax.OpConcat:
		return requiredConcat(re.Sub)
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		// Zero width: nothing needed, and it does not separate its
		// neighbours in the matched text.
		return requirement{any: []string{""}, exact: true}
	}
	return requirement{}
}

// requiredConcat joins runs of exact parts into longer strings and keeps
// the most selective requirement (the one whose shortest string is
// longest; of equals, the one with fewer strings).
func requiredConcat(subs []*syntax.Regexp) requirement {
	var best requirement
	run := []string{""}
	allExact := true
	consider := func(any []string) {
		if shortest(any) <= 0 {
			return
		}
		if best.any == nil || shortest(any) > shortest(best.any) ||
			(shortest(any) == shortest(best.any) && len(any) < len(best.any)) {
			best = requirement{any: any}
		}
	}
	for _, sub := range subs {
		r := required(sub)
		if !r.exact {
			allExact = false
			consider(run)
			run = []string{""}
			consider(r.any)
			continue
		}
		if len(run)*len(r.any) > maxJoined {
			allExact = false
			consider(run)
			run = []string{""}
		}
		joined := make([]string, 0, len(run)*len(r.any))
		for _, a := range run {
			for _, b := range r.any {
				joined = append(joined, a+b)
			}
		}
		run = joined
	}
	if allExact {
		return requirement{any: run, exact: true}
	}
	consider(run)
	return best
}

// shortest is the length of the shortest string of ss, -1 for none.
func shortest(ss []string) int {
	n := -1
	for _, s := range ss {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	return n
}

// classRunes returns the folded runes of a character class (ranges lo-hi)
// when there are at most four.
func classRunes(ranges []rune) ([]rune, bool) {
	var out []rune
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		if hi-lo > 8 {
			return nil, false
		}
		for r := lo; r <= hi; r++ {
			f := foldRune(r)
			dup := false
			for _, o := range out {
				dup = dup || o == f
			}
			if !dup {
				out = append(out, f)
			}
		}
	}
	return out, len(out) > 0 && len(out) <= 4
}

// foldRune maps every rune of a case-folding orbit (K, k and the Kelvin
// sign; S, s and the long s) to one of them, the smallest.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	return m
}

// foldText folds every rune of s (foldRune), so that a case-insensitive
// match in s is a plain substring of foldText(s).
func foldText(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToUpper(s)
	}
	return strings.Map(foldRune, s)
}

// needIndex finds, in one pass over a folded text, the rules whose
// prefilter strings occur in it: an Aho-Corasick automaton over the
// distinct strings of every rule's prefilter (coregx/ahocorasick), in
// place of one strings.Contains per string and rule (that was 1.9 s of
// CPU at 100k initiatives). It marks exactly the rules whose strings a plain
// search finds (mayMatch in the tests, TestNeedIndexAgrees).
type needIndex struct {
	ac     *ahocorasick.Automaton
	rules  [][]int // by pattern ID: the rules that need that string
	always []int   // rules without a prefilter
}

func newNeedIndex(needs [][]string) *needIndex {
	x := &needIndex{}
	id := map[string]int{}
	var patterns []string
	for k, need := range needs {
		if need == nil {
			x.always = append(x.always, k)
			continue
		}
		for _, s := range need {
			p, ok := id[s]
			if !ok {
				p = len(patterns)
				id[s] = p
				patterns = append(patterns, s)
				x.rules = append(x.rules, nil)
			}
			if r := x.rules[p]; len(r) == 0 || r[len(r)-1] != k {
				x.rules[p] = append(r, k)
			}
		}
	}
	if len(patterns) > 0 {
		ac, err := ahocorasick.NewBuilder().AddStrings(patterns).Build()
		if err != nil {
			panic(fmt.Sprintf("level prefilter automaton: %v", err)) // the strings are constants of this package
		}
		x.ac = ac
	}
	return x
}

// mark sets may[k] for every rule k whose prefilter a text (folded by
// foldText) may match, and clears the others; may has one entry per rule.
func (x *needIndex) mark(folded string, may []bool) {
	clear(may)
	for _, k := range x.always {
		may[k] = true
	}
	if x.ac == nil || folded == "" {
		return
	}
	for _, m := range x.ac.FindAllOverlapping([]byte(folded)) {
		for _, k := range x.rules[m.PatternID] {
			may[k] = true
		}
	}
}
