#!/usr/bin/env bash
# Runs every kamscope test on Debian 12, installing what it needs:
#   formatting and clippy (backend and web UI), unit tests, the OpenAPI drift check,
#   the acceptance tests against a real Kamailio with SIPp traffic on SQLite, MariaDB
#   and PostgreSQL (incl. 5,000 registrations and 1,000 calls), docker-compose.yml
#   validation, the browser test of the web UI in headless Chromium, and the benchmarks
#   against raw SQL / raw JSON-RPC at a smoke size (BENCH_FULL=1: full size).
# Prints each step's time and the total at the end.
# Output: tests/output/ (cargo-test.log, screenshots/, bench.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
OUT="$ROOT/tests/output"
mkdir -p "$OUT"
started=()
cleanup() {
    local rc=$? s p
    # The browser test's SIPp UAS and long calls run in their own process groups.
    for p in "${UAS_PID:-}" "${CALLS_PID:-}"; do
        [[ -n "$p" ]] && kill -- "-$p" 2>/dev/null || true
    done
    [[ -n "${KAMSCOPE_PID:-}" ]] && kill "$KAMSCOPE_PID" 2>/dev/null || true
    [[ -n "${KAMSCOPE2_PID:-}" ]] && kill "$KAMSCOPE2_PID" 2>/dev/null || true
    [[ -n "${LAB_RUN:-}" && -d "$LAB_RUN/browser-test" ]] && lab/kamailio.sh stop "$LAB_RUN/browser-test" >/dev/null 2>&1 || true
    for s in "${started[@]}"; do lab/"$s".sh stop || true; done
    step_times
    ((rc == 0)) || printf '\033[1;31mFAILED in: %s\033[0m\n' "${STEP_TITLES[-1]:-}" >&2
    if ((rc == 0)); then
        passed=$(grep -oE '^test result: ok\. [0-9]+ passed' "$OUT/cargo-test.log" | awk '{s += $4} END {print s + 0}')
        printf '\n\033[1;32mAll tests passed\033[0m (cargo: %s passed, 0 failed). Screenshots: tests/output/screenshots/, benchmarks: tests/output/bench.md\n' "$passed"
    fi
    exit "$rc"
}
trap cleanup EXIT

# The web UI's toolchain is Debian's (frontend/rust-toolchain.toml), so are its linters.
frontend_cargo() {
    (cd frontend && PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 /usr/bin/cargo "$@")
}

step "1 Installing: the lab (Kamailio, SIPp, MariaDB, PostgreSQL), Rust, Node.js + Chromium, docker-compose, Debian's rustfmt/clippy"
lab/install.sh || fail "installing the lab packages"
ensure_rust
ensure_browser
# The web UI's Debian toolchain (frontend/build.sh installs it too), needed by steps 2-3.
apt_install docker-compose rustc-web cargo-web rust-web-src lld-22 rustfmt-web rust-web-clippy
cargo fmt --version >/dev/null 2>&1 && cargo clippy --version >/dev/null 2>&1 \
    || fail "$(command -v cargo) has no rustfmt/clippy: rustup component add rustfmt clippy"
lab_run_dir

step "2 Formatting (cargo fmt --check: backend, web UI), docker-compose.yml and the image's kamailio.cfg"
cargo fmt --all --check || fail "backend formatting (cargo fmt --all shows the diff above)"
# Not --all: that would also walk the path dependency crates/api-types into the backend.
frontend_cargo fmt --check || fail "web UI formatting (cd frontend && cargo fmt)"
docker-compose -f docker-compose.yml config -q || fail "docker-compose config"
# No Docker daemon here: the Kamailio image's entrypoint renders the lab's template as it
# would in the image, and Kamailio checks the result (a new placeholder breaks the image).
docker/kamailio-entrypoint.sh --check || fail "the Kamailio image's kamailio.cfg (docker/kamailio-entrypoint.sh)"

step "3 cargo clippy -D warnings: backend (all targets), web UI (wasm)"
cargo clippy --workspace --all-targets -- -D warnings || fail "clippy on the backend"
frontend_cargo clippy --all-targets -- -D warnings || fail "clippy on the web UI"

step "4 Fast tier: unit and route tests over fakes, OpenAPI drift (seconds, no lab)"
# The whole workspace is selected so features resolve as in step 6 (nothing rebuilt there).
cargo test --workspace --lib --bins --test openapi_drift 2>&1 | tee "$OUT/cargo-test-fast.log"
((PIPESTATUS[0] == 0)) || fail "the fast tier (log: tests/output/cargo-test-fast.log)"

step "5 Starting the lab's MariaDB (127.0.0.1:3307) and PostgreSQL (127.0.0.1:5433)"
for s in mariadb postgres; do
    if ! lab/$s.sh status >/dev/null 2>&1; then started+=("$s"); fi
    lab/$s.sh start || fail "starting $s"
done

step "6 cargo test --workspace (unit, OpenAPI drift, acceptance on SQLite/MariaDB/PostgreSQL: registrations incl. 5,000, dialogs incl. 1,000 calls, dashboard, two nodes)"
set +e
cargo test --workspace --no-fail-fast -- --nocapture 2>&1 | tee "$OUT/cargo-test.log"
rc=${PIPESTATUS[0]}
set -e
((rc == 0)) || fail "cargo test (log: tests/output/cargo-test.log)"
# Every test the test binaries contain must have run and passed: none filtered,
# skipped or ignored. The list comes from the binaries themselves (--list).
cargo test --workspace -q -- --list 2>/dev/null | sed -n 's/: test$//p' >"$OUT/cargo-tests-listed.txt"
[[ -s "$OUT/cargo-tests-listed.txt" ]] || fail "cargo test -- --list listed no tests"
missing="$(awk 'NR == FNR { want[$0]++; next }
    /^test .* \.\.\. ok$/ { sub(/^test /, ""); sub(/ \.\.\. ok$/, ""); got[$0]++ }
    END { for (t in want) if (got[t] < want[t]) print t }' "$OUT/cargo-tests-listed.txt" "$OUT/cargo-test.log")"
[[ -z "$missing" ]] || fail "these tests did not run and pass: $(echo $missing)"
say "all $(wc -l <"$OUT/cargo-tests-listed.txt") tests of the test binaries ran and passed"

step "7 Building the web UI"
frontend/build.sh || fail "building the web UI"

step "8 Browser test: real Kamailio + SIPp users, kamscope serving the UI, headless Chromium"
# The kamscope binary step 5 built for the tests: `cargo build -p kamscope-server` alone
# resolves dependency features differently and would rebuild part of it.
cargo test --workspace --no-run -q || fail "building kamscope"
inst="$LAB_RUN/browser-test"
rm -rf "$inst" && mkdir -p "$inst"
lab/schema.sh sqlite "$inst/kamailio.sqlite" >/dev/null
# topos' own cleaner slowed: only the UI's cleanup removes topos.test.mjs's back-dated rows;
# presence's and msilo's too, for presence.test.mjs's.
KAMSCOPE_TOPOS_CLEAN_INTERVAL=3600 KAMSCOPE_PRESENCE_CLEAN_PERIOD=3600 KAMSCOPE_PRESENCE_DB_UPDATE_PERIOD=3600 \
KAMSCOPE_MSILO_CHECK_TIME=3600 lab/kamailio.sh start "$inst" "sqlite://$inst/kamailio.sqlite" 25060 25071 0
lab/sipp.sh register 25060 12 web 5999
lab/sipp.sh register-one 25060 web0003 6001
KAMSCOPE_LISTEN=127.0.0.1:18080 \
KAMSCOPE_DATABASE_URL="sqlite://$inst/kamailio.sqlite" \
KAMSCOPE_KAMAILIO_RPC_URL=http://127.0.0.1:25071/RPC \
KAMSCOPE_TIMEZONE=Asia/Shanghai \
KAMSCOPE_SPA_DIR="$ROOT/frontend/dist" \
    target/debug/kamscope serve >"$OUT/kamscope-browser.log" 2>&1 &
KAMSCOPE_PID=$!
wait_http http://127.0.0.1:18080/api/v1/health 60 || fail "kamscope did not start (tests/output/kamscope-browser.log)"
# A second kamscope that sees the same Kamailio as two nodes, for the node selector.
KAMSCOPE_LISTEN=127.0.0.1:18081 \
KAMSCOPE_DATABASE_URL="sqlite://$inst/kamailio.sqlite" \
KAMSCOPE_KAMAILIO_NODES="edge1=http://127.0.0.1:25071/RPC,edge2=http://127.0.0.1:25071/RPC" \
KAMSCOPE_TIMEZONE=Asia/Shanghai \
KAMSCOPE_SPA_DIR="$ROOT/frontend/dist" \
    target/debug/kamscope serve >"$OUT/kamscope-browser-2nodes.log" 2>&1 &
KAMSCOPE2_PID=$!
wait_http http://127.0.0.1:18081/api/v1/health 60 || fail "the two-node kamscope did not start (tests/output/kamscope-browser-2nodes.log)"
# Calls with known outcomes for the CDR page (KAMSCOPE_CDR_* below): carol -> dave
# answered, held 1 s, carol hangs up; carol -> erin 486 Busy Here; carol -> nobody 404.
lab/sipp.sh calls 25060 3 carol dave 25091 || fail "SIPp calls carol -> dave"
lab/sipp.sh failed 25060 busy 2 erin carol 25092 || fail "SIPp busy calls carol -> erin"
lab/sipp.sh failed 25060 unknown 1 nobody carol || fail "SIPp call carol -> nobody"
# For the presence and msilo pages: grace PUBLISHes, ivan SUBSCRIBEs to her (pending: no
# pres-rules); MESSAGEs to frank, who never registers (msilo keeps them), one with HTML and a script.
lab/sipp.sh publish 25060 grace || fail "SIPp PUBLISH grace"
lab/sipp.sh subscribe 25060 ivan grace 25097 || fail "SIPp SUBSCRIBE ivan -> grace"
lab/sipp.sh message 25060 2 frank henry || fail "SIPp MESSAGEs henry -> frank"
LAB_MESSAGE_BODY='Hi <b>frank</b> <script>window.__xss=1</script> & "friends"' \
    lab/sipp.sh message 25060 1 frank mallory || fail "SIPp MESSAGE with HTML mallory -> frank"
# Two answered long calls alice -> bob for the dialogs page: a UAS for bob that takes two
# calls, and a UAC holding both for 600 s. Each runs in its own process group (setsid).
API=http://127.0.0.1:18080/api/v1
setsid lab/sipp.sh uas 25060 answer 25095 bob 2 >"$OUT/sipp-uas-browser.log" 2>&1 &
UAS_PID=$!
sleep 1
lab/sipp.sh register-one 25060 bob 25095 || fail "registering bob's UAS"
LAB_UAS=0 setsid lab/sipp.sh longcall 25060 2 600 alice bob >"$OUT/sipp-longcall-browser.log" 2>&1 &
CALLS_PID=$!
active_dialogs() { curl -fsS "$API/dialogs?source=memory&state=4" | grep -o '"h_entry":' | wc -l; }
for _ in $(seq 1 60); do
    [[ "$(active_dialogs 2>/dev/null)" == 2 ]] && break
    sleep 0.5
done
[[ "$(active_dialogs)" == 2 ]] || fail "the API does not list 2 active dialogs (tests/output/sipp-*-browser.log)"
KAMSCOPE_URL=http://127.0.0.1:18080 \
KAMSCOPE_EXPECT_USERS="$(printf 'web%04d,' $(seq 1 12) | sed 's/,$//')" \
KAMSCOPE_DELETE_USER=web0007 \
KAMSCOPE_EXPECT_DIALOGS=2 \
KAMSCOPE_CDR_CALLER=carol KAMSCOPE_CDR_ANSWERED=3 KAMSCOPE_CDR_BUSY=2 KAMSCOPE_CDR_FAILED=3 KAMSCOPE_CDR_HOLD_S=1 \
KAMSCOPE_CLEANUP_DB="$inst/kamailio.sqlite" \
KAMSCOPE_PRESENCE_DB="$inst/kamailio.sqlite" KAMSCOPE_MSG_SCRIPT_FROM=mallory \
KAMSCOPE_MULTI_NODE_URL=http://127.0.0.1:18081 \
KAMSCOPE_SCREENSHOT_DIR="$OUT/screenshots" \
    tests/browser/run.sh || fail "browser test (screenshots in tests/output/screenshots)"
# The dialogs test ended one call through the UI; end the other through the API.
left="$(curl -fsS "$API/dialogs?source=memory")"
h_entry="$(grep -oE '"h_entry":[0-9]+' <<<"$left" | head -1 | cut -d: -f2)"
h_id="$(grep -oE '"h_id":[0-9]+' <<<"$left" | head -1 | cut -d: -f2)"
[[ -n "$h_entry" && -n "$h_id" && "$(grep -o '"h_entry":' <<<"$left" | wc -l)" == 1 ]] \
    || fail "after the browser test exactly one call should be up; the API lists: $left"
code="$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$API/dialogs/$h_entry/$h_id/end")"
[[ "$code" == 204 ]] || fail "POST /dialogs/$h_entry/$h_id/end answered $code, not 204"
# Both SIPp parties must have got their BYE: then both exit, successfully, by themselves.
for _ in $(seq 1 60); do
    kill -0 "$UAS_PID" 2>/dev/null || kill -0 "$CALLS_PID" 2>/dev/null || break
    sleep 0.5
done
for p in UAS_PID CALLS_PID; do
    if kill -0 "${!p}" 2>/dev/null; then
        fail "SIPp ($p=${!p}) still runs 30 s after both calls were ended: a party got no BYE (tests/output/sipp-*-browser.log)"
    fi
    rc=0; wait "${!p}" || rc=$?
    ((rc == 0)) || fail "SIPp ($p) exited with $rc after the calls were ended (tests/output/sipp-*-browser.log)"
    unset "$p"
done
echo "both calls ended (one through the UI, one through the API); SIPp's UAC and UAS got their BYEs"

step "9 API contract: schemathesis (all checks) and a client generated from openapi/openapi.json, against kamscope on live labs (scripts/contract.sh)"
CONTRACT_KAMSCOPE_BIN="$ROOT/target/debug/kamscope" scripts/contract.sh || fail "API contract (tests/output/contract/)"

step "10 Benchmarks: kamscope next to raw SQL / raw JSON-RPC on the same run (release build; smoke size unless BENCH_FULL=1; numbers, not pass/fail)"
set +e
if [[ "${BENCH_FULL:-0}" == 1 ]]; then size=(); else size=(--smoke); fi
scripts/bench.sh "${size[@]}" sqlite mysql postgres 2>&1 | tee "$OUT/bench.log"
rc=${PIPESTATUS[0]}
set -e
((rc == 0)) || fail "benchmark run (tests/output/bench.log)"

