#!/usr/bin/env bash
# What one cached GET /auth/session costs the server: CPU time per request (utime and stime
# of ignition-api from /proc, each divided by the requests wrk completed) and user-space
# instructions per request (callgrind: repeatable whatever else the machine is doing).
# Same setup as bench/session.sh (Release, build-release/bench-pg, split pinning).
#   bench/cost.sh            (needs valgrind for the instruction count; skipped without it)
#   KEEP_PROFILE=FILE bench/cost.sh   also keeps the callgrind profile, for callgrind_annotate
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-release}
port=18183
source "$root/bench/lib.sh"

build_release
bench_db
load() { taskset -c 0 wrk -t1 -c"$1" -d"$2" -s "$root/bench/w1_session.lua" "http://127.0.0.1:$port" -- "$tokens"; }

# CPU time per request, at 64 connections.
start_server $port "$url"
get_sessions $port "$tokens"
load 64 3s >/dev/null
before=$(cpu_ticks "$server_pid")
out=$(measured load 64 10s)
after=$(cpu_ticks "$server_pid")
requests=$(awk '/requests in/ {print $1}' <<<"$out")
echo "cpu: $(grep '^RESULT' <<<"$out") $(cpu_per_request "$before" "$after" "$requests") (per request)"
stop_server

# Instructions per request, under callgrind (counted only while wrk runs).
command -v valgrind >/dev/null || { echo "instructions: skipped (no valgrind)"; exit 0; }
out_file=$(mktemp)
SERVER_WRAPPER="valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=$out_file" start_server $port "$url"
get_sessions $port "$tokens"  # every session cached: the count is of cache hits only
load 16 2s >/dev/null
callgrind_control -i on "$server_pid" >/dev/null
requests=$(load 16 4s | awk '/requests in/ {print $1}')
callgrind_control -i off "$server_pid" >/dev/null
callgrind_control -d "$server_pid" >/dev/null
stop_server
total=$(cat "$out_file"* | awk '/^totals:/ {s += $2} END {print s}')
[ -z "${KEEP_PROFILE:-}" ] || cp "$(ls -S "$out_file"* | head -1)" "$KEEP_PROFILE"
rm -f "$out_file"*
echo "instructions: requests=$requests instructions_per_request=$((total / requests))"
