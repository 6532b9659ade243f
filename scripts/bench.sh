#!/usr/bin/env bash
# Benchmarks: kamscope's API next to the raw SQL query / raw JSON-RPC call it wraps, on
# the same run against a real Kamailio with SIPp registrations and long calls. Prints
# times, ratios and kamscope's memory; also written to tests/output/bench.md.
#   scripts/bench.sh [sqlite] [mysql] [postgres]      (default: all three)
# Env: BENCH_USERS (5000), BENCH_CALLS (500), BENCH_ROUNDS (5).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
backends=("$@")
((${#backends[@]})) || backends=(sqlite mysql postgres)
started=()
cleanup() {
    local s
    for s in "${started[@]}"; do lab/"$s".sh stop || true; done
}
trap cleanup EXIT

step "bench 1/3 Installing the lab and Rust"
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

step "bench 2/3 Building kamscope and the benchmark (release)"
cargo build --release -p kamscope-server || fail "building kamscope"
cargo bench -p kamscope-acceptance --bench api_vs_raw --no-run || fail "building the benchmark"

step "bench 3/3 Running on: ${backends[*]}"
BENCH_KAMSCOPE_BIN="$ROOT/target/release/kamscope" BENCH_BACKENDS="$(IFS=,; echo "${backends[*]}")" \
    cargo bench -p kamscope-acceptance --bench api_vs_raw || fail "benchmark"
