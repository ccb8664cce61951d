#!/usr/bin/env bash
# Browser test of the explorer against the real server and a real Neo4j.
#
#   CIVICGRAPH_TEST_NEO4J_URI=bolt://127.0.0.1:7688 scripts/e2e.sh
#
# Imports $DATA/seeds and $DATA/corpus/showroom into that database with
# --wipe (it must be a throw-away test database), starts `civicgraph serve`
# on a free loopback port, runs e2e/explorer.test.mjs in headless Chromium,
# and always stops the server. Screenshots land in e2e/screenshots/.
#
# Environment: DATA (default ../shared), BIN (default bin/civicgraph),
# CHROMIUM (default /usr/bin/chromium), E2E_KEEP_LOG=1 to print the server log.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA="${DATA:-../shared}"
BIN="${BIN:-bin/civicgraph}"
URI="${CIVICGRAPH_TEST_NEO4J_URI:-}"
die() { echo "e2e: $*" >&2; exit 1; }

[ -n "$URI" ] || die "CIVICGRAPH_TEST_NEO4J_URI is not set (make test sets it; the database is wiped)"
[ -x "$BIN" ] || die "$BIN missing: run make build"
[ -d e2e/node_modules/playwright-core ] || die "e2e/node_modules missing: run make e2e (it runs npm ci)"
paths=()
for d in "$DATA/seeds" "$DATA/corpus/showroom"; do [ -d "$d" ] && paths+=("$d"); done
[ ${#paths[@]} -gt 0 ] || die "DATA=$DATA has no seeds/ or corpus/showroom/ to import"

start=$(date +%s)
echo "e2e: importing ${paths[*]} into $URI (--wipe)"
"$BIN" import --wipe --yes --neo4j-uri "$URI" --log-level warn "${paths[@]}" >/dev/null
echo "e2e: import took $(( $(date +%s) - start )) s"

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
log=$(mktemp -t civicgraph-e2e-serve.XXXXXX)
"$BIN" serve --addr "127.0.0.1:$port" --neo4j-uri "$URI" --log-level warn >"$log" 2>&1 &
pid=$!
stop() {
  status=$?
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ "$status" != 0 ] || [ -n "${E2E_KEEP_LOG:-}" ]; then
    echo "e2e: server log (last 40 lines):"; tail -n 40 "$log" || true
  fi
  rm -f "$log"
}
trap stop EXIT
trap 'exit 130' INT TERM

base="http://127.0.0.1:$port"
node -e "
const deadline = Date.now() + 60000;
(async () => {
  for (;;) {
    try { const r = await fetch('$base/readyz'); if (r.ok) return; } catch {}
    if (Date.now() > deadline) { console.error('e2e: server not ready after 60 s'); process.exit(1); }
    await new Promise((r) => setTimeout(r, 250));
  }
})();"
echo "e2e: server ready at $base"

BASE_URL="$base" node e2e/explorer.test.mjs
