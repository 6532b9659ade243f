# shellcheck shell=bash
# Helpers for scripts/demo.sh and scripts/test.sh (sourced).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }
fail() { printf '\n\033[1;31mFAILED: %s\033[0m\n' "$*" >&2; exit 1; }

apt_install() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    [[ $(id -u) == 0 ]] || fail "need root to apt-get install ${missing[*]}"
    step "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -q || fail "apt-get update"
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@" || fail "apt-get install $*"
}

# A Rust toolchain for the backend: rustup's if there is one, else Debian's cargo-web.
ensure_rust() {
    if command -v cargo >/dev/null 2>&1; then
        step "Rust: $(cargo --version)"
        return
    fi
    apt_install rustc-web cargo-web gcc libc6-dev pkg-config
    command -v cargo >/dev/null 2>&1 || fail "cargo is still missing after installing cargo-web"
    step "Rust: $(cargo --version) (Debian's rustc-web)"
}

# Node.js and Chromium for the browser test.
ensure_browser() {
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm
    apt_install chromium chromium-driver fonts-noto-cjk
}

# wait_http URL [seconds]: until URL answers at all.
wait_http() {
    local url="$1" t="${2:-60}" i
    for ((i = 0; i < t * 5; i++)); do
        curl -s -o /dev/null -m 2 "$url" && return 0
        sleep 0.2
    done
    return 1
}
