#!/usr/bin/env bash
# The API contract, judged against a live kamscope on real Kamailio labs (SQLite):
#   1. schemathesis, all checks, on every read operation (lab "contract-read": SIPp users,
#      contacts, short and long calls, a PUBLISH and a SUBSCRIBE, MESSAGEs stored by msilo);
#   2. a client generated from the committed openapi/openapi.json by openapi-python-client,
#      used by tests/contract/test_<tag>.py on the same lab, compared with Kamailio's own RPC
#      and tables (it deletes a user and a contact and ends a call, so it runs after the
#      read fuzzing);
#   3. schemathesis, all checks, on every operation (deletes and call ends included), on a
#      lab of its own ("contract-destructive"), last.
# The schemathesis runs get the lab's real names as dictionaries (tests/contract/dictionaries.py).
# Python tools come from a venv outside the clone, pinned by tests/contract/requirements.txt.
# Ports: Kamailio 27060-27099, kamscope 18095 (read lab) and 18096 (destructive lab).
# Env: CONTRACT_MAX_EXAMPLES (cases per operation and phase, default 100), CONTRACT_TIMEOUT
#      (seconds one schemathesis run may take, default 240), CONTRACT_SEED (default 1; schemathesis
#      prints the seed of every run), CONTRACT_KAMSCOPE_BIN (default: cargo test --no-run, then target/debug/kamscope),
#      CONTRACT_VENV (default ${XDG_CACHE_HOME:-~/.cache}/kamscope/venv).
# Output: tests/output/contract/ (schemathesis reports, logs, the generated client).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
t0=$SECONDS
OUT="$ROOT/tests/output/contract"
VENV="${CONTRACT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/kamscope/venv}"
REQ="$ROOT/tests/contract/requirements.txt"
CONFIG="$ROOT/tests/contract/schemathesis.toml"
SPEC="$ROOT/openapi/openapi.json"
MAX_EXAMPLES="${CONTRACT_MAX_EXAMPLES:-100}"
TIMEOUT="${CONTRACT_TIMEOUT:-240}"
READ_SIP=27060 READ_RPC=27071 READ_API=18095
DEST_SIP=27080 DEST_RPC=27091 DEST_API=18096
rm -rf "$OUT" && mkdir -p "$OUT"
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in tests/contract
lab_run_dir
RUN="$LAB_RUN"

labs=() pids=() groups=()
cleanup() {
    local g p l
    step_times
    for g in "${groups[@]}"; do kill -- "-$g" 2>/dev/null || true; done
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for l in "${labs[@]}"; do lab/kamailio.sh stop "$l" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

elapsed() { echo "$((SECONDS - t0)) s"; }

step "contract: the lab's packages (lab/install.sh) and a Python venv ($VENV) with schemathesis and openapi-python-client"
lab/install.sh || fail "installing the lab packages"
# Debian 12 ships venv's ensurepip in python3-venv (apt_install skips what is installed).
if command -v dpkg-query >/dev/null 2>&1; then apt_install python3 python3-venv; fi
if ! cmp -s "$REQ" "$VENV/kamscope-requirements.txt" 2>/dev/null; then
    rm -rf "$VENV"
    python3 -m venv "$VENV" || fail "python3 -m venv $VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ" || fail "pip install -r $REQ"
    cp "$REQ" "$VENV/kamscope-requirements.txt"
fi
"$VENV/bin/schemathesis" --version

BIN="${CONTRACT_KAMSCOPE_BIN:-}"
if [[ -z "$BIN" ]]; then
    # As scripts/test.sh does: the binary the tests build (`cargo build -p kamscope-server`
    # alone resolves dependency features differently and would rebuild part of it).
    cargo test --workspace --no-run -q || fail "building kamscope"
    BIN="$ROOT/target/debug/kamscope"
fi

# start_lab <name> <sip_port> <rpc_port>: a fresh SQLite Kamailio in $RUN/<name>
start_lab() {
    local inst="$RUN/$1"
    rm -rf "$inst" && mkdir -p "$inst"
    lab/schema.sh sqlite "$inst/kamailio.sqlite" >/dev/null || fail "schema for $1"
    labs+=("$inst")
    # presence in the database only, its and msilo's own cleaners slowed to an hour: the
    # client test's cleanups decide what goes (they count rows it back-dates).
    KAMSCOPE_PRESENCE_SUBS_DB_MODE=3 KAMSCOPE_PRESENCE_CLEAN_PERIOD=3600 \
    KAMSCOPE_PRESENCE_DB_UPDATE_PERIOD=3600 KAMSCOPE_MSILO_CHECK_TIME=3600 \
    lab/kamailio.sh start "$inst" "sqlite://$inst/kamailio.sqlite" "$2" "$3" 0 || fail "starting Kamailio $1"
}

# start_kamscope <name> <api_port> <rpc_port>
start_kamscope() {
    local inst="$RUN/$1"
    KAMSCOPE_LISTEN="127.0.0.1:$2" \
    KAMSCOPE_DATABASE_URL="sqlite://$inst/kamailio.sqlite" \
    KAMSCOPE_KAMAILIO_RPC_URL="http://127.0.0.1:$3/RPC" \
    KAMSCOPE_TIMEZONE=Asia/Shanghai \
        "$BIN" serve >"$OUT/kamscope-$1.log" 2>&1 &
    pids+=($!)
    wait_http "http://127.0.0.1:$2/api/v1/health" 60 || fail "kamscope $1 did not start ($OUT/kamscope-$1.log)"
}

# long_calls <sip_port> <callee> <uas_port> <count> <log>: a UAS for <callee> taking
# <count> calls and a UAC holding them 600 s, each in its own process group; sets UAS and UAC.
long_calls() {
    local sip="$1" callee="$2" uport="$3" n="$4" log="$5"
    setsid lab/sipp.sh uas "$sip" answer "$uport" "$callee" "$n" >"$log-uas.log" 2>&1 &
    UAS=$!
    groups+=("$UAS")
    sleep 1
    lab/sipp.sh register-one "$sip" "$callee" "$uport" >/dev/null 2>&1 || fail "registering $callee's UAS"
    LAB_UAS=0 setsid lab/sipp.sh longcall "$sip" "$n" 600 alice "$callee" >"$log-uac.log" 2>&1 &
    UAC=$!
    groups+=("$UAC")
}

# A message body a browser would run if it were shown as markup (sipp.sh: one line, no '[').
HTML_BODY='<b>bold</b> <script>alert("kamscope")</script> <img src=x onerror="alert(1)"> & done'
# presence_and_messages <sip_port> <watcher_port> <log>: alice PUBLISHes, bob SUBSCRIBEs to
# her from <watcher_port> and a UAS there answers the NOTIFYs to come (one timing out would
# end the subscription); MESSAGEs to two users who never register, so msilo keeps them:
# 2 alice -> offdave (the lab's text), 1 carol -> offerin ($HTML_BODY).
presence_and_messages() {
    local sip="$1" wport="$2" log="$3" pid
    lab/sipp.sh publish "$sip" alice || fail "PUBLISH alice"
    lab/sipp.sh subscribe "$sip" bob alice "$wport" || fail "SUBSCRIBE bob -> alice"
    setsid lab/sipp.sh uas "$sip" notify "$wport" bob >"$log-notify.log" 2>&1 &
    pid=$!
    groups+=("$pid")
    lab/sipp.sh message "$sip" 2 offdave alice || fail "MESSAGEs to offdave"
    LAB_MESSAGE_BODY="$HTML_BODY" lab/sipp.sh message "$sip" 1 offerin carol || fail "MESSAGE to offerin"
}

# wait_dialogs <rpc_port> <count>: until Kamailio's dlg.list holds <count> confirmed calls
wait_dialogs() {
    local i n=0
    for i in $(seq 1 60); do
        n="$(curl -s -m 3 -d '{"jsonrpc":"2.0","method":"dlg.list","id":1}' "http://127.0.0.1:$1/RPC" |
            grep -o '"state":4' | wc -l || true)"
        ((n == $2)) && return 0
        sleep 0.5
    done
    fail "Kamailio on RPC port $1 has $n confirmed calls, not $2"
}

# fuzz <name> <api_port> <rpc_port> [schemathesis filter args...]: all checks; adds up the cases
fuzz() {
    local name="$1" port="$2" rc=0 cases
    "$VENV/bin/python" tests/contract/dictionaries.py "http://127.0.0.1:$3/RPC" kamailio "$OUT/dictionaries" \
        || fail "reading the $name lab's names for schemathesis"
    shift 3
    # One worker: with threads, Python 3.11's ast.parse (hypothesis reads lambda sources with
    # it) can fail with "SystemError: AST constructor recursion depth mismatch".
    set +e
    timeout --signal=INT --kill-after=20 "$TIMEOUT" \
        "$VENV/bin/schemathesis" --config-file "$CONFIG" run "$SPEC" \
        --url "http://127.0.0.1:$port/api/v1" --checks all --exclude-checks positive_data_acceptance,use_after_free \
        --max-examples "$MAX_EXAMPLES" --seed "${CONTRACT_SEED:-1}" --workers 1 --no-color \
        --report junit --report-dir "$OUT/schemathesis-$name" "$@" 2>&1 | tee "$OUT/schemathesis-$name.log"
    rc=${PIPESTATUS[0]}
    set -e
    ((rc != 124)) || fail "schemathesis ($name) took more than $TIMEOUT s"
    cases="$(grep -oE '^ *[0-9]+ generated' "$OUT/schemathesis-$name.log" | tail -1 | grep -oE '[0-9]+' || echo 0)"
    echo "schemathesis ($name): $cases test cases, exit status $rc ($(elapsed) so far)"
    CASES=$((CASES + cases))
    # Later steps still run, so that one run shows everything; the script fails at the end.
    ((rc == 0)) || FUZZ_FAILED+=("$name (tests/output/contract/schemathesis-$name.log)")
}
FUZZ_FAILED=()
CASES=0

step "contract: read lab (Kamailio SIP $READ_SIP / RPC $READ_RPC, kamscope :$READ_API), SIPp users and calls"
start_lab contract-read "$READ_SIP" "$READ_RPC"
USERS=40
lab/sipp.sh register "$READ_SIP" "$USERS" ct 27061 || fail "registering $USERS SIPp users"
# For the client test's deletes: one user to delete, one with two contacts to lose one.
lab/sipp.sh register-one "$READ_SIP" ctdelete 27061 || fail "registering ctdelete"
lab/sipp.sh register-one "$READ_SIP" cttwo 27062 && lab/sipp.sh register-one "$READ_SIP" cttwo 27063 \
    || fail "registering cttwo's two contacts"
# CDRs and acc rows for the history and the dashboard: answered calls and one failed (404).
lab/sipp.sh calls "$READ_SIP" 3 alice dave 27067 || fail "SIPp calls"
lab/sipp.sh failed "$READ_SIP" unknown 1 || fail "SIPp failed call"
# Two calls alice -> bob stay up for the lists; one alice -> carol is ended by the client test.
long_calls "$READ_SIP" bob 27065 2 "$OUT/sipp-bob"
long_calls "$READ_SIP" carol 27066 1 "$OUT/sipp-carol"
END_UAS=$UAS END_UAC=$UAC
wait_dialogs "$READ_RPC" 3
presence_and_messages "$READ_SIP" 27068 "$OUT/sipp-presence"
start_kamscope contract-read "$READ_API" "$READ_RPC"

step "contract: schemathesis on the read operations"
fuzz read "$READ_API" "$READ_RPC" --include-method GET

step "contract: generated client (openapi-python-client) against the live server"
set +e
KAMSCOPE_URL="http://127.0.0.1:$READ_API" \
KAMSCOPE_RPC_URL="http://127.0.0.1:$READ_RPC/RPC" \
KAMSCOPE_DB_FILE="$RUN/contract-read/kamailio.sqlite" \
KAMSCOPE_EXPECT_USERS="$(printf 'ct%04d,' $(seq 1 "$USERS") | sed 's/,$//')" \
KAMSCOPE_DELETE_USER=ctdelete \
KAMSCOPE_TWO_CONTACTS_USER=cttwo \
KAMSCOPE_END_CALLEE=carol \
KAMSCOPE_END_PIDS="$END_UAS,$END_UAC" \
KAMSCOPE_HTML_BODY="$HTML_BODY" \
KAMSCOPE_SPEC="$SPEC" \
KAMSCOPE_CLIENT_DIR="$OUT/client" \
KAMSCOPE_REQUIRE_ALL_OPERATIONS=1 \
    "$VENV/bin/python" -m pytest -p no:cacheprovider -v tests/contract 2>&1 | tee "$OUT/client-test.log"
rc=${PIPESTATUS[0]}
set -e
((rc == 0)) || fail "generated-client test ($OUT/client-test.log)"
# The ended call's SIPp parties must have exited by themselves, successfully (both got BYE).
for p in END_UAS END_UAC; do
    rc=0; wait "${!p}" || rc=$?
    ((rc == 0)) || fail "SIPp ($p) exited with $rc after its call was ended ($OUT/sipp-carol-*.log)"
done

step "contract: destructive lab (Kamailio SIP $DEST_SIP / RPC $DEST_RPC, kamscope :$DEST_API)"
start_lab contract-destructive "$DEST_SIP" "$DEST_RPC"
lab/sipp.sh register "$DEST_SIP" 20 cd 27081 || fail "registering SIPp users"
lab/sipp.sh register-one "$DEST_SIP" cdtwo 27082 && lab/sipp.sh register-one "$DEST_SIP" cdtwo 27083 \
    || fail "registering cdtwo's two contacts"
long_calls "$DEST_SIP" bob 27085 2 "$OUT/sipp-dest"
wait_dialogs "$DEST_RPC" 2
presence_and_messages "$DEST_SIP" 27088 "$OUT/sipp-dest-presence"
start_kamscope contract-destructive "$DEST_API" "$DEST_RPC"

# Every operation, so that the stateful phase follows the links it infers from the lists
# (GET /registrations -> DELETE /registrations/{aor}, GET /dialogs -> POST .../end) to real
# users and calls.
step "contract: schemathesis on every operation, destructive ones included"
fuzz destructive "$DEST_API" "$DEST_RPC"

((${#FUZZ_FAILED[@]} == 0)) || fail "schemathesis ($CASES test cases) found failures: ${FUZZ_FAILED[*]}"
((CASES >= 1000)) || fail "schemathesis ran only $CASES test cases (at least 1,000 wanted: CONTRACT_MAX_EXAMPLES)"
step "contract: passed: schemathesis ran $CASES test cases with all checks, the generated-client test passed"
