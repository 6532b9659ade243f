#!/usr/bin/env bash
# SIPp traffic against a lab Kamailio on 127.0.0.1:<sip_port> (UDP; TCP and [::1] by env, below).
# Every subcommand exits non-zero if any SIPp call failed.
#
#   register     <sip_port> <count> <prefix> <local_port> [domain] [expires]
#                users <prefix>0001..<prefix>NNNN (5 digits if count > 9999),
#                Contact sip:<user>@127.0.0.1:<local_port> ([::1] with LAB_SIPP_IP=::1, transport as
#                LAB_SIPP_TRANSPORT); rate $LAB_REG_RATE (500/s)
#   register-one <sip_port> <user> <local_port> [domain] [expires]   (expires 0 = remove that contact)
#   uas          <sip_port> <mode> <local_port> [user=bob] [max_calls]   UAS in the foreground
#                mode: answer | busy (486) | CODE (400-699) | hangup (BYE after $LAB_CALL_HOLD_MS)
#                      | message (takes MESSAGEs, answers 200; max_calls = how many, then it exits)
#                      | notify (takes a watcher's NOTIFYs, answers 200)
#                      | ring (180, then 487 on CANCEL) | auth (407 first, then 200) | redirect (302)
#                (register it with register-one <sip_port> <user> <local_port>)
#   calls        <sip_port> [count=1] [caller=alice] [callee=bob] [uas_port=sip_port+1000]
#                answered calls, the caller hangs up after $LAB_CALL_HOLD_MS (default 1000 ms)
#   callee-bye   <sip_port> [count=1] [caller=alice] [callee=hugo] [uas_port=sip_port+1400]
#                answered calls, the CALLEE hangs up (its UAS sends the BYE) after $LAB_CALL_HOLD_MS
#   longcall     <sip_port> [count=1] [hold_s=600] [caller=alice] [callee=bob] [uas_port=sip_port+1100]
#                answered calls held hold_s seconds (ended early by a BYE, e.g. dlg.end_dlg: still success)
#   failed       <sip_port> <busy|unknown|CODE> [count=1] [callee] [caller=alice] [uas_port]
#                busy: callee (default carl) registered to a UAS answering 486 (uas_port sip_port+1200)
#                CODE (400-699): callee (default rej<CODE>, carl for 486) registered to a UAS
#                answering CODE (uas_port sip_port+1200 for 486, else sip_port+2000+CODE-400)
#                unknown: callee (default nobody) not registered -> 404 from Kamailio
#   redirect     <sip_port> [count=1] [caller=alice] [callee=moved] [target=elsewhere] [uas_port=sip_port+1500]
#                the callee's UAS answers 302 with Contact sip:<target>@127.0.0.1:<uas_port>; not followed
#   auth         <sip_port> [count=1] [caller=alice] [callee=pat] [uas_port=sip_port+1600]
#                the callee's UAS answers the first INVITE 407, the caller ACKs and resends it with a
#                Proxy-Authorization (same Call-ID and From tag, CSeq 2) -> 200; the caller hangs up
#                after $LAB_CALL_HOLD_MS
#   cancel       <sip_port> [count=1] [caller=alice] [callee=rita] [uas_port=sip_port+1700]
#                the callee's UAS rings (180); the caller CANCELs after $LAB_RING_MS (500) -> 200 for
#                the CANCEL, 487 for the INVITE
#   message      <sip_port> [count=1] [to=dave] [from=alice]   (202 = stored by msilo, 200 = delivered)
#                body $LAB_MESSAGE_BODY (one line, no '[' or ']]>') instead of the lab's text
#   publish      <sip_port> [user=alice] [expires=3600]
#   subscribe    <sip_port> [watcher=bob] [presentity=alice] [local_port=sip_port+1300] [expires=3600]
#
# Subcommands that make calls register the callee at uas_port, run their own UAS
# there and remove that contact again at the end; set LAB_UAS=0 to use a UAS you
# run yourself (`sipp.sh uas ...` + `sipp.sh register-one ...`). Do not run two
# of them with their own UAS for the same callee at once (the callee would fork):
# the defaults give each subcommand its own callee and UAS port.
# Nothing is printed on stdout; the log goes to stderr.
# Env: LAB_DOMAIN (127.0.0.1; [::1] with LAB_SIPP_IP=::1), LAB_REG_RATE (500), LAB_CALL_RATE (10),
#      LAB_CALL_HOLD_MS (1000), LAB_RING_MS (500), LAB_SIPP_DIR (logs; default $LAB_RUN/sipp), LAB_UAS (1),
#      LAB_SIPP_TRANSPORT=udp|tcp (udp: SIPp -t u1; tcp: -t t1, every UAC, UAS and REGISTER over TCP),
#      LAB_SIPP_IP=127.0.0.1|::1 (SIPp's -i; ::1 = every SIPp on [::1], to Kamailio's [::1] listener),
#      LAB_SIPP_TRACE_MSG=1 (SIPp -trace_msg: every message sent/received in <log dir>/messages.log),
#      LAB_SIPP_CID (the UAC's -cid_str instead of <name>-%u-%p@%s; %% is a literal %)
set -euo pipefail
LAB_SCRIPT=sipp.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
shopt -u patsub_replacement 2>/dev/null || true

SCEN="$LAB_DIR/sipp"
LOGBASE="${LAB_SIPP_DIR:-$LAB_RUN/sipp}"
SIPP_TRANSPORT="${LAB_SIPP_TRANSPORT:-udp}"
case "$SIPP_TRANSPORT" in
udp) SIPP_T=u1 ;;
tcp) SIPP_T=t1 ;;
*) die "LAB_SIPP_TRANSPORT must be udp or tcp (got '$SIPP_TRANSPORT')" ;;
esac
SIPP_IP="${LAB_SIPP_IP:-127.0.0.1}"
case "$SIPP_IP" in
127.0.0.1) SIPP_HOST=127.0.0.1 ;;
::1)
    SIPP_HOST="[::1]"
    ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128' ||
        die "LAB_SIPP_IP=::1 but the IPv6 loopback address ::1 is missing (ip -6 addr show dev lo)"
    ;;
*) die "LAB_SIPP_IP must be 127.0.0.1 or ::1 (got '$SIPP_IP')" ;;
esac
DOMAIN_DEFAULT="${LAB_DOMAIN:-$SIPP_HOST}"
# extra SIPp args for every SIPp run: the message log when asked for
trace_args() { # trace_args <wd>
    TRACE_ARGS=()
    [[ "${LAB_SIPP_TRACE_MSG:-0}" == 1 ]] && TRACE_ARGS=(-trace_msg -message_file "$1/messages.log")
    return 0
}

usage() { sed -n '2,53p' "$0" >&2; exit 2; }
num() { [[ "$2" =~ ^[0-9]+$ ]] || die "$1 must be a number (got '$2')"; }

BG_PIDS=()
CLEANUPS=()
cleanup() {
    local rc=$? p c
    for p in "${BG_PIDS[@]}"; do kill_pid_wait "$p" 5 0; done
    for c in "${CLEANUPS[@]}"; do eval "$c" || true; done
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

new_wd() { # new_wd <name> -> prints a fresh log dir (dirs older than a day are pruned)
    mkdir -p "$LOGBASE"
    find "$LOGBASE" -mindepth 1 -maxdepth 1 -type d -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
    mktemp -d "$LOGBASE/$(date +%H%M%S)-$1.XXXX"
}

# Ports Wireshark gives another protocol (udp.port/tcp.port in `tshark -G decodes`, e.g.
# 20000 dnp3, 27950 quake3): it tries the lower port's dissector first, so a SIPp on one
# of them would make a PCAP of the call decode as that protocol instead of SIP. Listed
# once into the run dir (0.4 s); empty without tshark.
claimed_ports() {
    local f="$LAB_RUN/tshark-claimed-ports"
    if [[ ! -s "$f" ]] && command -v tshark >/dev/null; then
        tshark -G decodes 2>/dev/null | awk -F'\t' '$1 == "udp.port" || $1 == "tcp.port" { print " " $2 " " }' \
            | sort -u >"$f.$$" && mv "$f.$$" "$f"
    fi
    cat "$f" 2>/dev/null | tr -d '\n'
}

# SIPp without -p binds 5060 (then 5061...) when free, which can squat a port a
# Kamailio wants later: UACs get a random free port from 20000-29999 instead (none that
# Wireshark gives another protocol).
free_udp_port() {
    local p i claimed
    claimed="$(claimed_ports)"
    for ((i = 0; i < 100; i++)); do
        p=$((20000 + RANDOM % 10000))
        [[ "$claimed" == *" $p "* ]] && continue
        port_listening "$p" || { echo "$p"; return 0; }
    done
    die "no free $SIPP_TRANSPORT port found in 20000-29999"
}

# run_sipp <name> <wd> <sip_port> <scenario> [sipp args...]  (foreground)
run_sipp() {
    local name="$1" wd="$2" port="$3" sf="$4" rc=0
    shift 4
    need_cmd sipp
    kamailio_listening "$port" || die "$name: nothing listens on $SIPP_HOST:$port (tcp): is Kamailio running?"
    local a has_p=0
    for a in "$@"; do [[ "$a" == -p ]] && has_p=1; done
    ((has_p)) || set -- -p "$(free_udp_port)" "$@"
    # background + wait: a TERM to this script interrupts the wait and the EXIT
    # trap kills SIPp (a foreground child would delay the trap until it ends)
    trace_args "$wd"
    (cd "$wd" && exec sipp "$SIPP_HOST:$port" -sf "$sf" -i "$SIPP_IP" -t "$SIPP_T" -nostdin \
        -cid_str "${LAB_SIPP_CID:-$name-%u-%p@%s}" -trace_err -error_file "$wd/errors.log" \
        -trace_screen -screen_file "$wd/screen.log" "${TRACE_ARGS[@]}" "$@" </dev/null >"$wd/stdout.log" 2>&1) &
    local sp=$!
    BG_PIDS+=("$sp")
    wait "$sp" || rc=$?
    local ok fail
    ok=$(grep -aE '^ *Successful call' "$wd/screen.log" 2>/dev/null | tail -n1 | awk '{print $NF}')
    fail=$(grep -aE '^ *Failed call' "$wd/screen.log" 2>/dev/null | tail -n1 | awk '{print $NF}')
    if ((rc != 0)); then
        log "$name: SIPp exit code $rc (successful=${ok:-?} failed=${fail:-?}), logs in $wd"
        [[ -s "$wd/errors.log" ]] && { tail -c 1500 "$wd/errors.log" | tr -d '\r' >&2; echo >&2; }
        grep -aE 'Successful call|Failed call' "$wd/screen.log" 2>/dev/null | tail -n 2 >&2 || true
        return "$rc"
    fi
    log "$name: ok (successful=${ok:-?} failed=${fail:-0}), logs in $wd"
}

# start_uas <scenario file> <local_port> <name> [sipp args...] -> background pid in BG_PIDS
start_uas() {
    local sf="$1" lport="$2" name="$3" wd pid i mode
    shift 3
    mode="$(basename "$sf" .xml)"
    tcp_or_udp_busy "$lport" && die "local port $lport already in use (another UAS?)"
    wd="$(new_wd "uas-$name")"
    trace_args "$wd"
    (cd "$wd" && exec sipp -sf "$sf" -i "$SIPP_IP" -p "$lport" -t "$SIPP_T" -nostdin -s "$name" \
        -trace_err -error_file "$wd/errors.log" "${TRACE_ARGS[@]}" "$@" </dev/null >"$wd/stdout.log" 2>&1) &
    pid=$!
    BG_PIDS+=("$pid")
    for ((i = 0; i < 50; i++)); do
        port_listening "$lport" && break
        pid_alive "$pid" || { tail -n 5 "$wd/stdout.log" >&2; die "UAS ($mode) on port $lport exited"; }
        sleep 0.1
    done
    port_listening "$lport" || die "UAS ($mode) not listening on $SIPP_TRANSPORT $lport"
    log "UAS $mode for $name on $SIPP_TRANSPORT $SIPP_HOST:$lport (pid $pid)"
}

# reason_for <code>: the usual reason phrase
reason_for() {
    case "$1" in
    400) echo "Bad Request" ;; 403) echo "Forbidden" ;; 404) echo "Not Found" ;; 408) echo "Request Timeout" ;;
    410) echo "Gone" ;; 480) echo "Temporarily Unavailable" ;; 484) echo "Address Incomplete" ;;
    486) echo "Busy Here" ;; 487) echo "Request Terminated" ;; 488) echo "Not Acceptable Here" ;;
    500) echo "Server Internal Error" ;; 503) echo "Service Unavailable" ;; 504) echo "Server Time-out" ;;
    600) echo "Busy Everywhere" ;; 603) echo "Decline" ;; 604) echo "Does Not Exist Anywhere" ;;
    606) echo "Not Acceptable" ;; *) echo "Rejected" ;;
    esac
}

# uas_args <mode>: sets UAS_SCEN (scenario file) and UAS_ARGS for a `uas` mode (see the header)
uas_args() {
    local mode="$1" t wd
    UAS_ARGS=()
    case "$mode" in
    answer | hangup | ring | auth | message | notify) UAS_SCEN="$SCEN/uas_$mode.xml" ;;
    redirect) UAS_SCEN="$SCEN/uas_redirect.xml" UAS_ARGS=(-key target "${LAB_REDIRECT_TARGET:-elsewhere}") ;;
    busy | [4-6][0-9][0-9])
        [[ "$mode" == busy ]] && mode=486
        wd="$(new_wd "uas-reject-$mode")"
        t="$(<"$SCEN/uas_reject.xml.tmpl")"
        t="${t//@CODE@/$mode}"
        printf '%s\n' "${t//@REASON@/$(reason_for "$mode")}" >"$wd/uas_reject_$mode.xml"
        UAS_SCEN="$wd/uas_reject_$mode.xml"
        ;;
    *) die "uas mode must be answer, busy, hangup, ring, auth, redirect, message, notify or a code 400-699 (got '$mode')" ;;
    esac
    [[ "$mode" == hangup ]] && UAS_ARGS+=(-d "$(hold_ms)")
    return 0
}

hold_ms() {
    local h="${LAB_CALL_HOLD_MS:-1000}"
    num LAB_CALL_HOLD_MS "$h"
    echo "$h"
}

udp_listening() { ss -Hluan "sport = :$1" 2>/dev/null | grep -q .; }
tcp_listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
# the port as SIPp uses it (udp or tcp, any address)
port_listening() { if [[ "$SIPP_TRANSPORT" == tcp ]]; then tcp_listening "$1"; else udp_listening "$1"; fi; }
tcp_or_udp_busy() { udp_listening "$1" || tcp_listening "$1"; }
kamailio_listening() { (exec 3<>"/dev/tcp/$SIPP_IP/$1") 2>/dev/null; }

register_users() { # <sip_port> <csv> <count> <local_port> <domain> <expires> <name>
    local port="$1" csv="$2" count="$3" lport="$4" dom="$5" exp="$6" name="$7" wd rate tmo
    rate="${LAB_REG_RATE:-500}"
    wd="$(dirname "$csv")"
    tmo=$((count / rate * 3 + 60))
    run_sipp "$name" "$wd" "$port" "$SCEN/register.xml" -inf "$csv" -m "$count" \
        -r "$rate" -rp 1000 -l 2000 -key domain "$dom" -key contact_port "$lport" \
        -key contact_host "$SIPP_HOST" -key contact_transport "$SIPP_TRANSPORT" \
        -key expires "$exp" -timeout "${tmo}s" -timeout_error
}

register_one() { # <sip_port> <user> <local_port> <domain> <expires>
    local wd
    wd="$(new_wd "reg-$2")"
    printf 'SEQUENTIAL\n%s;\n' "$2" >"$wd/users.csv"
    register_users "$1" "$wd/users.csv" 1 "$3" "$4" "$5" "reg-$2"
}

# with_uas <scenario> <sip_port> <callee> <uas_port> [sipp args...]: register callee -> own UAS, undo at exit
with_uas() {
    local mode="$1" port="$2" callee="$3" uport="$4"
    shift 4
    [[ "${LAB_UAS:-1}" == 0 ]] && return 0
    start_uas "$mode" "$uport" "$callee" "$@"
    register_one "$port" "$callee" "$uport" "$DOMAIN_DEFAULT" 3600
    CLEANUPS+=("register_one $port $callee $uport $DOMAIN_DEFAULT 0 >/dev/null 2>&1")
}

render_call() { # <wd> <hold_ms> -> scenario path
    local t
    t="$(<"$SCEN/uac_call.xml.tmpl")"
    printf '%s\n' "${t//@HOLD_MS@/$2}" >"$1/uac_call.xml"
    echo "$1/uac_call.xml"
}

render_fail() { # <wd> <code> -> scenario path
    local t
    t="$(<"$SCEN/uac_fail.xml.tmpl")"
    printf '%s\n' "${t//@CODE@/$2}" >"$1/uac_fail.xml"
    echo "$1/uac_fail.xml"
}

cmd="${1:-}"
[[ -n "$cmd" ]] || usage
shift
case "$cmd" in
register)
    (($# >= 4)) || usage
    port="$1" count="$2" prefix="$3" lport="$4" dom="${5:-$DOMAIN_DEFAULT}" exp="${6:-3600}"
    num sip_port "$port"; num count "$count"; num local_port "$lport"; num expires "$exp"
    ((count >= 1)) || die "count must be >= 1"
    width=4
    ((count > 9999)) && width=5
    ((count > 99999)) && width=${#count}
    wd="$(new_wd "register-$prefix")"
    { echo SEQUENTIAL; seq -f "${prefix}%0${width}g;" 1 "$count"; } >"$wd/users.csv"
    log "registering $count users ${prefix}$(printf "%0${width}d" 1)..${prefix}$(printf "%0${width}d" "$count") -> $SIPP_TRANSPORT $SIPP_HOST:$port (contact port $lport, domain $dom, expires $exp, rate ${LAB_REG_RATE:-500}/s)"
    t0=$(date +%s.%N)
    register_users "$port" "$wd/users.csv" "$count" "$lport" "$dom" "$exp" "register-$prefix"
    log "registered $count users in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
    ;;
register-one)
    (($# >= 3)) || usage
    num sip_port "$1"; num local_port "$3"
    register_one "$1" "$2" "$3" "${4:-$DOMAIN_DEFAULT}" "${5:-3600}"
    ;;
uas)
    (($# >= 3)) || usage
    port="$1" mode="$2" lport="$3" user="${4:-bob}" max="${5:-}"
    uas_args "$mode"
    wd="$(new_wd "uas-$mode-$lport")"
    args=("${UAS_ARGS[@]}")
    [[ -n "$max" ]] && args+=(-m "$max")
    log "UAS $mode on $SIPP_TRANSPORT $SIPP_HOST:$lport (foreground; logs $wd)"
    exec sipp -sf "$UAS_SCEN" -i "$SIPP_IP" -p "$lport" -t "$SIPP_T" -nostdin -s "$user" \
        -trace_err -error_file "$wd/errors.log" -trace_msg -message_file "$wd/messages.log" \
        "${args[@]}" </dev/null >"$wd/stdout.log" 2>&1
    ;;
calls | longcall)
    (($# >= 1)) || usage
    port="$1"
    num sip_port "$port"
    if [[ "$cmd" == calls ]]; then
        count="${2:-1}" caller="${3:-alice}" callee="${4:-bob}" uport="${5:-$((port + 1000))}"
        hold_ms="$(hold_ms)"
    else
        count="${2:-1}" hold_s="${3:-600}" caller="${4:-alice}" callee="${5:-bob}" uport="${6:-$((port + 1100))}"
        num hold_s "$hold_s"
        hold_ms=$((hold_s * 1000))
    fi
    num count "$count"; num uas_port "$uport"
    with_uas "$SCEN/uas_answer.xml" "$port" "$callee" "$uport"
    wd="$(new_wd "$cmd")"
    sf="$(render_call "$wd" "$hold_ms")"
    rate="${LAB_CALL_RATE:-10}"
    log "$cmd: $count call(s) $caller -> $callee, hold ${hold_ms} ms, rate $rate/s"
    run_sipp "$cmd" "$wd" "$port" "$sf" -s "$callee" -key caller "$caller" -key domain "$DOMAIN_DEFAULT" \
        -m "$count" -r "$rate" -l "$((count + 10))" \
        -timeout "$((hold_ms / 1000 + count / rate + 120))s" -timeout_error
    ;;
callee-bye | auth | cancel)
    (($# >= 1)) || usage
    port="$1" count="${2:-1}" caller="${3:-alice}"
    num sip_port "$port"; num count "$count"
    rate="${LAB_CALL_RATE:-10}"
    case "$cmd" in
    callee-bye)
        callee="${4:-hugo}" uport="${5:-$((port + 1400))}" ms="$(hold_ms)"
        uas=("$SCEN/uas_hangup.xml" -d "$ms") uac=(uac_wait_bye.xml) what="the callee hangs up after $ms ms"
        ;;
    auth)
        callee="${4:-pat}" uport="${5:-$((port + 1600))}" ms="$(hold_ms)"
        uas=("$SCEN/uas_auth.xml") uac=(uac_auth.xml -au "$caller" -ap kamscope-lab -d "$ms")
        what="407 then 200, the caller hangs up after $ms ms"
        ;;
    cancel)
        callee="${4:-rita}" uport="${5:-$((port + 1700))}" ms="${LAB_RING_MS:-500}"
        num LAB_RING_MS "$ms"
        uas=("$SCEN/uas_ring.xml") uac=(uac_cancel.xml -d "$ms") what="the caller cancels after $ms ms of ringing"
        ;;
    esac
    num uas_port "$uport"
    with_uas "${uas[@]:0:1}" "$port" "$callee" "$uport" "${uas[@]:1}"
    wd="$(new_wd "$cmd")"
    log "$cmd: $count call(s) $caller -> $callee, $what, rate $rate/s"
    run_sipp "$cmd" "$wd" "$port" "$SCEN/${uac[0]}" "${uac[@]:1}" -s "$callee" -key caller "$caller" \
        -key domain "$DOMAIN_DEFAULT" -m "$count" -r "$rate" -l "$((count + 10))" \
        -timeout "$((ms / 1000 + count / rate + 120))s" -timeout_error
    ;;
failed | redirect)
    (($# >= 1)) || usage
    [[ "$cmd" == failed ]] && { (($# >= 2)) || usage; }
    port="$1"
    num sip_port "$port"
    if [[ "$cmd" == redirect ]]; then
        count="${2:-1}" caller="${3:-alice}" callee="${4:-moved}" target="${5:-elsewhere}"
        uport="${6:-$((port + 1500))}" code=302 mode=redirect
        num uas_port "$uport"
        LAB_REDIRECT_TARGET="$target" uas_args redirect
        with_uas "$UAS_SCEN" "$port" "$callee" "$uport" "${UAS_ARGS[@]}"
    else
        mode="$2" count="${3:-1}"
        case "$mode" in
        unknown) callee="${4:-nobody}" caller="${5:-alice}" code=404 ;;
        busy | [4-6][0-9][0-9])
            code="$mode"
            [[ "$mode" == busy ]] && code=486
            if [[ "$code" == 486 ]]; then
                callee="${4:-carl}" uport="${6:-$((port + 1200))}"
            else
                callee="${4:-rej$code}" uport="${6:-$((port + 2000 + code - 400))}"
            fi
            caller="${5:-alice}"
            num uas_port "$uport"
            uas_args "$code"
            with_uas "$UAS_SCEN" "$port" "$callee" "$uport" "${UAS_ARGS[@]}"
            ;;
        *) die "failed mode must be busy, unknown or a code 400-699 (got '$mode')" ;;
        esac
    fi
    num count "$count"
    wd="$(new_wd "$cmd-$mode")"
    sf="$(render_fail "$wd" "$code")"
    log "$cmd ($mode): $count call(s) $caller -> $callee, final reply $code"
    name="fail$mode"
    [[ "$cmd" == redirect ]] && name=redirect
    run_sipp "$name" "$wd" "$port" "$sf" -s "$callee" -key caller "$caller" \
        -key domain "$DOMAIN_DEFAULT" -m "$count" -r "${LAB_CALL_RATE:-10}" -timeout "$((count + 120))s" -timeout_error
    ;;
message)
    (($# >= 1)) || usage
    port="$1" count="${2:-1}" to="${3:-dave}" from="${4:-alice}"
    num sip_port "$port"; num count "$count"
    wd="$(new_wd message)"
    sf="$SCEN/message.xml"
    if [[ -n "${LAB_MESSAGE_BODY:-}" ]]; then
        [[ "$LAB_MESSAGE_BODY" != *'['* && "$LAB_MESSAGE_BODY" != *']]>'* && "$LAB_MESSAGE_BODY" != *$'\n'* ]] ||
            die "LAB_MESSAGE_BODY must be one line without '[' or ']]>' (SIPp keywords, CDATA end)"
        t="$(<"$sf")"
        sf="$wd/message.xml"
        printf '%s\n' "${t//Hello \[service\], message #\[call_number\] from \[caller\] (kamscope lab)/$LAB_MESSAGE_BODY}" >"$sf"
        grep -qF -- "$LAB_MESSAGE_BODY" "$sf" || die "could not put LAB_MESSAGE_BODY into the scenario"
    fi
    log "message: $count MESSAGE(s) $from -> $to"
    run_sipp msg "$wd" "$port" "$sf" -s "$to" -key caller "$from" -key domain "$DOMAIN_DEFAULT" \
        -m "$count" -r "${LAB_CALL_RATE:-10}" -timeout "$((count + 120))s" -timeout_error
    ;;
publish)
    (($# >= 1)) || usage
    port="$1" user="${2:-alice}" exp="${3:-3600}"
    num sip_port "$port"; num expires "$exp"
    wd="$(new_wd "publish-$user")"
    log "publish: presence of $user (expires $exp)"
    run_sipp pub "$wd" "$port" "$SCEN/publish.xml" -key caller "$user" -key domain "$DOMAIN_DEFAULT" \
        -key expires "$exp" -m 1 -timeout 60s -timeout_error
    ;;
subscribe)
    (($# >= 1)) || usage
    port="$1" watcher="${2:-bob}" pres="${3:-alice}" lport="${4:-$(($1 + 1300))}" exp="${5:-3600}"
    num sip_port "$port"; num local_port "$lport"; num expires "$exp"
    wd="$(new_wd "subscribe-$watcher")"
    log "subscribe: $watcher -> presence of $pres (local port $lport, expires $exp)"
    run_sipp sub "$wd" "$port" "$SCEN/subscribe.xml" -s "$pres" -key caller "$watcher" \
        -key domain "$DOMAIN_DEFAULT" -key expires "$exp" -p "$lport" -m 1 -timeout 60s -timeout_error
    ;;
*) usage ;;
esac
