#!/usr/bin/env bash
# Benchmark: GET /auth/session with a valid cookie, with and without the session cache.
# Builds Release, starts a throwaway Postgres (build-release/bench-pg), seeds 1,000 users
# with one session each, then for each cache setting runs ignition-api pinned to CPU 1
# (with Postgres) and wrk pinned to CPU 0: 5 s warm-up, then DURATION at 64 connections. Each
# cached run follows the host's gauge (bench/gauge.c: the same answer from a server that does no
# work, i.e. what the VM allows at that moment), so every figure has its floor beside it.
#   bench/session.sh [DURATION]     (default 15s; REPEAT=n measures n times per setting)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-release}
duration=${1:-15s}
port=18181
source "$root/bench/lib.sh"

build_release
start_bench_pg
"$root/scripts/pg_cluster.sh" dropdb "$pg" bench
"$root/scripts/pg_cluster.sh" createdb "$pg" bench
migrate_and_seed "$url" "$tokens"
# The seed's writes are flushed now, not by a checkpoint during the measurement.
psql "$url" -Xq -c "VACUUM ANALYZE" -c "CHECKPOINT"

for cache in 30s 0; do
  start_server $port "$url" SESSION_CACHE_TTL=$cache
  taskset -c 0 wrk -t1 -c64 -d5s -s "$root/bench/w1_session.lua" "http://127.0.0.1:$port" -- "$tokens" >/dev/null
  for _ in $(seq "${REPEAT:-1}"); do
    [ "$cache" = 0 ] || gauge
    result=$(measured taskset -c 0 wrk -t1 -c64 -d"$duration" --timeout 5s -s "$root/bench/w1_session.lua" \
      "http://127.0.0.1:$port" -- "$tokens" | grep '^RESULT')
    echo "SESSION_CACHE_TTL=$cache: $result"
  done
  stop_server
done
