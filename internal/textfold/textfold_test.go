package textfold_test

import (
	"testing"

	"github.com/civicgraph/civicgraph/internal/textfold"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Łódź":                 "lodz",
		"Klaipėda":             "klaipeda",
		"Ærø Straße":           "aero strasse",
		"BÜRGERBETEILIGUNG":    "burgerbeteiligung",
		"Bristol’s “One City”": `bristol's "one city"`,
		"COVID–19":             "covid-19",
		"plain ascii":          "plain ascii",
	} {
		if got := textfold.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestKey: the one key rule over tricky titles. Apostrophes, straight or
// curly, join; dashes, quotes, symbols and emoji separate; letters that do
// not decompose are spelled out; other scripts are kept, folded.
func TestKey(t *testing.T) {
	for in, want := range map[string]string{
		"Bristol’s First Citizens’ Assembly":          "bristols-first-citizens-assembly",
		"Bristol's First Citizens' Assembly":          "bristols-first-citizens-assembly",
		"Ærø Straße – Große Pläne":                    "aero-strasse-grosse-plane",
		"ØSTERBRO ŁÓDŹ Đakovo":                        "osterbro-lodz-dakovo",
		"“Casettiamo, insieme possiamo!” — together":  "casettiamo-insieme-possiamo-together",
		"#GDAŃSKPOMAGA (#GDANSKHELPS)":                "gdanskpomaga-gdanskhelps",
		"Climate 🌍 action 🚲 now":                      "climate-action-now",
		"COVID-19: 4-Day Week":                        "covid-19-4-day-week",
		"ﬁnance for CO² cuts":                         "finance-for-co2-cuts",
		"Πολίτες Αθήνας":                              "πολιτες-αθηνας",
		"  – leading dash and trailing punctuation …": "leading-dash-and-trailing-punctuation",
		"🎉 !!": "",
	} {
		if got := textfold.Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
		if k := textfold.Key(in); textfold.Key(k) != k {
			t.Errorf("Key(%q) = %q is not a fixed point", in, k)
		}
	}
}
