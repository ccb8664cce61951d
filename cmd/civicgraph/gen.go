package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"

	"github.com/civicgraph/civicgraph/internal/gazetteer"
	"github.com/civicgraph/civicgraph/internal/themes"
)

// genOptions are gen's flags.
type genOptions struct {
	size int
	seed uint64
	out  string
}

func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o genOptions
	fset := flag.NewFlagSet("civicgraph gen", flag.ContinueOnError)
	fset.Usage = func() {
		fmt.Fprintln(fset.Output(), `Usage: civicgraph gen [flags]

Writes a synthetic data set of initiatives in the JSON Lines format that
civicgraph import reads (internal/importer/FORMAT.md), so benchmarks load it
through the real import path. The shape is realistic: a few capitals hold
many initiatives and a long tail of cities few (Zipf), some initiatives are
national (country only), each has 1–4 themes of the taxonomy, most have
award entries in 2017–2025 of which a minority are winners, and titles and
summaries are drawn from a vocabulary with common and rare words so that
full-text search and the similarity precompute have work. The output
depends only on --size and --seed.
Flags:`)
		fset.PrintDefaults()
	}
	fset.IntVar(&o.size, "size", 1000, "number of initiatives (e.g. 1000, 10000, 100000)")
	fset.Uint64Var(&o.seed, "seed", 1, "random seed; the same seed and size give the same file")
	fset.StringVar(&o.out, "out", "-", "output file (- for stdout)")
	if err := parseFlags(fset, args, stdout, stderr); err != nil {
		return err
	}
	if o.size < 1 || o.size > 10_000_000 {
		return usageError{fmt.Sprintf("--size must be 1..10000000, got %d", o.size)}
	}
	w := stdout
	var f *os.File
	if o.out != "-" {
		var err error
		if f, err = os.Create(o.out); err != nil {
			return fmt.Errorf("create %s: %w", o.out, err)
		}
		defer f.Close()
		w = f
	}
	g := newGenerator(o.seed, gazetteer.Default(), themes.Default())
	if err := g.write(ctx, w, o.size); err != nil {
		return fmt.Errorf("write %s: %w", o.out, err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("close %s: %w", o.out, err)
		}
		fmt.Fprintf(stderr, "gen: wrote %d initiatives to %s (seed %d, %d cities)\n", o.size, o.out, o.seed, len(g.cities))
	}
	return nil
}

// genRecord is one JSON Lines record (field names as in FORMAT.md).
type genRecord struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	City    string   `json:"city,omitempty"`
	Country string   `json:"country"`
	Themes  []string `json:"themes"`
	Awards  []string `json:"awards,omitempty"`
	URL     string   `json:"url"`
}

// genCity is a city the gazetteer resolves (checked at start).
type genCity struct {
	Name, Country string
}

// generator draws records; it is deterministic for a seed.
type generator struct {
	rng        *rand.Rand
	cities     []genCity // most initiatives first
	cityZipf   *zipf
	countries  []string // national initiatives' countries, most first
	themes     []string
	themeZipf  *zipf
	themeWords map[string][]string
	words      []string // common vocabulary, most frequent first
	wordZipf   *zipf
	rare       []string // rare, made-up project words: the similarity's "shared rare terms"
}

func newGenerator(seed uint64, gaz *gazetteer.Gazetteer, tax *themes.Taxonomy) *generator {
	g := &generator{rng: rand.New(rand.NewPCG(seed, 0x5eed_c1f1c_64a9))}
	have := map[genCity]bool{}
	for _, c := range genCities {
		if city, ok := gaz.CityByName(c.Name, c.Country); ok && !have[genCity{city.Name, city.CountryCode}] {
			have[genCity{city.Name, city.CountryCode}] = true
			g.cities = append(g.cities, genCity{Name: city.Name, Country: city.CountryCode})
		}
	}
	seen := map[string]bool{}
	for _, c := range g.cities {
		if !seen[c.Country] {
			seen[c.Country] = true
			g.countries = append(g.countries, c.Country)
		}
	}
	g.themeWords = map[string][]string{}
	for _, t := range tax.Themes() {
		g.themes = append(g.themes, t.Slug)
		g.themeWords[t.Slug] = genThemeWords[t.Slug]
		if len(g.themeWords[t.Slug]) == 0 { // a theme added to the taxonomy later
			g.themeWords[t.Slug] = strings.Split(t.Slug, "-")
		}
	}
	sort.Strings(g.themes) // the taxonomy file's order may change; the output should not
	g.words = genVocabulary
	// A fixed pool of made-up words (independent of the seed's draws).
	pr := rand.New(rand.NewPCG(7, 7))
	for len(g.rare) < 3000 {
		g.rare = append(g.rare, madeUpWord(pr))
	}
	g.cityZipf = newZipf(len(g.cities), 1.05)
	g.themeZipf = newZipf(len(g.themes), 0.6)
	g.wordZipf = newZipf(len(g.words), 0.9)
	return g
}

func (g *generator) write(ctx context.Context, w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := 0; i < n; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := enc.Encode(g.record(i)); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// record draws initiative number i.
func (g *generator) record(i int) genRecord {
	r := genRecord{ID: fmt.Sprintf("syn-%07d", i+1)}
	r.URL = "https://example.org/synthetic/" + r.ID
	if g.rng.Float64() < 0.12 { // national initiative
		r.Country = g.countries[g.zipfIndex(len(g.countries))]
	} else {
		c := g.cities[g.cityZipf.draw(g.rng)]
		r.City, r.Country = c.Name, c.Country
	}
	nThemes := 1 + g.weighted([]float64{0.35, 0.35, 0.2, 0.1})
	for len(r.Themes) < nThemes {
		t := g.themes[g.themeZipf.draw(g.rng)]
		if !contains(r.Themes, t) {
			r.Themes = append(r.Themes, t)
		}
	}
	sort.Strings(r.Themes)
	if g.rng.Float64() < 0.8 {
		nAwards := 1 + g.weighted([]float64{0.75, 0.2, 0.05})
		years := map[int]bool{}
		for len(years) < nAwards {
			years[2017+g.rng.IntN(9)] = true
		}
		ys := make([]int, 0, len(years))
		for y := range years {
			ys = append(ys, y)
		}
		sort.Ints(ys)
		for _, y := range ys {
			status := "entry"
			switch p := g.rng.Float64(); {
			case p < 0.08:
				status = "winner"
			case p < 0.30:
				status = "finalist"
			}
			r.Awards = append(r.Awards, fmt.Sprintf("%d:%s:%s", y, status, r.Themes[0]))
		}
	}
	r.Title, r.Summary = g.text(r)
	return r
}

// text draws a title and a summary: a rare project word, theme words,
// common civic words and the place.
func (g *generator) text(r genRecord) (title, summary string) {
	project := g.rare[g.rng.IntN(len(g.rare))]
	tw := g.themeWords[r.Themes[0]]
	title = project + " " + strings.Join([]string{g.word(), tw[g.rng.IntN(len(tw))], g.word()}, " ")
	title = strings.ToUpper(title[:1]) + title[1:]
	var b strings.Builder
	b.WriteString(title)
	b.WriteString(" ")
	b.WriteString(genVerbs[g.rng.IntN(len(genVerbs))])
	n := 12 + g.rng.IntN(18)
	for k := 0; k < n; k++ {
		b.WriteString(" ")
		switch p := g.rng.Float64(); {
		case p < 0.15:
			t := g.themeWords[r.Themes[g.rng.IntN(len(r.Themes))]]
			b.WriteString(t[g.rng.IntN(len(t))])
		case p < 0.20:
			b.WriteString(g.rare[g.rng.IntN(len(g.rare))])
		default:
			b.WriteString(g.word())
		}
	}
	if r.City != "" {
		b.WriteString(" in " + r.City)
	}
	b.WriteString(".")
	return title, b.String()
}

func (g *generator) word() string { return g.words[g.wordZipf.draw(g.rng)] }

// weighted draws an index with the given probabilities (summing to 1).
func (g *generator) weighted(p []float64) int {
	x := g.rng.Float64()
	for k, w := range p {
		if x < w {
			return k
		}
		x -= w
	}
	return len(p) - 1
}

// zipfIndex draws from a short list with a mild skew.
func (g *generator) zipfIndex(n int) int {
	return min(n-1, int(float64(n)*math.Pow(g.rng.Float64(), 2)))
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// zipf draws ranks 0..n-1 with P(k) ∝ 1/(k+1)^s from a cumulative table.
type zipf struct{ cum []float64 }

func newZipf(n int, s float64) *zipf {
	z := &zipf{cum: make([]float64, n)}
	var sum float64
	for k := 0; k < n; k++ {
		sum += 1 / math.Pow(float64(k+1), s)
		z.cum[k] = sum
	}
	for k := range z.cum {
		z.cum[k] /= sum
	}
	return z
}

func (z *zipf) draw(r *rand.Rand) int {
	return min(sort.SearchFloat64s(z.cum, r.Float64()), len(z.cum)-1)
}

// madeUpWord is a pronounceable nonce word (a project's name).
func madeUpWord(r *rand.Rand) string {
	cons := []string{"b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "tr", "st", "kl"}
	vows := []string{"a", "e", "i", "o", "u", "ia", "eo"}
	var b strings.Builder
	for k, n := 0, 2+r.IntN(2); k < n; k++ {
		b.WriteString(cons[r.IntN(len(cons))])
		b.WriteString(vows[r.IntN(len(vows))])
	}
	b.WriteString([]string{"", "n", "r", "x", "l"}[r.IntN(5)])
	return b.String()
}

// genCities are real European cities, capitals and large cities first; the
// ones the gazetteer does not resolve are dropped at start.
var genCities = []genCity{
	{"Berlin", "DE"}, {"Paris", "FR"}, {"Madrid", "ES"}, {"Rome", "IT"}, {"Vienna", "AT"}, {"Warsaw", "PL"},
	{"London", "GB"}, {"Amsterdam", "NL"}, {"Brussels", "BE"}, {"Lisbon", "PT"}, {"Athens", "GR"}, {"Prague", "CZ"},
	{"Budapest", "HU"}, {"Bucharest", "RO"}, {"Stockholm", "SE"}, {"Copenhagen", "DK"}, {"Helsinki", "FI"},
	{"Oslo", "NO"}, {"Dublin", "IE"}, {"Bratislava", "SK"}, {"Ljubljana", "SI"}, {"Zagreb", "HR"}, {"Sofia", "BG"},
	{"Tallinn", "EE"}, {"Riga", "LV"}, {"Vilnius", "LT"}, {"Luxembourg", "LU"}, {"Valletta", "MT"}, {"Nicosia", "CY"},
	{"Bern", "CH"}, {"Belgrade", "RS"}, {"Sarajevo", "BA"}, {"Tirana", "AL"}, {"Skopje", "MK"}, {"Podgorica", "ME"},
	{"Chisinau", "MD"}, {"Kyiv", "UA"}, {"Reykjavik", "IS"},
	{"Hamburg", "DE"}, {"Munich", "DE"}, {"Cologne", "DE"}, {"Frankfurt am Main", "DE"}, {"Stuttgart", "DE"},
	{"Leipzig", "DE"}, {"Dresden", "DE"}, {"Bremen", "DE"}, {"Hanover", "DE"}, {"Nuremberg", "DE"}, {"Freiburg", "DE"},
	{"Marseille", "FR"}, {"Lyon", "FR"}, {"Toulouse", "FR"}, {"Nantes", "FR"}, {"Strasbourg", "FR"}, {"Bordeaux", "FR"},
	{"Lille", "FR"}, {"Grenoble", "FR"}, {"Barcelona", "ES"}, {"Valencia", "ES"}, {"Seville", "ES"}, {"Bilbao", "ES"},
	{"Zaragoza", "ES"}, {"Malaga", "ES"}, {"Milan", "IT"}, {"Naples", "IT"}, {"Turin", "IT"}, {"Bologna", "IT"},
	{"Florence", "IT"}, {"Palermo", "IT"}, {"Genoa", "IT"}, {"Graz", "AT"}, {"Linz", "AT"}, {"Salzburg", "AT"},
	{"Innsbruck", "AT"}, {"Krakow", "PL"}, {"Wroclaw", "PL"}, {"Gdansk", "PL"}, {"Poznan", "PL"}, {"Lodz", "PL"},
	{"Manchester", "GB"}, {"Birmingham", "GB"}, {"Glasgow", "GB"}, {"Bristol", "GB"}, {"Leeds", "GB"},
	{"Edinburgh", "GB"}, {"Cardiff", "GB"}, {"Rotterdam", "NL"}, {"Utrecht", "NL"}, {"Eindhoven", "NL"},
	{"Groningen", "NL"}, {"Antwerp", "BE"}, {"Ghent", "BE"}, {"Liege", "BE"}, {"Porto", "PT"}, {"Braga", "PT"},
	{"Thessaloniki", "GR"}, {"Brno", "CZ"}, {"Ostrava", "CZ"}, {"Debrecen", "HU"}, {"Cluj-Napoca", "RO"},
	{"Timisoara", "RO"}, {"Gothenburg", "SE"}, {"Malmo", "SE"}, {"Uppsala", "SE"}, {"Aarhus", "DK"}, {"Odense", "DK"},
	{"Tampere", "FI"}, {"Turku", "FI"}, {"Bergen", "NO"}, {"Trondheim", "NO"}, {"Cork", "IE"}, {"Galway", "IE"},
	{"Kosice", "SK"}, {"Maribor", "SI"}, {"Split", "HR"}, {"Plovdiv", "BG"}, {"Tartu", "EE"}, {"Kaunas", "LT"},
	{"Zurich", "CH"}, {"Geneva", "CH"}, {"Basel", "CH"}, {"Lausanne", "CH"}, {"Novi Sad", "RS"}, {"Lviv", "UA"},
	{"Kharkiv", "UA"}, {"Essen", "DE"}, {"Dortmund", "DE"}, {"Bonn", "DE"}, {"Mannheim", "DE"}, {"Karlsruhe", "DE"},
	{"Muenster", "DE"}, {"Heidelberg", "DE"}, {"Potsdam", "DE"}, {"Kiel", "DE"}, {"Rostock", "DE"},
	{"Montpellier", "FR"}, {"Rennes", "FR"}, {"Nice", "FR"}, {"Dijon", "FR"}, {"Murcia", "ES"}, {"Cordoba", "ES"},
	{"Valladolid", "ES"}, {"Granada", "ES"}, {"Bari", "IT"}, {"Catania", "IT"}, {"Verona", "IT"}, {"Padua", "IT"},
	{"Trieste", "IT"}, {"Klagenfurt", "AT"}, {"Lublin", "PL"}, {"Szczecin", "PL"}, {"Katowice", "PL"},
	{"Liverpool", "GB"}, {"Sheffield", "GB"}, {"Newcastle upon Tyne", "GB"}, {"Nottingham", "GB"}, {"Belfast", "GB"},
	{"The Hague", "NL"}, {"Leiden", "NL"}, {"Leuven", "BE"}, {"Bruges", "BE"}, {"Coimbra", "PT"}, {"Patras", "GR"},
	{"Heraklion", "GR"}, {"Olomouc", "CZ"}, {"Pilsen", "CZ"}, {"Szeged", "HU"}, {"Pecs", "HU"}, {"Iasi", "RO"},
	{"Brasov", "RO"}, {"Linkoping", "SE"}, {"Umea", "SE"}, {"Aalborg", "DK"}, {"Oulu", "FI"}, {"Espoo", "FI"},
	{"Stavanger", "NO"}, {"Limerick", "IE"}, {"Zilina", "SK"}, {"Rijeka", "HR"}, {"Varna", "BG"}, {"Daugavpils", "LV"},
	{"Klaipeda", "LT"}, {"Lugano", "CH"}, {"Nis", "RS"}, {"Odesa", "UA"}, {"Limassol", "CY"},
}

// genVerbs open the summary's predicate.
var genVerbs = []string{"brings", "connects", "helps", "lets", "opens", "supports", "gives", "invites", "trains", "funds"}

// genVocabulary is the common vocabulary, most frequent first (Zipf).
var genVocabulary = strings.Fields(`
citizens city local people council community public residents new project programme platform municipality
young district neighbourhood services open online together network support plan budget ideas volunteers
region mayor office data shared centre initiative local government families older groups everyone free app
decisions voice meetings workshops street square park library hall map process pilot lab team partners
network cooperative foundation association schools students teachers children parents seniors workers
companies startups businesses owners tenants landlords neighbours visitors tourists commuters cyclists
elderly disabled newcomers women men youth experts scientists artists designers journalists officials
ministers parliament assembly committee panel jury lottery referendum petition consultation survey vote
ballot election campaign dialogue debate forum hackathon challenge competition prize award grant fund
loan tax fee price market shop kitchen garden farm forest river lake coast harbour bridge road tram bus
train bike car parking traffic noise air water energy heat solar wind waste recycling repair reuse
food meals clothes books tools toys computers phones internet wifi website portal dashboard sensor
tool kit guide handbook training course school college university academy museum theatre cinema
festival concert exhibition sports stadium pool playground clinic hospital pharmacy doctors nurses care
home shelter housing flats rent mortgage land plots buildings renovation construction architecture
planning zoning permits licences rules law regulation charter strategy policy agenda vision goals
targets indicators monitoring evaluation report audit transparency accountability integrity trust
safety security police fire emergency crisis flood drought storm heatwave resilience adaptation
mitigation emissions footprint neutral green blue smart digital social cultural economic civic
democratic participatory inclusive sustainable affordable accessible circular creative innovative
weekly monthly yearly daily first largest smallest oldest youngest regional national european cross-border
rural urban suburban coastal alpine island northern southern eastern western central historic modern`)

// genThemeWords are words typical of each theme (several are the
// taxonomy's keywords, so text classification agrees with the themes).
var genThemeWords = map[string][]string{
	"covid-19":                     {"pandemic", "corona", "covid", "lockdown", "vaccination", "quarantine", "masks", "testing"},
	"participation":                {"participation", "deliberation", "citizens assembly", "co-creation", "engagement", "consultation"},
	"democracy-transparency":       {"democracy", "transparency", "accountability", "open data", "integrity", "elections"},
	"digital-government":           {"digital", "e-government", "online services", "app", "data platform", "algorithms"},
	"climate-environment":          {"climate", "carbon", "emissions", "biodiversity", "renewable energy", "trees"},
	"social-inclusion":             {"inclusion", "poverty", "homelessness", "loneliness", "solidarity", "disability"},
	"culture":                      {"culture", "arts", "theatre", "museum", "heritage", "music"},
	"education-youth":              {"education", "schools", "youth", "pupils", "learning", "students"},
	"health-care":                  {"health", "care", "hospital", "mental health", "nursing", "prevention"},
	"mobility-public-space":        {"mobility", "public transport", "cycling", "public space", "pedestrians", "streets"},
	"gender-equality":              {"gender", "women", "equality", "female leaders", "girls", "equal pay"},
	"migration-integration":        {"migrants", "refugees", "integration", "asylum", "newcomers", "language courses"},
	"economy-jobs":                 {"economy", "jobs", "business", "employment", "entrepreneurs", "skills"},
	"housing-regional-development": {"housing", "homes", "rent", "regional development", "villages", "affordable flats"},
}
