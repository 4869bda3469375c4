#!/usr/bin/env bash
# Command two: install what is missing, build everything with AddressSanitizer and
# UndefinedBehaviorSanitizer (warnings are errors), and run the whole suite through
# ctest. The suite starts its own Postgres cluster and servers on loopback.
# Extra arguments go to ctest (e.g. -R db_tests).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-test}

"$root/scripts/bootstrap.sh" --tests
# The npm packages of the Node helpers, each installed again only when its lockfile changes:
# the mock OpenID Connect provider (tests/oidc), AWS's SigV4 signer, the reference of the
# storage signer's differential test (tests/s3sign), and s3rver, the S3-compatible server
# the storage tests run against (tests/s3rver), the OpenAPI linter and validator and the browser
# driver of the reference page's test (tests/openapi),
# and the typed client's generator, compiler and runtime (clients/typescript).
for npm_dir in "$root/tests/oidc" "$root/tests/s3sign" "$root/tests/s3rver" "$root/tests/openapi" \
  "$root/clients/typescript"; do
  if ! cmp -s "$npm_dir/package-lock.json" "$npm_dir/node_modules/.installed-lock"; then
    (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$npm_dir/package-lock.json" "$npm_dir/node_modules/.installed-lock"
  fi
done
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DIGNITION_SANITIZE=ON -DIGNITION_WERROR=ON >/dev/null
cmake --build "$build" --parallel 2

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"
ctest --parallel 2 --output-on-failure "$@"
