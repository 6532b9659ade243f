#!/usr/bin/env bash
# Creates the Kamailio 5.6 tables the lab config needs, from the SQL files that
# Kamailio ships (/usr/share/kamailio/{db_sqlite,mysql,postgres}/<module>-create.sql):
#   standard usrloc dialog acc siptrace topos presence msilo auth_db registrar
# plus: acc/missed_calls extra columns src_user src_domain src_ip dst_ouser dst_user
# dst_domain, acc_cdrs extra columns src_user dst_user callid (all nullable),
# SQLite: sip_trace.totag nullable (siptrace binds NULL) and journal_mode=WAL.
#
#   lab/schema.sh sqlite   <db_file>   removes and recreates the file (+ -wal/-shm)
#   lab/schema.sh mysql    <dbname>    DROP + CREATE DATABASE on lab/mariadb.sh's server
#   lab/schema.sh print    <backend>   only prints the SQL
#   lab/schema.sh postgres <dbname>    DROP (FORCE) + CREATE DATABASE on lab/postgres.sh's server
# A last argument --stock-acc leaves acc, missed_calls and acc_cdrs exactly as
# acc-create.sql makes them (no extra columns); run that Kamailio with KAMSCOPE_STOCK_ACC=1.
# The MySQL/PostgreSQL servers must be running (lab/mariadb.sh start, lab/postgres.sh start);
# the Kamailio DB URL is printed at the end (same as `lab/<server>.sh url <dbname>`).
set -euo pipefail
LAB_SCRIPT=schema.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

MODULES=(standard usrloc dialog acc siptrace topos presence msilo auth_db registrar)
SHARE="${KAMAILIO_SHARE:-/usr/share/kamailio}"

usage() { sed -n '2,16p' "$0" >&2; exit 2; }
stock_acc=0
if (($# == 3)); then
    [[ "$3" == --stock-acc ]] || usage
    stock_acc=1
    set -- "$1" "$2"
fi
(($# == 2)) || usage
backend="$1" target="$2"
# `lab/schema.sh print <backend>` only prints the SQL (docker/kamailio-entrypoint.sh uses it).
print_only=0
if [[ "$backend" == print ]]; then print_only=1; backend="$target"; target=kamailio; fi

case "$backend" in
sqlite) dialect_dir="$SHARE/db_sqlite" ;;
mysql) dialect_dir="$SHARE/mysql" ;;
postgres | postgresql | pgsql) backend=postgres; dialect_dir="$SHARE/postgres" ;;
*) die "unknown backend '$backend' (sqlite|mysql|postgres)" ;;
esac
for m in "${MODULES[@]}"; do
    [[ -f "$dialect_dir/$m-create.sql" ]] || die "missing $dialect_dir/$m-create.sql (install kamailio packages: lab/install.sh)"
done
if [[ "$backend" != sqlite ]]; then
    [[ "$target" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "database name '$target' must match [A-Za-z_][A-Za-z0-9_]*"
fi

# All create files concatenated (+ SQLite totag fix), then the extra columns.
build_sql() {
    local m
    for m in "${MODULES[@]}"; do
        echo "-- ===== $m-create.sql"
        if [[ "$backend" == sqlite && "$m" == siptrace ]]; then
            # db_sqlite stores NULL for an absent To-tag: make totag nullable
            sed -E "s/(totag VARCHAR\(128\) DEFAULT '')[[:space:]]+NOT NULL/\1/" "$dialect_dir/$m-create.sql"
        else
            cat "$dialect_dir/$m-create.sql"
        fi
        echo
    done
    if ((stock_acc)); then
        echo "-- ===== stock acc tables (no db_extra / cdr_extra columns)"
        return 0
    fi
    echo "-- ===== lab extra columns (acc db_extra / cdr_extra)"
    local t
    for t in acc missed_calls; do
        for col in "src_user VARCHAR(64)" "src_domain VARCHAR(128)" "src_ip VARCHAR(64)" \
            "dst_ouser VARCHAR(64)" "dst_user VARCHAR(64)" "dst_domain VARCHAR(128)"; do
            echo "ALTER TABLE $t ADD COLUMN $col DEFAULT NULL;"
        done
    done
    for col in "src_user VARCHAR(64)" "dst_user VARCHAR(64)" "callid VARCHAR(255)"; do
        echo "ALTER TABLE acc_cdrs ADD COLUMN $col DEFAULT NULL;"
    done
}

if ((print_only)); then build_sql; exit 0; fi

t0=$SECONDS
case "$backend" in
sqlite)
    need_cmd sqlite3
    [[ "$target" == /* ]] || target="$PWD/$target"
    mkdir -p "$(dirname "$target")"
    log "creating SQLite database $target (WAL)"
    rm -f "$target" "$target-wal" "$target-shm" "$target-journal"
    { echo "PRAGMA journal_mode=WAL;"; echo "BEGIN;"; build_sql; echo "COMMIT;"; } \
        | sqlite3 -bail "$target" >/dev/null || die "loading schema into $target failed"
    mode="$(sqlite3 "$target" 'PRAGMA journal_mode;')"
    [[ "$mode" == wal ]] || die "journal_mode is '$mode', expected wal"
    url="sqlite://$target"
    ;;
mysql)
    need_cmd mariadb
    "$LAB_DIR/mariadb.sh" status >/dev/null 2>&1 || die "MariaDB lab server is not running: lab/mariadb.sh start"
    log "recreating MySQL database $target"
    "$LAB_DIR/mariadb.sh" sql mysql -e "DROP DATABASE IF EXISTS \`$target\`; CREATE DATABASE \`$target\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;" \
        || die "could not (re)create database $target"
    build_sql | "$LAB_DIR/mariadb.sh" sql "$target" || die "loading schema into $target failed"
    url="$("$LAB_DIR/mariadb.sh" url "$target")"
    ;;
postgres)
    need_cmd psql
    "$LAB_DIR/postgres.sh" status >/dev/null 2>&1 || die "PostgreSQL lab server is not running: lab/postgres.sh start"
    log "recreating PostgreSQL database $target"
    PGOPTIONS="-c client_min_messages=warning" "$LAB_DIR/postgres.sh" sql postgres -q -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS \"$target\" WITH (FORCE);" \
        -c "CREATE DATABASE \"$target\" OWNER kamailio ENCODING 'UTF8' TEMPLATE template0;" \
        || die "could not (re)create database $target"
    { echo "BEGIN;"; build_sql; echo "COMMIT;"; } \
        | "$LAB_DIR/postgres.sh" sql "$target" -q -v ON_ERROR_STOP=1 >/dev/null \
        || die "loading schema into $target failed"
    url="$("$LAB_DIR/postgres.sh" url "$target")"
    ;;
esac
log "schema ready in $((SECONDS - t0))s$( ((stock_acc)) && echo " (stock acc tables)"): $url"
echo "$url"
