#!/usr/bin/env bash
# The whole suite, twice: on the embedded default (SQLite, in-memory channel layer), then on a
# real PostgreSQL with Redis as the channel layer, each started here on loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export BEREIKBAAR_DATA_DIR
BEREIKBAAR_DATA_DIR=$(mktemp -d /tmp/bereikbaar-test-XXXX)
unset DATABASE_URL REDIS_URL

echo "== lint"
$BIN/ruff check src tests bench
$BIN/ruff format --check src tests bench

echo "== suite on SQLite"
$BIN/pytest "$@"

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ] || ! command -v redis-server >/dev/null; then
  echo "== SKIPPED the PostgreSQL + Redis run: postgresql or redis-server is not installed"
  echo "   (make test installs them when run as root on Debian)"
  exit 0
fi

services=$(mktemp -d /tmp/bereikbaar-services-XXXX)
pgport=55433; redisport=16380
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$services/pg" -m immediate stop >/dev/null 2>&1 || true
  redis-cli -p $redisport shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$services"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] && chown postgres "$services"
as_pg "$pgbin/initdb" -D "$services/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$services/pg" -l "$services/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pgport -k $services -c fsync=off -c max_connections=200" start >/dev/null
redis-server --port $redisport --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --logfile "$services/redis.log" >/dev/null

echo "== suite on PostgreSQL $(basename "$(dirname "$pgbin")") + Redis"
export DATABASE_URL="postgres://postgres@127.0.0.1:$pgport/bereikbaar"
export REDIS_URL="redis://127.0.0.1:$redisport/0"
BEREIKBAAR_DATA_DIR=$(mktemp -d /tmp/bereikbaar-test-XXXX)
$BIN/pytest "$@"
