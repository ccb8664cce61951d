package importer

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// LineError is the error for one bad line (JSON Lines) or row (CSV) of a
// user file. Line is 1-based; for CSV it is the line the row starts on.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// userRecord is one initiative as a user file states it. See FORMAT.md.
type userRecord struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	City    string `json:"city"`
	Country string `json:"country"`
	Themes  any    `json:"themes"` // "a;b" or ["a","b"]
	Awards  any    `json:"awards"` // "2019:winner:democracy;…" or [{"year":…}] or ["2019:winner"]
	URL     string `json:"url"`
	// CityID is a GeoNames id; ThemesComplete says themes are all of them.
	CityID         string `json:"cityId"`
	ThemesComplete bool   `json:"themesComplete"`
	badComplete    bool
}

// maxUserLine bounds one JSON line.
const maxUserLine = 1 << 20

// ReadJSONL reads initiatives from JSON Lines: one JSON object per line,
// with the fields
//
//	id       optional stable key (slugified); default: slug of the title
//	title    title (title or summary required)
//	summary  description
//	city     city name, resolved later
//	country  ISO 3166-1 alpha-2 code ("AT") or a country name
//	themes   theme slugs: "a;b" or ["a","b"]
//	awards   "year:status[:category];…" or [{"year":2019,"status":"winner","category":"democracy"}]
//	url      where the initiative is described (source URL)
//
// Blank lines and lines starting with "#" are skipped. A bad line does not
// stop the import: ReadJSONL returns the good records and an error joining
// one *LineError per bad line (errors.Join; errors.As finds them). Every
// fact carries the source method user-file. The details are in FORMAT.md.
func ReadJSONL(r io.Reader) ([]*Record, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var recs []*Record
	var errs []error
	for n := 1; ; n++ {
		raw, err := readLine(br)
		if err != nil && !errors.Is(err, io.EOF) {
			errs = append(errs, &LineError{Line: n, Err: err})
			break
		}
		s := strings.TrimSpace(strings.TrimPrefix(raw, "\uFEFF"))
		if s != "" && !strings.HasPrefix(s, "#") {
			var u userRecord
			dec := json.NewDecoder(strings.NewReader(s))
			dec.DisallowUnknownFields()
			if derr := dec.Decode(&u); derr != nil {
				errs = append(errs, &LineError{Line: n, Err: fmt.Errorf("invalid JSON: %w", derr)})
			} else if dec.More() {
				errs = append(errs, &LineError{Line: n, Err: errors.New("more than one JSON value on the line")})
			} else if rec, verr := u.record(); verr != nil {
				errs = append(errs, &LineError{Line: n, Err: verr})
			} else {
				recs = append(recs, rec)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	return recs, errors.Join(errs...)
}

// readLine reads one line of at most maxUserLine bytes (without the
// newline); longer lines are consumed and reported.
func readLine(br *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		chunk, isPrefix, err := br.ReadLine()
		if b.Len()+len(chunk) <= maxUserLine {
			b.Write(chunk)
		}
		if err != nil {
			if b.Len() == 0 {
				return "", err
			}
			return b.String(), io.EOF
		}
		if !isPrefix {
			if b.Len() >= maxUserLine {
				return "", errors.New("line too long")
			}
			return b.String(), nil
		}
	}
}

// csvColumns are the CSV header names ReadCSV knows.
var csvColumns = map[string]bool{
	"id": true, "title": true, "summary": true, "city": true, "country": true,
	"themes": true, "awards": true, "url": true, "cityid": true, "themescomplete": true,
}

// ReadCSV reads initiatives from CSV (RFC 4180, comma-separated, UTF-8)
// whose first row names the columns: id, title, summary, city, country,
// themes, awards, url, in any order, case-insensitive; title or summary
// is required, the rest optional. Values are as for ReadJSONL (themes
// "a;b", awards "year:status[:category];…"). An unknown column is an error
// for the whole file; a bad row is reported as a *LineError with the line
// it starts on, and the other rows are still returned.
func ReadCSV(r io.Reader) ([]*Record, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, domain.Errorf(domain.EINVALID, "read csv: empty file, header row expected")
		}
		return nil, fmt.Errorf("read csv header: %w", err)
	}
	cols := make([]string, len(header))
	hasText := false
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if !csvColumns[h] {
			return nil, domain.Errorf(domain.EINVALID, "read csv: unknown column %q", h)
		}
		cols[i] = h
		hasText = hasText || h == "title" || h == "summary"
	}
	if !hasText {
		return nil, domain.Errorf(domain.EINVALID, "read csv: a title or summary column is required")
	}
	var recs []*Record
	var errs []error
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			errs = append(errs, &LineError{Line: line, Err: err})
			if pe == nil {
				break // not a parse error: the reader failed
			}
			continue // the csv reader resumes after the bad record
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		if len(row) != len(cols) {
			errs = append(errs, &LineError{Line: line, Err: fmt.Errorf("%d fields, header has %d", len(row), len(cols))})
			continue
		}
		var u userRecord
		for i, c := range cols {
			v := row[i]
			switch c {
			case "id":
				u.ID = v
			case "title":
				u.Title = v
			case "summary":
				u.Summary = v
			case "city":
				u.City = v
			case "country":
				u.Country = v
			case "themes":
				u.Themes = v
			case "awards":
				u.Awards = v
			case "url":
				u.URL = v
			case "cityid":
				u.CityID = v
			case "themescomplete":
				b, err := strconv.ParseBool(strings.TrimSpace(v))
				if v != "" && err != nil {
					u.ThemesComplete, u.badComplete = false, true
				}
				u.ThemesComplete = b
			}
		}
		rec, verr := u.record()
		if verr != nil {
			errs = append(errs, &LineError{Line: line, Err: verr})
			continue
		}
		recs = append(recs, rec)
	}
	return recs, errors.Join(errs...)
}

// record validates u and turns it into a Record.
func (u userRecord) record() (*Record, error) {
	title, summary := cleanText(u.Title), cleanText(u.Summary)
	if title == "" && summary == "" {
		return nil, errors.New("title or summary required")
	}
	src := domain.Source{URL: strings.TrimSpace(u.URL), Method: domain.MethodUserFile}
	if src.URL == "" {
		src.URL = "user-file"
	}
	if u.badComplete {
		return nil, errors.New("themesComplete must be true or false")
	}
	rec := &Record{Title: title, Summary: summary, CityName: cleanText(u.City), Sources: []domain.Source{src},
		ThemesComplete: u.ThemesComplete}
	if id := strings.TrimSpace(u.CityID); id != "" {
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			return nil, errors.New("cityId must be a GeoNames id (digits)")
		}
		rec.CityID = id
	}
	switch {
	case strings.TrimSpace(u.ID) != "":
		rec.Key = Key(u.ID)
		if rec.Key == "" {
			return nil, fmt.Errorf("id %q has no letters or digits", u.ID)
		}
	case title != "":
		rec.Key = Key(title)
	default:
		rec.Key = Key(firstWords(summary, 8))
	}
	if rec.Key == "" {
		return nil, errors.New("title has no letters or digits")
	}
	if title == "" {
		rec.Title, rec.TitleDerived = deriveTitle(summary), true
	}
	if c := cleanText(u.Country); c != "" {
		cf := CountryFact{Name: c, Source: src}
		if len(c) == 2 && isAllCaps(c) {
			cf = CountryFact{Code: c, Source: src}
		}
		rec.CountryNames = []CountryFact{cf}
	}
	themes, err := stringList(u.Themes)
	if err != nil {
		return nil, fmt.Errorf("themes: %w", err)
	}
	for _, t := range themes {
		s := Key(t)
		if s == "" {
			return nil, fmt.Errorf("themes: %q is not a slug", t)
		}
		rec.ThemeSlugs = append(rec.ThemeSlugs, s)
	}
	awards, err := parseAwards(u.Awards, src)
	if err != nil {
		return nil, fmt.Errorf("awards: %w", err)
	}
	rec.Awards = awards
	return rec, nil
}

// stringList reads "a;b" or ["a","b"].
func stringList(v any) ([]string, error) {
	var out []string
	switch t := v.(type) {
	case nil:
	case string:
		for _, s := range strings.Split(t, ";") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	case []any:
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("list element %v is not a string", e)
			}
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	default:
		return nil, fmt.Errorf("want a string or a list of strings, got %T", v)
	}
	return out, nil
}

// parseAwards reads "year:status[:category];…", a list of such strings,
// or a list of {"year","status","category"} objects.
func parseAwards(v any, src domain.Source) ([]domain.Award, error) {
	var out []domain.Award
	add := func(year int, status, cat string) error {
		if year < 1900 || year > 2100 {
			return fmt.Errorf("year %d out of range", year)
		}
		status = strings.ToLower(strings.TrimSpace(status))
		if status == "" {
			status = domain.AwardEntry
		}
		if domain.AwardRank(status) == 0 {
			return fmt.Errorf("status %q: want winner, finalist or entry", status)
		}
		out = append(out, domain.Award{Year: year, Status: status, Category: Key(cat), Sources: []domain.Source{src}})
		return nil
	}
	parseOne := func(s string) error {
		parts := strings.Split(s, ":")
		if len(parts) > 3 {
			return fmt.Errorf("%q: want year:status[:category]", s)
		}
		y, err := strconv.Atoi(strings.TrimSpace(parts[0]))
		if err != nil {
			return fmt.Errorf("%q: year is not a number", s)
		}
		status, cat := "", ""
		if len(parts) > 1 {
			status = parts[1]
		}
		if len(parts) > 2 {
			cat = parts[2]
		}
		return add(y, status, cat)
	}
	switch t := v.(type) {
	case nil:
	case string:
		for _, s := range strings.Split(t, ";") {
			if s = strings.TrimSpace(s); s != "" {
				if err := parseOne(s); err != nil {
					return nil, err
				}
			}
		}
	case []any:
		for _, e := range t {
			switch a := e.(type) {
			case string:
				if err := parseOne(a); err != nil {
					return nil, err
				}
			case map[string]any:
				y, ok := a["year"].(float64)
				if !ok || y != float64(int(y)) {
					return nil, fmt.Errorf("award %v: year must be a whole number", a)
				}
				st, _ := a["status"].(string)
				cat, _ := a["category"].(string)
				if err := add(int(y), st, cat); err != nil {
					return nil, err
				}
			default:
				return nil, fmt.Errorf("award %v: want a string or an object", e)
			}
		}
	default:
		return nil, fmt.Errorf("want a string or a list, got %T", v)
	}
	return out, nil
}
