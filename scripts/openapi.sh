#!/usr/bin/env bash
# Writes docs/openapi.json, the committed copy of the OpenAPI document, from the built server
# (after a route or an *.openapi.json fragment changed; CI compares the two).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-test}
cmake --build "$build" --target ignition-api >/dev/null
"$build/apps/ignition-api/ignition-api" --print-openapi >"$root/docs/openapi.json"
echo "wrote docs/openapi.json"
