#!/usr/bin/env bash
# Writes docs/openapi.json, the committed copy of the OpenAPI document, from the built server,
# and the TypeScript client's types from it (after a route or an *.openapi.json fragment
# changed; CI compares both).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-test}
cmake --build "$build" --target ignition-api >/dev/null
"$build/apps/ignition-api/ignition-api" --print-openapi >"$root/docs/openapi.json"
echo "wrote docs/openapi.json"
# The TypeScript client's types (its packages: scripts/test.sh installs them).
(cd "$root/clients/typescript" && node_modules/.bin/openapi-typescript ../../docs/openapi.json -o src/schema.d.ts)
