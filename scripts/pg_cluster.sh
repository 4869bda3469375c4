#!/usr/bin/env bash
# A private Postgres cluster on 127.0.0.1, for development and tests.
#   pg_cluster.sh start DIR        initdb if needed, start on a free port (kept in DIR/port)
#   pg_cluster.sh stop DIR         fast shutdown (no-op when not running)
#   pg_cluster.sh createdb DIR NAME [TEMPLATE]   create a database unless it exists
#   pg_cluster.sh dropdb DIR NAME
# DIR/conninfo holds the libpq conninfo of the `postgres` database. PG_FAST=1 turns off
# fsync (tests only). initdb refuses to run as root, so as root the cluster belongs to
# the `postgres` user (created if missing).
set -euo pipefail

cmd=${1:?usage: pg_cluster.sh start|stop|createdb|dropdb DIR ...}
dir=${2:?missing DIR}

bin=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bin=$d; done
[ -n "$bin" ] || bin=$(dirname "$(command -v initdb)")

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

conninfo() { echo "host=127.0.0.1 port=$(cat "$dir/port") user=postgres dbname=${1:-postgres}"; }

case "$cmd" in
start)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown postgres: "$dir"
    runuser -u postgres -- test -w "$dir" ||
      { echo "pg_cluster: user postgres cannot write $dir (a parent directory is private); use another build directory" >&2; exit 1; }
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  if running; then conninfo >"$dir/conninfo"; exit 0; fi
  extra=""
  [ "${PG_FAST:-0}" = 1 ] && extra="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    [ -f "$dir/port" ] || echo $((20000 + RANDOM % 30000)) >"$dir/port"
    port=$(cat "$dir/port")
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
      as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300 $extra" \
        start >/dev/null; then
      conninfo >"$dir/conninfo"
      exit 0
    fi
    rm -f "$dir/port"  # taken: try another
  done
  echo "pg_cluster: could not start Postgres (see $dir/postgres.log)" >&2
  exit 1
  ;;
stop)
  if running; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; fi
  ;;
createdb)
  name=${3:?missing NAME}
  template=${4:-template1}
  exists=$("$bin/psql" "$(conninfo)" -XtAc "SELECT 1 FROM pg_database WHERE datname = '$name'")
  [ "$exists" = 1 ] || "$bin/psql" "$(conninfo)" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$name\" TEMPLATE \"$template\""
  ;;
dropdb)
  name=${3:?missing NAME}
  "$bin/psql" "$(conninfo)" -Xq -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"
  ;;
*)
  echo "pg_cluster: unknown command $cmd" >&2
  exit 2
  ;;
esac
