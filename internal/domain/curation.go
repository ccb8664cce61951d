package domain

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// Limits of a curated initiative, in characters (not bytes: a Polish or
// Greek title is as long as it reads).
const (
	MaxTitleLen   = 300
	MaxSummaryLen = 5000
	MaxURLLen     = 2048
	// CurationURL is the source of a curated edit that names none.
	CurationURL = "curation:"
)

// InitiativeInput is a curation upsert as a curator gives it.
type InitiativeInput struct {
	Key         string
	Title       string
	Summary     string
	CityID      string
	CountryCode string
	Themes      []string
	URL         string
}

// InitiativeEdit is an InitiativeInput that CheckInitiative accepted, in
// the form the store writes: trimmed text, the key (given, or the one key
// rule's from the title), a known country, theme slugs without blanks or
// repeats, and a source URL. Whether the city and the themes exist is the
// store's to say, in the transaction that writes them.
type InitiativeEdit struct {
	Key, Title, Summary string
	CityID              string
	Country             *Country // nil when none was given
	Themes              []string
	URL                 string
}

// CountryLookup finds an ISO 3166-1 alpha-2 country by its code (the
// gazetteer's CountryByCode).
type CountryLookup func(code string) (Country, bool)

// CheckInitiative is the one validation of a curated initiative (the
// curation service calls it before anything is written). EINVALID, with
// the reason, when:
//   - the title or the summary is blank, or longer than MaxTitleLen /
//     MaxSummaryLen characters;
//   - no key is given and the title has no letter or digit to make one of,
//     or a key is given that is not in key form (ValidKey);
//   - the country code is not a known ISO 3166-1 alpha-2 code (any case);
//   - the URL is not an absolute http(s) URL of at most MaxURLLen bytes.
//
// Without a key the title's key is used (InitiativeKey, the import's
// rule), so an upsert of an imported title updates that initiative.
func CheckInitiative(in InitiativeInput, countries CountryLookup) (InitiativeEdit, error) {
	e := InitiativeEdit{Title: strings.TrimSpace(in.Title), Summary: strings.TrimSpace(in.Summary), CityID: strings.TrimSpace(in.CityID)}
	if e.Title == "" || e.Summary == "" {
		return InitiativeEdit{}, Errorf(EINVALID, "title and summary are required")
	}
	if n := utf8.RuneCountInString(e.Title); n > MaxTitleLen {
		return InitiativeEdit{}, Errorf(EINVALID, "title is %d characters long; at most %d", n, MaxTitleLen)
	}
	if n := utf8.RuneCountInString(e.Summary); n > MaxSummaryLen {
		return InitiativeEdit{}, Errorf(EINVALID, "summary is %d characters long; at most %d", n, MaxSummaryLen)
	}
	e.Key = strings.TrimSpace(in.Key)
	if e.Key == "" {
		if e.Key = InitiativeKey(e.Title); e.Key == "" {
			return InitiativeEdit{}, Errorf(EINVALID, "the title %q has no letter or digit to make a key of; give a key", e.Title)
		}
	}
	if !ValidKey(e.Key) {
		return InitiativeEdit{}, Errorf(EINVALID, "key %q must be lower-case letters, digits and hyphens (as the import makes them from titles, e.g. %q)", e.Key, InitiativeKey(e.Key))
	}
	if code := strings.TrimSpace(in.CountryCode); code != "" {
		c, ok := Country{}, false
		if len(code) == 2 && countries != nil {
			c, ok = countries(code)
		}
		if !ok {
			return InitiativeEdit{}, Errorf(EINVALID, "countryCode %q is not an ISO 3166-1 alpha-2 code", in.CountryCode)
		}
		e.Country = &c
	}
	seen := make(map[string]bool, len(in.Themes))
	for _, t := range in.Themes {
		if t = strings.TrimSpace(t); t == "" {
			return InitiativeEdit{}, Errorf(EINVALID, "a theme slug is blank")
		}
		if !seen[t] {
			seen[t] = true
			e.Themes = append(e.Themes, t)
		}
	}
	e.URL = strings.TrimSpace(in.URL)
	switch {
	case e.URL == "":
		e.URL = CurationURL
	case len(e.URL) > MaxURLLen:
		return InitiativeEdit{}, Errorf(EINVALID, "url is %d bytes long; at most %d", len(e.URL), MaxURLLen)
	default:
		u, err := url.Parse(e.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return InitiativeEdit{}, Errorf(EINVALID, "url %q is not an absolute http or https URL", e.URL)
		}
	}
	return e, nil
}
