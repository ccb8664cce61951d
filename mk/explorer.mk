# Explorer: the web front-end in web/ (esbuild) embedded from
# internal/explorer/dist, and its browser test in e2e/ (headless Debian
# Chromium driven by playwright-core). See web/README.md.
#
#   make explorer-build   npm ci + build web/ into internal/explorer/dist (commit the result)
#   make explorer-check   rebuild into a temp dir and fail if internal/explorer/dist differs
#   make e2e              import $(DATA) into the test Neo4j ($$CIVICGRAPH_TEST_NEO4J_URI, wiped),
#                         serve it on a free loopback port, run the browser test, stop the server
#
# `make test` runs explorer-check and e2e after the Go tests.

NPM ?= npm
CHROMIUM ?= /usr/bin/chromium

TEST_EXTRA += explorer-check e2e

.PHONY: explorer-build explorer-check e2e explorer-deps e2e-deps chromium

# npm ci only when the lockfile changed since the last install (or on a fresh clone).
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund
	@touch $@
e2e/node_modules/.package-lock.json: e2e/package.json e2e/package-lock.json
	cd e2e && $(NPM) ci --no-audit --no-fund
	@touch $@

explorer-deps: web/node_modules/.package-lock.json
e2e-deps: e2e/node_modules/.package-lock.json

explorer-build: explorer-deps
	cd web && node build.mjs

explorer-check: explorer-deps
	cd web && node build.mjs --check --quiet

# Debian's Chromium (a downloaded browser build is not an option here).
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "make: $(CHROMIUM) missing; installing Debian's chromium"; \
	  sudo=""; if [ "$$(id -u)" != 0 ]; then sudo=sudo; fi; \
	  $$sudo apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium >/dev/null; \
	fi
	@"$(CHROMIUM)" --version 2>/dev/null || true

e2e: build chromium e2e-deps
	DATA="$(DATA)" BIN="$(BIN)" CHROMIUM="$(CHROMIUM)" scripts/e2e.sh
