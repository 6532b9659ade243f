#!/usr/bin/env bash
# Start/stop one Kamailio lab instance.
#   lab/kamailio.sh start <instance_dir> <dburl> <sip_port> <rpc_port> [use_domain 0|1]
#   lab/kamailio.sh stop <instance_dir>
#   lab/kamailio.sh render <instance_dir> <dburl> <sip_port> <rpc_port> [use_domain]  (cfg only + kamailio -c)
#   lab/kamailio.sh status <instance_dir>
# Files in <instance_dir>: kamailio.cfg (rendered), kamailio.log (stdout+stderr),
# kamailio.pid (main pid, also the process-group id), ctl socket.
# Env: KAMAILIO_SHM_MB (default 128), KAMAILIO_PKG_MB (default 16),
#      KAMSCOPE_SIPTRACE=flag|core (default flag: sip_trace() per request; core: every packet),
#      KAMSCOPE_TRACED_USER=0|1 (default 0; 1 = siptrace traced_user_avp = each request's From user: every
#      traced message stored twice, traced_user '' and the user; flag mode only),
#      KAMSCOPE_IPV6=yes|no (default yes: SIP also on udp/tcp [::1]:<sip_port>; needs the loopback ::1),
#      KAMSCOPE_TCP_ASYNC=yes|no (default yes; no = blocking TCP writes, big RPC replies safe),
#      KAMSCOPE_STOCK_ACC=0|1 (default 0; 1 = no acc db_extra/cdr_extra, for `schema.sh ... --stock-acc`),
#      KAMSCOPE_LAB_TZ (default Asia/Shanghai: Kamailio's TZ, the zone of MySQL DATETIMEs / PostgreSQL TIMESTAMPs it writes),
#      KAMSCOPE_TOPOS_CLEAN_INTERVAL (default 60 s: topos' own cleaner; tests that back-date rows slow it),
#      KAMSCOPE_PRESENCE_SUBS_DB_MODE (default 1), KAMSCOPE_PRESENCE_CLEAN_PERIOD (30 s),
#      KAMSCOPE_PRESENCE_DB_UPDATE_PERIOD (20 s), KAMSCOPE_MSILO_CHECK_TIME (30 s): presence's and msilo's timers,
#      KAMAILIO_START_TIMEOUT (default 20 s).
set -euo pipefail
LAB_SCRIPT=kamailio.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
shopt -u patsub_replacement 2>/dev/null || true

usage() {
    sed -n '2,20p' "$0" >&2
    exit 2
}

rpc() { # rpc <rpc_port> <method> -> prints reply body
    curl -s -m 3 -H 'Content-Type: application/json' \
        -d "{\"jsonrpc\":\"2.0\",\"method\":\"$2\",\"id\":1}" "http://127.0.0.1:$1/RPC"
}

render() { # render <instance_dir> <dburl> <sip_port> <rpc_port> <use_domain>
    local dir="$1" url="$2" sip="$3" rpcp="$4" ud="$5" t
    [[ "$sip" =~ ^[0-9]+$ && "$rpcp" =~ ^[0-9]+$ ]] || die "ports must be numbers (sip=$sip rpc=$rpcp)"
    [[ "$ud" == 0 || "$ud" == 1 ]] || die "use_domain must be 0 or 1 (got '$ud')"
    case "$url" in
    sqlite://*)
        local f="${url#sqlite://}"
        [[ -f "$f" ]] || die "SQLite DB file $f does not exist: create it with lab/schema.sh sqlite $f"
        ;;
    mysql://* | postgres://*) ;;
    *) die "unsupported db url '$url' (sqlite:///abs/path, mysql://..., postgres://...)" ;;
    esac
    mkdir -p "$dir"
    t="$(<"$LAB_DIR/kamailio.cfg.tmpl")"
    t="${t//@SIP_PORT@/$sip}"
    t="${t//@RPC_PORT@/$rpcp}"
    t="${t//@DBURL@/$url}"
    t="${t//@USE_DOMAIN@/$ud}"
    t="${t//@RUNDIR@/$dir}"
    t="${t//@TOPOS_CLEAN_INTERVAL@/${KAMSCOPE_TOPOS_CLEAN_INTERVAL:-60}}"
    local v
    for v in PRESENCE_SUBS_DB_MODE:1 PRESENCE_CLEAN_PERIOD:30 PRESENCE_DB_UPDATE_PERIOD:20 MSILO_CHECK_TIME:30; do
        local name="${v%%:*}" def="${v#*:}" val
        val="$(printenv "KAMSCOPE_$name" || echo "$def")"
        [[ "$val" =~ ^[0-9]+$ ]] || die "KAMSCOPE_$name must be a number (got '$val')"
        t="${t//@$name@/$val}"
    done
    printf '%s\n' "$t" >"$dir/kamailio.cfg"
}

kam_args() {
    KARGS=(-f "$1/kamailio.cfg")
    case "${KAMSCOPE_SIPTRACE:-flag}" in
    core) KARGS+=(-A WITH_SIPTRACE_CORE) ;;
    flag) ;;
    *) die "KAMSCOPE_SIPTRACE must be flag or core" ;;
    esac
    case "${KAMSCOPE_TRACED_USER:-0}" in
    1)
        [[ "${KAMSCOPE_SIPTRACE:-flag}" == flag ]] || die "KAMSCOPE_TRACED_USER=1 needs KAMSCOPE_SIPTRACE=flag"
        KARGS+=(-A WITH_TRACED_USER)
        ;;
    0) ;;
    *) die "KAMSCOPE_TRACED_USER must be 0 or 1" ;;
    esac
    case "${KAMSCOPE_IPV6:-yes}" in
    yes) KARGS+=(-A WITH_IPV6) ;;
    no) ;;
    *) die "KAMSCOPE_IPV6 must be yes or no" ;;
    esac
    case "${KAMSCOPE_TCP_ASYNC:-yes}" in
    no) KARGS+=(-A WITH_TCP_SYNC) ;;
    yes) ;;
    *) die "KAMSCOPE_TCP_ASYNC must be yes or no" ;;
    esac
    case "${KAMSCOPE_STOCK_ACC:-0}" in
    1) KARGS+=(-A WITH_STOCK_ACC) ;;
    0) ;;
    *) die "KAMSCOPE_STOCK_ACC must be 0 or 1" ;;
    esac
}

# The [::1] listeners need IPv6 on loopback (Debian has it; containers often do not):
# say so plainly instead of Kamailio's "bind failed" deep in its log.
check_ipv6() {
    [[ "${KAMSCOPE_IPV6:-yes}" == yes ]] || return 0
    if ! ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128'; then
        die "the IPv6 loopback address ::1 is missing (ip -6 addr show dev lo; enable it with sysctl -w net.ipv6.conf.lo.disable_ipv6=0) - or start without the [::1] listeners: KAMSCOPE_IPV6=no"
    fi
}

check_cfg() {
    local dir="$1"
    kam_args "$dir"
    if ! TZ="$LAB_TZ" kamailio -c "${KARGS[@]}" >"$dir/kamailio-check.log" 2>&1; then
        tail -n 30 "$dir/kamailio-check.log" >&2
        die "kamailio -c failed for $dir/kamailio.cfg (see $dir/kamailio-check.log)"
    fi
}

cmd="${1:-}"
case "$cmd" in
start | render)
    (($# >= 5)) || usage
    need_cmd kamailio curl
    dir="$2"
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    url="$3" sip="$4" rpcp="$5" ud="${6:-0}"
    if [[ -f "$dir/kamailio.pid" ]] && pid_alive "$(cat "$dir/kamailio.pid")"; then
        die "kamailio already running for $dir (pid $(cat "$dir/kamailio.pid")): stop it first"
    fi
    check_ipv6
    render "$dir" "$url" "$sip" "$rpcp" "$ud"
    log "rendered $dir/kamailio.cfg (sip=$sip rpc=$rpcp use_domain=$ud db=$url)"
    check_cfg "$dir"
    log "kamailio -c ok"
    [[ "$cmd" == render ]] && exit 0
    for p in "$rpcp" "$sip"; do
        tcp_port_busy "$p" && die "tcp port 127.0.0.1:$p is already in use"
    done
    if [[ "${KAMSCOPE_IPV6:-yes}" == yes ]] && (exec 3<>"/dev/tcp/::1/$sip") 2>/dev/null; then
        die "tcp port [::1]:$sip is already in use"
    fi
    preload=""
    if [[ "$url" == sqlite://* ]]; then
        preload="$LAB_BUILD/libsqlite_busy.so"
        [[ -f "$preload" ]] || die "$preload missing: run lab/install.sh"
    fi
    kam_args "$dir"
    shm="${KAMAILIO_SHM_MB:-128}" pkg="${KAMAILIO_PKG_MB:-16}"
    log "starting kamailio (-m $shm -M $pkg, TZ=$LAB_TZ${preload:+, LD_PRELOAD=$preload}$( [[ "${KAMSCOPE_STOCK_ACC:-0}" == 1 ]] && echo ", stock acc")), log $dir/kamailio.log"
    rm -f "$dir/kamailio.pid" "$dir/kamailio_ctl"
    (
        cd "$dir"
        export TZ="$LAB_TZ"
        if [[ -n "$preload" ]]; then export LD_PRELOAD="$preload"; fi
        exec setsid nohup kamailio "${KARGS[@]}" -DD -E -m "$shm" -M "$pkg" </dev/null >"$dir/kamailio.log" 2>&1
    ) &
    pid=$!
    echo "$pid" >"$dir/kamailio.pid"
    tmo="${KAMAILIO_START_TIMEOUT:-20}"
    t0=$SECONDS
    while :; do
        if ! pid_alive "$pid"; then
            tail -n 40 "$dir/kamailio.log" >&2 || true
            rm -f "$dir/kamailio.pid"
            die "kamailio exited during startup (log above, $dir/kamailio.log)"
        fi
        if rpc "$rpcp" core.version 2>/dev/null | grep -q '"result"'; then break; fi
        if ((SECONDS - t0 >= tmo)); then
            tail -n 40 "$dir/kamailio.log" >&2 || true
            kill_pid_wait "$pid" 10 1
            rm -f "$dir/kamailio.pid"
            die "kamailio did not answer core.version on http://127.0.0.1:$rpcp/RPC within ${tmo}s"
        fi
        sleep 0.2
    done
    log "kamailio up: pid $pid, sip udp/tcp 127.0.0.1:$sip$([[ "${KAMSCOPE_IPV6:-yes}" == yes ]] && echo " and [::1]:$sip"), rpc http://127.0.0.1:$rpcp/RPC ($((SECONDS - t0))s)"
    ;;
stop)
    (($# >= 2)) || usage
    dir="$2"
    pf="$dir/kamailio.pid"
    if [[ ! -f "$pf" ]]; then
        log "no $pf: nothing to stop"
        exit 0
    fi
    pid="$(cat "$pf")"
    if pid_alive "$pid"; then
        log "stopping kamailio pid $pid ($dir)"
        kill_pid_wait "$pid" 15 1
        log "stopped"
    else
        log "kamailio pid $pid not running"
    fi
    rm -f "$pf"
    ;;
status)
    (($# >= 2)) || usage
    pf="$2/kamailio.pid"
    if [[ -f "$pf" ]] && pid_alive "$(cat "$pf")"; then
        echo "running pid $(cat "$pf")"
    else
        echo "stopped"
        exit 1
    fi
    ;;
*) usage ;;
esac
