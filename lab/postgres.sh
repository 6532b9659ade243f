#!/usr/bin/env bash
# Private PostgreSQL 15 server for the lab: 127.0.0.1:5433, data in $LAB_RUN/postgres
# ($LAB_RUN: lab/rundir.sh; KAMSCOPE_LAB_DIR overrides), runs as the postgres OS user,
# timezone 'Asia/Shanghai'. Role kamailio/kamailiorw (LOGIN CREATEDB).
#   lab/postgres.sh start         idempotent (initdb if needed); waits until ready
#   lab/postgres.sh stop          stops the server started by start (pg_ctl, recorded datadir)
#   lab/postgres.sh url DBNAME    -> postgres://kamailio:kamailiorw@127.0.0.1:5433/DBNAME
#   lab/postgres.sh status
#   lab/postgres.sh sql DBNAME [psql args...]     psql as kamailio
# Env: KAMSCOPE_PG_PORT (default 5433).
set -euo pipefail
LAB_SCRIPT=postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PORT="${KAMSCOPE_PG_PORT:-5433}"
BASE="$LAB_RUN/postgres"
DATA="$BASE/data"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
USER_NAME=kamailio
USER_PASS=kamailiorw

usage() { sed -n '2,11p' "$0" >&2; exit 2; }

# From /, since the caller's directory may be one postgres cannot enter (a private clone).
as_pg() { (cd / && runuser -u postgres -- env TZ="$LAB_TZ" "$@"); }
ready() { "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1; }
pm_pid() { [[ -f "$DATA/postmaster.pid" ]] && head -n1 "$DATA/postmaster.pid"; }
running() { local p; p="$(pm_pid 2>/dev/null || true)"; pid_alive "$p"; }

check_access() {
    # every directory above the datadir must be searchable by postgres
    local d="$BASE"
    while [[ "$d" != / ]]; do
        if [[ -e "$d" ]] && ! runuser -u postgres -- test -x "$d"; then
            die "postgres cannot enter $d (no x permission): set KAMSCOPE_LAB_DIR to a directory it can reach"
        fi
        d="$(dirname "$d")"
    done
}

ensure_role() {
    as_pg "$PGBIN/../bin/psql" -q -h "$BASE" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 <<SQL >/dev/null \
        || die "could not create role $USER_NAME"
DO \$\$BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$USER_NAME') THEN
    CREATE ROLE $USER_NAME LOGIN CREATEDB PASSWORD '$USER_PASS';
  ELSE
    ALTER ROLE $USER_NAME LOGIN CREATEDB PASSWORD '$USER_PASS';
  END IF;
END\$\$;
SQL
}

start() {
    [[ -x "$PGBIN/pg_ctl" ]] || die "$PGBIN/pg_ctl not found: run lab/install.sh (postgresql 15)"
    id postgres >/dev/null 2>&1 || die "no postgres OS user: run lab/install.sh"
    mkdir -p "$BASE"
    chown postgres:postgres "$BASE"
    check_access
    if running && ready; then
        log "already running (pid $(pm_pid)) on 127.0.0.1:$PORT"
        ensure_role
        return 0
    fi
    if tcp_port_busy "$PORT"; then
        die "127.0.0.1:$PORT is in use by another process (not our cluster $DATA)"
    fi
    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        log "initdb $DATA"
        rm -rf "$DATA"
        install -d -o postgres -g postgres -m 700 "$DATA"
        as_pg "$PGBIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C \
            --auth-local=trust --auth-host=scram-sha-256 >"$BASE/initdb.log" 2>&1 \
            || { tail -n 20 "$BASE/initdb.log" >&2; die "initdb failed"; }
    fi
    chown -R postgres:postgres "$BASE"
    log "starting postgres on 127.0.0.1:$PORT (timezone $LAB_TZ), log $BASE/postgres.log"
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$BASE/postgres.log" -w -t 60 \
        -o "-p $PORT -k $BASE -c listen_addresses=127.0.0.1 -c timezone=$LAB_TZ -c log_timezone=$LAB_TZ -c synchronous_commit=off -c max_connections=300 -c shared_buffers=64MB" \
        start >"$BASE/pg_ctl.out" 2>&1 \
        || { cat "$BASE/pg_ctl.out" >&2; tail -n 30 "$BASE/postgres.log" >&2 || true; die "pg_ctl start failed"; }
    local t0=$SECONDS
    until ready; do
        ((SECONDS - t0 < 30)) || die "postgres not ready after 30s (see $BASE/postgres.log)"
        sleep 0.2
    done
    pm_pid >"$BASE/postmaster.lab.pid"
    ensure_role
    log "ready: pid $(pm_pid), $(url '<db>')"
}

stop() {
    if [[ ! -f "$BASE/postmaster.lab.pid" ]]; then
        log "not started by the lab (no $BASE/postmaster.lab.pid)"
        return 0
    fi
    if running; then
        log "stopping postgres pid $(pm_pid) ($DATA)"
        as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null \
            || kill_pid_wait "$(cat "$BASE/postmaster.lab.pid")" 30 0
        log "stopped"
    else
        log "postgres not running"
    fi
    rm -f "$BASE/postmaster.lab.pid"
}

url() { echo "postgres://$USER_NAME:$USER_PASS@127.0.0.1:$PORT/$1"; }

case "${1:-}" in
start) start ;;
stop) stop ;;
url) (($# == 2)) || usage; url "$2" ;;
status)
    if running && ready; then echo "running pid $(pm_pid) port $PORT"; else echo stopped; exit 1; fi ;;
sql)
    (($# >= 2)) || usage
    db="$2"; shift 2
    PGPASSWORD="$USER_PASS" exec psql -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d "$db" "$@" ;;
*) usage ;;
esac
