package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/enrich"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
)

// importSummary is what import prints at the end.
type importSummary struct {
	Files, Pages, UserRecords      int
	Initiatives                    int
	WithCity, CountryOnly, NoPlace int
	Cities, Countries, Themes      int
	ThemeLinks                     int
	ThemesFromCategory, ThemesText int
	WithAwardYear, Winners         int
	Years                          []int
	TitleDerived                   int
	OrphanSummaries, OrphansMerged int
	WriteTime, SimilarityTime      time.Duration
	Total                          time.Duration
	SimilarLinks                   int
	Pruned                         int
	Stats                          *neo4jdb.ImportStats
}

func summarize(ins []*domain.Initiative) importSummary {
	s := importSummary{Initiatives: len(ins)}
	cities, countries, themes, years := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[int]bool{}
	for _, in := range ins {
		switch {
		case in.City != nil:
			s.WithCity++
			cities[in.City.ID] = true
		case in.Country != nil:
			s.CountryOnly++
		default:
			s.NoPlace++
		}
		if in.Country != nil {
			countries[in.Country.Code] = true
		}
		for _, t := range in.Themes {
			themes[t.Slug] = true
			s.ThemeLinks++
			if t.Source == domain.ThemeSourceText {
				s.ThemesText++
			} else {
				s.ThemesFromCategory++
			}
		}
		if len(in.Awards) > 0 {
			s.WithAwardYear++
		}
		for _, a := range in.Awards {
			years[a.Year] = true
			if a.Status == domain.AwardWinner {
				s.Winners++
			}
		}
		if in.TitleDerived {
			s.TitleDerived++
		}
	}
	s.Cities, s.Countries, s.Themes = len(cities), len(countries), len(themes)
	for y := range years {
		s.Years = append(s.Years, y)
	}
	sort.Ints(s.Years)
	return s
}

func pct(n, of int) string {
	if of == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(of))
}

func (s importSummary) print(w io.Writer, counts map[string]int) {
	fmt.Fprintf(w, "civicgraph import summary\n")
	fmt.Fprintf(w, "  files read:           %d (%d showroom pages, %d user records)\n", s.Files, s.Pages, s.UserRecords)
	fmt.Fprintf(w, "  initiatives:          %d (%d with a derived title)\n", s.Initiatives, s.TitleDerived)
	fmt.Fprintf(w, "  orphan summaries:     %d, merged with their titled twin: %d (%s)\n", s.OrphanSummaries, s.OrphansMerged, pct(s.OrphansMerged, s.OrphanSummaries))
	fmt.Fprintf(w, "  places:               %d with city (%s), %d country only (%s), %d unresolved (%s)\n",
		s.WithCity, pct(s.WithCity, s.Initiatives), s.CountryOnly, pct(s.CountryOnly, s.Initiatives), s.NoPlace, pct(s.NoPlace, s.Initiatives))
	fmt.Fprintf(w, "  distinct:             %d cities, %d countries, %d themes, %d award years %v\n", s.Cities, s.Countries, s.Themes, len(s.Years), s.Years)
	mean := 0.0
	if s.Initiatives > 0 {
		mean = float64(s.ThemeLinks) / float64(s.Initiatives)
	}
	fmt.Fprintf(w, "  themes:               %.2f per initiative (%d from categories/users, %d from text)\n", mean, s.ThemesFromCategory, s.ThemesText)
	fmt.Fprintf(w, "  awards:               %d initiatives with an award year, %d winner entries\n", s.WithAwardYear, s.Winners)
	if s.Stats != nil {
		fmt.Fprintf(w, "  neo4j:                %d created, %d updated, %d unchanged, %d rewritten in %s; %d orphan cities/years removed\n", s.Stats.Created, s.Stats.Updated, s.Stats.Unchanged, s.Stats.Rewritten, s.WriteTime.Round(time.Millisecond), s.Pruned)
		fmt.Fprintf(w, "  similarity:           %d links in %s\n", s.SimilarLinks, s.SimilarityTime.Round(time.Millisecond))
	}
	if counts != nil {
		var parts []string
		for _, k := range []string{"Initiative", "City", "Country", "Theme", "AwardYear", "IN_CITY", "IN_COUNTRY", "LOCATED_IN", "HAS_THEME", "AWARDED", "SIMILAR"} {
			parts = append(parts, fmt.Sprintf("%s=%d", k, counts[k]))
		}
		fmt.Fprintf(w, "  graph now:            %s\n", strings.Join(parts, " "))
		fmt.Fprintf(w, "  total time:           %s\n", s.Total.Round(time.Millisecond))
	}
}

// printReport lists what needs a human: missing places and themes,
// suspected duplicates and conflicting facts.
func printReport(w io.Writer, ins []*domain.Initiative, rep *enrich.Report) {
	section := func(title string, items []enrich.Issue) {
		fmt.Fprintf(w, "\n== %s (%d)\n", title, len(items))
		for _, it := range items {
			fmt.Fprintf(w, "  %-50s %s\n", truncate(it.Title, 50), it.Note)
		}
	}
	section("without place", rep.NoPlace)
	section("ambiguous place", rep.Ambiguous)
	section("without theme", rep.NoTheme)
	section("conflicting facts", rep.Conflicts)
	dups := enrich.SuspectedDuplicates(ins)
	fmt.Fprintf(w, "\n== suspected duplicates (%d)\n", len(dups))
	for _, d := range dups {
		fmt.Fprintf(w, "  %-40s ~ %-40s %s\n", truncate(d.A, 40), truncate(d.B, 40), d.Why)
	}
	if rep.UndatedAwards > 0 {
		fmt.Fprintf(w, "\n== finalist statuses without a reliable year, not imported: %d\n", rep.UndatedAwards)
	}
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
