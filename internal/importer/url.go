package importer

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// countrySlugs maps the showroom's country= slugs to ISO 3166-1 alpha-2
// codes and English names.
var countrySlugs = map[string][2]string{
	"germany":        {"DE", "Germany"},
	"poland":         {"PL", "Poland"},
	"united-kingdom": {"GB", "United Kingdom"},
	"iraq":           {"IQ", "Iraq"},
	"austria":        {"AT", "Austria"},
	"bulgaria":       {"BG", "Bulgaria"},
	"finland":        {"FI", "Finland"},
	"sweden":         {"SE", "Sweden"},
	"denmark":        {"DK", "Denmark"},
}

// finalistsCategories are the categories of the finalists pages.
var finalistsCategories = []string{
	"community", "democracy", "digitalisation", "ecology", "economy",
	"education", "human-rights", "quality-of-life",
}

var (
	reFinalistsPath = regexp.MustCompile(`(?:^|/)finalists-(\d{4})-([a-z-]+?)/?$`)
	reTheFinalists  = regexp.MustCompile(`(?:^|/)the-finalists-([a-z-]+?)/?$`)
	reYear          = regexp.MustCompile(`^(19|20)\d{2}$`)
	reProjectsList  = regexp.MustCompile(`/\d+-projects-`)
)

// urlFacts reads the facts a page's URL states and the page kind it
// implies. An empty or unparsable URL gives KindSeed and no facts.
func urlFacts(raw string) (PageFacts, []string) {
	var f PageFacts
	var warns []string
	if raw == "" {
		f.Kind = KindSeed
		return f, nil
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		f.Kind = KindSeed
		return f, []string{"line 1: unparsable URL: " + err.Error()}
	}
	q := u.Query()
	p := strings.ToLower(u.Path)

	f.Category = strings.ToLower(strings.TrimSpace(q.Get("project_cat")))
	if y := strings.TrimSpace(q.Get("project_year")); y != "" {
		if reYear.MatchString(y) {
			f.Year, _ = strconv.Atoi(y)
		} else {
			warns = append(warns, "line 1: project_year not a year: "+y)
		}
	}
	f.Finalists = strings.EqualFold(q.Get("ipa-filter"), "finalists")
	f.Programme = strings.ToLower(strings.TrimSpace(q.Get("prog")))
	f.Search = strings.TrimSpace(q.Get("search_term"))
	if c := strings.ToLower(strings.TrimSpace(q.Get("country"))); c != "" {
		if cc, ok := countrySlugs[c]; ok {
			f.Country, f.CountryName = cc[0], cc[1]
		} else {
			f.CountryName = titleSlug(c)
			warns = append(warns, "line 1: unknown country slug "+c)
		}
	}

	switch {
	case strings.HasPrefix(p, "/de/"):
		f.Kind = KindDEWinners
	case strings.Contains(p, "awards-2020"):
		f.Kind = KindAwards2020
	case strings.Contains(p, "awards-22-23"):
		f.Kind = KindAwards2223
	case strings.Contains(p, "best-practices-hub"):
		f.Kind = KindHub
	case reFinalistsPath.MatchString(p):
		// The year in these URLs is unreliable (the pages list later
		// finalists too), so only the category is kept.
		m := reFinalistsPath.FindStringSubmatch(p)
		f.Kind, f.Finalists, f.Category = KindFinalists, true, m[2]
	case reTheFinalists.MatchString(p):
		m := reTheFinalists.FindStringSubmatch(p)
		f.Kind, f.Finalists, f.Category = KindProfiles, true, m[1]
	case q.Get("p") != "" && (p == "/" || p == ""):
		// ?p=NNN: a finalists page by post id; the category comes from
		// its heading (see parse).
		f.Kind, f.Finalists = KindFinalists, true
	case strings.Contains(p, "ipi-project-"):
		f.Kind = KindIPI
		if strings.Contains(p, "ipi-project-programme/") {
			rest := p[strings.Index(p, "ipi-project-programme/")+len("ipi-project-programme/"):]
			if prog, _, _ := strings.Cut(rest, "/"); prog != "" && f.Programme == "" {
				f.Programme = prog
			}
		}
	case strings.Contains(p, "coping-with-the-coronavirus-crisis"):
		f.Kind, f.Covid = KindCovid, true
	case reProjectsList.MatchString(p):
		f.Kind = KindClimateList
	case f.Search != "":
		f.Kind = KindSearch
	default:
		f.Kind = KindListing
	}
	if f.Kind != KindListing && f.Kind != KindSearch && f.Year != 0 && f.Kind != KindFinalists {
		// project_year only means an award year on showroom listings.
		f.Year = 0
	}
	if f.Year != 0 && f.Programme == "" {
		// project_year without prog= still filters the awards programme.
		f.Programme = "innovation-in-politics-awards"
	}
	return f, warns
}

// titleSlug turns "united-kingdom" into "United Kingdom".
func titleSlug(s string) string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' || r == '+' || r == ' ' })
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, " ")
}

// categorySlug turns a category heading ("Quality of Life", "MENSCHENRECHTE")
// into a slug. German headings of the 2019 page are translated.
func categorySlug(s string) string {
	sl := Key(s)
	switch sl {
	case "menschenrechte":
		return "human-rights"
	case "gemeinschaft":
		return "community"
	case "demokratie":
		return "democracy"
	case "bildung":
		return "education"
	case "lebensqualitat":
		return "quality-of-life"
	case "okologie":
		return "ecology"
	case "wirtschaft":
		return "economy"
	case "arbeit":
		return "jobs"
	}
	return sl
}
