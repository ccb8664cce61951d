package importer

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// Matching thresholds, in characters of folded text.
const (
	// minSummaryMatch: two titled entries with different titles are one
	// initiative only if their identical summaries are at least this long.
	minSummaryMatch = 60
	// minPrefixMatch: a cut summary must keep at least this much to be
	// matched as the prefix (or, for glued fragments, a part) of another.
	minPrefixMatch = 30
	// minTitlePrefix: a cut title must keep at least this much.
	minTitlePrefix = 4
)

// occurrence is one entry (or footer winner) on one page.
type occurrence struct {
	e      Entry
	page   *Page
	footer bool
	// derived match data
	titleFold, sumFold string
}

func (o *occurrence) titled() bool {
	return o.e.Title != "" && !o.e.TitleFragment && !(o.e.Truncated && o.e.Summary == "")
}

func (o *occurrence) cutTitleOnly() bool {
	return o.e.Title != "" && !o.e.TitleFragment && o.e.Truncated && o.e.Summary == ""
}

// summaryCut reports whether the occurrence's summary may be incomplete.
func (o *occurrence) summaryCut() bool { return o.e.Truncated || o.e.SummaryFragment }

// unionFind over occurrence indexes; the smaller index is the root, which
// keeps results independent of merge order.
type unionFind []int

func (u unionFind) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

func (u unionFind) union(a, b int) bool {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return false
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	u[rb] = ra
	return true
}

// Merge gathers the entries of pages into one Record per initiative.
//
// Entries with the same normalised title are one initiative; so are "X (Y)"
// and "X" or "Y", and "X – Z" and "X". Titled entries with different titles
// are joined when their summaries are identical (after normalisation).
// Descriptions without title join the titled initiative whose summary
// matches — identical, or one a prefix of the other when that one was cut,
// or a clear paraphrase of it (joinParaphrases) — and otherwise become records of their own with a title derived from
// their first words (TitleDerived). A title cut by the end of its page joins
// the one record whose title (or summary) it begins; otherwise it is
// dropped. The result is sorted by Key and does not depend on page order.
func Merge(pages []*Page) ([]*Record, MergeStats) {
	var st MergeStats
	ps := slices.Clone(pages)
	ps = slices.DeleteFunc(ps, func(p *Page) bool { return p == nil })
	slices.SortStableFunc(ps, func(a, b *Page) int {
		return cmp.Or(cmp.Compare(a.SourceURL(), b.SourceURL()), cmp.Compare(a.Path, b.Path))
	})
	st.Pages = len(ps)

	var occ []*occurrence
	for _, p := range ps {
		st.DuplicatesCollapsed += p.Duplicates
		for _, e := range p.Entries {
			occ = append(occ, &occurrence{e: e, page: p})
			st.Entries++
		}
		for _, w := range p.Winners {
			e := Entry{Title: w.Title, Summary: w.Summary, Truncated: w.Truncated, Line: w.Line, Year: w.Year}
			if w.Year > 0 {
				e.Status = domain.AwardWinner
			}
			occ = append(occ, &occurrence{e: e, page: p, footer: true})
			st.FooterEntries++
		}
	}
	for _, o := range occ {
		o.titleFold, o.sumFold = fold(o.e.Title), fold(o.e.Summary)
	}
	uf := make(unionFind, len(occ))
	for i := range uf {
		uf[i] = i
	}
	dropped := make([]bool, len(occ))

	// 1. Same title, or a title that is another's bracket or dash part.
	byTitle := map[string]int{}
	for i, o := range occ {
		if !o.titled() {
			continue
		}
		k := Key(o.e.Title)
		if j, ok := byTitle[k]; ok {
			uf.union(i, j)
		} else {
			byTitle[k] = i
		}
	}
	for i, o := range occ {
		if !o.titled() {
			continue
		}
		for _, part := range titleParts(o.e.Title) {
			if j, ok := byTitle[Key(part)]; ok {
				uf.union(i, j)
			}
		}
	}

	// 2. Different titles, identical summaries.
	bySummary := map[string]int{}
	for i, o := range occ {
		if !o.titled() || o.summaryCut() || len(o.sumFold) < minSummaryMatch {
			continue
		}
		if j, ok := bySummary[o.sumFold]; ok {
			if uf.find(i) != uf.find(j) {
				uf.union(i, j)
				st.TitlesMergedBySummary++
			}
		} else {
			bySummary[o.sumFold] = i
		}
	}

	// 3. Descriptions without title (and titles that lost their start).
	var orphans []int
	for i, o := range occ {
		if o.e.Title == "" && o.e.Summary != "" {
			st.OrphanSummaries++
		}
		if (o.e.Title == "" || o.e.TitleFragment) && (o.e.Summary != "" || o.e.TitleFragment) {
			orphans = append(orphans, i)
		}
	}
	for _, i := range orphans {
		o := occ[i]
		roots := map[int]bool{}
		if o.e.Summary != "" {
			for j, t := range occ {
				if t.titled() && summariesMatch(o, t) {
					roots[uf.find(j)] = true
				}
			}
		}
		if len(roots) == 0 && o.e.TitleFragment {
			for j, t := range occ {
				if t.titled() && strings.HasSuffix(t.titleFold, " "+o.titleFold) {
					roots[uf.find(j)] = true
				}
			}
		}
		if len(roots) == 1 {
			for r := range roots {
				uf.union(i, r)
			}
			if o.e.Title == "" {
				st.OrphansMerged++
			}
			continue
		}
		if len(roots) > 1 {
			o.page.Warnings = append(o.page.Warnings, "line "+strconv.Itoa(o.e.Line)+": description matches several initiatives; kept apart")
		}
	}
	// Orphans left alone: join those with matching summaries among
	// themselves.
	for a, i := range orphans {
		if uf.find(i) != i && !isOrphanRoot(occ, uf, i) {
			continue
		}
		for _, j := range orphans[a+1:] {
			if occ[i].e.Summary != "" && occ[j].e.Summary != "" && summariesMatch(occ[i], occ[j]) &&
				isOrphanRoot(occ, uf, uf.find(j)) && isOrphanRoot(occ, uf, uf.find(i)) {
				uf.union(i, j)
			}
		}
	}

	// 3b. Untitled descriptions that paraphrase one titled initiative.
	n := joinParaphrases(occ, uf, dropped)
	st.OrphansMerged += n
	st.OrphansParaphrased = n

	// 4. Titles cut by the end of the page.
	for i, o := range occ {
		if !o.cutTitleOnly() {
			continue
		}
		roots := map[int]bool{}
		if len(o.titleFold) >= minTitlePrefix {
			for j, t := range occ {
				if j == i || t.cutTitleOnly() {
					continue
				}
				if (t.titled() && strings.HasPrefix(t.titleFold, o.titleFold)) ||
					(len(o.titleFold) >= minPrefixMatch/2 && strings.HasPrefix(t.sumFold, o.titleFold)) {
					roots[uf.find(j)] = true
				}
			}
		}
		if len(roots) == 1 {
			for r := range roots {
				uf.union(i, r)
			}
			st.TruncatedMatched++
			continue
		}
		dropped[i] = true
		st.TruncatedDropped++
	}

	// 5. Build the records.
	groups := map[int][]*occurrence{}
	var roots []int
	for i, o := range occ {
		if dropped[i] {
			continue
		}
		r := uf.find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], o)
	}
	var records []*Record
	for _, r := range roots {
		if rec := buildRecord(groups[r]); rec != nil {
			records = append(records, rec)
		}
	}
	slices.SortFunc(records, func(a, b *Record) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Summary, b.Summary))
	})
	seen := map[string]int{}
	for _, rec := range records {
		if n := seen[rec.Key]; n > 0 {
			seen[rec.Key] = n + 1
			rec.Key += "-" + strconv.Itoa(n+1)
		} else {
			seen[rec.Key] = 1
		}
	}
	slices.SortFunc(records, func(a, b *Record) int { return cmp.Compare(a.Key, b.Key) })

	st.Records = len(records)
	for _, rec := range records {
		if rec.TitleDerived {
			st.TitleDerived++
		}
		if len(rec.CountryNames) > 0 {
			st.WithCountry++
		}
		if len(rec.Awards) > 0 {
			st.WithAwardYear++
		}
		for _, a := range rec.Awards {
			if a.Status == domain.AwardWinner {
				st.Winners++
				break
			}
		}
		if rec.Covid {
			st.Covid++
		}
	}
	return records, st
}

// isOrphanRoot reports whether the group rooted at r has no titled member.
func isOrphanRoot(occ []*occurrence, uf unionFind, r int) bool {
	r = uf.find(r)
	for j, o := range occ {
		if uf.find(j) == r && o.titled() {
			return false
		}
	}
	return true
}

// summariesMatch compares the summaries of a and b: identical after
// normalisation, or one the prefix of the other when that one was cut, or
// (for a fragment split off a glued line) part of the other.
func summariesMatch(a, b *occurrence) bool {
	x, y := a.sumFold, b.sumFold
	if x == "" || y == "" {
		return false
	}
	if x == y {
		return true
	}
	if a.summaryCut() && len(x) >= minPrefixMatch && strings.HasPrefix(y, x) {
		return true
	}
	if b.summaryCut() && len(y) >= minPrefixMatch && strings.HasPrefix(x, y) {
		return true
	}
	if a.e.SummaryFragment && len(x) >= minPrefixMatch && strings.Contains(y, x) {
		return true
	}
	if b.e.SummaryFragment && len(y) >= minPrefixMatch && strings.Contains(x, y) {
		return true
	}
	return false
}

// titleParts returns the other names a title carries: both sides of a
// bracketed translation "X (Y)", and the name before a dash "X – Z".
func titleParts(t string) []string {
	var parts []string
	if i := strings.LastIndex(t, "("); i > 0 && strings.HasSuffix(t, ")") {
		x, y := strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+1:len(t)-1])
		if x != "" && y != "" {
			parts = append(parts, x, y)
		}
	}
	for _, d := range []string{" – ", " — ", " - "} {
		if x, _, ok := strings.Cut(t, d); ok && strings.TrimSpace(x) != "" {
			parts = append(parts, strings.TrimSpace(x))
			break
		}
	}
	return parts
}

// buildRecord makes one Record from a group of occurrences.
func buildRecord(g []*occurrence) *Record {
	rec := &Record{}
	// Title.
	counts := map[string]int{}
	var titles []string
	for _, o := range g {
		if !o.titled() {
			continue
		}
		t := cleanText(o.e.Title)
		if counts[t] == 0 {
			titles = append(titles, t)
		}
		counts[t]++
	}
	slices.SortFunc(titles, func(a, b string) int {
		return cmp.Or(
			-cmp.Compare(b2i(bracketed(a)), b2i(bracketed(b))),
			cmp.Compare(b2i(isAllCaps(a)), b2i(isAllCaps(b))),
			-cmp.Compare(counts[a], counts[b]),
			-cmp.Compare(len(a), len(b)),
			cmp.Compare(a, b))
	})
	// Summary: the longest complete one, else the longest.
	var best *occurrence
	for _, o := range g {
		if o.e.Summary == "" {
			continue
		}
		if best == nil || better(o, best) {
			best = o
		}
	}
	if best != nil {
		rec.Summary = cleanText(best.e.Summary)
		rec.SummaryTruncated = best.summaryCut()
	}
	switch {
	case len(titles) > 0:
		rec.Title = titles[0]
		rec.Key = Key(rec.Title)
		if t, ok := trimLeadingPunct(rec.Title); ok {
			rec.Title, rec.TitleIncomplete = t, true // "– Citizen Participation Platform": the start is lost
		}
		if tooShortTitle(rec.Title) {
			rec.TitleIncomplete = true // "Fee": a word too short to be the whole name
		}
		alt := map[string]bool{fold(rec.Title): true}
		add := func(t string) {
			if f := fold(t); f != "" && !alt[f] {
				alt[f] = true
				rec.AltTitles = append(rec.AltTitles, t)
			}
		}
		for _, t := range titles[1:] {
			add(t)
		}
		for _, t := range titles {
			for _, p := range titleParts(t) {
				if strings.HasPrefix(t, p+" (") || strings.HasSuffix(t, "("+p+")") {
					add(p) // translations only; a dash prefix is not a name of its own
				}
			}
		}
		slices.Sort(rec.AltTitles)
	default:
		for _, o := range g {
			if o.e.TitleFragment {
				rec.Title, rec.TitleIncomplete = cleanText(o.e.Title), true
				if t, ok := trimLeadingPunct(rec.Title); ok {
					rec.Title = t
				}
				rec.Key = Key(o.e.Title)
				break
			}
		}
		if rec.Title == "" {
			if rec.Summary == "" {
				return nil
			}
			rec.Title, rec.TitleDerived = deriveTitle(rec.Summary), true
			rec.Key = Key(firstWords(rec.Summary, 8))
		}
	}
	if rec.Key == "" {
		rec.Key = "initiative"
	}

	awards := map[int]*domain.Award{}
	undated := map[string]*domain.Award{}
	countries := map[string]bool{}
	cats := map[string]bool{}
	sources := map[domain.Source]bool{}
	addAward := func(m map[int]*domain.Award, year int, status, cat string, src domain.Source) {
		a := m[year]
		if a == nil {
			a = &domain.Award{Year: year}
			m[year] = a
		}
		if domain.AwardRank(status) > domain.AwardRank(a.Status) {
			a.Status = status
		}
		if a.Category == "" {
			a.Category = cat
		}
		if !slices.Contains(a.Sources, src) {
			a.Sources = append(a.Sources, src)
		}
	}
	// The site-wide winners footer repeats the same facts on every page
	// that carries it: each fact (the initiative appears in it; it won in
	// year Y) is recorded once, with the number of pages, not once per page.
	footerPages := map[string]bool{}
	footerYears := map[int]map[string]bool{}
	for _, o := range g {
		u, f := o.page.SourceURL(), o.page.Facts
		if o.footer {
			footerPages[u] = true
			if o.e.Year > 0 {
				if footerYears[o.e.Year] == nil {
					footerYears[o.e.Year] = map[string]bool{}
				}
				footerYears[o.e.Year][u] = true
			}
			continue
		}
		sources[domain.Source{URL: u, Method: domain.MethodListing}] = true
		ps := domain.Source{URL: u, Method: domain.MethodPageStructure}
		if f.Country != "" || f.CountryName != "" {
			k := f.CountryName + "|" + f.Country + "|" + u
			if !countries[k] {
				countries[k] = true
				rec.CountryNames = append(rec.CountryNames, CountryFact{Name: f.CountryName, Code: f.Country,
					Source: domain.Source{URL: u, Method: domain.MethodURLCountry}})
			}
		}
		if o.e.CountryName != "" {
			k := o.e.CountryName + "||" + u
			if !countries[k] {
				countries[k] = true
				rec.CountryNames = append(rec.CountryNames, CountryFact{Name: o.e.CountryName, Source: ps})
			}
		}
		if f.Category != "" && !cats[f.Category+"|"+u] {
			cats[f.Category+"|"+u] = true
			rec.Categories = append(rec.Categories, CategoryFact{Slug: f.Category, Source: domain.Source{URL: u, Method: domain.MethodURLCategory}})
		}
		if o.e.Category != "" && !cats[o.e.Category+"|"+u] {
			cats[o.e.Category+"|"+u] = true
			rec.Categories = append(rec.Categories, CategoryFact{Slug: o.e.Category, Source: ps})
		}
		switch {
		case o.e.Year > 0:
			addAward(awards, o.e.Year, cmp.Or(o.e.Status, domain.AwardEntry), o.e.Category, ps)
		case f.Year > 0:
			status := domain.AwardEntry
			if f.Finalists {
				status = domain.AwardFinalist
			}
			addAward(awards, f.Year, status, "", domain.Source{URL: u, Method: domain.MethodURLYear})
		case f.Finalists:
			a := undated[f.Category]
			if a == nil {
				a = &domain.Award{Status: domain.AwardFinalist, Category: f.Category}
				undated[f.Category] = a
			}
			if !slices.Contains(a.Sources, ps) {
				a.Sources = append(a.Sources, ps)
			}
		}
		if f.Covid {
			rec.Covid = true
		}
	}
	if len(footerPages) > 0 {
		sources[footerSource(footerPages)] = true
	}
	for y, pages := range footerYears {
		addAward(awards, y, domain.AwardWinner, "", footerSource(pages))
	}
	for s := range sources {
		rec.Sources = append(rec.Sources, s)
	}
	sortSources(rec.Sources)
	for _, a := range awards {
		sortSources(a.Sources)
		rec.Awards = append(rec.Awards, *a)
	}
	slices.SortFunc(rec.Awards, func(a, b domain.Award) int { return cmp.Compare(a.Year, b.Year) })
	for _, a := range undated {
		sortSources(a.Sources)
		rec.UndatedAwards = append(rec.UndatedAwards, *a)
	}
	slices.SortFunc(rec.UndatedAwards, func(a, b domain.Award) int { return cmp.Compare(a.Category, b.Category) })
	slices.SortFunc(rec.CountryNames, func(a, b CountryFact) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Source.URL, b.Source.URL), cmp.Compare(a.Source.Method, b.Source.Method))
	})
	slices.SortFunc(rec.Categories, func(a, b CategoryFact) int {
		return cmp.Or(cmp.Compare(a.Slug, b.Slug), cmp.Compare(a.Source.URL, b.Source.URL), cmp.Compare(a.Source.Method, b.Source.Method))
	})
	return rec
}

// better reports whether o's summary is preferable to b's: complete beats
// cut, then longer, then lexically smaller (for determinism).
func better(o, b *occurrence) bool {
	if o.summaryCut() != b.summaryCut() {
		return !o.summaryCut()
	}
	lo, lb := len(cleanText(o.e.Summary)), len(cleanText(b.e.Summary))
	if lo != lb {
		return lo > lb
	}
	return cleanText(o.e.Summary) < cleanText(b.e.Summary)
}

func bracketed(t string) bool {
	i := strings.LastIndex(t, "(")
	return i > 0 && strings.HasSuffix(t, ")")
}

func sortSources(s []domain.Source) {
	slices.SortFunc(s, func(a, b domain.Source) int {
		return cmp.Or(cmp.Compare(a.URL, b.URL), cmp.Compare(a.Method, b.Method))
	})
}

// deriveTitle makes a title for a description without one: its first
// words, up to the first comma after three words, at most eight, and an
// ellipsis.
func deriveTitle(summary string) string {
	ws := words(summary)
	var out []string
	for i, w := range ws {
		if i == 8 {
			break
		}
		out = append(out, w)
		if i >= 2 && strings.ContainsAny(w[len(w)-1:], ",;:.") {
			break
		}
	}
	t := strings.TrimRight(strings.Join(out, " "), ",;:.")
	return t + " …"
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// footerSource is one winners-footer source for the pages that carry the
// same footer fact: the first page (in URL order) and how many there are.
func footerSource(pages map[string]bool) domain.Source {
	urls := make([]string, 0, len(pages))
	for u := range pages {
		urls = append(urls, u)
	}
	slices.Sort(urls)
	return domain.Source{URL: urls[0], Method: domain.MethodWinnersFooter, Pages: len(urls)}
}
