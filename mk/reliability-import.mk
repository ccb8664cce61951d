# Import reliability (issue 14, item 1): the long form of TestImportSurvivesKills
# (cmd/civicgraph/importkill_test.go). It SIGKILLs the built `civicgraph import`
# at random points of every phase (wipe, write, prune, similarity) of a generated
# input, runs one more import after each kill and checks that the graph's counts
# and digest equal a clean import's. The normal suite (`make test`) runs the same
# test with 4 kills of a 2000-initiative input.
#
#   make reliability-import     24 kills of a 4000-initiative import (~3.5 min here)
#
# Like `make test` it starts a throw-away test Neo4j (TEST_PORT, TEST_DIR) unless
# CIVICGRAPH_TEST_NEO4J_URI is set, and stops it afterwards, also on failure.

RELIABILITY_IMPORT_KILLS ?= 24
RELIABILITY_IMPORT_SIZE ?= 4000
RELIABILITY_IMPORT_TIMEOUT ?= 30m

.PHONY: reliability-import reliability-import-run

reliability-import:
	@if [ -n "$${CIVICGRAPH_TEST_NEO4J_URI:-}" ]; then \
	  $(MAKE) --no-print-directory reliability-import-run; \
	else \
	  $(MAKE) --no-print-directory neo4j-test-start; \
	  status=0; \
	  CIVICGRAPH_TEST_NEO4J_URI=bolt://127.0.0.1:$(TEST_PORT) $(MAKE) --no-print-directory reliability-import-run || status=$$?; \
	  $(MAKE) --no-print-directory neo4j-test-stop; \
	  exit $$status; \
	fi

reliability-import-run:
	CIVICGRAPH_IMPORT_KILLS=$(RELIABILITY_IMPORT_KILLS) CIVICGRAPH_IMPORT_KILL_SIZE=$(RELIABILITY_IMPORT_SIZE) \
	  $(GO) test -count=1 -timeout $(RELIABILITY_IMPORT_TIMEOUT) -run '^TestImportSurvivesKills$$' -v ./cmd/civicgraph
