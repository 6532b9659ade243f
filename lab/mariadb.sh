#!/usr/bin/env bash
# Private MariaDB server for the lab: 127.0.0.1:3307, data in $LAB_RUN/mariadb
# ($LAB_RUN: lab/rundir.sh; KAMSCOPE_LAB_DIR overrides), own socket, TZ=Asia/Shanghai
# (default-time-zone = SYSTEM = TZ). User kamailio/kamailiorw with ALL on *.*.
#   lab/mariadb.sh start          idempotent; waits until ready; creates the user
#   lab/mariadb.sh stop           stops the server started by start (recorded pid)
#   lab/mariadb.sh url DBNAME     -> mysql://kamailio:kamailiorw@127.0.0.1:3307/DBNAME
#   lab/mariadb.sh status
#   lab/mariadb.sh sql DBNAME [mariadb client args...]   client as kamailio (stdin or -e)
# Env: KAMSCOPE_MARIADB_PORT (default 3307).
set -euo pipefail
LAB_SCRIPT=mariadb.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PORT="${KAMSCOPE_MARIADB_PORT:-3307}"
BASE="$LAB_RUN/mariadb"
DATA="$BASE/data"
SOCK="$BASE/mysqld.sock"
PIDF="$BASE/mariadbd.lab.pid"
ERRLOG="$BASE/mariadbd.err"
USER_NAME=kamailio
USER_PASS=kamailiorw

usage() { sed -n '2,11p' "$0" >&2; exit 2; }

ping_ok() { mariadb-admin --no-defaults --socket="$SOCK" -uroot ping >/dev/null 2>&1; }
running() { [[ -f "$PIDF" ]] && pid_alive "$(cat "$PIDF")"; }

root_sql() { mariadb --no-defaults --socket="$SOCK" -uroot "$@"; }

ensure_user() {
    root_sql <<SQL || die "could not create user $USER_NAME"
CREATE USER IF NOT EXISTS '$USER_NAME'@'%' IDENTIFIED BY '$USER_PASS';
CREATE USER IF NOT EXISTS '$USER_NAME'@'localhost' IDENTIFIED BY '$USER_PASS';
ALTER USER '$USER_NAME'@'%' IDENTIFIED BY '$USER_PASS';
ALTER USER '$USER_NAME'@'localhost' IDENTIFIED BY '$USER_PASS';
GRANT ALL PRIVILEGES ON *.* TO '$USER_NAME'@'%';
GRANT ALL PRIVILEGES ON *.* TO '$USER_NAME'@'localhost';
FLUSH PRIVILEGES;
SQL
}

check_access() {
    # every directory above the datadir must be searchable by the mysql user
    local d="$BASE"
    while [[ "$d" != / ]]; do
        if [[ -e "$d" ]] && ! runuser -u mysql -- test -x "$d"; then
            die "user mysql cannot enter $d (no x permission): set KAMSCOPE_LAB_DIR to a directory it can reach"
        fi
        d="$(dirname "$d")"
    done
}

start() {
    need_cmd mariadbd mariadb mariadb-admin mariadb-install-db
    id mysql >/dev/null 2>&1 || die "no mysql OS user: run lab/install.sh"
    mkdir -p "$BASE"
    check_access
    if running && ping_ok; then
        log "already running (pid $(cat "$PIDF")) on 127.0.0.1:$PORT"
        ensure_user
        return 0
    fi
    if tcp_port_busy "$PORT"; then
        die "127.0.0.1:$PORT is in use by another process (not ours: no live pid in $PIDF)"
    fi
    if [[ ! -d "$DATA/mysql" ]]; then
        log "initializing datadir $DATA"
        rm -rf "$DATA"
        mkdir -p "$DATA"
        chown -R mysql:mysql "$BASE"
        mariadb-install-db --no-defaults --user=mysql --datadir="$DATA" --skip-test-db \
            --auth-root-authentication-method=socket >"$BASE/install-db.log" 2>&1 \
            || { tail -n 20 "$BASE/install-db.log" >&2; die "mariadb-install-db failed"; }
    fi
    chown -R mysql:mysql "$BASE"
    log "starting mariadbd on 127.0.0.1:$PORT (TZ=$LAB_TZ), log $ERRLOG"
    (
        export TZ="$LAB_TZ"
        exec setsid nohup mariadbd --no-defaults --user=mysql --datadir="$DATA" \
            --socket="$SOCK" --port="$PORT" --bind-address=127.0.0.1 \
            --pid-file="$BASE/mariadbd.pid" --log-error="$ERRLOG" \
            --skip-name-resolve --skip-log-bin --default-time-zone=SYSTEM \
            --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
            --innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=2 \
            --innodb-log-file-size=64M --max-connections=500 \
            </dev/null >>"$BASE/mariadbd.out" 2>&1
    ) &
    echo $! >"$PIDF"
    local t0=$SECONDS
    until ping_ok; do
        if ! running; then
            tail -n 30 "$ERRLOG" >&2 || true
            die "mariadbd exited during startup (see $ERRLOG)"
        fi
        ((SECONDS - t0 < 60)) || { tail -n 30 "$ERRLOG" >&2; die "mariadbd not ready after 60s"; }
        sleep 0.3
    done
    ensure_user
    log "ready in $((SECONDS - t0))s: pid $(cat "$PIDF"), $(url '<db>')"
}

stop() {
    if ! [[ -f "$PIDF" ]]; then
        log "not started by the lab (no $PIDF)"
        return 0
    fi
    local pid
    pid="$(cat "$PIDF")"
    if pid_alive "$pid"; then
        log "stopping mariadbd pid $pid"
        kill_pid_wait "$pid" 60 0
        log "stopped"
    else
        log "mariadbd pid $pid not running"
    fi
    rm -f "$PIDF"
}

url() { echo "mysql://$USER_NAME:$USER_PASS@127.0.0.1:$PORT/$1"; }

case "${1:-}" in
start) start ;;
stop) stop ;;
url) (($# == 2)) || usage; url "$2" ;;
status)
    if running && ping_ok; then echo "running pid $(cat "$PIDF") port $PORT"; else echo stopped; exit 1; fi ;;
sql)
    (($# >= 2)) || usage
    db="$2"; shift 2
    exec mariadb --no-defaults -h 127.0.0.1 -P "$PORT" -u"$USER_NAME" -p"$USER_PASS" "$db" "$@" ;;
*) usage ;;
esac
