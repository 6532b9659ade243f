#!/usr/bin/env bash
# Runs kamscope on its embedded default: a local Kamailio 5.6 writing to a SQLite file,
# sample SIP traffic from SIPp plus a trickle of live traffic, and kamscope (API + UI)
# at http://127.0.0.1:8080. Installs what it needs on Debian 12. Ctrl-C stops it all.
# Env: KAMSCOPE_LISTEN (127.0.0.1:8080).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

step "1/5 Installing the lab: Kamailio 5.6, SIPp, SQLite (Debian packages)"
lab/install.sh || fail "installing the lab packages"
ensure_rust
lab_run_dir

step "2/5 Building the web UI (Leptos → wasm; the first build installs wasm-bindgen and takes minutes)"
frontend/build.sh || fail "building the web UI"

step "3/5 Building kamscope (release, web UI embedded; the first build takes minutes)"
cargo build --release -p kamscope-server --features embed-spa || fail "building kamscope"

step "4/5 Starting Kamailio (SIP udp/tcp 127.0.0.1:5060, JSON-RPC 127.0.0.1:5071) with sample traffic"
lab/up.sh || fail "starting the lab (see $LAB_RUN/demo/kamailio.log)"
trap 'step "Stopping the lab"; lab/down.sh' EXIT
trap 'exit 0' INT TERM

listen="${KAMSCOPE_LISTEN:-127.0.0.1:8080}"
step "5/5 kamscope on http://$listen  (UI: /kamailio/locations, API docs: /docs/; Ctrl-C stops everything)"
KAMSCOPE_LISTEN="$listen" \
KAMSCOPE_DATABASE_URL="sqlite://$LAB_RUN/kamailio.sqlite" \
KAMSCOPE_KAMAILIO_RPC_URL="http://127.0.0.1:5071/RPC" \
KAMSCOPE_TIMEZONE="${KAMSCOPE_TIMEZONE:-Asia/Shanghai}" \
    target/release/kamscope serve
