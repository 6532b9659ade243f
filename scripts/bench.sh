#!/usr/bin/env bash
# Benchmarks: kamscope's API next to the raw SQL query / raw JSON-RPC call it wraps, on
# the same run against a real Kamailio with SIPp registrations and long calls. Prints
# times, ratios and kamscope's memory; also written to tests/output/bench.md.
#   scripts/bench.sh [--smoke] [sqlite] [mysql] [postgres]      (default: all three)
# Full size: 5,000 registrations, 500 long calls, median of 5 rounds. --smoke (what
# scripts/test.sh runs): 500 registrations, 50 calls, 3 rounds — checks that every case
# works and prints numbers, in a fraction of the time.
# Env (override either size): BENCH_USERS, BENCH_CALLS, BENCH_ROUNDS.
# Then the CDR benchmark (tests/benches/cdr_bench.rs, tests/output/bench-cdr.md): acc and
# missed_calls seeded as Kamailio writes them, kamscope's CDR endpoints next to the same
# SQL, without and with `kamscope db indexes --apply`. Full size: 1,000,000 acc + 200,000
# missed_calls rows over 30 days; --smoke: 20,000 + 4,000. Seeded databases are kept in
# the lab run dir (cdr-bench/, kscdr_* databases) by size and reused.
# Env: BENCH_CDR_ACC, BENCH_CDR_MISSED, BENCH_CDR_DAYS, BENCH_CDR_DEADLINE_S (120: a
# request slower than that is stopped and reported), BENCH_CDR_RESEED=1, BENCH_CDR=0 (skip it).
# Then the SIP trace cleanup benchmark (tests/benches/cleanup_bench.rs,
# tests/output/bench-cleanup.md): sip_trace seeded as Kamailio writes it (shared seeder
# tests/benches/trace_seed/, cached in the lab run dir trace-bench/ and ksbench_trace_*
# databases), POST /traces/cleanup (30 days) while a writer inserts a row every 10 ms:
# rows/s, the writer's worst/p99 insert, exactness at the source. Full size: 5,000,000
# rows over 45 days (~1.7M older than 30 days); --smoke: 50,000.
# Then the SIP trace benchmark (tests/benches/siptrace_bench.rs, tests/output/bench-siptrace.md)
# on the same seeded sip_trace: page 1, a page at depth 1M (kamscope's keyset cursor), each
# filter next to the same SQL, one message, a call's flow (p50) and its PCAP, without and
# with `kamscope db indexes --apply`.
# Env: BENCH_TRACE_ROWS, BENCH_TRACE_DAYS, BENCH_TRACE_RESEED=1, BENCH_TRACE=0 (skip both).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
if [[ "${1:-}" == --smoke ]]; then
    shift
    export BENCH_USERS="${BENCH_USERS:-500}" BENCH_CALLS="${BENCH_CALLS:-50}" BENCH_ROUNDS="${BENCH_ROUNDS:-3}"
    export BENCH_CDR_ACC="${BENCH_CDR_ACC:-20000}" BENCH_CDR_MISSED="${BENCH_CDR_MISSED:-4000}"
    export BENCH_TRACE_ROWS="${BENCH_TRACE_ROWS:-50000}"
fi
export BENCH_USERS="${BENCH_USERS:-5000}" BENCH_CALLS="${BENCH_CALLS:-500}" BENCH_ROUNDS="${BENCH_ROUNDS:-5}"
backends=("$@")
((${#backends[@]})) || backends=(sqlite mysql postgres)
started=()
cleanup() {
    local s
    for s in "${started[@]}"; do lab/"$s".sh stop || true; done
    step_times
}
trap cleanup EXIT

step "bench 1/6 Installing the lab and Rust"
lab/install.sh || fail "installing the lab packages"
ensure_rust

for b in "${backends[@]}"; do
    case "$b" in
    sqlite) ;;
    mysql | mariadb) s=mariadb ;;
    postgres | postgresql) s=postgres ;;
    *) fail "unknown backend $b (sqlite, mysql, postgres)" ;;
    esac
    if [[ $b != sqlite ]]; then
        lab/$s.sh status >/dev/null 2>&1 || started+=("$s")
        lab/$s.sh start || fail "starting $s"
    fi
done

step "bench 2/6 Building kamscope and the benchmark (release)"
# One build for both: built apart, the two selections unify dependency features
# differently and half of the release build would be done twice.
cargo build --release -p kamscope-server -p kamscope-acceptance --bin kamscope --bench api_vs_raw --bench cdr_bench --bench cleanup_bench --bench siptrace_bench \
    || fail "building kamscope and the benchmark"

step "bench 3/6 Running on: ${backends[*]} ($BENCH_USERS registrations, $BENCH_CALLS calls, $BENCH_ROUNDS rounds)"
BENCH_KAMSCOPE_BIN="$ROOT/target/release/kamscope" BENCH_BACKENDS="$(IFS=,; echo "${backends[*]}")" \
    cargo bench -p kamscope-acceptance --bench api_vs_raw || fail "benchmark"

if [[ "${BENCH_CDR:-1}" != 0 ]]; then
step "bench 4/6 CDRs on: ${backends[*]} (${BENCH_CDR_ACC:-1000000} acc + ${BENCH_CDR_MISSED:-200000} missed_calls rows, without and with the recommended indexes)"
BENCH_KAMSCOPE_BIN="$ROOT/target/release/kamscope" BENCH_BACKENDS="$(IFS=,; echo "${backends[*]}")" \
    cargo bench -p kamscope-acceptance --bench cdr_bench || fail "CDR benchmark"
fi

[[ "${BENCH_TRACE:-1}" == 0 ]] && exit 0
step "bench 5/6 SIP trace cleanup on: ${backends[*]} (${BENCH_TRACE_ROWS:-5000000} sip_trace rows, a writer every 10 ms)"
BENCH_KAMSCOPE_BIN="$ROOT/target/release/kamscope" BENCH_BACKENDS="$(IFS=,; echo "${backends[*]}")" \
    cargo bench -p kamscope-acceptance --bench cleanup_bench || fail "SIP trace cleanup benchmark"
step "bench 6/6 SIP trace search, flow and PCAP on: ${backends[*]} (${BENCH_TRACE_ROWS:-5000000} sip_trace rows, without and with the recommended indexes)"
BENCH_KAMSCOPE_BIN="$ROOT/target/release/kamscope" BENCH_BACKENDS="$(IFS=,; echo "${backends[*]}")" \
    cargo bench -p kamscope-acceptance --bench siptrace_bench || fail "SIP trace benchmark"
