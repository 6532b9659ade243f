#!/usr/bin/env bash
# End-to-end check of the lab on each backend: DB servers, schema, Kamailio
# (all backends side by side), $SELFTEST_USERS (5000) registrations checked via
# ul.dump brief and SQL, answered/busy/404 calls, MESSAGE (msilo), PUBLISH/SUBSCRIBE,
# a long call ended with dlg.end_dlg; checks acc/missed_calls/acc_cdrs/dialog/
# sip_trace/topos/presence/silo rows. Stops everything it started (DB servers only
# if they were not already running).
#   lab/selftest.sh [sqlite] [mysql] [postgres]      (default: all three)
# Env: SELFTEST_USERS (5000), SELFTEST_DIR (default $LAB_RUN/selftest), SELFTEST_KEEP=1 (leave running)
set -euo pipefail
LAB_SCRIPT=selftest.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BACKENDS=("$@")
((${#BACKENDS[@]})) || BACKENDS=(sqlite mysql postgres)
USERS="${SELFTEST_USERS:-5000}"
DIR="${SELFTEST_DIR:-$LAB_RUN/selftest}"
L="$LAB_DIR"
declare -A SIP=([sqlite]=5260 [mysql]=5262 [postgres]=5264)
declare -A RPC=([sqlite]=5270 [mysql]=5272 [postgres]=5274)
declare -A URL
STARTED_DB=()
STARTED_KAM=()
FAILS=0
REPORT=()

cleanup() {
    local rc=$? d
    if [[ "${SELFTEST_KEEP:-0}" == 1 ]]; then log "SELFTEST_KEEP=1: leaving everything running"; exit "$rc"; fi
    for d in "${STARTED_KAM[@]}"; do "$L/kamailio.sh" stop "$d" || true; done
    for d in "${STARTED_DB[@]}"; do "$L/$d.sh" stop || true; done
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

rpc() { # rpc <port> <method> [json params]
    curl -s -m 10 -d "{\"jsonrpc\":\"2.0\",\"method\":\"$2\",\"params\":${3:-[]},\"id\":1}" "http://127.0.0.1:$1/RPC"
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
check() { # check <backend> <what> <actual> <op> <expected>
    local ok=0
    case "$4" in
    eq) [[ "$3" == "$5" ]] && ok=1 ;;
    ge) [[ "$3" =~ ^[0-9]+$ ]] && (($3 >= $5)) && ok=1 ;;
    esac
    if ((ok)); then log "  ok   [$1] $2 = $3"; else log "  FAIL [$1] $2 = '$3' (expected $4 $5)"; FAILS=$((FAILS + 1)); fi
}
q() { "$L/sql.sh" "${URL[$1]}" "$2"; }
wait_for() { # wait_for <seconds> <cmd...>: poll until the command succeeds
    local t="$1" i
    shift
    for ((i = 0; i < t * 5; i++)); do "$@" && return 0; sleep 0.2; done
    return 1
}

t_all=$(now)
"$L/install.sh"
mkdir -p "$DIR"

for b in "${BACKENDS[@]}"; do
    case "$b" in
    sqlite) ;;
    mysql | postgres)
        srv=mariadb
        [[ "$b" == postgres ]] && srv=postgres
        if ! "$L/$srv.sh" status >/dev/null 2>&1; then
            t=$(now)
            "$L/$srv.sh" start
            STARTED_DB+=("$srv")
            REPORT+=("$srv start: $(since "$t")s")
        fi
        ;;
    *) die "unknown backend $b" ;;
    esac
    t=$(now)
    if [[ "$b" == sqlite ]]; then URL[$b]="$("$L/schema.sh" sqlite "$DIR/selftest.sqlite")"
    else URL[$b]="$("$L/schema.sh" "$b" kam_selftest)"; fi
    REPORT+=("[$b] schema: $(since "$t")s")
    "$L/kamailio.sh" stop "$DIR/kam-$b" >/dev/null 2>&1 || true
    t=$(now)
    "$L/kamailio.sh" start "$DIR/kam-$b" "${URL[$b]}" "${SIP[$b]}" "${RPC[$b]}" 0
    STARTED_KAM+=("$DIR/kam-$b")
    REPORT+=("[$b] kamailio start: $(since "$t")s")
done

for b in "${BACKENDS[@]}"; do
    s="${SIP[$b]}" r="${RPC[$b]}"
    log "=== $b: sip $s rpc $r ${URL[$b]}"
    t=$(now)
    "$L/sipp.sh" register "$s" "$USERS" user 5999
    REPORT+=("[$b] register $USERS: $(since "$t")s ($(q "$b" "select count(*) from sip_trace where method='REGISTER' and direction='in'") REGISTERs received incl. retransmissions)")
    t=$(now)
    n=$(rpc "$r" ul.dump '["brief"]' | jq '.result.Domains[0].Domain.AoRs | length')
    REPORT+=("[$b] ul.dump brief: $(since "$t")s")
    check "$b" "ul.dump brief AoRs" "$n" eq "$USERS"
    check "$b" "SQL location rows" "$(q "$b" "select count(*) from location")" eq "$USERS"
    check "$b" "SQL distinct usernames" "$(q "$b" "select count(distinct username) from location")" eq "$USERS"
    check "$b" "usrloc.registered_users" "$(rpc "$r" stats.fetchn '["usrloc:registered_users"]' | jq '.result["usrloc.registered_users"]')" eq "$USERS"

    t=$(now)
    "$L/sipp.sh" calls "$s" 2 alice bob
    "$L/sipp.sh" failed "$s" busy 1 carl alice
    "$L/sipp.sh" failed "$s" unknown 1 nobody alice
    "$L/sipp.sh" message "$s" 1 dave alice
    "$L/sipp.sh" publish "$s" alice
    "$L/sipp.sh" subscribe "$s" bob alice
    REPORT+=("[$b] calls+failed+message+presence: $(since "$t")s")

    # topos keeps ended dialogs only ~branch_expire (180 s): check right away
    check "$b" "topos_d rows" "$(q "$b" "select count(*) from topos_d")" ge 3

    # long call, checked live, then ended over RPC
    "$L/sipp.sh" longcall "$s" 1 300 alice bob >"$DIR/longcall-$b.log" 2>&1 &
    lpid=$!
    if wait_for 20 bash -c "[[ \$(curl -s -m 3 -d '{\"jsonrpc\":\"2.0\",\"method\":\"dlg.stats_active\",\"id\":1}' http://127.0.0.1:$r/RPC | jq .result.ongoing) == 1 ]]"; then
        check "$b" "dlg.stats_active ongoing" 1 eq 1
    else
        check "$b" "dlg.stats_active ongoing" "$(rpc "$r" dlg.stats_active | jq -c .result)" eq 1
    fi
    wait_for 10 bash -c "[[ \$('$L/sql.sh' '${URL[$b]}' 'select count(*) from dialog where state=4') == 1 ]]" || true
    check "$b" "dialog rows state 4 (live call)" "$(q "$b" "select count(*) from dialog where state=4")" eq 1
    hh=$(rpc "$r" dlg.list | jq -c '[.result[] | select((.["call-id"] | startswith("longcall")) and .state == 4)][0] | [.h_entry, .h_id]')
    check "$b" "dlg.end_dlg $hh" "$(rpc "$r" dlg.end_dlg "$hh" | jq -c .result)" eq "{}"
    lrc=0
    wait "$lpid" || lrc=$?
    check "$b" "longcall ended by dlg.end_dlg, sipp rc" "$lrc" eq 0
    wait_for 10 bash -c "[[ \$('$L/sql.sh' '${URL[$b]}' 'select count(*) from dialog') == 0 ]]" || true
    check "$b" "dialog rows after end" "$(q "$b" "select count(*) from dialog")" eq 0

    check "$b" "acc INVITE 200" "$(q "$b" "select count(*) from acc where method='INVITE' and sip_code='200'")" eq 3
    check "$b" "acc BYE 200" "$(q "$b" "select count(*) from acc where method='BYE' and sip_code='200'")" eq 2
    check "$b" "acc INVITE 486" "$(q "$b" "select count(*) from acc where sip_code='486'")" eq 1
    check "$b" "acc INVITE 404" "$(q "$b" "select count(*) from acc where sip_code='404'")" eq 1
    check "$b" "acc extra src_user/dst_user" "$(q "$b" "select count(*) from acc where src_user='alice' and dst_user in ('bob','carl','nobody') and src_ip='127.0.0.1'")" eq 7
    check "$b" "missed_calls" "$(q "$b" "select count(*) from missed_calls")" eq 2
    check "$b" "acc_cdrs answered with callid" "$(q "$b" "select count(*) from acc_cdrs where callid like 'calls-%' and dst_user='bob' and duration > 0.5")" eq 2
    check "$b" "acc_cdrs total" "$(q "$b" "select count(*) from acc_cdrs")" eq 5
    cid=$(q "$b" "select callid from acc where callid like 'calls-%' limit 1")
    check "$b" "sip_trace rows of one answered call" "$(q "$b" "select count(*) from sip_trace where callid='$cid'")" eq 12
    check "$b" "sip_trace REGISTER rows" "$(q "$b" "select count(*) from sip_trace where method='REGISTER'")" ge $((USERS * 2))
    check "$b" "silo (offline MESSAGE)" "$(q "$b" "select count(*) from silo where username='dave'")" eq 1
    check "$b" "presentity alice" "$(q "$b" "select count(*) from presentity where username='alice'")" eq 1
    check "$b" "active_watchers bob->alice" "$(q "$b" "select count(*) from active_watchers where watcher_username='bob'")" eq 1
    check "$b" "watchers (pending)" "$(q "$b" "select count(*) from watchers where status=2")" eq 1
    errs=$(grep -c ' ERROR: ' "$DIR/kam-$b/kamailio.log" || true)
    REPORT+=("[$b] kamailio.log ERROR lines: $errs")
done

log "=== timings"
for l in "${REPORT[@]}"; do log "  $l"; done
log "total $(since "$t_all")s, $FAILS failed check(s)"
((FAILS == 0)) || die "$FAILS check(s) failed"
log "selftest passed"
