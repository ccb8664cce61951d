package export

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/gazetteer"
)

// Store is what the HTTP exports need: the Source plus the reads that
// validate a filter, count it and read one initiative.
type Store interface {
	Source
	CountInitiatives(ctx context.Context, f domain.InitiativeFilter) (int, error)
	ThemesBySlugs(ctx context.Context, slugs []string) (map[string]*domain.Theme, error)
	InitiativesByKeys(ctx context.Context, keys []string) (map[string]*domain.Initiative, error)
}

// FilterParams are the query parameters (and, as --flags, the command's
// options) of an export: the fields of the GraphQL InitiativeFilter. List
// parameters may repeat or hold comma-separated values.
var FilterParams = []string{"text", "themes", "cities", "countries", "years", "status", "covid", "levels"}

// maxFilterValues bounds the values of one filter, as the GraphQL
// filter does.
const maxFilterValues = 200

// ParseFilter reads an export filter from query parameters with the rules
// of initiatives(filter:): text up to 200 characters; cities as global
// IDs (city/2761369) or GeoNames ids; countries ISO 3166-1 alpha-2 (any
// case); years 1900–2100; status winner, finalist or entry; covid true or
// false; levels MUNICIPAL … CIVIL_SOCIETY; at most 200 values. Errors are
// EINVALID and never repeat the input. Unknown parameters are errors too.
// Theme slugs are checked against the graph by CheckThemes.
func ParseFilter(q url.Values) (domain.InitiativeFilter, error) {
	var f domain.InitiativeFilter
	known := map[string]bool{}
	for _, p := range FilterParams {
		known[p] = true
	}
	var unknown []string
	for k := range q {
		if !known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		return f, domain.Errorf(domain.EINVALID, "unknown query parameter; the filter parameters are %s", strings.Join(FilterParams, ", "))
	}
	list := func(name string) []string {
		var out []string
		for _, v := range q[name] {
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
				}
			}
		}
		return out
	}
	if t := q.Get("text"); t != "" {
		if len([]rune(t)) > 200 {
			return f, domain.Errorf(domain.EINVALID, "text is longer than 200 characters")
		}
		f.Text = t
	}
	total := 0
	for _, p := range FilterParams[1:] {
		total += len(list(p))
	}
	if total > maxFilterValues {
		return f, domain.Errorf(domain.EINVALID, "the filter has more than %d values", maxFilterValues)
	}
	f.Themes = list("themes")
	for i, c := range list("cities") {
		kind, key := domain.ParseGlobalID(c)
		if kind != "" && kind != domain.KindCity {
			return f, domain.Errorf(domain.EINVALID, "cities value %d is not a city ID", i+1)
		}
		if _, err := strconv.ParseInt(key, 10, 64); err != nil {
			return f, domain.Errorf(domain.EINVALID, "cities value %d is not a GeoNames id", i+1)
		}
		f.Cities = append(f.Cities, key)
	}
	gaz := gazetteer.Default()
	for i, c := range list("countries") {
		cc, ok := gaz.CountryByCode(c)
		if len(c) != 2 || !ok {
			return f, domain.Errorf(domain.EINVALID, "countries value %d is not an ISO 3166-1 alpha-2 code", i+1)
		}
		f.Countries = append(f.Countries, cc.Code)
	}
	for i, y := range list("years") {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 2100 {
			return f, domain.Errorf(domain.EINVALID, "years value %d is not a year between 1900 and 2100", i+1)
		}
		f.Years = append(f.Years, n)
	}
	for i, s := range list("status") {
		s = strings.ToLower(s)
		if domain.AwardRank(s) == 0 {
			return f, domain.Errorf(domain.EINVALID, "status value %d is not one of winner, finalist, entry", i+1)
		}
		f.Status = append(f.Status, s)
	}
	if c := q.Get("covid"); c != "" {
		b, err := strconv.ParseBool(c)
		if err != nil {
			return f, domain.Errorf(domain.EINVALID, "covid must be true or false")
		}
		f.Covid = &b
	}
	for i, l := range list("levels") {
		l = strings.ToUpper(l)
		ok := false
		for _, k := range domain.Levels {
			ok = ok || k == l
		}
		if !ok {
			return f, domain.Errorf(domain.EINVALID, "levels value %d is not one of %s", i+1, strings.Join(domain.Levels, ", "))
		}
		f.Levels = append(f.Levels, l)
	}
	return f, nil
}

// CheckThemes fails with EINVALID when a theme slug of f is not a theme of
// the graph (domain.KnownThemes, the rule the API uses); the message names
// the position, not the value.
func CheckThemes(ctx context.Context, s Store, f domain.InitiativeFilter) error {
	var k domain.KnownThemes
	return k.Check(ctx, s, "themes", f.Themes)
}

// Prepare parses, validates and counts an export's filter: EINVALID for a
// bad one, ELIMIT when it selects more than max initiatives.
func Prepare(ctx context.Context, s Store, q url.Values, max int) (Options, int, error) {
	f, err := ParseFilter(q)
	if err != nil {
		return Options{}, 0, err
	}
	if err := CheckThemes(ctx, s, f); err != nil {
		return Options{}, 0, err
	}
	o := Options{Filter: f, Max: max}
	n, err := s.CountInitiatives(ctx, f)
	if err != nil {
		return o, 0, err
	}
	if n > o.max() {
		return o, n, domain.Errorf(domain.ELIMIT, "the filter selects %d initiatives; an export holds at most %d: narrow the filter", n, o.max())
	}
	return o, n, nil
}

// HandlerOptions configure Handler.
type HandlerOptions struct {
	Store  Store
	Logger *slog.Logger
	// Max bounds one export (0: MaxInitiatives).
	Max int
	// WriteTimeout is how long one export may take to send (default 10
	// minutes); it replaces the server's write deadline for the request.
	WriteTimeout time.Duration
	// Observe, if set, is told each export's format and outcome
	// (HTTP status) when it ends.
	Observe func(format string, status int, d time.Duration)
}

// Handler serves GET /export/<file> for every Format and
// GET /initiative/{key}.jsonld.
func Handler(o HandlerOptions) http.Handler {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Minute
	}
	mux := http.NewServeMux()
	for _, f := range Formats {
		mux.HandleFunc("GET "+f.Path, func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			status := serveExport(w, r, f, o, log)
			if o.Observe != nil {
				o.Observe(f.Name, status, time.Since(start))
			}
		})
	}
	mux.HandleFunc("GET /initiative/{file}", func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		status := serveJSONLD(w, r, o, log)
		if o.Observe != nil {
			o.Observe("jsonld", status, time.Since(start))
		}
	})
	return mux
}

func serveExport(w http.ResponseWriter, r *http.Request, f Format, o HandlerOptions, log *slog.Logger) int {
	ctx := r.Context()
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return writeError(w, domain.Errorf(domain.EINVALID, "the URL query string is malformed"))
	}
	opts, n, err := Prepare(ctx, o.Store, q, o.Max)
	if err != nil {
		if domain.ErrorCode(err) == domain.EINTERNAL {
			log.ErrorContext(ctx, "export failed before writing", "format", f.Name, "err", err)
		}
		return writeError(w, err)
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(o.WriteTimeout))
	h := w.Header()
	h.Set("Content-Type", f.MediaType)
	h.Set("Content-Disposition", `attachment; filename="`+f.Path[strings.LastIndexByte(f.Path, '/')+1:]+`"`)
	h.Set("X-Civicgraph-Initiatives", strconv.Itoa(n))
	w.WriteHeader(http.StatusOK)
	fw := &flushWriter{w: w, rc: http.NewResponseController(w)}
	if err := f.Write(ctx, fw, o.Store, opts); err != nil {
		// The status is sent: cut the response so the client sees a
		// broken transfer, not a complete-looking file.
		log.ErrorContext(ctx, "export failed while writing", "format", f.Name, "err", err)
		panic(http.ErrAbortHandler)
	}
	return http.StatusOK
}

func serveJSONLD(w http.ResponseWriter, r *http.Request, o HandlerOptions, log *slog.Logger) int {
	ctx := r.Context()
	file := r.PathValue("file")
	key, ok := strings.CutSuffix(file, ".jsonld")
	if !ok || key == "" {
		return writeErrorStatus(w, http.StatusNotFound, domain.ENOTFOUND, "initiatives are served as /initiative/{key}.jsonld")
	}
	m, err := o.Store.InitiativesByKeys(ctx, []string{key})
	if err != nil {
		if domain.ErrorCode(err) == domain.EINTERNAL {
			log.ErrorContext(ctx, "json-ld read failed", "err", err)
		}
		return writeError(w, err)
	}
	in := m[key]
	if in == nil {
		return writeErrorStatus(w, http.StatusNotFound, domain.ENOTFOUND, "no initiative has this key")
	}
	w.Header().Set("Content-Type", JSONLDMediaType)
	w.WriteHeader(http.StatusOK)
	if err := WriteJSONLD(w, in); err != nil {
		panic(http.ErrAbortHandler)
	}
	return http.StatusOK
}

// flushWriter sends what the writers have buffered at each of their
// buffer flushes, so a slow client does not make the server hold it.
type flushWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (f *flushWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err == nil {
		_ = f.rc.Flush()
	}
	return n, err
}

// StatusOf maps an error code to an HTTP status.
func StatusOf(code string) int {
	switch code {
	case domain.EINVALID:
		return http.StatusBadRequest
	case domain.ENOTFOUND:
		return http.StatusNotFound
	case domain.ELIMIT:
		return http.StatusUnprocessableEntity
	case domain.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func writeError(w http.ResponseWriter, err error) int {
	if errors.Is(err, context.Canceled) {
		return 499 // the client left; nothing to answer
	}
	code := domain.ErrorCode(err)
	return writeErrorStatus(w, StatusOf(code), code, domain.ErrorMessage(err))
}

// writeErrorStatus answers in the GraphQL error shape the server uses
// elsewhere: {"errors":[{"message":…,"extensions":{"code":…}}]}.
func writeErrorStatus(w http.ResponseWriter, status int, code, msg string) int {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}}})
	return status
}

// KnownFormats names the formats for help texts.
func KnownFormats() string {
	names := make([]string, 0, len(Formats)+2)
	for _, f := range Formats {
		names = append(names, f.Name)
	}
	names = append(names, "neo4j-csv", "jsonld")
	sort.Strings(names)
	return strings.Join(names, ", ")
}
