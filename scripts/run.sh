#!/usr/bin/env bash
# Command one: install what is missing, build (Release), and run ignition-api on :8080.
# Without DATABASE_URL it starts a private Postgres cluster under the build tree
# (build-release/pg, loopback only) and creates the `ignition` database in it. Applies
# the schema migrations before the server starts. In development (the default) dev login
# is on: POST /auth/dev-login {"email": "…"}. Re-runnable.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-release}

"$root/scripts/bootstrap.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIGNITION_TESTS=OFF >/dev/null
cmake --build "$build" --parallel 2 --target ignition-api ignition-migrate

if [ -z "${DATABASE_URL:-}" ]; then
  "$root/scripts/pg_cluster.sh" start "$build/pg"
  "$root/scripts/pg_cluster.sh" createdb "$build/pg" ignition
  DATABASE_URL="host=127.0.0.1 port=$(cat "$build/pg/port") user=postgres dbname=ignition"
  export DATABASE_URL
  echo "run: private Postgres at $DATABASE_URL (stop it with scripts/pg_cluster.sh stop $build/pg)"
fi

if [ "${APP_ENV:-development}" = development ]; then
  export DEV_LOGIN=${DEV_LOGIN:-1}
  export STORAGE_DIR=${STORAGE_DIR:-$build/storage}  # uploaded files, on local disk
fi

cd "$root"  # a developer's .env is read from here
"$build/apps/ignition-migrate/ignition-migrate" up
exec "$build/apps/ignition-api/ignition-api"
