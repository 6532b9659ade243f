#!/usr/bin/env bash
# Creates Kamailio's tables in MariaDB on first start (from the SQL files Kamailio
# ships, via lab/schema.sh print), renders lab/kamailio.cfg.tmpl and runs Kamailio.
# SIP listens on all addresses; JSON-RPC stays on loopback (kamscope shares this
# container's network namespace, see docker-compose.yml).
#   kamailio-entrypoint.sh           (in the image) create the tables, render, run Kamailio
#   kamailio-entrypoint.sh --check   (scripts/test.sh) render from this clone and `kamailio -c` it
set -euo pipefail
: "${DB_HOST:=mariadb}" "${DB_NAME:=kamailio}" "${DB_USER:=kamailio}" "${DB_PASS:=kamailiorw}"
: "${SIP_PORT:=5060}" "${RPC_PORT:=5071}" "${USE_DOMAIN:=0}"
TMPL=/opt/kamscope/lab/kamailio.cfg.tmpl
[[ "${1:-}" == --check ]] && TMPL="$(dirname "${BASH_SOURCE[0]}")/../lab/kamailio.cfg.tmpl"
# Every placeholder of the lab's template; the timers take the lab's defaults (lab/kamailio.sh).
render() {
    sed -e "s|@SIP_PORT@|$SIP_PORT|g" -e "s|@RPC_PORT@|$RPC_PORT|g" -e "s|@USE_DOMAIN@|$USE_DOMAIN|g" \
        -e "s|@RUNDIR@|$1|g" -e "s|@DBURL@|mysql://$DB_USER:$DB_PASS@$DB_HOST/$DB_NAME|g" \
        -e "s|@TOPOS_CLEAN_INTERVAL@|${TOPOS_CLEAN_INTERVAL:-60}|g" \
        -e "s|@PRESENCE_SUBS_DB_MODE@|${PRESENCE_SUBS_DB_MODE:-1}|g" \
        -e "s|@PRESENCE_CLEAN_PERIOD@|${PRESENCE_CLEAN_PERIOD:-30}|g" \
        -e "s|@PRESENCE_DB_UPDATE_PERIOD@|${PRESENCE_DB_UPDATE_PERIOD:-20}|g" \
        -e "s|@MSILO_CHECK_TIME@|${MSILO_CHECK_TIME:-30}|g" \
        -e "s|^listen=udp:127.0.0.1:|listen=udp:0.0.0.0:|" -e "s|^listen=tcp:127.0.0.1:$SIP_PORT|listen=tcp:0.0.0.0:$SIP_PORT|" \
        "$TMPL" >"$2"
    if grep -n '@[A-Z_]*@' "$2"; then
        echo "kamailio-entrypoint.sh: the template has placeholders this script does not fill (above)" >&2
        exit 1
    fi
}
if [[ "${1:-}" == --check ]]; then
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
    render "$out" "$out/kamailio.cfg"
    kamailio -c -f "$out/kamailio.cfg" >"$out/check.log" 2>&1 || { cat "$out/check.log" >&2; exit 1; }
    echo "kamailio-entrypoint.sh: the image's kamailio.cfg renders and parses"
    exit 0
fi
mysql_() { mysql -h "$DB_HOST" -u "$DB_USER" -p"$DB_PASS" "$DB_NAME" "$@"; }
for _ in $(seq 1 60); do mysql_ -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done
if ! mysql_ -e 'SELECT 1 FROM version LIMIT 1' >/dev/null 2>&1; then
    echo "creating Kamailio's tables in $DB_NAME"
    bash /opt/kamscope/lab/schema.sh print mysql | mysql_
fi
mkdir -p /run/kamailio
render /run/kamailio /etc/kamailio/kamailio.cfg
exec kamailio -f /etc/kamailio/kamailio.cfg -DD -E -m "${SHM_MB:-256}" -M "${PKG_MB:-32}"
