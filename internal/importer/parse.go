package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// maxPageBytes bounds one page; showroom pages are a few kilobytes.
const maxPageBytes = 8 << 20

// ErrNotPage is returned (wrapped) for input that cannot be a showroom
// page: empty, binary, or too large.
var ErrNotPage = errors.New("not a showroom page")

// ParseFile parses the showroom page stored at path.
func ParseFile(path string) (*Page, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("parse page %s: %w", path, err)
	}
	defer f.Close()
	return ParsePage(path, f)
}

// SourceURL is the address facts from p are attributed to: its URL, or
// "file:" and the file's base name for pages without a URL line.
func (p *Page) SourceURL() string {
	if p.URL != "" {
		return p.URL
	}
	return "file:" + filepath.Base(p.Path)
}

// line is one line of a page: its 1-based number and trimmed text.
type line struct {
	n int
	s string
}

// ParsePage parses one showroom page. path names it in errors, warnings and
// sources. It returns an error wrapping ErrNotPage for empty, binary or
// oversized input; any text at all parses (possibly to no entries). It never
// panics and runs in time linear in the input.
func ParsePage(path string, r io.Reader) (*Page, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("parse page %s: %w", path, err)
	}
	if len(data) > maxPageBytes {
		return nil, fmt.Errorf("parse page %s: larger than %d bytes: %w", path, maxPageBytes, ErrNotPage)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("parse page %s: empty: %w", path, ErrNotPage)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("parse page %s: binary data (NUL byte): %w", path, ErrNotPage)
	}
	p := &Page{Path: path}
	if !utf8.Valid(data) {
		if invalidShare(data) > 0.05 {
			return nil, fmt.Errorf("parse page %s: not UTF-8 text: %w", path, ErrNotPage)
		}
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
		p.warn(0, "invalid UTF-8 replaced")
	}
	text := strings.TrimPrefix(string(data), "\uFEFF")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	raw := strings.Split(text, "\n")

	ls := make([]line, 0, len(raw))
	for i, s := range raw {
		ls = append(ls, line{n: i + 1, s: cleanLine(s)})
	}
	// URL line: the first non-blank line, if it starts with "URL:".
	for i, l := range ls {
		if l.s == "" {
			continue
		}
		if strings.HasPrefix(l.s, "URL:") {
			p.URL = strings.TrimSpace(strings.TrimPrefix(l.s, "URL:"))
			ls = ls[i+1:]
		}
		break
	}
	var warns []string
	p.Facts, warns = urlFacts(p.URL)
	p.Warnings = append(p.Warnings, warns...)
	if p.Facts.Kind == KindSeed {
		p.Facts.Kind = sniffKind(ls)
	}
	p.Facts.Lang = guessLang(text)

	last := 0 // number of the last non-blank line: where cuts happen
	for _, l := range ls {
		if l.s != "" {
			last = l.n
		}
	}

	body, footer := splitFooter(ls)
	if len(footer) > 0 {
		p.parseFooter(footer, last)
	}

	switch p.Facts.Kind {
	case KindDEWinners:
		p.parseDE(body)
	case KindAwards2223:
		p.parseBullets(body, last)
	case KindHub:
		p.parseHub(body, last)
	default:
		h := headerEnd(body)
		if h == 0 && p.Facts.Kind != KindIPI && p.Facts.Kind != KindSeed {
			p.warn(firstLine(body), "no known header")
		}
		p.headerFacts(body[:h])
		items := p.pairItems(body[h:], last, p.Facts.Covid, p.Facts.Kind == KindProfiles)
		year := 0
		if p.Facts.Kind == KindAwards2020 {
			year = headingYear(body[:h])
		}
		for _, it := range items {
			e := it.entry()
			if year != 0 {
				e.Year, e.Status = year, domain.AwardEntry
			}
			p.addEntry(e)
		}
	}
	if len(p.Entries) == 0 && len(p.Winners) == 0 {
		// Text, but nothing the reader knows as an initiative: say so
		// rather than import nothing in silence.
		p.warn(0, "no initiative found on the page")
	}
	return p, nil
}

// invalidShare is the share of bytes that are not part of valid UTF-8.
func invalidShare(b []byte) float64 {
	bad := 0
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			bad++
			n = 1
		}
		i += n
	}
	return float64(bad) / float64(len(b))
}

// cleanLine trims a line and drops control characters other than tabs.
func cleanLine(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }) >= 0 {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && r != '\t' {
				return -1
			}
			return r
		}, s)
	}
	return strings.TrimSpace(s)
}

func firstLine(ls []line) int {
	for _, l := range ls {
		if l.s != "" {
			return l.n
		}
	}
	return 0
}

func (p *Page) warn(n int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if n > 0 {
		msg = fmt.Sprintf("line %d: %s", n, msg)
	}
	p.Warnings = append(p.Warnings, msg)
}

// addEntry appends e unless the same title and summary are already on the
// page (a repeated block).
func (p *Page) addEntry(e Entry) {
	// Clean-up may leave nothing (a line holding only a cut mark "[…]"
	// or punctuation): such an entry is no initiative.
	if strings.TrimSpace(e.Title) == "" && strings.TrimSpace(e.Summary) == "" {
		p.warn(e.Line, "line without a title or description ignored")
		return
	}
	k := fold(e.Title) + "|" + fold(e.Summary)
	if p.seen == nil {
		p.seen = map[string]int{}
	}
	if first, ok := p.seen[k]; ok {
		p.Duplicates++
		p.warn(e.Line, "repeated block dropped (first at line %d)", first)
		return
	}
	p.seen[k] = e.Line
	p.Entries = append(p.Entries, e)
}

var (
	reBullet       = regexp.MustCompile(`^[•·▪◦*‣∙-]\s+`)
	reHubSection   = regexp.MustCompile(`^(Winners|Finalists)\s+((?:19|20)\d{2})$`)
	reAwardHeading = regexp.MustCompile(`(?i)^Awards\s+((?:19|20)\d{2})(?:\s*/\s*((?:19|20)\d{2}))?$`)
	reFooterYear   = regexp.MustCompile(`(?i)^of the Innovation in Politics Awards\b\s*(.*)$`)
	reYearPair     = regexp.MustCompile(`^((?:19|20)\d{2})(?:\s*/\s*((?:19|20)\d{2}))?$`)
	reCounter      = regexp.MustCompile(`(?i)^\d+\s+Project\(?s?\)?\s+matching your criteria found!?$`)
	reMeta         = regexp.MustCompile(`^(Country|Programme|Program|Tags?|Category|Year|Land):\s*(.*)$`)
	reImage        = regexp.MustCompile(`^!\[[^\]]*\]\([^)]*\)$`)
	reFinalistsHdr = regexp.MustCompile(`^the \d+ finalists$`)
	reProjectsHdr  = regexp.MustCompile(`^\d+ projects? where\b`)
	reAwardsFolded = regexp.MustCompile(`^awards \d{4}( \d{4})?$`)
	reAwardsYear   = regexp.MustCompile(`Awards\s+((?:19|20)\d{2})`)
)

// sniffKind guesses the kind of a page without URL from its structure.
func sniffKind(ls []line) string {
	bullets, hub := 0, false
	for _, l := range ls {
		switch {
		case strings.HasPrefix(l.s, "Projekt:") || strings.HasPrefix(l.s, "Projektland:"):
			return KindDEWinners
		case reBullet.MatchString(l.s):
			bullets++
		case reHubSection.MatchString(l.s):
			hub = true
		}
	}
	switch {
	case bullets >= 2:
		return KindAwards2223
	case hub:
		return KindHub
	}
	return KindSeed
}

// splitFooter cuts the page at the site-wide winners footer: a line "The
// Winners" followed by "of the Innovation in Politics Awards …" (or ending
// the page).
func splitFooter(ls []line) (body, footer []line) {
	for i, l := range ls {
		if !strings.EqualFold(l.s, "The Winners") {
			continue
		}
		j := i + 1
		for j < len(ls) && ls[j].s == "" {
			j++
		}
		if j == len(ls) || reFooterYear.MatchString(ls[j].s) || strings.HasPrefix(strings.ToLower(ls[j].s), "of the") {
			return ls[:i], ls[i:]
		}
	}
	return ls, nil
}

// parseFooter reads the winners footer (ls starts at "The Winners").
func (p *Page) parseFooter(ls []line, last int) {
	year, start := 0, 1
	for i := 1; i < len(ls); i++ {
		if ls[i].s == "" {
			continue
		}
		m := reFooterYear.FindStringSubmatch(ls[i].s)
		if m == nil {
			break
		}
		start = i + 1
		if y := reYearPair.FindStringSubmatch(strings.TrimSpace(m[1])); y != nil {
			year, _ = strconv.Atoi(y[1])
			if y[2] != "" {
				year, _ = strconv.Atoi(y[2])
			}
		} else {
			p.warn(ls[i].n, "winners footer year unreadable (%q)", m[1])
		}
		break
	}
	if start > len(ls) {
		start = len(ls)
	}
	for _, it := range p.pairItems(ls[start:], last, false, false) {
		if it.title == "" {
			p.warn(it.line, "footer description without title ignored")
			continue
		}
		p.Winners = append(p.Winners, FooterWinner{
			Year: year, Title: it.title, Summary: it.summary,
			Truncated: it.truncated, Line: it.line,
		})
	}
}

// headerExact are header lines (folded) of the showroom and awards pages.
var headerExact = map[string]bool{
	"showroom": true, "best practice in politics": true, "best": true,
	"practices": true, "hub": true, "explore projects": true,
	"in alphabetical order": true, "links und ressourcen": true,
}

// headerMarkers are phrases (folded) of the pages' introductions.
var headerMarkers = []string{
	"political work", "best practice in politics", "best practices in politics",
	"here we collect", "the platform gathers", "we curate", "this platform is a hub",
	"never before have public servants", "by now we have come across",
	"innovation in politics awards", "our showroom", "introducing the ten finalists",
	"largest collection of best practices", "our search tool",
}

// isHeaderLine reports whether s is a known header line.
func isHeaderLine(s string) bool {
	if s == "" || reMeta.MatchString(s) {
		return false
	}
	f := fold(s)
	if headerExact[f] || reFinalistsHdr.MatchString(f) || reProjectsHdr.MatchString(f) || reAwardsFolded.MatchString(f) {
		return true
	}
	for _, m := range headerMarkers {
		if strings.Contains(f, m) {
			return true
		}
	}
	return isSentence(s) && strings.Contains(s, "Awards")
}

// headerZone bounds how far into a page the header is looked for.
const headerZone = 14

// headerEnd returns the index in ls just after the page header: the last
// known header line among the page's first lines, stopping at the first
// title followed by a description. Lines before that last header line
// (category names, taglines) belong to the header too.
func headerEnd(ls []line) int {
	end, seen := 0, 0
	for i := 0; i < len(ls) && seen < headerZone; i++ {
		s := ls[i].s
		if s == "" {
			continue
		}
		seen++
		if isHeaderLine(s) {
			end = i + 1
			continue
		}
		if looksLikeTitle(s, false) {
			if j := nextText(ls, i+1); j >= 0 && isSentence(ls[j].s) && !isHeaderLine(ls[j].s) {
				break
			}
		}
	}
	return end
}

func nextText(ls []line, i int) int {
	for ; i < len(ls); i++ {
		if ls[i].s != "" {
			return i
		}
	}
	return -1
}

// headerFacts reads facts from the header: the category heading of a
// finalists page whose URL does not name it, and "Country:" counter lines.
func (p *Page) headerFacts(ls []line) {
	if p.Facts.Kind != KindFinalists || p.Facts.Category != "" {
		return
	}
	for _, l := range ls {
		c := categorySlug(l.s)
		for _, fc := range finalistsCategories {
			if c == fc {
				p.Facts.Category = c
				return
			}
		}
	}
}

// headingYear finds an "Awards YYYY" heading.
func headingYear(ls []line) int {
	for _, l := range ls {
		if m := reAwardHeading.FindStringSubmatch(l.s); m != nil {
			y, _ := strconv.Atoi(m[1])
			if m[2] != "" {
				y, _ = strconv.Atoi(m[2])
			}
			return y
		}
	}
	return 0
}

// tline is a body line ready for pairing.
type tline struct {
	n         int
	s         string
	frag      bool // split off a glued line; may start mid-sentence
	titleFrag bool // a title that lost its start ("– The New Era of Government")
}

// item is a title and/or description found by pairItems.
type item struct {
	title, summary  string
	titleFrag       bool
	sumFrag         bool
	truncated       bool
	line            int
	country, status string
	category        string
	year            int
}

func (it item) entry() Entry {
	return Entry{
		Title: it.title, TitleFragment: it.titleFrag, Summary: it.summary,
		SummaryFragment: it.sumFrag, CountryName: it.country, Category: it.category,
		Year: it.year, Status: it.status, Truncated: it.truncated, Line: it.line,
	}
}

var (
	// reGlueLower finds a sentence end followed by a lower-case word: the
	// rest of another description glued on.
	reGlueLower = regexp.MustCompile(`[\p{L}\d)]{3}[.!?][”"’]?\s+\p{Ll}`)
	// reGlueDash finds a sentence end followed by a dash: the end of the
	// next title glued on.
	reGlueDash = regexp.MustCompile(`[\p{L}\d)]{3}[.!?][”"’]?\s+[–—-]\s+\S`)
)

// splitGlued splits a line holding a description with another line's text
// glued to its end.
func (p *Page) splitGlued(l line) []tline {
	s := l.s
	if loc := reGlueDash.FindStringIndex(s); loc != nil {
		cut := sentenceCut(s, loc[0])
		head, tail := strings.TrimSpace(s[:cut]), strings.TrimSpace(s[cut:])
		tail = strings.TrimSpace(strings.TrimLeft(tail, "–—- "))
		if len(words(head)) >= 5 && tail != "" && !isSentence(tail) && len(words(tail)) <= 12 {
			p.warn(l.n, "glued lines split: title fragment %q", tail)
			return []tline{{n: l.n, s: head}, {n: l.n, s: tail, titleFrag: true}}
		}
	}
	if loc := reGlueLower.FindStringIndex(s); loc != nil {
		cut := sentenceCut(s, loc[0])
		head, tail := strings.TrimSpace(s[:cut]), strings.TrimSpace(s[cut:])
		if len(words(head)) >= 5 && len(words(tail)) >= 3 {
			p.warn(l.n, "glued lines split: description fragment %q", firstWords(tail, 6))
			return []tline{{n: l.n, s: head}, {n: l.n, s: tail, frag: true}}
		}
	}
	return []tline{{n: l.n, s: s}}
}

// sentenceCut returns the index just after the final punctuation (and
// closing quote) that follows position i.
func sentenceCut(s string, i int) int {
	j := strings.IndexAny(s[i:], ".!?")
	if j < 0 {
		return len(s)
	}
	k := i + j + 1
	for k < len(s) {
		r, n := utf8.DecodeRuneInString(s[k:])
		if !strings.ContainsRune("”\"’", r) {
			break
		}
		k += n
	}
	return k
}

// firstWords returns the first n words of s.
func firstWords(s string, n int) string {
	ws := words(s)
	if len(ws) > n {
		ws = ws[:n]
	}
	return strings.Join(ws, " ")
}

// prepare drops blank, counter, meta and image lines and splits glued
// lines. "Country:" counter lines fill the page's country name when the
// URL gave none.
func (p *Page) prepare(ls []line) []tline {
	var out []tline
	for _, l := range ls {
		switch {
		case l.s == "":
		case reCounter.MatchString(l.s):
		case reImage.MatchString(l.s):
		case reMeta.MatchString(l.s):
			m := reMeta.FindStringSubmatch(l.s)
			if m[1] == "Country" && p.Facts.CountryName == "" {
				p.Facts.CountryName = strings.TrimSpace(m[2])
			}
		default:
			out = append(out, p.splitGlued(l)...)
		}
	}
	return out
}

// pairItems reads titles and descriptions from body lines. A title is a
// line shaped like one (short, no final full stop, Title Case or capitals)
// followed by a description; the line after a title is its description
// whatever its shape; a description with no title before it is an orphan.
// Lines continuing a description cut mid-sentence are joined to it. last is
// the number of the page's last non-blank line: text there may be cut.
// With profiles, lines between a title and its description (people,
// tagline) are skipped.
func (p *Page) pairItems(ls []line, last int, covid, profiles bool) []item {
	ts := p.prepare(ls)
	var items []item
	var pending *item
	cut := func(t tline) bool {
		return strings.Contains(t.s, cutMark) || (t.n == last && !endsSentence(t.s))
	}
	for i := 0; i < len(ts); i++ {
		t := ts[i]
		atEnd := i == len(ts)-1 && t.n == last
		// A wrapped description: the previous one stopped mid-sentence.
		if pending == nil && !t.frag && !t.titleFrag && startsLower(t.s) && len(items) > 0 {
			prev := &items[len(items)-1]
			if prev.summary != "" && !endsSentence(prev.summary) && !prev.truncated {
				p.warn(t.n, "wrapped description joined to line %d", prev.line)
				prev.summary += " " + t.s
				prev.truncated = cut(t)
				continue
			}
		}
		if pending != nil {
			next := -1
			if i+1 < len(ts) {
				next = i + 1
			}
			// A title wrapped at a colon ("Let’s Plan X Together:" / "creating
			// the participatory X 2030 Strategy"): the lower-case line that
			// does not end a sentence continues the title.
			if strings.HasSuffix(pending.title, ":") && startsLower(t.s) && !endsSentence(t.s) && !t.frag &&
				next >= 0 && isSentence(ts[next].s) {
				p.warn(t.n, "title wrapped at a colon joined to line %d", pending.line)
				pending.title += " " + t.s
				continue
			}
			if profiles && !isSentence(t.s) && next >= 0 {
				continue // people or tagline line of a profile
			}
			if !profiles && !t.frag && strongTitle(t.s) && next >= 0 && isSentence(ts[next].s) && !startsLower(ts[next].s) {
				p.warn(pending.line, "title without description: %q", pending.title)
				items = append(items, *pending)
				pending = &item{title: t.s, line: t.n, titleFrag: t.titleFrag}
				continue
			}
			pending.summary, pending.sumFrag = stripCut(t.s), t.frag
			pending.truncated = cut(t)
			if pending.truncated {
				p.warn(t.n, "truncated description")
			}
			items = append(items, *pending)
			pending = nil
			continue
		}
		nextSentence := i+1 < len(ts) && isSentence(ts[i+1].s) && !startsLower(ts[i+1].s) && !ts[i+1].titleFrag
		if t.titleFrag || (!t.frag && (looksLikeTitle(t.s, covid) || (!isSentence(t.s) && nextSentence))) {
			it := item{title: t.s, line: t.n, titleFrag: t.titleFrag}
			if atEnd {
				it.truncated = true
				p.warn(t.n, "truncated last line read as a cut title: %q", t.s)
				items = append(items, it)
				continue
			}
			pending = &it
			continue
		}
		it := item{summary: stripCut(t.s), sumFrag: t.frag, line: t.n, truncated: cut(t)}
		if it.truncated {
			p.warn(t.n, "truncated description")
		}
		items = append(items, it)
	}
	if pending != nil {
		p.warn(pending.line, "title without description: %q", pending.title)
		items = append(items, *pending)
	}
	return items
}

// stripCut removes the ipi cut mark.
func stripCut(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, cutMark, ""))
}

// parseHub reads the best-practices hub: descriptions under "Winners YYYY"
// and "Finalists YYYY" headings; everything before the first is header.
func (p *Page) parseHub(ls []line, last int) {
	start, year, status := -1, 0, ""
	flush := func(end int) {
		if start < 0 {
			return
		}
		for _, it := range p.pairItems(ls[start:end], last, false, false) {
			e := it.entry()
			e.Year, e.Status = year, status
			p.addEntry(e)
		}
	}
	for i, l := range ls {
		m := reHubSection.FindStringSubmatch(l.s)
		if m == nil {
			continue
		}
		flush(i)
		year, _ = strconv.Atoi(m[2])
		status = domain.AwardFinalist
		if m[1] == "Winners" {
			status = domain.AwardWinner
		}
		start = i + 1
	}
	flush(len(ls))
	if start < 0 {
		p.warn(firstLine(ls), "no Winners/Finalists section")
	}
}

// parseBullets reads "• Title, Country" bullets under "Awards YYYY"
// headings (awards-22-23). Other lines are header prose.
func (p *Page) parseBullets(ls []line, last int) {
	year := 0
	for _, l := range ls {
		if m := reAwardHeading.FindStringSubmatch(l.s); m != nil {
			year, _ = strconv.Atoi(m[1])
			if m[2] != "" {
				year, _ = strconv.Atoi(m[2])
			}
			continue
		}
		if !reBullet.MatchString(l.s) {
			continue
		}
		text := cleanText(reBullet.ReplaceAllString(l.s, ""))
		e := Entry{Line: l.n, Year: year}
		if year != 0 {
			e.Status = domain.AwardEntry
		}
		cutHere := l.n == last && !endsSentence(text)
		if i := strings.LastIndex(text, ", "); i > 0 {
			e.Title, e.CountryName = text[:i], strings.TrimSpace(text[i+2:])
			if cutHere {
				p.warn(l.n, "country cut off (%q) dropped", e.CountryName)
				e.CountryName = ""
			}
		} else {
			e.Title, e.Truncated = text, cutHere
		}
		e.Title = repairBrackets(e.Title)
		if t := strings.TrimLeft(e.Title, "–—- "); t != e.Title {
			e.Title, e.TitleFragment = t, true
			p.warn(l.n, "title lost its beginning: %q", t)
		}
		if e.Title == "" {
			continue
		}
		p.addEntry(e)
	}
}

// repairBrackets closes a bracket the page left open:
// "X (Y" becomes "X (Y)".
func repairBrackets(s string) string {
	if strings.Count(s, "(") > strings.Count(s, ")") {
		return s + ")"
	}
	return s
}

// parseDE reads the German 2019 winners page: "Kategorie:" headings and
// "Projekt:" / "Projektland:" lines. The award year is the one the intro
// names; the entries are winners when the page introduces them as
// "Gewinner".
func (p *Page) parseDE(ls []line) {
	year, status, cat := 0, domain.AwardEntry, ""
	for _, l := range ls {
		if year == 0 {
			if m := reAwardsYear.FindStringSubmatch(l.s); m != nil {
				year, _ = strconv.Atoi(m[1])
			}
		}
		key, val, ok := strings.Cut(l.s, ":")
		val = strings.TrimSpace(val)
		switch {
		case ok && key == "Kategorie":
			cat = categorySlug(val)
		case ok && key == "Projekt" && val != "":
			p.addEntry(Entry{Title: val, Category: cat, Line: l.n, Status: status})
		case ok && key == "Projekt":
			p.warn(l.n, "\"Projekt:\" line without a name")
		case ok && key == "Projektland" && len(p.Entries) > 0:
			p.Entries[len(p.Entries)-1].CountryName = val
		case strings.Contains(strings.ToLower(l.s), "gewinner") && strings.HasSuffix(l.s, ":"):
			status = domain.AwardWinner
		}
	}
	for i := range p.Entries {
		p.Entries[i].Year = year
		if year == 0 {
			p.Entries[i].Status = ""
		}
	}
	p.Facts.Lang = "de"
}

// guessLang guesses the page language from common function words.
func guessLang(text string) string {
	counts := map[string]int{}
	lang := map[string]string{
		"the": "en", "and": "en", "of": "en", "with": "en",
		"und": "de", "der": "de", "die": "de", "das": "de", "nicht": "de", "sie": "de", "für": "de",
		"och": "sv", "att": "sv", "för": "sv", "som": "sv", "är": "sv", "med": "sv",
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if l, ok := lang[w]; ok {
			counts[l]++
		}
	}
	best := "en"
	for _, l := range []string{"de", "sv"} {
		if counts[l] > counts[best] {
			best = l
		}
	}
	return best
}
