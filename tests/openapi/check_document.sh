#!/usr/bin/env bash
# The OpenAPI document of the built server: byte for byte the committed docs/openapi.json, and
# valid OpenAPI 3.1 by Redocly's linter (its recommended rules, redocly.yaml).
#   tests/openapi/check_document.sh <ignition-api binary>
# After a route or a fragment changes: scripts/openapi.sh writes docs/openapi.json again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mktemp --suffix=.json)
trap 'rm -f "$out"' EXIT
"$1" --print-openapi >"$out"
if ! cmp -s "$out" "$root/docs/openapi.json"; then
  diff -u "$root/docs/openapi.json" "$out" | head -60 || true
  echo "docs/openapi.json is not the document of this build: run scripts/openapi.sh and commit it" >&2
  exit 1
fi
"$here/node_modules/.bin/redocly" lint --config "$here/redocly.yaml" --format stylish "$out"
