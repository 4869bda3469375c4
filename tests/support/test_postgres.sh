#!/usr/bin/env bash
# ctest fixture: one private cluster per test run, with a template database that has
# every migration applied (by the built ignition-migrate, so the tool is tested too).
# Test files clone the template (CREATE DATABASE … TEMPLATE ignition_template).
#   test_postgres.sh setup DIR MIGRATE_BINARY | cleanup DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
case "$1" in
setup)
  "$here/../../scripts/pg_cluster.sh" stop "$2" || true
  PG_FAST=1 "$here/../../scripts/pg_cluster.sh" start "$2"
  "$here/../../scripts/pg_cluster.sh" dropdb "$2" ignition_template
  "$here/../../scripts/pg_cluster.sh" createdb "$2" ignition_template
  DATABASE_URL="host=127.0.0.1 port=$(cat "$2/port") user=postgres dbname=ignition_template" APP_ENV=test "$3" up
  ;;
cleanup)
  "$here/../../scripts/pg_cluster.sh" stop "$2"
  ;;
esac
