# GraphQL over HTTP audit: graphql-http's audit suite (tools/graphql-audit,
# pinned by its package-lock.json) run by TestGraphQLOverHTTPAudit against
# the API on the test Neo4j. `make test` installs it first.

NPM ?= npm

.PHONY: graphql-audit-deps

tools/graphql-audit/node_modules/.package-lock.json: tools/graphql-audit/package.json tools/graphql-audit/package-lock.json
	cd tools/graphql-audit && $(NPM) ci --no-audit --no-fund
	@touch $@

graphql-audit-deps: tools/graphql-audit/node_modules/.package-lock.json

test: graphql-audit-deps
