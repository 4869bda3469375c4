#!/usr/bin/env bash
# ignition-api on the shared harness (../shared/bench), in the harness's own Postgres
# (127.0.0.1:55432) and pinning, so its figures compare with the peers' (Fastify, hyper).
# Run the peers first in the same session: ../shared/bench/run.sh [--repeat 1 …]
#   bench/compare.sh [extra run.sh options, e.g. --repeat 1 --duration 10s --conns-high 0]
#   SERVER_ENV="SESSION_CACHE_TTL=0" bench/compare.sh …   (server settings, e.g. cache off)
# W1 GET /auth/session, W2 GET /api/v1/focus?limit=10, W3 POST /api/v1/ideas (with the
# session's CSRF token in the tokens file).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-release}
harness=${BENCH_HARNESS:-$root/../shared/bench/run.sh}
port=18182
source "$root/bench/lib.sh"

build_release
"$harness" --db-up >/dev/null
trap '"$harness" --db-down >/dev/null' EXIT
url="host=127.0.0.1 port=55432 user=postgres dbname=ignition"
psql "host=127.0.0.1 port=55432 user=postgres dbname=postgres" -Xq -c "DROP DATABASE IF EXISTS ignition WITH (FORCE)" \
  -c "CREATE DATABASE ignition"
tokens="$build/compare-tokens.txt"
migrate_and_seed "$url" "$tokens"

# shellcheck disable=SC2086  # SERVER_ENV is a list of VAR=VALUE words
start_server $port "$url" ${SERVER_ENV:-}
get_sessions $port "$tokens" csrf
"$harness" --target "http://127.0.0.1:$port" --tokens "$tokens" --name "ignition${SERVER_ENV:+ ($SERVER_ENV)}" "$@"
stop_server
