#!/usr/bin/env bash
# Provisions the bilingual dictionaries search translates foreign query
# words with: FreeDict's X→English dictionaries (GPL, maintained upstream by
# the FreeDict project, packaged by Debian as dict-freedict-*-eng) and
# Debian's American English word list (wamerican), which tells an English
# word from a foreign one. The .deb files come through apt-get download, or,
# when apt's package lists do not hold the pinned version (a machine that
# never ran apt-get update), straight from the Debian archive's pool; the
# versions and the sha256 of each file are pinned here and checked. They
# are unpacked into a cache outside the repository, like scripts/model.sh
# does for the embedding model. Nothing is downloaded at run time.
#
# Usage: scripts/lexicon.sh ensure|dir|check
#   ensure  download and unpack when missing; prints the time taken
#   dir     print the directory (what CIVICGRAPH_LEXICON_DIR should be)
#   check   exit 0 when every pinned dictionary is unpacked
#
# Environment:
#   CIVICGRAPH_LEXICON_DIR  where the files live
#                           (default ${XDG_CACHE_HOME:-~/.cache}/civicgraph/lexicon-1)
#   DEBIAN_MIRROR           archive for the fallback (default http://deb.debian.org/debian)
set -euo pipefail

# pool path (in the Debian archive) and sha256 of each .deb — bump together;
# the directory name carries the set's revision.
PINS=(
  "pool/main/f/freedict/dict-freedict-deu-eng_2022.04.21-1_all.deb 52fa2ba6c73ebe84df0e4a7b8612a94a45e6026a157fc75f5ae36c4a1106e3db"
  "pool/main/f/freedict-wikdict/dict-freedict-pol-eng_2022.12.07-2_all.deb bb89dccd16967ebe5bdd9ca930cdfc17a6f1527ebae207b99183cbfa8692eeaa"
  "pool/main/f/freedict/dict-freedict-fra-eng_2022.04.21-1_all.deb fb853d1f3da00ddddfe60dc3b88b5aaca122eecf3ba5c219131bea479d6274db"
  "pool/main/f/freedict/dict-freedict-ita-eng_2022.04.21-1_all.deb f0d7a5dd47cefd2e7e8e3be19dc78df6607989324bb1ad8bc61b9a657c3a4774"
  "pool/main/f/freedict/dict-freedict-spa-eng_2022.04.21-1_all.deb debf5f88fcdaebe824704664cdbb42b6c14f82ab4adda4e91bc388b16200eefc"
  "pool/main/f/freedict/dict-freedict-nld-eng_2022.04.21-1_all.deb 827dbf561be0ea04a70a049d8604a82aa2c709e7b744fe1096bd2c8008b0527d"
  "pool/main/f/freedict/dict-freedict-por-eng_2022.04.21-1_all.deb 6c688a9148bde82a6fbd6b2e3a80c1cec3eb4b3ec2d37901c94dc90bfb008950"
  "pool/main/f/freedict/dict-freedict-ces-eng_2022.04.21-1_all.deb 340208da8e13e75da3eb46b40601509cb7fba37570bdcb993b6de4e7927b71a5"
  "pool/main/f/freedict/dict-freedict-swe-eng_2022.04.21-1_all.deb a117f881e43a5d2afbc082e5bb51041b8795180845ce8b5a991766bce4502aab"
  "pool/main/f/freedict/dict-freedict-dan-eng_2022.04.21-1_all.deb fc4ba61f675213852cdec454899701afed0f4c7b00f8c66696565a68baa04a80"
  "pool/main/s/scowl/wamerican_2020.12.07-2_all.deb c8f8e2b2ad0d37bfdd41f0e40f1e4c8e5f907467d768a1d3698b164e9617f0b4"
)
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DIR="${CIVICGRAPH_LEXICON_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/civicgraph/lexicon-1}"
STAMP="$DIR/.civicgraph-pins"

want() { printf '%s\n' "${PINS[@]}"; }
have() { [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(want)" ] && [ -f "$DIR/english.words" ]; }

case "${1:-ensure}" in
  dir) echo "$DIR" ;;
  check) have ;;
  ensure)
    if have; then echo "lexicon: ${#PINS[@]} packages ready in $DIR"; exit 0; fi
    command -v dpkg-deb >/dev/null || { echo "lexicon: dpkg-deb not found; search will not translate foreign words" >&2; exit 1; }
    start=$(date +%s%N)
    tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
    chmod 755 "$tmp" # apt-get download writes as _apt when it can
    mkdir -p "$tmp/x"
    for pin in "${PINS[@]}"; do
      path="${pin%% *}"; sum="${pin##* }"; base="${path##*/}"
      name="${base%%_*}"; ver="${base#*_}"; ver="${ver%_*}"; deb="$tmp/$base"
      if ! (cd "$tmp" && apt-get download -q "$name=$ver" >/dev/null 2>"$tmp/err"); then
        curl -sSfL --retry 3 -o "$deb" "$MIRROR/$path" 2>>"$tmp/err" ||
          { echo "lexicon: $name $ver: neither apt-get download nor $MIRROR had it: $(tail -1 "$tmp/err")" >&2; exit 1; }
      fi
      got="$(sha256sum "$deb" | cut -d' ' -f1)"
      [ "$got" = "$sum" ] || { echo "lexicon: sha256 mismatch for $base: $got" >&2; exit 1; }
      dpkg-deb -x "$deb" "$tmp/x"
    done
    rm -rf "$DIR.partial"; mkdir -p "$DIR.partial"
    cp "$tmp"/x/usr/share/dictd/freedict-*-eng.index "$tmp"/x/usr/share/dictd/freedict-*-eng.dict.dz "$DIR.partial"/
    cp "$tmp"/x/usr/share/dict/american-english "$DIR.partial/english.words"
    mkdir -p "$DIR.partial/copyright"
    for d in "$tmp"/x/usr/share/doc/*/; do cp "$d/copyright" "$DIR.partial/copyright/$(basename "$d")"; done
    want >"$DIR.partial/.civicgraph-pins"
    mkdir -p "$(dirname "$DIR")"; rm -rf "$DIR"; mv "$DIR.partial" "$DIR"
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    printf 'lexicon: %d packages unpacked in %s (%d.%03ds)\n' "${#PINS[@]}" "$DIR" $((ms / 1000)) $((ms % 1000))
    ;;
  *) echo "usage: $0 ensure|dir|check" >&2; exit 2 ;;
esac
