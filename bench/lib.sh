# Shared by the benchmark scripts (sourced). Expects $root and $build.

# Builds the Release binaries (tests off).
build_release() {
  "$root/scripts/bootstrap.sh"
  command -v wrk >/dev/null || { echo "bench: install wrk (apt-get install wrk)" >&2; return 1; }
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIGNITION_TESTS=OFF >/dev/null
  cmake --build "$build" --parallel 2 --target ignition-api ignition-migrate >/dev/null
}

# Migrates DATABASE_URL $1 and seeds bench/seed_sessions.sql; writes the raw tokens to $2.
migrate_and_seed() {
  DATABASE_URL="$1" "$build/apps/ignition-migrate/ignition-migrate" up >/dev/null
  psql "$1" -Xq -v ON_ERROR_STOP=1 -f "$root/bench/seed_sessions.sql"
  psql "$1" -XAt -c "SELECT token FROM bench_tokens" >"$2"
}

# get_sessions PORT FILE [csrf]: GET /auth/session once with every token of FILE, so each
# session is loaded and in the server's cache. With "csrf", rewrites FILE as
# "<token><TAB><csrf>" lines, with the CSRF token the server binds to each session.
get_sessions() {
  python3 - "$@" <<'PY'
import http.client, json, sys
port, path, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
tokens = [line.split("\t")[0] for line in open(path).read().split("\n") if line]
conn = http.client.HTTPConnection("127.0.0.1", port)
lines = []
for token in tokens:
    conn.request("GET", "/auth/session", headers={"Cookie": "session=" + token})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"bench: GET /auth/session answered {response.status}")
    lines.append(token + "\t" + json.loads(body)["csrf_token"])
if mode == ["csrf"]:
    open(path, "w").write("\n".join(lines) + "\n")
PY
}

# measured CMD…: runs CMD and prints its output's RESULT line followed by steal_pct, the share of
# CPU time the hypervisor gave to other guests meanwhile (/proc/stat). This VM's speed swings
# with it; a run with steal above a few percent measures the host, not the server.
measured() {
  local before after out
  before=$(awk '/^cpu / {print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat)
  out=$("$@")
  after=$(awk '/^cpu / {print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat)
  printf '%s\n' "$out" | grep -v '^RESULT' || true
  echo "$(grep '^RESULT' <<<"$out") $(awk -v b="$before" -v a="$after" 'BEGIN {
    split(b, x, " "); split(a, y, " "); printf "steal_pct=%.1f", 100 * (y[1] - x[1]) / (y[2] - x[2]) }')"
}

# gauge: runs bench/gauge.c (a fixed-response epoll server, built on first use) under the same
# load, tokens file and pinning for 4 s and prints "gauge: rps=… p99_ms=…". What it reaches is what the VM
# allows at that moment: a server's figures are judged against it.
gauge() {
  local bin="$build/bench-gauge" port=18199 pid
  [ "$bin" -nt "$root/bench/gauge.c" ] || cc -O2 -o "$bin" "$root/bench/gauge.c"
  taskset -c 1 "$bin" $port &
  pid=$!
  sleep 0.2
  echo "gauge: $(taskset -c 0 wrk -t1 -c64 -d4s -s "$root/bench/w1_session.lua" "http://127.0.0.1:$port" -- "$tokens" |
    grep '^RESULT' | sed 's/^RESULT //; s/ non2xx.*//')"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

# start_bench_pg: the throwaway cluster under $build/bench-pg, stopped when the script exits and
# pinned to CPU 1 with the server. Sets pg, url (its `bench` database) and tokens.
start_bench_pg() {
  pg="$build/bench-pg"
  "$root/scripts/pg_cluster.sh" start "$pg"
  trap '"$root/scripts/pg_cluster.sh" stop "$pg"' EXIT
  pgrep -f "$pg/data" | xargs -r -n1 taskset -pc 1 >/dev/null || true
  url="host=127.0.0.1 port=$(cat "$pg/port") user=postgres dbname=bench"
  tokens="$build/bench-tokens.txt"
}

# bench_db: start_bench_pg, with its `bench` database migrated and seeded; a seed from an earlier
# run is reused (cost.sh, ab.sh; session.sh seeds afresh).
bench_db() {
  start_bench_pg
  if ! psql "$url" -XAtqc "SELECT 1 FROM bench_tokens LIMIT 1" >/dev/null 2>&1; then
    "$root/scripts/pg_cluster.sh" createdb "$pg" bench
    migrate_and_seed "$url" "$tokens"
  fi
  DATABASE_URL="$url" "$build/apps/ignition-migrate/ignition-migrate" up >/dev/null
}

# cpu_ticks PID: the process's user and system CPU time so far, in clock ticks (1/100 s).
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }

# cpu_per_request BEFORE AFTER REQUESTS: "user_us=… system_us=…", the CPU time between two
# cpu_ticks readings per request.
cpu_per_request() {
  awk -v b="$1" -v a="$2" -v n="$3" 'BEGIN {
    split(b, x, " "); split(a, y, " ")
    printf "user_us=%.2f system_us=%.2f", (y[1] - x[1]) * 1e4 / n, (y[2] - x[2]) * 1e4 / n }'
}

# start_server PORT DATABASE_URL [VAR=VALUE…]: ignition-api pinned to CPU 1 (with Postgres,
# as the shared harness pins its peers), access log and rate limits off; waits for /ready.
# SERVER_WRAPPER runs it under another program (cost.sh: callgrind); SERVER_BINARY runs another
# build (ab.sh).
start_server() {
  local port=$1 url=$2
  shift 2
  env DATABASE_URL="$url" PORT="$port" APP_ENV=test LOG_LEVEL=warn THREADS=1 \
    RATE_LIMIT_AUTH=0 RATE_LIMIT_API=0 RATE_LIMIT_ADMIN=0 AUTH_SECRET=bench-secret-bench-secret-bench-secret "$@" \
    taskset -c 1 ${SERVER_WRAPPER:-} "${SERVER_BINARY:-$build/apps/ignition-api/ignition-api}" >"$build/bench-server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$port/ready" >/dev/null && return 0
    sleep 0.1
  done
  echo "bench: ignition-api did not become ready (see $build/bench-server.log)" >&2
  return 1
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || true
}
