package importer_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/importer"
)

func lineErrors(t *testing.T, err error) []int {
	t.Helper()
	if err == nil {
		return nil
	}
	var lines []int
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error is not a joined error: %v", err)
	}
	for _, e := range j.Unwrap() {
		var le *importer.LineError
		if !errors.As(e, &le) {
			t.Fatalf("not a LineError: %v", e)
		}
		lines = append(lines, le.Line)
	}
	return lines
}

func TestReadJSONL(t *testing.T) {
	in := `{"id":"VB-1","title":"Vellbrook Repair Van","summary":"A van repairs things.","city":"Vellbrook","country":"AT","themes":"repair; community","awards":"2021:winner:ecology;2020:finalist","url":"https://example.invalid/vb"}

# comment
{"title":"Shade Atlas","country":"Sweden","themes":["climate"],"awards":[{"year":2022,"status":"entry"}]}
{"title":"Broken", "awards":"20x1:winner"}
not json
{"summary":"A floating cinema on the lake shows films all summer.","unknown":1}
{"summary":"A floating cinema on the lake shows films all summer."}
{"title":"Bad status","awards":"2021:champion"}
`
	recs, err := importer.ReadJSONL(strings.NewReader(in))
	if got := lineErrors(t, err); !reflect.DeepEqual(got, []int{5, 6, 7, 9}) {
		t.Errorf("bad lines = %v (%v)", got, err)
	}
	if len(recs) != 3 {
		t.Fatalf("records = %d", len(recs))
	}
	src := domain.Source{URL: "https://example.invalid/vb", Method: domain.MethodUserFile}
	want := &importer.Record{
		Key: "vb-1", Title: "Vellbrook Repair Van", Summary: "A van repairs things.", CityName: "Vellbrook",
		CountryNames: []importer.CountryFact{{Code: "AT", Source: src}},
		ThemeSlugs:   []string{"repair", "community"},
		Awards: []domain.Award{
			{Year: 2021, Status: domain.AwardWinner, Category: "ecology", Sources: []domain.Source{src}},
			{Year: 2020, Status: domain.AwardFinalist, Sources: []domain.Source{src}},
		},
		Sources: []domain.Source{src},
	}
	if !reflect.DeepEqual(recs[0], want) {
		t.Errorf("record 0 =\n%+v\nwant\n%+v", recs[0], want)
	}
	if r := recs[1]; r.Key != "shade-atlas" || r.CountryNames[0].Name != "Sweden" || r.Awards[0].Status != domain.AwardEntry || r.Sources[0].URL != "user-file" {
		t.Errorf("record 1 = %+v", r)
	}
	if r := recs[2]; !r.TitleDerived || r.Key != "a-floating-cinema-on-the-lake-shows-films" {
		t.Errorf("record 2 = %+v", r)
	}
}

func TestReadCSV(t *testing.T) {
	in := "Title,summary,city,country,themes,awards,url\n" +
		"Vellbrook Repair Van,\"A van repairs things, and teaches.\",Vellbrook,AT,repair;community,2021:winner,https://example.invalid/vb\n" +
		",,,,,,\n" +
		"Too,few\n" +
		"\"Multi\nline title\",ok,,,,,\n" +
		"Bad award,x,,,,1999:gold,\n" +
		"Shade Atlas,,,Sweden,,,\n"
	recs, err := importer.ReadCSV(strings.NewReader(in))
	if got := lineErrors(t, err); !reflect.DeepEqual(got, []int{3, 4, 7}) {
		t.Errorf("bad lines = %v (%v)", got, err)
	}
	var keys []string
	for _, r := range recs {
		keys = append(keys, r.Key)
	}
	if !reflect.DeepEqual(keys, []string{"vellbrook-repair-van", "multi-line-title", "shade-atlas"}) {
		t.Errorf("keys = %q", keys)
	}
	if r := recs[0]; r.Summary != "A van repairs things, and teaches." || r.CityName != "Vellbrook" || len(r.ThemeSlugs) != 2 || r.Awards[0].Year != 2021 {
		t.Errorf("record 0 = %+v", r)
	}

	for name, in := range map[string]string{
		"empty":          "",
		"unknown column": "title,colour\nx,red\n",
		"no text column": "city,country\nVienna,AT\n",
	} {
		if _, err := importer.ReadCSV(strings.NewReader(in)); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: err = %v, want %s", name, err, domain.EINVALID)
		}
	}
}
