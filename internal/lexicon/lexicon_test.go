package lexicon

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/testenv"
)

// writeDict writes a dictd pair (name.index, name.dict.dz) of entries
// (headword → entry text) in the layout FreeDict ships.
func writeDict(t *testing.T, dir, name string, entries [][2]string) {
	t.Helper()
	var data bytes.Buffer
	var index strings.Builder
	for _, e := range entries {
		off := data.Len()
		data.WriteString(e[1])
		index.WriteString(e[0] + "\t" + enc(off) + "\t" + enc(len(e[1])) + "\n")
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(data.Bytes())
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, name+".index"), []byte(index.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".dict.dz"), z.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func enc(n int) string {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	if n == 0 {
		return "A"
	}
	var b []byte
	for ; n > 0; n /= 64 {
		b = append([]byte{digits[n%64]}, b...)
	}
	return string(b)
}

func fixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	english := "air\nquality\nrefugee\nrefugees\nhomeless\nperson\npeople\nhomelessness\ncouncil\nadvice\nsteering\nwheel\ncitizen\ncitizens\nbudget\nhousehold\ntown\ncity\ntrees\nrat\nart\nkind\nbike\npath\ncycle\ncivil\nright\nfood\nwaste\nboat\n"
	if err := os.WriteFile(filepath.Join(dir, "english.words"), []byte(english), 0o644); err != nil {
		t.Fatal(err)
	}
	writeDict(t, dir, "freedict-deu-eng", [][2]string{
		{"00databaseinfo", "00databaseinfo\nnot an entry\n"},
		{"Luftqualität", "Luftqualität /x/ <fem, n, sg>\n [envir.] air quality <n>\n"},
		{"Obdachlose", "Obdachlose /x/ <masc, fem, n, sg>\nhomeless person <n>\n   Synonyms: {Obdachloser}\n  see: {Obdachlosen}\n"},
		{"Obdachlose", "Obdachlose /x/\nhomeless people\n      \"die Obdachlosen\"  - the homeless\n"},
		{"Bürger", "Bürger /x/ <masc, n, sg>\ncitizen <n>\n"},
		{"Bürgerrecht", "Bürgerrecht /x/ <neut, n, sg>\ncivil right <n>\n"},
		{"Rat", "Rat /x/ <masc, n, sg>\ncouncil <n>, advice <n>\n"},
		{"Haushalt", "Haushalt /x/ <masc, n, sg>\nhousehold <n>\n 2. budget <n>\n"},
		{"Art", "Art /x/ <fem, n, sg>\nkind <n>\n"},
		{"Radweg", "Radweg /x/ <masc, n, sg>\nbike path <n>, cycle path <n>\n"},
		{"Lebensmittel", "Lebensmittel /x/ <pl>\nfood\n"},
		{"Verschwendung", "Verschwendung /x/ <fem, n, sg>\nwaste <n>\n"},
	})
	writeDict(t, dir, "freedict-pol-eng", [][2]string{
		{"uchodźca", "uchodźca /x/ <n>\nrefugee\nosoba, która musiała opuścić swój kraj\n"},
		{"bezdomność", "bezdomność /x/ <n>\nhomelessness\n(socjologia) problem społeczny, charakteryzujący się brakiem miejsca\n"},
		{"łódź", "łódź /x/ <n>\nboat\n"},
	})
	writeDict(t, dir, "freedict-dan-eng", [][2]string{
		{"rat", "rat /x/\nsteering wheel\n"},
	})
	return dir
}

func TestTranslate(t *testing.T) {
	l, err := Load(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Dictionaries(); !slices.Equal(got, []string{"freedict-deu-eng", "freedict-pol-eng", "freedict-dan-eng"}) {
		t.Errorf("dictionaries %v: want the largest first", got)
	}
	for _, tc := range []struct {
		query string
		want  [][]string
	}{
		// A headword: its renderings; notes, synonyms, cross references,
		// examples and glosses in the source language are not renderings.
		{"Luftqualität", [][]string{{"air quality"}}},
		{"Obdachlose", [][]string{{"homeless person", "homeless people"}}},
		{"bezdomność", [][]string{{"homelessness"}}},
		// An inflected form takes its headword's.
		{"uchodźcy", [][]string{{"refugee"}}},
		{"Radwege", [][]string{{"bike path", "cycle path"}}},
		// A compound: the parts' renderings paired, the parts from one
		// dictionary (Danish "rat" is a steering wheel); a longer
		// headword sharing a prefix is not the compound's headword.
		{"Bürgerrat", [][]string{{"citizen council", "citizen advice"}}},
		{"Bürgerhaushalt", [][]string{{"citizen household", "citizen budget"}}},
		{"Lebensmittelverschwendung", [][]string{{"food waste"}}},
		// English words, short words and unknown words stay as they are.
		{"art rat", nil},
		{"the citizens assembly", nil},
		{"Stiamiseox", nil},
		// Several foreign words: a group each, in query order.
		{"Obdachlose in Luftqualität", [][]string{{"homeless person", "homeless people"}, {"air quality"}}},
	} {
		if got := l.Translate(tc.query); !equal(got, tc.want) {
			t.Errorf("Translate(%q) = %q, want %q", tc.query, got, tc.want)
		}
	}
	if got := l.Translate("Łódź"); !equal(got, [][]string{{"boat"}}) {
		t.Errorf("Translate(Łódź) without Keep = %q, want the boat", got)
	}
	l.Keep = func(w string) bool { return w == "łódź" }
	if got := l.Translate("Łódź Obdachlose"); !equal(got, [][]string{{"homeless person", "homeless people"}}) {
		t.Errorf("Translate with Keep = %q, want Łódź kept as it is", got)
	}
	var none *Lexicon
	if got := none.Translate("Obdachlose"); got != nil {
		t.Errorf("nil lexicon translated: %q", got)
	}
}

// TestTranslateBounded: a long query gains at most MaxAdded renderings,
// and only its first MaxWords words are looked at.
func TestTranslateBounded(t *testing.T) {
	l, err := Load(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Translate(strings.Repeat("english ", MaxWords) + "Luftqualität"); got != nil {
		t.Errorf("word %d translated: %q", MaxWords+1, got)
	}
	n := 0
	for _, g := range l.Translate(strings.Repeat("Obdachlose Luftqualität Bürgerrat Bürgerhaushalt Radwege uchodźcy ", 3)) {
		n += len(g)
	}
	if n != MaxAdded {
		t.Errorf("%d renderings, want at most (and here exactly) %d", n, MaxAdded)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "scripts/lexicon.sh") {
		t.Errorf("empty directory: err %v, want one naming scripts/lexicon.sh", err)
	}
	dir := fixture(t)
	if err := os.WriteFile(filepath.Join(dir, "freedict-pol-eng.index"), []byte("uchodźca\tA\tzzzz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "freedict-pol-eng.index:1") {
		t.Errorf("offset past the data: err %v, want one naming the file and line", err)
	}
	dir = fixture(t)
	if err := os.WriteFile(filepath.Join(dir, "freedict-dan-eng.dict.dz"), []byte("not gzip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "freedict-dan-eng.dict.dz") {
		t.Errorf("broken .dict.dz: err %v, want one naming it", err)
	}
}

func equal(a, b [][]string) bool {
	return slices.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

// TestProvisionedLexicon loads the dictionaries scripts/lexicon.sh
// provisions (make test runs it) and checks what search relies on.
func TestProvisionedLexicon(t *testing.T) {
	dir := os.Getenv("CIVICGRAPH_LEXICON_DIR")
	if dir == "" {
		dir = config.Defaults().Lexicon.Dir // where serve looks
	}
	if _, err := os.Stat(filepath.Join(dir, "english.words")); err != nil {
		testenv.Missing(t, "no lexicon in "+dir+": run scripts/lexicon.sh ensure (make test does)")
	}
	l, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() < 100000 {
		t.Errorf("%d headwords, want the full dictionaries", l.Len())
	}
	for q, want := range map[string]string{
		"Obdachlosigkeit": "homelessness", "Klimaschutz": "climate protection", "uchodźca": "refugee",
		"Flüchtlinge": "refugees", "Fahrrad": "bicycle",
	} {
		got := l.Translate(q)
		if len(got) != 1 || !slices.Contains(got[0], want) {
			t.Errorf("Translate(%q) = %q, want %q among the renderings", q, got, want)
		}
	}
	for _, q := range []string{"housing", "participatory budget", "the citizens assembly", "Hello, How Are You?"} {
		if got := l.Translate(q); got != nil {
			t.Errorf("English %q translated: %q", q, got)
		}
	}
}
