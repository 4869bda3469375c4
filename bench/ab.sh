#!/usr/bin/env bash
# Two builds of ignition-api against each other on the cached GET /auth/session load, in
# alternation, so that both meet the same phases of the host; the gauge (what the VM allows at
# that moment) runs between them. Same setup as bench/session.sh (build-release/bench-pg, split
# pinning, 64 connections). Per run: wrk's RESULT line and the server's user and system CPU
# time per request (from /proc).
#   bench/ab.sh OLD_BINARY NEW_BINARY [ROUNDS=5] [DURATION=10s]
# e.g. git worktree add /tmp/old <commit> and build it there, then
#   bench/ab.sh /tmp/old/build-release/apps/ignition-api/ignition-api build-release/apps/ignition-api/ignition-api
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-release}
old=$(realpath "$1")
new=$(realpath "$2")
rounds=${3:-5}
duration=${4:-10s}
port=18185
source "$root/bench/lib.sh"

build_release
bench_db
load() { taskset -c 0 wrk -t1 -c64 -d"$1" --timeout 5s -s "$root/bench/w1_session.lua" "http://127.0.0.1:$port" -- "$tokens"; }

# run NAME BINARY: a fresh server, every session loaded, a 3 s warm-up, one measured run.
run() {
  SERVER_BINARY=$2 start_server $port "$url"
  get_sessions $port "$tokens"
  load 3s >/dev/null
  local before after out requests
  before=$(cpu_ticks "$server_pid")
  out=$(measured load "$duration")
  after=$(cpu_ticks "$server_pid")
  stop_server
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$1: $(grep '^RESULT' <<<"$out" | sed 's/^RESULT //') $(cpu_per_request "$before" "$after" "$requests")"
}

for i in $(seq "$rounds"); do
  gauge
  run old "$old"
  run new "$new"
done
gauge
