#!/usr/bin/env bash
# Stops what lab/up.sh started: trickle/sample traffic and the demo Kamailio.
set -euo pipefail
LAB_SCRIPT=down.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SIP="${LAB_SIP_PORT:-5060}"
INST="$LAB_RUN/demo"
if [[ -f "$INST/trickle.pid" ]]; then
    p="$(cat "$INST/trickle.pid")"
    pid_alive "$p" && { log "stopping trickle loop pid $p"; kill_pid_wait "$p" 20 0; }
    rm -f "$INST/trickle.pid"
fi
"$LAB_DIR/traffic.sh" stop "$SIP"
"$LAB_DIR/kamailio.sh" stop "$INST"
log "down"
