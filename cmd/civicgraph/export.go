package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/domain"
	"github.com/civicgraph/civicgraph/internal/export"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
)

// listFlag collects a repeatable flag (also comma-separated values).
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := config.Defaults()
	fs := flag.NewFlagSet("civicgraph export", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: civicgraph export FORMAT [flags]

Writes the graph, or the initiatives a filter selects, as FORMAT: %s.
The filter flags are those of initiatives(filter:) and of the HTTP
exports' query parameters. An export holds at most %d initiatives (a
larger selection is refused: narrow the filter). neo4j-csv writes
nodes.csv and relationships.csv into the --out directory; jsonld writes
the initiative --key. The others write to stdout or --out FILE.
Flags (each falls back to the environment variable shown):
`, export.KnownFormats(), export.MaxInitiatives)
		fs.PrintDefaults()
	}
	var out, key, text, covid string
	var themes, cities, countries, years, status, levels listFlag
	fs.StringVar(&out, "out", "", "output file (directory for neo4j-csv); default stdout")
	fs.StringVar(&key, "key", "", "jsonld: the initiative's key")
	fs.StringVar(&text, "text", "", "filter: full-text condition")
	fs.Var(&themes, "themes", "filter: theme slug (repeatable, or comma-separated)")
	fs.Var(&cities, "cities", "filter: city global ID or GeoNames id (repeatable)")
	fs.Var(&countries, "countries", "filter: ISO 3166-1 alpha-2 code (repeatable)")
	fs.Var(&years, "years", "filter: award year (repeatable)")
	fs.Var(&status, "status", "filter: award status winner, finalist or entry (repeatable)")
	fs.StringVar(&covid, "covid", "", "filter: true (only COVID-19 measures) or false (only others)")
	fs.Var(&levels, "levels", "filter: level of government MUNICIPAL … CIVIL_SOCIETY (repeatable)")
	cfg.RegisterNeo4j(fs)
	cfg.RegisterModel(fs)
	cfg.RegisterLog(fs)
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := parseFlags(fs, args, stdout, stderr); err != nil {
			return err
		}
		fs.Usage()
		return usageError{"export needs a FORMAT"}
	}
	format := args[0]
	if err := parseFlags(fs, args[1:], stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"export takes one FORMAT and flags"}
	}
	f, known := export.FormatByName(format)
	if !known && format != "neo4j-csv" && format != "jsonld" {
		return usageError{fmt.Sprintf("unknown export format; the formats are %s", export.KnownFormats())}
	}
	if format == "neo4j-csv" && out == "" {
		return usageError{"neo4j-csv needs --out DIR"}
	}
	if format == "jsonld" && key == "" {
		return usageError{"jsonld needs --key KEY"}
	}
	q := url.Values{}
	set := func(name string, vs []string) {
		for _, v := range vs {
			q.Add(name, v)
		}
	}
	if text != "" {
		q.Set("text", text)
	}
	if covid != "" {
		q.Set("covid", covid)
	}
	set("themes", themes)
	set("cities", cities)
	set("countries", countries)
	set("years", years)
	set("status", status)
	set("levels", levels)

	log := cfg.Log.Logger()
	mm := loadModel(cfg.Model, log)
	db, err := neo4jdb.Open(ctx, neo4jdb.Config{URI: cfg.Neo4j.URI, User: cfg.Neo4j.User, Password: cfg.Neo4j.Password,
		Database: cfg.Neo4j.Database, Logger: log, Embedder: mm.Emb})
	if err != nil {
		return err
	}
	defer db.Close(context.Background())

	if format == "jsonld" {
		m, err := db.InitiativesByKeys(ctx, []string{key})
		if err != nil {
			return err
		}
		if m[key] == nil {
			return domain.Errorf(domain.ENOTFOUND, "no initiative has this key")
		}
		return withOutput(out, stdout, func(w io.Writer) error { return export.WriteJSONLD(w, m[key]) })
	}
	opts, n, err := export.Prepare(ctx, db, q, 0)
	if err != nil {
		return err
	}
	if format == "neo4j-csv" {
		if err := export.WriteNeo4jCSV(ctx, out, db, opts); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "export: %d initiatives with their nodes and links written to %s (%s)\n", n, out, strings.Join(export.Neo4jFiles, ", "))
		return nil
	}
	return withOutput(out, stdout, func(w io.Writer) error { return f.Write(ctx, w, db, opts) })
}

// withOutput runs write on stdout, or on the file path (created, and
// removed again when write fails).
func withOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" {
		bw := bufio.NewWriterSize(stdout, 64<<10)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(fh); err != nil {
		fh.Close()
		os.Remove(path)
		return err
	}
	return fh.Close()
}
