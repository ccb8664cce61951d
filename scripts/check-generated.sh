#!/usr/bin/env bash
# Fails when `go generate ./...` would change the committed generated code.
# Works on a dirty tree too: compares before/after copies, then restores.
set -euo pipefail
cd "$(dirname "$0")/.."
files=(graph/generated.go graph/model/models_gen.go graph/schema.resolvers.go)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "${files[@]}"; do mkdir -p "$tmp/$(dirname "$f")"; cp "$f" "$tmp/$f"; done
go generate ./...
changed=0
for f in "${files[@]}"; do
  if ! diff -q "$tmp/$f" "$f" >/dev/null; then
    echo "check-generated: $f is out of date; run 'go generate ./...' and commit the result" >&2
    diff -u "$tmp/$f" "$f" | head -40 >&2 || true
    cp "$tmp/$f" "$f"
    changed=1
  fi
done
[ "$changed" = 0 ] && echo "check-generated: generated code is up to date"
exit "$changed"
