#!/usr/bin/env bash
# Idle keep-alive connections and the server's memory: opens COUNT connections (each asks
# GET /health once, reads the answer and then stays open, silent) from 40 loopback addresses,
# so the per-client cap (256) is not what limits them, and prints the server's resident
# memory before and with them, and how many were still served at the end.
#   bench/idle.sh [COUNT=10000]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-release}
count=${1:-10000}
port=18186
source "$root/bench/lib.sh"

build_release
bench_db
start_server $port "$url" HTTP_IDLE_TIMEOUT=600s
trap 'stop_server; "$root/scripts/pg_cluster.sh" stop "$pg"' EXIT
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status"; }
echo "server rss before: $(rss_kib) KiB"
python3 - "$port" "$count" "$server_pid" "$(rss_kib)" <<'PY'
import socket, sys, time
port, count, pid, before = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
request = b"GET /health HTTP/1.1\r\nHost: bench\r\n\r\n"
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
held, refused = [], 0
start = time.monotonic()
for i in range(count):
    s = socket.socket()
    s.bind((f"127.0.1.{1 + i % 40}", 0))
    s.connect(("127.0.0.1", port))
    s.sendall(request)
    answer = s.recv(4096)
    if answer.startswith(b"HTTP/1.1 200"):
        held.append(s)
    else:
        refused += 1
        s.close()
opened = time.monotonic() - start
time.sleep(2)
print(f"held: {len(held)} idle connections (refused {refused}) opened in {opened:.1f} s")
with_them = rss()
print(f"server rss with them: {with_them} KiB ({(with_them - before) * 1024 / max(len(held), 1):.0f} bytes each)")
# Every one of them is still served.
served = 0
for s in held:
    s.sendall(request)
for s in held:
    if s.recv(4096).startswith(b"HTTP/1.1 200"):
        served += 1
print(f"served again on every held connection: {served}/{len(held)}")
PY
