# Benchmarks (issue 5): civicgraph side by side with @neo4j/graphql (bench/peer) and with
# direct Cypher (the floor), on one Neo4j with APOC, the same generated data, the same run.
# See bench/main.go and BENCHMARKS.md.
#
#   make bench         1k, 10k and 100k initiatives; updates BENCHMARKS.md (bounded by BENCH_TIMEOUT)
#   make bench-quick   1k only, a few seconds per query; prints the table (BENCHMARKS.md untouched)
#
# Both start their own Neo4j (dir $(BENCH_DIR), 127.0.0.1:$(BENCH_PORT)), civicgraph and the
# peer on loopback, and stop them afterwards, also on failure. Nothing here runs in `make test`.

BENCH_DIR ?= .neo4j-bench
BENCH_PORT ?= 7689
BENCH_PLUGINS ?= $(BENCH_DIR)/plugins
BENCH_HEAP ?= 4g
BENCH_PAGECACHE ?= 2g
BENCH_SIZES ?= 1000,10000,100000
BENCH_CONCURRENCY ?= 8
BENCH_WARMUP ?= 3s
BENCH_DURATION ?= 10s
BENCH_TIMEOUT ?= 100m
BENCH_QUICK_TIMEOUT ?= 15m
BENCH_FLAGS ?=
# The binaries the run uses, built once at its start into a private dir, so a `make build`
# elsewhere in the checkout during a long run cannot swap the server under it.
BENCH_BIN ?= .bench-data/bin
BENCH_NEO4J_ENV = env -u NEO4J_URI NEO4J_LOCAL_DIR=$(BENCH_DIR) NEO4J_LOCAL_PORT=$(BENCH_PORT) \
  NEO4J_PLUGINS_DIR=$(BENCH_PLUGINS) NEO4J_HEAP=$(BENCH_HEAP) NEO4J_PAGECACHE=$(BENCH_PAGECACHE) NEO4J_TX_TIMEOUT=10m

.PHONY: bench bench-go bench-meaning bench-quick bench-deps bench-neo4j-start bench-neo4j-stop bench-neo4j-reset bench-peer-deps bench-apoc

# APOC core (and its runtime dependencies) from Maven Central into the plugins dir.
$(BENCH_PLUGINS)/.apoc-ok: bench/apoc/pom.xml
	@mkdir -p $(BENCH_PLUGINS)
	mvn -B -q -f bench/apoc/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=$(abspath $(BENCH_PLUGINS))
	@touch $@
bench-apoc: $(BENCH_PLUGINS)/.apoc-ok

# The peer's npm dependencies, exactly as locked.
bench/peer/node_modules/.package-lock.json: bench/peer/package.json bench/peer/package-lock.json
	cd bench/peer && npm ci --no-audit --no-fund
	@touch $@
bench-peer-deps: bench/peer/node_modules/.package-lock.json

bench-deps: bench-apoc bench-peer-deps
	$(GO) build -o $(BENCH_BIN)/civicgraph ./cmd/civicgraph
	$(GO) build -o $(BENCH_BIN)/bench ./bench

bench-neo4j-start: bench-apoc
	@$(BENCH_NEO4J_ENV) scripts/neo4j.sh start
bench-neo4j-stop:
	@$(BENCH_NEO4J_ENV) scripts/neo4j.sh stop
# An empty store for each run: the harness's first import would otherwise wipe whatever graph the
# last run (or an experiment on this instance) left, and time that wipe as the 1k import (the run of
# 2026-12-06 23:22 timed 64.0 s for 1k initiatives that way, the wipe of a 100k graph). Stops the
# instance if it runs; keeps its logs and plugins (scripts/neo4j.sh reset).
bench-neo4j-reset:
	@$(BENCH_NEO4J_ENV) scripts/neo4j.sh reset

# $(1): extra harness flags. Empties the store, starts Neo4j, runs the harness under a time bound, always stops Neo4j.
define bench_run
	@$(MAKE) --no-print-directory bench-neo4j-reset
	@$(MAKE) --no-print-directory bench-neo4j-start
	@status=0; \
	timeout --signal=TERM --kill-after=30s $(2) $(BENCH_BIN)/bench --bin $(BENCH_BIN)/civicgraph --neo4j-uri bolt://127.0.0.1:$(BENCH_PORT) \
	  --neo4j-pid-file $(BENCH_DIR)/neo4j.pid --concurrency $(BENCH_CONCURRENCY) $(1) $(BENCH_FLAGS) || status=$$?; \
	$(MAKE) --no-print-directory bench-neo4j-stop; \
	if [ $$status -eq 124 ]; then echo "bench: stopped after the time bound $(2); finished sizes are in the output"; fi; \
	exit $$status
endef

# Go micro-benchmarks (testing.B, no Neo4j): similarity precompute, gazetteer, theme
# classifier, the GraphQL layer for a drawable graph, the embedding model (texts/s on all cores,
# then on one thread: the engine reads OMP_NUM_THREADS once per process). Also run by `make bench`.
# Its output is also kept in $(BENCH_GO_OUT), after an `engine-threads:` line per run (a
# configuration line of the benchmark format), for `make bench`'s meaning section.
BENCH_GO_OUT ?= .bench-data/bench-go.txt
comma := ,
BENCH_MEANING_OUT ?= .bench-data/bench-meaning.txt
bench-go: model
	@mkdir -p $(dir $(BENCH_GO_OUT))
	set -o pipefail; { echo "engine-threads: all"; $(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./internal/...; } | tee $(BENCH_GO_OUT)
	@echo "bench-go: the embedding engine on one thread (OMP_NUM_THREADS=1)"
	set -o pipefail; { echo "engine-threads: 1"; OMP_NUM_THREADS=1 $(GO) test -run '^$$' -bench 'E5' -benchtime 2s ./internal/embed; } | tee -a $(BENCH_GO_OUT)

# Search latency by words only and hybrid (query vectors cached / embedded each time), and one
# request end to end with its server CPU (BenchmarkRequest), on the
# imported showroom in a throw-away Neo4j (port $(BENCH_MEANING_PORT)). The engine runs on all
# cores, as `serve` runs it by default. Also run by `make bench`; output kept in $(BENCH_MEANING_OUT).
BENCH_MEANING_PORT ?= 7690
bench-meaning: model
	@mkdir -p $(dir $(BENCH_MEANING_OUT))
	@env -u NEO4J_URI NEO4J_LOCAL_DIR=.neo4j-bench-meaning NEO4J_LOCAL_PORT=$(BENCH_MEANING_PORT) scripts/neo4j.sh start
	@status=0; set -o pipefail; { echo "engine-threads: all"; env -u OMP_NUM_THREADS CIVICGRAPH_TEST_NEO4J_URI=bolt://127.0.0.1:$(BENCH_MEANING_PORT) CIVICGRAPH_DATA=$(abspath $(DATA)) \
	  $(GO) test -run '^$$' -bench 'BenchmarkSearch|BenchmarkRequest' -benchmem -benchtime 3s ./cmd/civicgraph; } | tee $(BENCH_MEANING_OUT) || status=$$?; \
	env -u NEO4J_URI NEO4J_LOCAL_DIR=.neo4j-bench-meaning NEO4J_LOCAL_PORT=$(BENCH_MEANING_PORT) scripts/neo4j.sh stop; exit $$status

bench: bench-go bench-meaning bench-deps
	$(call bench_run,--sizes $(BENCH_SIZES) --warmup $(BENCH_WARMUP) --duration $(BENCH_DURATION) \
	  --go-bench $(BENCH_GO_OUT)$(comma)$(BENCH_MEANING_OUT) \
	  --out BENCHMARKS.md --json .bench-data/results.json --command "make bench",$(BENCH_TIMEOUT))

bench-quick: bench-deps
	$(call bench_run,--sizes 1000 --warmup 1s --duration 3s --json .bench-data/results-quick.json \
	  --command "make bench-quick",$(BENCH_QUICK_TIMEOUT))
