#!/usr/bin/env bash
# Benchmark: GET /auth/session with a valid cookie, with and without the session cache.
# Builds Release, starts a throwaway Postgres (build-release/bench-pg), seeds 1,000 users
# with one session each, then for each cache setting runs ignition-api pinned to CPU 1
# (with Postgres) and wrk pinned to CPU 0: 5 s warm-up, 15 s measured, 64 connections.
#   bench/session.sh [DURATION]     e.g. bench/session.sh 30s
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-release}
duration=${1:-15s}
port=18181

"$root/scripts/bootstrap.sh"
command -v wrk >/dev/null || { echo "bench: install wrk (apt-get install wrk)" >&2; exit 1; }
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIGNITION_TESTS=OFF >/dev/null
cmake --build "$build" --parallel 2 --target ignition-api ignition-migrate >/dev/null

pg="$build/bench-pg"
"$root/scripts/pg_cluster.sh" start "$pg"
trap '"$root/scripts/pg_cluster.sh" stop "$pg"' EXIT
"$root/scripts/pg_cluster.sh" dropdb "$pg" bench
"$root/scripts/pg_cluster.sh" createdb "$pg" bench
url="host=127.0.0.1 port=$(cat "$pg/port") user=postgres dbname=bench"
# Postgres shares CPU 1 with the server, as in the shared harness.
pgrep -f "$pg/data" | xargs -r -n1 taskset -pc 1 >/dev/null || true
DATABASE_URL="$url" "$build/apps/ignition-migrate/ignition-migrate" up >/dev/null

tokens="$build/bench-tokens.txt"
psql "$url" -Xq -v ON_ERROR_STOP=1 <<SQL
INSERT INTO users (email, name) SELECT 'bench' || g || '@example.com', 'Bench ' || g FROM generate_series(1, 1000) g;
CREATE TABLE bench_tokens AS
  SELECT id AS user_id,
         rtrim(translate(encode(decode(md5(random()::text || id::text) || md5(random()::text || email), 'hex'), 'base64'),
                         '+/', '-_'), '=') AS token
  FROM users;
INSERT INTO sessions (user_id, token_hash, expires_at)
  SELECT user_id, sha256(convert_to(token, 'UTF8')), now() + interval '30 days' FROM bench_tokens;
\copy (SELECT token FROM bench_tokens) TO '$tokens'
SQL

for cache in 30s 0; do
  DATABASE_URL="$url" PORT=$port LOG_LEVEL=warn APP_ENV=test THREADS=1 SESSION_CACHE_TTL=$cache \
    RATE_LIMIT_AUTH=0 RATE_LIMIT_API=0 RATE_LIMIT_ADMIN=0 AUTH_SECRET=bench-secret-bench-secret-bench-secret \
    taskset -c 1 "$build/apps/ignition-api/ignition-api" >"$build/bench-server.log" 2>&1 &
  server=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.1; done
  taskset -c 0 wrk -t1 -c64 -d5s -s "$root/bench/w1_session.lua" "http://127.0.0.1:$port" -- "$tokens" >/dev/null
  result=$(taskset -c 0 wrk -t1 -c64 -d"$duration" --timeout 5s -s "$root/bench/w1_session.lua" \
    "http://127.0.0.1:$port" -- "$tokens" | grep '^RESULT')
  echo "SESSION_CACHE_TTL=$cache: $result"
  kill -TERM $server
  wait $server || true
done
