#!/usr/bin/env bash
# The TypeScript client (ctest typescript_client): its types are generated from docs/openapi.json
# as committed, it type-checks with tsc, and its tests pass against the real server.
# Needs IGNITION_API (the built ignition-api) and IGNITION_TEST_PG_DIR (the tests' cluster).
set -euo pipefail
cd "$(dirname "$0")"
fresh=$(mktemp --suffix=.d.ts)
trap 'rm -f "$fresh"' EXIT
node_modules/.bin/openapi-typescript ../../docs/openapi.json -o "$fresh" >/dev/null 2>&1
if ! cmp -s "$fresh" src/schema.d.ts; then
  echo "src/schema.d.ts is not generated from docs/openapi.json: run scripts/openapi.sh" >&2
  exit 1
fi
node_modules/.bin/tsc -p tsconfig.json
node --test test/
