package domain_test

import (
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
)

// countries is a two-country lookup standing in for the gazetteer.
func countries(code string) (domain.Country, bool) {
	switch strings.ToUpper(code) {
	case "PL":
		return domain.Country{Code: "PL", Name: "Poland"}, true
	case "AT":
		return domain.Country{Code: "AT", Name: "Austria"}, true
	}
	return domain.Country{}, false
}

func TestCheckInitiativeAccepts(t *testing.T) {
	e, err := domain.CheckInitiative(domain.InitiativeInput{
		Title: "  Łódź’s Citizens’ Panel ", Summary: "\tA panel of residents.\n", CityID: " 3093133 ",
		CountryCode: "pl", Themes: []string{"participation", " participation", "climate"},
	}, countries)
	if err != nil {
		t.Fatal(err)
	}
	want := domain.InitiativeEdit{Key: domain.InitiativeKey("Łódź’s Citizens’ Panel"), Title: "Łódź’s Citizens’ Panel", Summary: "A panel of residents.",
		CityID: "3093133", Country: &domain.Country{Code: "PL", Name: "Poland"}, Themes: []string{"participation", "climate"}, URL: domain.CurationURL}
	if e.Key != want.Key || e.Title != want.Title || e.Summary != want.Summary || e.CityID != want.CityID || e.URL != want.URL ||
		e.Country == nil || *e.Country != *want.Country || strings.Join(e.Themes, ",") != strings.Join(want.Themes, ",") {
		t.Errorf("got %+v (country %v), want %+v", e, e.Country, want)
	}
	if e.Key != "lodzs-citizens-panel" {
		t.Errorf("key %q: the import's rule gives lodzs-citizens-panel", e.Key)
	}

	// Lengths count characters: 300 two-byte letters are a valid title.
	long := strings.Repeat("ł", domain.MaxTitleLen)
	e, err = domain.CheckInitiative(domain.InitiativeInput{Key: "long", Title: long, Summary: "s", URL: "https://example.org/a?b=c"}, countries)
	if err != nil || e.Title != long || e.Key != "long" || e.Country != nil || e.URL != "https://example.org/a?b=c" {
		t.Errorf("300-character title with a key and a URL: %+v, %v", e, err)
	}
}

func TestCheckInitiativeRefuses(t *testing.T) {
	ok := domain.InitiativeInput{Title: "Repair Café", Summary: "Volunteers repair things."}
	with := func(f func(*domain.InitiativeInput)) domain.InitiativeInput { in := ok; f(&in); return in }
	for name, in := range map[string]domain.InitiativeInput{
		"blank title":           with(func(in *domain.InitiativeInput) { in.Title = " \t" }),
		"blank summary":         with(func(in *domain.InitiativeInput) { in.Summary = "" }),
		"title too long":        with(func(in *domain.InitiativeInput) { in.Title = strings.Repeat("a", domain.MaxTitleLen+1) }),
		"summary too long":      with(func(in *domain.InitiativeInput) { in.Summary = strings.Repeat("ż", domain.MaxSummaryLen+1) }),
		"title without letters": with(func(in *domain.InitiativeInput) { in.Title = "🌍 — ?" }),
		"key not in key form":   with(func(in *domain.InitiativeInput) { in.Key = "Repair Café" }),
		"key with a slash":      with(func(in *domain.InitiativeInput) { in.Key = "repair/cafe" }),
		"unknown country":       with(func(in *domain.InitiativeInput) { in.CountryCode = "XX" }),
		"country name":          with(func(in *domain.InitiativeInput) { in.CountryCode = "Poland" }),
		"three-letter code":     with(func(in *domain.InitiativeInput) { in.CountryCode = "POL" }),
		"blank theme":           with(func(in *domain.InitiativeInput) { in.Themes = []string{"culture", " "} }),
		"relative url":          with(func(in *domain.InitiativeInput) { in.URL = "/projects/1" }),
		"javascript url":        with(func(in *domain.InitiativeInput) { in.URL = "javascript:alert(1)" }),
		"url too long": with(func(in *domain.InitiativeInput) {
			in.URL = "https://example.org/" + strings.Repeat("a", domain.MaxURLLen)
		}),
	} {
		e, err := domain.CheckInitiative(in, countries)
		if domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: %+v, %v; want EINVALID", name, e, err)
		}
	}
	if _, err := domain.CheckInitiative(ok, countries); err != nil {
		t.Fatalf("the base input is refused: %v", err)
	}
	// Without a country lookup no code is known.
	if _, err := domain.CheckInitiative(with(func(in *domain.InitiativeInput) { in.CountryCode = "AT" }), nil); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("a code without a lookup: %v, want EINVALID", err)
	}
}
