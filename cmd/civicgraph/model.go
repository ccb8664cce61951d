package main

import (
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/civicgraph/civicgraph/internal/config"
	"github.com/civicgraph/civicgraph/internal/embed"
	"github.com/civicgraph/civicgraph/internal/gazetteer"
	"github.com/civicgraph/civicgraph/internal/ingest"
	"github.com/civicgraph/civicgraph/internal/lexicon"
	"github.com/civicgraph/civicgraph/internal/neo4jdb"
)

// loadModel opens the embedding model and its vector cache. It never
// fails the run: without a model the import and the server fall back to
// lexical search and similarity and say so once, clearly.
func loadModel(c config.Model, log *slog.Logger) *ingest.Model {
	if c.Off {
		m := &ingest.Model{Why: "turned off (--no-model / CIVICGRAPH_NO_MODEL=1)"}
		log.Warn("embedding model off: search, similarity, duplicates and themes are lexical only", "why", m.Why)
		return m
	}
	start := time.Now()
	e, err := embed.OpenE5(c.Dir, c.Threads)
	if err != nil {
		m := &ingest.Model{Why: err.Error()}
		log.Warn("embedding model not loaded: search, similarity, duplicates and themes are lexical only (run `make model` or scripts/model.sh ensure)", "err", err)
		return m
	}
	cache, err := embed.OpenCache(embed.DefaultCachePath(c.Dir), e.Dim())
	if err != nil {
		log.Warn("vector cache unreadable; vectors are kept in memory only this run", "err", err)
		cache, _ = embed.OpenCache("", e.Dim())
	}
	log.Info("embedding model loaded", "model", e.Model(), "dir", c.Dir, "cached.vectors", cache.Len(), "took", time.Since(start).Round(time.Millisecond))
	return &ingest.Model{Emb: e, Cache: cache}
}

// loadLexicon reads search's dictionaries and hands them to the store;
// the server serves meanwhile (a few seconds), searching without
// translation until they are in. Missing dictionaries are not an error.
func loadLexicon(c config.Lexicon, db *neo4jdb.DB, log *slog.Logger) {
	if c.Off {
		log.Info("lexicon off: search does not translate foreign words", "why", "--no-lexicon / CIVICGRAPH_NO_LEXICON=1")
		return
	}
	start := time.Now()
	l, err := lexicon.Load(c.Dir)
	if err != nil {
		log.Warn("lexicon not loaded: search does not translate foreign words (run scripts/lexicon.sh ensure)", "err", err)
		return
	}
	l.Keep = gazetteer.Default().IsPlaceName // "Łódź" stays the city
	db.SetTranslator(l)
	// Reading the dictionaries leaves ~0.5 GB of garbage (the inflated
	// .dict files and their entries), which serve's high GOGC would keep
	// mapped until the heap grows past it: collect and return it now.
	debug.FreeOSMemory()
	log.Info("lexicon loaded", "dir", c.Dir, "dictionaries", len(l.Dictionaries()), "headwords", l.Len(), "took", time.Since(start).Round(time.Millisecond))
}
