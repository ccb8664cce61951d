package enrich

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/gazetteer"
)

// Level of government.
//
// The rules read the title and summary for who runs the initiative. Each
// rule that matches adds its weight to one level (a rule counts once):
// strong actor phrases weigh 3 ("The City of Leipzig", "the Government of
// Aragon", "a ministry", "a Bulgarian law", "UNICEF", "a non-profit
// association"), weaker ones 1–2 ("the city", "regional", "the government",
// "volunteers"). A match among the first words of the summary, where the
// showroom's sentences name their actor, weighs half as much again. The
// level is the one with the highest score when that score is at least 2 and
// at least twice the next one; otherwise the level stays unknown (nil),
// never guessed. The evidence is the text of the heaviest match; the method
// is "text". Precision is measured on a hand-labelled set
// (testdata/levels_labelled.tsv, level_test.go).

// levelRule is one pattern that points at a level.
type levelRule struct {
	level  string
	weight float64
	re     *regexp.Regexp
	// name, when set, must be a region (or a country) for the match to count:
	// "the Government of Aragon" is regional, "the Government of Ireland"
	// national. The first submatch is the name.
	name string
}

// levelNeeds are the rules' prefilters (prefilterOf), by rule index: a
// part whose folded text contains none of a rule's strings cannot match
// it, so its pattern is not run.
var levelNeeds = func() [][]string {
	out := make([][]string, len(levelRules))
	for i, r := range levelRules {
		out[i] = prefilterOf(r.re.String())
	}
	return out
}()

// levelIndex finds the rules a part may match in one pass (needIndex).
var levelIndex = newNeedIndex(levelNeeds)

// usePrefilter is off only in the test that checks the prefilter changes
// no match.
var usePrefilter = true

const (
	nameRegion  = "region"
	nameCountry = "country"
	// nameNotOf: the match counts unless "of" follows ("the government"
	// alone is national; "the Government of Aragon" is the other rules').
	nameNotOf = "not-of"
)

func rx(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// matches returns the matches of rule in part that levelOf looks at: all of
// them when the rule has a condition on the match (a later one may pass
// where the first does not), else only the first, which is the one that
// counts. (FindAll over every rule was most of the enrichment's time at
// 100k initiatives.)
func matches(rule levelRule, part string) [][]int {
	if rule.name != "" {
		return rule.re.FindAllStringSubmatchIndex(part, -1)
	}
	if m := rule.re.FindStringSubmatchIndex(part); m != nil {
		return [][]int{m}
	}
	return nil
}

var levelRules = []levelRule{
	// Municipal.
	{domain.LevelMunicipal, 3, rx(`\b(?:[Tt]he |[Aa] )?(?:[Cc]ity|[Tt]own|[Mm]unicipality|[Bb]orough|[Vv]illage|[Cc]ommune) of \p{Lu}[\p{L}-]+`), ""},
	{domain.LevelMunicipal, 3, rx(`(?i)\b(?:city|town|borough|district|municipal|parish) council\b`), ""},
	{domain.LevelMunicipal, 3, rx(`(?i)\b(?:mayor|mayors|municipality|municipalities|local authority|local authorities|city administration|city hall|town hall|city government|municipal government|Bürgermeister\w*|Stadtverwaltung|Gemeinde)\b`), ""},
	{domain.LevelMunicipal, 2, rx(`(?i)\bmunicipal\b`), ""},
	{domain.LevelMunicipal, 2, rx(`(?i)\b(?:the (?:city|town)(?:’s|'s)|their (?:city|town))\b`), ""},
	{domain.LevelMunicipal, 1, rx(`(?i)\b(?:the|a|this) (?:city|town)\b`), ""},
	// Regional.
	{domain.LevelRegional, 3, rx(`(?i)\b(?:regional|provincial|county|cantonal|state) (?:government|council|authority|authorities|administration|parliament|agency|office)\b`), ""},
	{domain.LevelRegional, 3, rx(`\b[Gg]overnment of (\p{Lu}[\p{L}-]+(?: \p{Lu}[\p{L}-]+)?)`), nameRegion},
	{domain.LevelRegional, 3, rx(`\b(\p{Lu}[\p{L}-]+(?: \p{Lu}[\p{L}-]+)?)(?:’s|'s)? (?:regional )?[Gg]overnment\b`), nameRegion},
	{domain.LevelRegional, 3, rx(`(?i)\b(?:voivodeship|Landkreis|Bundesland|federal state)\b`), ""},
	{domain.LevelRegional, 1, rx(`(?i)\b(?:regional|region|county|province)\b`), ""},
	// National.
	{domain.LevelNational, 3, rx(`(?i)\b(?:ministry|ministries|minister|national government|federal government|central government|national agency|government agency|state agency)\b`), ""},
	{domain.LevelNational, 3, rx(`\b[Gg]overnment of (\p{Lu}[\p{L}-]+(?: \p{Lu}[\p{L}-]+)?)`), nameCountry},
	{domain.LevelNational, 3, rx(`\b(\p{Lu}[\p{L}-]+(?: \p{Lu}[\p{L}-]+)?)(?:’s|'s)? (?:[Gg]overnment|[Pp]arliament|[Ll]aw|[Ll]egislation)\b`), nameCountry},
	{domain.LevelNational, 3, rx(`\b(\p{Lu}[\p{L}-]+) (?:\p{Lu}[\p{L}-]+ ){0,2}(?:Board|Agency|Authority|Office|Institute|Service|Ministry)\b`), nameCountry},
	{domain.LevelNational, 2, rx(`(?i)\b(?:a|the) government\b`), nameNotOf},
	{domain.LevelNational, 2, rx(`(?i)\bnational budget\b|\bnationwide\b|\breferendum\b|\bparliament\b`), ""},
	// International.
	{domain.LevelInternational, 3, rx(`\b(?:European Commission|United Nations|UNICEF|UNESCO|UNHCR|UNDP|WHO|OECD|Council of Europe|World Bank|Open Government Partnership|European Parliament)\b`), ""},
	{domain.LevelInternational, 2, rx(`(?i)\b(?:international organi[sz]ation|cross-border|several countries|European countries)\b`), ""},
	// Civil society.
	{domain.LevelCivilSociety, 3, rx(`(?i)\b(?:NGOs?|non-governmental organi[sz]ations?|non-profit|nonprofit|not-for-profit|charity|charities|association|foundation|grassroots|civil society organi[sz]ations?|volunteer-run|citizens’ initiative|citizens' initiative|activists|non-partisan)\b`), ""},
	// "a housing cooperative run by…", not "a cooperative platform".
	{domain.LevelCivilSociety, 3, rx(`(?i)\bco-?operatives?(?:[,.;:)]|$| (?:run|of|that|which|counters|in|for|is|has|brings|with|where)\b)`), ""},
	{domain.LevelCivilSociety, 3, rx(`(?i)\bresidents and volunteers\b|\bvolunteers and residents\b`), ""},
	{domain.LevelCivilSociety, 2, rx(`(?i)\bvolunteers\b`), ""},
	// Several kinds of actor together: evidence against any one level.
	{levelMixed, 2, rx(`(?i)\b(?:partnership|sectors|public and private|stakeholders)\b`), ""},
}

// levelMixed scores text that names several kinds of actor ("a
// partnership", "the public and private sectors"); it is never a result,
// but it keeps a weak level from winning.
const levelMixed = "mixed"

// subjectWords is how many leading words of the summary count as its
// subject for the weight bonus.
const subjectWords = 8

// levelOf applies the level rules. res is the place resolution of the text
// (a region named in the title counts as regional evidence, a city's
// possessive or a city as the summary's first word as municipal evidence);
// findings are the institutions the gazetteer found.
func (e *Enricher) levelOf(title, summary string, city *domain.CityRef, res gazetteer.Resolution, findings []gazetteer.Finding, src domain.Source) *domain.LevelRef {
	score := map[string]float64{}
	best := map[string]float64{}
	evidence := map[string]string{}
	add := func(level string, w float64, ev string) {
		score[level] += w
		if w > best[level] {
			best[level], evidence[level] = w, ev
		}
	}
	subjectEnd := subjectSpan(summary)
	parts := []string{title, summary}
	if isAllCapsText(title) {
		parts = parts[1:] // "COOPERATIVE COUNCIL GRONINGEN": capitals hide which words are names
	}
	may := make([]bool, len(levelRules))
	for _, part := range parts {
		if usePrefilter {
			levelIndex.mark(foldText(part), may)
		}
		for k, rule := range levelRules {
			if usePrefilter && !may[k] {
				continue
			}
			for _, m := range matches(rule, part) {
				if rule.name == nameNotOf && strings.HasPrefix(part[m[1]:], " of ") {
					continue
				}
				if rule.name != "" && rule.name != nameNotOf && !e.nameIs(part[m[2]:m[3]], rule.name) {
					continue
				}
				w := rule.weight
				if part == summary && m[0] < subjectEnd {
					w *= 1.5
				}
				add(rule.level, w, part[m[0]:m[1]])
				break // a rule counts once per part
			}
		}
	}
	for _, f := range findings {
		if f.Kind == gazetteer.EvidenceInstitution {
			add(domain.LevelNational, 3, f.Evidence)
		}
	}
	if city != nil && city.Evidence != "" {
		ev := city.Evidence
		switch {
		case strings.HasSuffix(ev, "’s") || strings.HasSuffix(ev, "'s") || strings.HasSuffix(ev, "’"):
			add(domain.LevelMunicipal, 2, ev)
		case strings.HasPrefix(summary, ev+" ") && len(summary) > len(ev)+1 && isLowerStart(summary[len(ev)+1:]):
			// "Gdynia supports …", "Freiburg introduces …": the city acts.
			add(domain.LevelMunicipal, 2, ev)
		}
	}
	if res.Method == "region" && res.Region != "" && strings.Contains(title, res.Evidence) && !e.Gaz.IsIsland(res.Region) {
		add(domain.LevelRegional, 2, res.Evidence)
	}
	var top, second string
	for _, l := range append(domain.Levels[:len(domain.Levels):len(domain.Levels)], levelMixed) {
		switch {
		case top == "" || score[l] > score[top]:
			top, second = l, top
		case second == "" || score[l] > score[second]:
			second = l
		}
	}
	if top == levelMixed || score[top] < 2 || score[top] < 2*score[second] {
		return nil
	}
	conf := 0.6 + 0.1*min(score[top], 3)
	if score[second] > 0 {
		conf -= 0.1
	}
	return &domain.LevelRef{Level: top, Confidence: round3(conf), Evidence: evidence[top], Sources: []domain.Source{src}}
}

// nameIs reports whether the captured name is a region or a country (name
// or adjective) as the rule wants.
func (e *Enricher) nameIs(name, want string) bool {
	switch want {
	case nameRegion:
		_, cc, ok := e.Gaz.RegionByName(name)
		if ok && (cc == "GB") { // Scotland, Wales: devolved nations read as national by some; leave them unknown
			return false
		}
		if _, isCountry := e.Gaz.CountryByName(name); isCountry {
			return false
		}
		return ok
	case nameCountry:
		_, ok := e.Gaz.CountryByName(name)
		return ok
	}
	return false
}

// subjectSpan is the byte offset after the first subjectWords words of s.
func subjectSpan(s string) int {
	n := 0
	for i, r := range s {
		if r == ' ' {
			n++
			if n == subjectWords {
				return i
			}
		}
	}
	return len(s)
}

// isAllCapsText reports text with letters and no lower-case letter.
func isAllCapsText(s string) bool {
	letters := false
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		letters = letters || unicode.IsLetter(r)
	}
	return letters
}

func isLowerStart(s string) bool {
	for _, r := range s {
		return r >= 'a' && r <= 'z'
	}
	return false
}
