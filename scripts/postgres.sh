#!/usr/bin/env bash
# A PostgreSQL server for the shared audit log, on 127.0.0.1, from Debian's packages.
#   bash scripts/postgres.sh install            apt-get install postgresql (as root; once)
#   bash scripts/postgres.sh start DIR [PORT]   create a cluster in DIR (first time), start it,
#                                               create database "mlgov"; prints the MLGOV_LOG URL
#   bash scripts/postgres.sh stop DIR
# The cluster runs as the "postgres" system user and trusts local TCP connections from
# 127.0.0.1 only (no password): for CI runners and a workstation, not a production server.
set -euo pipefail
cmd="${1:-}"
bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
case "$cmd" in
  install)
    if [ -z "$(bin_dir)" ]; then
      [ "$(id -u)" = 0 ] || { echo "postgres.sh install: run as root (apt-get)" >&2; exit 2; }
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    ;;
  start)
    dir="${2:?postgres.sh start DIR [PORT]}"; port="${3:-5433}"; bin="$(bin_dir)"
    [ -n "$bin" ] || { echo "PostgreSQL is not installed: bash scripts/postgres.sh install" >&2; exit 2; }
    run=(); [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
    mkdir -p "$dir"; [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      "${run[@]}" "$bin/initdb" -D "$dir" -U mlgov -A trust --auth-host=trust -E UTF8 >/dev/null
    fi
    "${run[@]}" "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -o \
      "-p $port -k $dir -c listen_addresses=127.0.0.1 ${MLGOV_PG_OPTIONS:-}" start >/dev/null
    "$bin/psql" -h 127.0.0.1 -p "$port" -U mlgov -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'mlgov'" | grep -q 1 \
      || "$bin/createdb" -h 127.0.0.1 -p "$port" -U mlgov mlgov
    echo "postgresql://mlgov@127.0.0.1:$port/mlgov"
    ;;
  stop)
    dir="${2:?postgres.sh stop DIR}"; bin="$(bin_dir)"
    run=(); [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
    "${run[@]}" "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    ;;
  *)
    echo "usage: postgres.sh install | start DIR [PORT] | stop DIR" >&2; exit 2
    ;;
esac
