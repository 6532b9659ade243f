#!/usr/bin/env bash
# Creates Kamailio's tables in MariaDB on first start (from the SQL files Kamailio
# ships, via lab/schema.sh print), renders lab/kamailio.cfg.tmpl and runs Kamailio.
# SIP listens on all addresses; JSON-RPC stays on loopback (kamscope shares this
# container's network namespace, see docker-compose.yml).
set -euo pipefail
: "${DB_HOST:=mariadb}" "${DB_NAME:=kamailio}" "${DB_USER:=kamailio}" "${DB_PASS:=kamailiorw}"
: "${SIP_PORT:=5060}" "${RPC_PORT:=5071}" "${USE_DOMAIN:=0}"
mysql_() { mysql -h "$DB_HOST" -u "$DB_USER" -p"$DB_PASS" "$DB_NAME" "$@"; }
for _ in $(seq 1 60); do mysql_ -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done
if ! mysql_ -e 'SELECT 1 FROM version LIMIT 1' >/dev/null 2>&1; then
    echo "creating Kamailio's tables in $DB_NAME"
    bash /opt/kamscope/lab/schema.sh print mysql | mysql_
fi
mkdir -p /run/kamailio
sed -e "s|@SIP_PORT@|$SIP_PORT|g" -e "s|@RPC_PORT@|$RPC_PORT|g" -e "s|@USE_DOMAIN@|$USE_DOMAIN|g" \
    -e "s|@RUNDIR@|/run/kamailio|g" -e "s|@DBURL@|mysql://$DB_USER:$DB_PASS@$DB_HOST/$DB_NAME|g" \
    -e "s|^listen=udp:127.0.0.1:|listen=udp:0.0.0.0:|" -e "s|^listen=tcp:127.0.0.1:$SIP_PORT|listen=tcp:0.0.0.0:$SIP_PORT|" \
    /opt/kamscope/lab/kamailio.cfg.tmpl > /etc/kamailio/kamailio.cfg
exec kamailio -f /etc/kamailio/kamailio.cfg -DD -E -m "${SHM_MB:-256}" -M "${PKG_MB:-32}"
