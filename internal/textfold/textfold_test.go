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
