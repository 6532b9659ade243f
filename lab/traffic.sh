#!/usr/bin/env bash
# Demo traffic for a lab Kamailio on 127.0.0.1:<sip_port>.
#   lab/traffic.sh <sip_port>                     sample traffic, then return
#   lab/traffic.sh <sip_port> --trickle           sample traffic, then loop until killed:
#                                                 re-register every ~60 s, a call every ~30 s
#   lab/traffic.sh <sip_port> --trickle --no-sample   loop only
#   lab/traffic.sh stop <sip_port>                stop everything traffic.sh started for that port
# Sample: registers $LAB_DEMO_USERS (20) users demo0001.. plus alice, bob (UAS answering,
# udp sip_port+1000), carl (UAS busy, sip_port+1200); 3 answered calls alice->bob,
# 2 busy calls alice->carl, 1 call to unknown 'nobody' (404), $LAB_LONGCALLS (2) long
# calls alice->bob held $LAB_LONGCALL_S (900) s in the background, 2 MESSAGEs to
# offline 'dave' (msilo), PUBLISH alice, SUBSCRIBE bob->alice.
# Background pids (UASes, long calls, the trickle loop) are in $LAB_RUN/traffic-<port>/pids.
set -euo pipefail
LAB_SCRIPT=traffic.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '2,14p' "$0" >&2; exit 2; }
SIPP="$LAB_DIR/sipp.sh"

[[ $# -ge 1 ]] || usage
if [[ "$1" == stop ]]; then
    [[ $# -ge 2 ]] || usage
    st="$LAB_RUN/traffic-$2"
    if [[ -f "$st/pids" ]]; then
        # trickle loop first (it cleans up its own children), then the rest
        if [[ -f "$st/trickle.pid" ]]; then
            p="$(cat "$st/trickle.pid")"
            pid_alive "$p" && { log "stopping trickle loop pid $p"; kill_pid_wait "$p" 20 0; }
            rm -f "$st/trickle.pid"
        fi
    fi
    if [[ -f "$st/pids" ]]; then
        while read -r p what; do
            [[ -n "$p" ]] || continue
            if pid_alive "$p"; then
                log "stopping $what (pid $p)"
                kill_pid_wait "$p" 10 0
            fi
        done < <(cat "$st/pids" 2>/dev/null || true)
        rm -f "$st/pids"
    fi
    log "traffic for port $2 stopped"
    exit 0
fi

PORT="$1"
shift
[[ "$PORT" =~ ^[0-9]+$ ]] || usage
TRICKLE=0 SAMPLE=1
for a in "$@"; do
    case "$a" in
    --trickle) TRICKLE=1 ;;
    --no-sample) SAMPLE=0 ;;
    *) usage ;;
    esac
done

ST="$LAB_RUN/traffic-$PORT"
mkdir -p "$ST"
export LAB_SIPP_DIR="$ST/sipp"
NUSERS="${LAB_DEMO_USERS:-20}"
BOB_PORT=$((PORT + 1000)) CARL_PORT=$((PORT + 1200)) ALICE_PORT=$((PORT + 1400)) DEMO_PORT=$((PORT + 1500))
SUB_PORT=$((PORT + 1300))
LONG_S="${LAB_LONGCALL_S:-900}" NLONG="${LAB_LONGCALLS:-2}"

# bg <what> <cmd...>: start detached (own session), record pid
bg() {
    local what="$1"
    shift
    setsid nohup "$@" </dev/null >>"$ST/$what.log" 2>&1 &
    echo "$! $what" >>"$ST/pids"
    log "started $what (pid $!, log $ST/$what.log)"
}

alive_what() { # alive_what <what> -> true if a recorded live pid has that name
    [[ -f "$ST/pids" ]] || return 1
    local p w
    while read -r p w; do
        [[ "$w" == "$1" ]] && pid_alive "$p" && return 0
    done <"$ST/pids"
    return 1
}

ensure_uas() {
    if ! alive_what uas-bob; then
        bg uas-bob "$SIPP" uas "$PORT" answer "$BOB_PORT" bob
    fi
    if ! alive_what uas-carl; then
        bg uas-carl "$SIPP" uas "$PORT" busy "$CARL_PORT" carl
    fi
    local i
    for ((i = 0; i < 50; i++)); do
        ss -Hluan "sport = :$BOB_PORT" | grep -q . && ss -Hluan "sport = :$CARL_PORT" | grep -q . && return 0
        sleep 0.1
    done
    die "UASes for bob/carl did not come up (logs in $ST)"
}

register_all() {
    "$SIPP" register "$PORT" "$NUSERS" demo "$DEMO_PORT"
    "$SIPP" register-one "$PORT" alice "$ALICE_PORT"
    "$SIPP" register-one "$PORT" bob "$BOB_PORT"
    "$SIPP" register-one "$PORT" carl "$CARL_PORT"
}

start_longcalls() {
    if ! alive_what longcalls; then
        bg longcalls env LAB_UAS=0 "$SIPP" longcall "$PORT" "$NLONG" "$LONG_S" alice bob
    fi
}

sample() {
    log "sample traffic -> 127.0.0.1:$PORT"
    ensure_uas
    register_all
    LAB_UAS=0 "$SIPP" calls "$PORT" 3 alice bob
    LAB_UAS=0 "$SIPP" failed "$PORT" busy 2 carl alice
    "$SIPP" failed "$PORT" unknown 1 nobody alice
    start_longcalls
    "$SIPP" message "$PORT" 2 dave alice
    "$SIPP" publish "$PORT" alice 3600
    "$SIPP" subscribe "$PORT" bob alice "$SUB_PORT" 3600
    log "sample traffic done"
}

if ((SAMPLE)); then sample; fi
((TRICKLE)) || exit 0

# ---- trickle loop (foreground until killed) ----
echo $$ >"$ST/trickle.pid"
stop_all() {
    trap - EXIT TERM INT
    log "trickle loop stopping"
    if [[ -f "$ST/pids" ]]; then
        while read -r p w; do
            [[ -n "$p" && "$p" != "$$" ]] && pid_alive "$p" && kill_pid_wait "$p" 10 0
        done <"$ST/pids"
        rm -f "$ST/pids"
    fi
    rm -f "$ST/trickle.pid"
}
trap 'stop_all; exit 0' TERM INT
trap stop_all EXIT

log "trickle loop (pid $$): re-register every 60 s, a call every 30 s; stop with: lab/traffic.sh stop $PORT"
ensure_uas
n=0
last_reg=$SECONDS
while :; do
    sleep 30 &
    wait $! || true
    n=$((n + 1))
    ensure_uas
    start_longcalls
    if ((SECONDS - last_reg >= 55)); then
        register_all || log "re-registration failed (continuing)"
        last_reg=$SECONDS
    fi
    case $((n % 6)) in
    0 | 2 | 4) LAB_UAS=0 "$SIPP" calls "$PORT" 1 alice bob || log "call failed (continuing)" ;;
    1) LAB_UAS=0 "$SIPP" failed "$PORT" busy 1 carl alice || log "busy call failed (continuing)" ;;
    3) "$SIPP" failed "$PORT" unknown 1 nobody alice || log "404 call failed (continuing)" ;;
    5) "$SIPP" message "$PORT" 1 dave alice || log "message failed (continuing)" ;;
    esac
    # keep sipp log dirs from growing without bound
    find "$LAB_SIPP_DIR" -mindepth 1 -maxdepth 1 -type d -mmin +30 -exec rm -rf {} + 2>/dev/null || true
done
