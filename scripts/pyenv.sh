#!/usr/bin/env bash
# Provisions the Python consumers the export tests read civicgraph's
# exports with (networkx for GEXF and GraphML, shapely and geojson for the
# GeoJSON, rdflib for the JSON-LD): a venv outside the repository with pinned versions from PyPI,
# like scripts/model.sh provisions the embedding model. The server and the
# exports need none of it; only tests do.
#
# Usage: scripts/pyenv.sh ensure|dir|python|check
#   ensure  create the venv and install the pinned packages when missing
#   dir     print the venv directory
#   python  print the venv's python (what CIVICGRAPH_TEST_PYTHON should be)
#   check   exit 0 when the venv imports every pinned package
#
# Environment:
#   CIVICGRAPH_PYENV  where the venv lives (default ${XDG_CACHE_HOME:-~/.cache}/civicgraph/pyenv)
#   PYTHON            interpreter that creates it (default python3; needs 3.11 or later)
set -euo pipefail

# Pinned: bump together, and the venv is rebuilt (the stamp names them).
PACKAGES=(networkx==3.6.1 shapely==2.2.0 geojson==3.3.0 rdflib==7.6.0)
DIR="${CIVICGRAPH_PYENV:-${XDG_CACHE_HOME:-$HOME/.cache}/civicgraph/pyenv}"
PYTHON="${PYTHON:-python3}"
STAMP="$DIR/.civicgraph-pins"

want() { printf '%s\n' "${PACKAGES[@]}"; }
have() {
  [ -x "$DIR/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(want)" ] &&
    "$DIR/bin/python" -c 'import networkx, shapely, geojson, rdflib' >/dev/null 2>&1
}

case "${1:-ensure}" in
  dir) echo "$DIR" ;;
  python) echo "$DIR/bin/python" ;;
  check) have ;;
  ensure)
    if have; then echo "pyenv: ${PACKAGES[*]} ready in $DIR"; exit 0; fi
    start=$(date +%s%N)
    rm -rf "$DIR.partial"; mkdir -p "$(dirname "$DIR")"
    "$PYTHON" -m venv "$DIR.partial"
    "$DIR.partial/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: "${PACKAGES[@]}"
    want >"$DIR.partial/.civicgraph-pins"
    rm -rf "$DIR"; mv "$DIR.partial" "$DIR"
    # A venv's scripts name its path; the interpreter itself does not care,
    # and the tests call bin/python directly.
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    printf 'pyenv: %s installed in %s (%d.%03ds)\n' "${PACKAGES[*]}" "$DIR" $((ms / 1000)) $((ms % 1000))
    ;;
  *) echo "usage: $0 ensure|dir|python|check" >&2; exit 2 ;;
esac
