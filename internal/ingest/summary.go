package ingest

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/enrich"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
)

// Summary is what a run did, as `civicgraph import` prints it at the end.
type Summary struct {
	Files, Pages, UserRecords int
	// Warnings are what the page reader repaired or left out (see
	// Input.Warnings); the summary counts them, the report lists them.
	Warnings                       []PageWarning
	Initiatives                    int
	WithCity, CountryOnly, NoPlace int
	Cities, Countries, Themes      int
	ThemeLinks                     int
	ThemesFromCategory, ThemesText int
	WithAwardYear, Winners         int
	WithCountry, WithLevel         int
	Levels                         map[string]int // per level of government
	Years                          []int
	TitleDerived                   int
	OrphanSummaries, OrphansMerged int
	WriteTime, SimilarityTime      time.Duration
	// Bulk: the run wrote without the secondary indexes (see
	// neo4jdb.BulkIndexes); IndexWait is how long it then waited for their
	// rebuild after the similar links were written.
	Bulk         bool
	IndexWait    time.Duration
	Total        time.Duration
	SimilarLinks int
	Pruned       int
	Stats        *neo4jdb.ImportStats
	// Meaning is what the embedding step did (Meaning.Why says why there
	// was no model); SentenceEmbed the sentence vectors of the similarity
	// reasons; Vectors their write.
	Meaning       MeaningReport
	SentenceEmbed embed.Stats
	Vectors       neo4jdb.EmbeddingRun
	Retired       int // nodes of merged-away keys removed
	// Duplicates is what near-duplicate detection did (Before counts the
	// initiatives before merging).
	Duplicates enrich.DuplicateReport
	// Before is the graph's coverage before this run (nil on a dry run).
	Before *domain.Coverage
}

func summarize(ins []*domain.Initiative) Summary {
	s := Summary{Initiatives: len(ins), Levels: map[string]int{}}
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
			s.WithCountry++
		}
		if in.Level != nil {
			s.WithLevel++
			s.Levels[in.Level.Level]++
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

func (s Summary) Print(w io.Writer, counts map[string]int) {
	fmt.Fprintf(w, "civicgraph import summary\n")
	fmt.Fprintf(w, "  files read:           %d (%d showroom pages, %d user records)\n", s.Files, s.Pages, s.UserRecords)
	if n := len(s.Warnings); n > 0 {
		pages := map[string]bool{}
		for _, pw := range s.Warnings {
			pages[pw.Path] = true
		}
		fmt.Fprintf(w, "  page warnings:        %d on %d pages: lines the reader repaired or left out (see --report)\n", n, len(pages))
	}
	fmt.Fprintf(w, "  initiatives:          %d (%d with a derived title)\n", s.Initiatives, s.TitleDerived)
	switch d := s.Duplicates; {
	case d.Lexical:
		fmt.Fprintf(w, "  duplicates:           lexical only (no embedding model): %d suspected, none merged\n", len(d.Suspected))
	case d.Before > 0:
		fmt.Fprintf(w, "  duplicates:           %d merged (%d → %d initiatives), %d uncertain (see --report)\n", d.Before-d.After, d.Before, d.After, len(d.Uncertain))
	}
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
	var lv []string
	for _, l := range domain.Levels {
		if n := s.Levels[l]; n > 0 {
			lv = append(lv, fmt.Sprintf("%s %d", strings.ToLower(l), n))
		}
	}
	fmt.Fprintf(w, "  coverage:             city %s, country %s, award year %s, level of government %s (%s); the rest is unknown\n",
		pct(s.WithCity, s.Initiatives), pct(s.WithCountry, s.Initiatives), pct(s.WithAwardYear, s.Initiatives),
		pct(s.WithLevel, s.Initiatives), strings.Join(lv, ", "))
	if b := s.Before; b != nil && b.Initiatives > 0 {
		fmt.Fprintf(w, "  coverage before:      city %s, country %s, award year %s, level of government %s of %d initiatives in the graph before this run\n",
			pct(b.WithCity, b.Initiatives), pct(b.WithCountry, b.Initiatives), pct(b.WithYear, b.Initiatives), pct(b.WithLevel, b.Initiatives), b.Initiatives)
	}
	if m := s.Meaning; m.Model == "" {
		fmt.Fprintf(w, "  meaning:              off, lexical only (%s)\n", m.Why)
	} else {
		fmt.Fprintf(w, "  meaning:              %d texts embedded, %d from the cache (passages, descriptions) in %s; %d sentences (%d embedded) in %s\n",
			m.Passages.Embedded+m.Descriptions.Embedded, m.Passages.Cached+m.Descriptions.Cached, m.Took.Round(time.Millisecond),
			s.SentenceEmbed.Texts, s.SentenceEmbed.Embedded, s.SentenceEmbed.Took.Round(time.Millisecond))
	}
	if s.Stats != nil {
		if s.Meaning.Model != "" {
			fmt.Fprintf(w, "  vectors:              %d written, %d unchanged; %d nodes of merged duplicates removed\n", s.Vectors.Written, s.Vectors.Unchanged, s.Retired)
		}
		fmt.Fprintf(w, "  neo4j:                %d created, %d updated, %d unchanged, %d rewritten in %s; %d orphan cities/years removed\n", s.Stats.Created, s.Stats.Updated, s.Stats.Unchanged, s.Stats.Rewritten, s.WriteTime.Round(time.Millisecond), s.Pruned)
		fmt.Fprintf(w, "  similarity:           %d links in %s\n", s.SimilarLinks, s.SimilarityTime.Round(time.Millisecond))
		if s.Bulk {
			fmt.Fprintf(w, "  indexes:              dropped for the bulk load, rebuilt while the links were written, then %s waiting for them\n", s.IndexWait.Round(time.Millisecond))
		}
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

// PrintReport lists what needs a human: missing places and themes,
// suspected duplicates, conflicting facts, and what the page reader
// repaired or left out (s.Warnings).
func PrintReport(w io.Writer, s Summary, rep *enrich.Report) {
	dups := s.Duplicates
	// Issues of initiatives merged into another are gone with them.
	gone := map[string]bool{}
	for _, p := range dups.Merged {
		for _, k := range []string{p.A.Key, p.B.Key} {
			gone[k] = k != p.Into
		}
	}
	section := func(title string, items []enrich.Issue) {
		items = slices.DeleteFunc(slices.Clone(items), func(it enrich.Issue) bool { return gone[it.Key] })
		fmt.Fprintf(w, "\n== %s (%d)\n", title, len(items))
		for _, it := range items {
			fmt.Fprintf(w, "  %-50s %s\n", truncate(it.Title, 50), it.Note)
		}
	}
	section("without place", rep.NoPlace)
	section("ambiguous place", rep.Ambiguous)
	section("without theme", rep.NoTheme)
	section("conflicting facts", rep.Conflicts)
	if dups.Lexical {
		fmt.Fprintf(w, "\n== suspected duplicates, by words only: no embedding model (%d)\n", len(dups.Suspected))
		for _, d := range dups.Suspected {
			fmt.Fprintf(w, "  %-40s ~ %-40s %s\n", truncate(d.A, 40), truncate(d.B, 40), d.Why)
		}
	} else {
		pairs := func(title string, ps []enrich.DuplicatePair) {
			fmt.Fprintf(w, "\n== %s (%d; candidates: %s)\n", title, len(ps), dups.Method)
			for _, p := range ps {
				fmt.Fprintf(w, "  %-40s ~ %-40s desc %.3f passage %.3f\n", truncate(p.A.Title, 40), truncate(p.B.Title, 40), p.Description, p.Passage)
				if p.Into != "" {
					fmt.Fprintf(w, "      into %s; %s\n", p.Into, p.Rule)
				} else {
					fmt.Fprintf(w, "      %s\n", p.Rule)
				}
				fmt.Fprintf(w, "      %s\n", strings.Join(p.Evidence, "; "))
			}
		}
		pairs("merged duplicates", dups.Merged)
		pairs("uncertain duplicates, not merged", dups.Uncertain)
	}
	if rep.UndatedAwards > 0 {
		fmt.Fprintf(w, "\n== finalist statuses without a reliable year, not imported: %d\n", rep.UndatedAwards)
	}
	fmt.Fprintf(w, "\n== page warnings: lines the reader repaired or left out (%d)\n", len(s.Warnings))
	for _, pw := range s.Warnings {
		fmt.Fprintf(w, "  %s: %s\n", pw.Path, pw.Msg)
	}
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
