package themes_test

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/themes"
)

// showroomCategories are every category slug the corpus uses: project_cat
// values and finalists-page categories.
var showroomCategories = []string{
	"regional-development", "community", "climate-protection", "democracy", "quality-of-life", "education",
	"covid-19-strategies", "ecology", "public-space", "democracy-technologies", "digitalisation", "youth",
	"economy", "civilisation", "social-cohesion", "jobs", "civic-engagement",
	// finalists pages
	"community", "democracy", "digitalisation", "ecology", "economy", "education", "human-rights", "quality-of-life",
}

var requiredThemes = []string{
	"covid-19", "participation", "democracy-transparency", "digital-government", "climate-environment",
	"social-inclusion", "culture", "education-youth", "health-care", "mobility-public-space", "gender-equality",
	"migration-integration", "economy-jobs", "housing-regional-development",
}

func TestDefault(t *testing.T) {
	tx := themes.Default()
	for _, slug := range requiredThemes {
		th, ok := tx.Theme(slug)
		if !ok {
			t.Errorf("theme %q missing", slug)
			continue
		}
		if th.Name == "" || th.Description == "" || len(th.Keywords) == 0 {
			t.Errorf("theme %q incomplete: %+v", slug, th)
		}
	}
	if _, ok := tx.Theme("no-such-theme"); ok {
		t.Error("Theme(no-such-theme) found")
	}
	if themes.Default() != tx {
		t.Error("Default returns a new value per call")
	}
}

func TestEveryShowroomCategoryMaps(t *testing.T) {
	tx := themes.Default()
	for _, c := range showroomCategories {
		got := tx.ForCategory(c)
		if len(got) < 1 || len(got) > 2 {
			t.Errorf("ForCategory(%q) = %v, want 1–2 themes", c, got)
		}
		for _, s := range got {
			if _, ok := tx.Theme(s); !ok {
				t.Errorf("ForCategory(%q) gives unknown theme %q", c, s)
			}
		}
	}
	if got := tx.ForCategory("ecology/"); !slices.Equal(got, []string{"climate-environment"}) {
		t.Errorf("ForCategory(ecology/) = %v", got)
	}
	if got := tx.ForCategory("democracy-technologies"); !slices.Equal(got, []string{"digital-government", "participation"}) {
		t.Errorf("ForCategory(democracy-technologies) = %v", got)
	}
	if got := tx.ForCategory("unknown"); got != nil {
		t.Errorf("ForCategory(unknown) = %v, want nil", got)
	}
}

func TestThemesReturnsCopies(t *testing.T) {
	tx := themes.Default()
	ts := tx.Themes()
	ts[0].Keywords[0] = "mutated"
	ts[0].Slug = "mutated"
	if tx.Themes()[0].Slug == "mutated" || tx.Themes()[0].Keywords[0] == "mutated" {
		t.Error("Themes exposes internal state")
	}
}

func TestFoldAndTokens(t *testing.T) {
	for in, want := range map[string]string{
		"Bürgerbeteiligung in Skåne":   "burgerbeteiligung in skane",
		"Straße, Łódź, Øresund":        "strasse, lodz, oresund",
		"Citizens’ “Assembly” – COVID": `citizens' "assembly" - covid`,
	} {
		if got := themes.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
	got := themes.Tokens("Citizens’ Assembly on COVID-19 (people's budget)")
	want := []string{"citizens", "assembly", "on", "covid", "19", "people", "budget"}
	if !slices.Equal(got, want) {
		t.Errorf("Tokens = %q, want %q", got, want)
	}
}

func TestClassify(t *testing.T) {
	tx := themes.Default()
	tests := []struct {
		name           string
		title, summary string
		want           []string // must be assigned
		not            []string // must not be assigned
	}{
		{"covid volunteers", "Neighbours Help Neighbours",
			"During the coronavirus lockdown, volunteers deliver groceries to older residents who must stay at home.",
			[]string{"covid-19", "social-inclusion"}, []string{"culture"}},
		{"citizens assembly", "The City Jury",
			"A citizens' assembly of residents picked at random deliberates on how the council should spend its budget.",
			[]string{"participation"}, []string{"covid-19"}},
		{"curly quotes", "Citizens’ Assembly on Housing", "", []string{"participation", "housing-regional-development"}, nil},
		{"anti-corruption", "Clean Procurement",
			"An open data portal publishes every public contract to fight corruption and make spending transparent.",
			[]string{"democracy-transparency"}, []string{"economy-jobs"}},
		{"river robot", "Litter Robot",
			"A floating robot removes plastic litter from the river before it reaches the sea.",
			[]string{"climate-environment"}, []string{"mobility-public-space"}},
		{"bike lanes", "Pop-Up Bike Lanes",
			"Temporary cycle lanes give commuters a safe alternative to crowded buses.",
			[]string{"mobility-public-space"}, []string{"climate-environment"}},
		{"refugee integration", "Welcome Café",
			"Refugees and newly arrived migrants practise the language and find their way into local working life.",
			[]string{"migration-integration"}, nil},
		{"women in politics", "More Women in Councils",
			"A mentoring programme helps women stand as candidates in local elections.",
			[]string{"gender-equality", "democracy-transparency"}, nil},
		{"e-government", "One App for the City",
			"Residents book appointments, pay fees and report potholes through a single app instead of queuing at the town hall.",
			[]string{"digital-government"}, nil},
		{"German", "Bürgerhaushalt Musterstadt",
			"Die Bürgerinnen und Bürger entscheiden über Projekte; die Bürgerbeteiligung stärkt die Demokratie.",
			[]string{"participation"}, nil},
		{"Swedish", "Klimatsmart kommun",
			"Kommunen minskar utsläppen och satsar på förnybar energi och hållbar återvinning.",
			[]string{"climate-environment"}, nil},
		{"Swedish refugees", "Flyktingguider",
			"Nyanlända flyktingar får en personlig guide i sin nya kommun.",
			[]string{"migration-integration"}, nil},
		{"culture", "Theatre in the Villages",
			"A touring theatre brings music and performances to small rural communities.",
			[]string{"culture"}, []string{"covid-19"}},
		{"school", "Coding School",
			"Pupils learn to program robots in after-school workshops run by teachers.",
			[]string{"education-youth"}, nil},
		{"health", "Doctor on Call",
			"Patients in remote areas talk to a doctor by video instead of travelling to the hospital.",
			[]string{"health-care"}, nil},
		{"jobs", "Jobs for the Long-Term Unemployed",
			"Local businesses offer work placements and training to people out of work for years.",
			[]string{"economy-jobs"}, nil},
		{"housing", "Empty Shops to Homes",
			"The town turns vacant shops in its centre into affordable housing for young families.",
			[]string{"housing-regional-development"}, nil},
		{"word boundary", "Partying Startups", "Start a party with art.", nil, []string{"culture"}},
		{"one weak word", "Together", "The platform serves the community.", nil,
			[]string{"digital-government", "social-inclusion"}},
		{"nothing", "", "", nil, requiredThemes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := tx.Classify(tt.title, tt.summary)
			got := map[string]themes.Match{}
			for _, m := range ms {
				got[m.Slug] = m
			}
			for _, w := range tt.want {
				if _, ok := got[w]; !ok {
					t.Errorf("want %s, got %+v", w, ms)
				}
			}
			for _, n := range tt.not {
				if m, ok := got[n]; ok {
					t.Errorf("did not want %s, got %+v", n, m)
				}
			}
			if len(ms) > themes.MaxThemes {
				t.Errorf("%d themes, max %d", len(ms), themes.MaxThemes)
			}
			for i, m := range ms {
				if m.Confidence <= 0 || m.Confidence >= 1 {
					t.Errorf("confidence %v not in (0,1)", m.Confidence)
				}
				if len(m.Terms) == 0 {
					t.Errorf("%s: no terms", m.Slug)
				}
				if i > 0 && ms[i-1].Confidence < m.Confidence {
					t.Errorf("not sorted by confidence: %+v", ms)
				}
			}
		})
	}
}

func TestClassifyTitleWeighsMore(t *testing.T) {
	tx := themes.Default()
	conf := func(title, summary string) float64 {
		for _, m := range tx.Classify(title, summary) {
			if m.Slug == "education-youth" {
				return m.Confidence
			}
		}
		return 0
	}
	inTitle := conf("Teachers Together", "A network meets every month.")
	inSummary := conf("A Network", "Teachers together: a network meets every month.")
	if inTitle <= inSummary {
		t.Errorf("title confidence %v <= summary confidence %v", inTitle, inSummary)
	}
}

func TestLoad(t *testing.T) {
	valid := `{"categories":[{"slug":"ecology"}],"themes":[
	  {"slug":"green","name":"Green","keywords":["climat*","tree planting^2"],"categories":["ecology"]}]}`
	tests := []struct {
		name, json string
		want       []string // substrings of the error; none means success
	}{
		{"valid", valid, nil},
		{"duplicate slug", `{"categories":[{"slug":"ecology"}],"themes":[
		  {"slug":"green","name":"A","keywords":["a"],"categories":["ecology"]},
		  {"slug":"green","name":"B","keywords":["b"]}]}`, []string{`"green": duplicate theme slug`}},
		{"unknown category", `{"categories":[{"slug":"ecology"}],"themes":[
		  {"slug":"green","name":"A","keywords":["a"],"categories":["ecology","ecolgy"]}]}`,
			[]string{`unknown category "ecolgy"`}},
		{"empty keywords", `{"categories":[{"slug":"ecology"}],"themes":[
		  {"slug":"green","name":"A","keywords":[],"categories":["ecology"]}]}`, []string{"empty keywords"}},
		{"category maps nowhere", `{"categories":[{"slug":"ecology"},{"slug":"jobs"}],"themes":[
		  {"slug":"green","name":"A","keywords":["a"],"categories":["ecology"]}]}`, []string{`category "jobs" maps to no theme`}},
		{"bad keywords", `{"categories":[],"themes":[
		  {"slug":"green","name":"A","keywords":["a*","x^y","co*op","--","tree","Tree"]}]}`,
			[]string{`"a*": stem "a" shorter`, `"x^y": weight`, `"co*op": '*' only`, `"--": no letters`, `duplicate keyword "Tree"`}},
		{"bad slug and name", `{"themes":[{"slug":"Green Theme","name":" ","keywords":["a"]}]}`,
			[]string{"not lowercase-with-hyphens", "empty name"}},
		{"empty example", `{"themes":[{"slug":"green","name":"A","examples":["Trees"," "],"keywords":["a"]}]}`,
			[]string{"examples[1] is empty"}},
		{"no themes", `{"themes":[]}`, []string{"no themes"}},
		{"unknown field", `{"themes":[],"colour":"red"}`, []string{`unknown field "colour"`}},
		{"syntax error", "{\n\"themes\": [\n,]}", []string{"line 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "taxonomy.json")
			if err := os.WriteFile(path, []byte(tt.json), 0o644); err != nil {
				t.Fatal(err)
			}
			tx, err := themes.Load(path)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if got := tx.ForCategory("ecology"); !slices.Equal(got, []string{"green"}) {
					t.Errorf("ForCategory = %v", got)
				}
				return
			}
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if code := domain.ErrorCode(err); code != domain.EINVALID {
				t.Errorf("code %s, want %s (%v)", code, domain.EINVALID, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := themes.Load(filepath.Join(t.TempDir(), "nope.json"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}

func TestLoadEmbeddedFile(t *testing.T) {
	tx, err := themes.Load("taxonomy.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(tx.Themes()) != len(themes.Default().Themes()) {
		t.Error("Load(taxonomy.json) differs from Default")
	}
}

// readLabels reads a labelled file of testdata (keys and known theme
// slugs, no page text), failing the test on a malformed line.
func readLabels(t *testing.T, name string) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tx := themes.Default()
	keyRE := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, slugs, ok := strings.Cut(line, "\t")
		if _, dup := out[key]; !ok || !keyRE.MatchString(key) || strings.Contains(slugs, "\t") || dup {
			t.Errorf("%s: bad line %q", name, line)
			continue
		}
		for _, s := range strings.Split(slugs, ",") {
			if _, ok := tx.Theme(s); !ok {
				t.Errorf("%s: %s: unknown theme %q", name, key, s)
			}
			out[key] = append(out[key], s)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLabelledFile checks the labelled files of testdata: labelled.tsv
// and its held-out split, labelled-fresh.tsv (other initiatives only) and
// labelled-agreement.tsv (exactly the held-out part, labelled again); it
// logs how far the second reading agrees with the first. The precision
// tests live with enrich, which has the summaries.
func TestLabelledFile(t *testing.T) {
	labelled := readLabels(t, "labelled.tsv")
	held := map[string]bool{}
	for k := range labelled {
		if themes.HeldOut(k) {
			held[k] = true
		}
	}
	if len(labelled) != 190 || len(held) != 64 {
		t.Errorf("labelled.tsv: %d labelled initiatives, %d held out; want 190, 64", len(labelled), len(held))
	}
	fresh := readLabels(t, "labelled-fresh.tsv")
	for k := range fresh {
		if _, ok := labelled[k]; ok {
			t.Errorf("labelled-fresh.tsv: %s is in labelled.tsv too", k)
		}
	}
	if len(fresh) != 234 {
		t.Errorf("labelled-fresh.tsv: %d initiatives, want 234", len(fresh))
	}
	again := readLabels(t, "labelled-agreement.tsv")
	for k := range again {
		if !held[k] {
			t.Errorf("labelled-agreement.tsv: %s is not a held-out initiative of labelled.tsv", k)
		}
	}
	if len(again) != len(held) {
		t.Errorf("labelled-agreement.tsv: %d initiatives, want the %d held out", len(again), len(held))
	}
	first := map[string][]string{}
	for k := range again {
		first[k] = labelled[k]
	}
	p, r := themes.Precision(first, again)
	t.Logf("second reading of the held-out part against labelled.tsv: precision %.3f, recall %.3f", p, r)
}

func TestPrecision(t *testing.T) {
	labelled := map[string][]string{"a": {"x", "y"}, "b": {"z"}}
	got := map[string][]string{"a": {"x", "w"}, "b": {"z"}, "c": {"q"}}
	p, r := themes.Precision(labelled, got)
	if p != 2.0/3 || r != 2.0/3 {
		t.Errorf("precision %v recall %v, want 2/3 2/3", p, r)
	}
	if p, r := themes.Precision(nil, nil); p != 1 || r != 1 {
		t.Errorf("empty: %v %v", p, r)
	}
}

func BenchmarkClassify(b *testing.B) {
	tx := themes.Default()
	title := "Leuven Helps – Corona Volunteer Platform"
	summary := "Leuven launches a platform and call centre for civic participation that connects volunteers " +
		"with citizens in need during the corona crisis, for meal delivery, language courses and care tasks."
	b.ReportAllocs()
	for b.Loop() {
		ms := tx.Classify(title, summary)
		if len(ms) == 0 || ms[0].Slug != "covid-19" {
			b.Fatalf("unexpected %+v", ms)
		}
	}
}
