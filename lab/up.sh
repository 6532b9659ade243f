#!/usr/bin/env bash
# Demo lab: install, fresh SQLite DB lab/run/kamailio.sqlite, Kamailio on SIP 5060 /
# RPC http://127.0.0.1:5071/RPC (instance dir lab/run/demo), sample traffic, and the
# trickle loop in the background. Stop with lab/down.sh.
# Env: LAB_SIP_PORT (5060), LAB_RPC_PORT (5071), LAB_SKIP_APT=1 (no package step),
#      KAMSCOPE_LAB_DIR (run dir, default lab/run).
set -euo pipefail
LAB_SCRIPT=up.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SIP="${LAB_SIP_PORT:-5060}" RPCP="${LAB_RPC_PORT:-5071}"
INST="$LAB_RUN/demo"
DB="$LAB_RUN/kamailio.sqlite"

if [[ -f "$INST/kamailio.pid" ]] && pid_alive "$(cat "$INST/kamailio.pid")"; then
    log "already up (kamailio pid $(cat "$INST/kamailio.pid")); run lab/down.sh first to restart"
    exit 0
fi
"$LAB_DIR/install.sh"
mkdir -p "$LAB_RUN"
"$LAB_DIR/schema.sh" sqlite "$DB" >/dev/null
"$LAB_DIR/kamailio.sh" start "$INST" "sqlite://$DB" "$SIP" "$RPCP" 0
if ! "$LAB_DIR/traffic.sh" "$SIP"; then
    log "sample traffic failed; leaving Kamailio up for inspection (lab/down.sh to stop)"
    exit 1
fi
setsid nohup "$LAB_DIR/traffic.sh" "$SIP" --trickle --no-sample </dev/null >"$INST/trickle.log" 2>&1 &
echo "$!" >"$INST/trickle.pid"
log "trickle traffic running (pid $!, log $INST/trickle.log)"
cat >&2 <<MSG

  Kamailio: SIP udp/tcp 127.0.0.1:$SIP, JSON-RPC http://127.0.0.1:$RPCP/RPC
  DB:       sqlite://$DB   (sqlite3 $DB)
  Log:      $INST/kamailio.log
  Stop:     lab/down.sh
MSG
