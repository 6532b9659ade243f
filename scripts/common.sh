# shellcheck shell=bash
# Helpers for scripts/demo.sh and scripts/test.sh (sourced).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# step TITLE: starts a step; the one before it ends and its time is printed and kept
# for step_times. say: an information line inside a step.
STEP_TITLES=() STEP_SECS=() STEP_T0="" RUN_T0=$SECONDS
step() {
    step_end
    STEP_TITLES+=("$*") STEP_T0=$SECONDS
    printf '\n\033[1;34m==> %s\033[0m\n' "$*"
}
step_end() {
    [[ -n "$STEP_T0" ]] || return 0
    STEP_SECS+=($((SECONDS - STEP_T0)))
    printf '\033[2m    (%d s)\033[0m\n' "$((SECONDS - STEP_T0))"
    STEP_T0=""
}
# step_times: every step's time and the total (also after a failure, from an EXIT trap).
step_times() {
    step_end
    local i
    printf '\n\033[1mTimes\033[0m\n'
    for i in "${!STEP_SECS[@]}"; do
        printf '  %6s  %s\n' "$(fmt_secs "${STEP_SECS[$i]}")" "${STEP_TITLES[$i]:0:100}"
    done
    printf '  %6s  total\n' "$(fmt_secs $((SECONDS - RUN_T0)))"
}
fmt_secs() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }
say() { printf '\033[1m  - %s\033[0m\n' "$*"; }
fail() { printf '\n\033[1;31mFAILED: %s\033[0m\n' "$*" >&2; exit 1; }

# The lab's run directory (lab/rundir.sh: lab/run, or outside the clone when the
# database users cannot enter it). Sets LAB_RUN and prints where it is when it moved.
lab_run_dir() {
    local out
    out="$(lab/rundir.sh --why)" || fail "lab/rundir.sh"
    LAB_RUN="$(sed -n 1p <<<"$out")"
    local why; why="$(sed -n 2p <<<"$out")"
    [[ -z "$why" ]] || say "lab run directory: $LAB_RUN ($why)"
}

apt_install() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    [[ $(id -u) == 0 ]] || fail "need root to apt-get install ${missing[*]}"
    say "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -q || fail "apt-get update"
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@" || fail "apt-get install $*"
}

# A Rust toolchain for the backend: rustup's if there is one, else Debian's cargo-web.
ensure_rust() {
    if command -v cargo >/dev/null 2>&1; then
        say "Rust: $(cargo --version)"
        return
    fi
    apt_install rustc-web cargo-web rustfmt-web rust-web-clippy gcc libc6-dev pkg-config
    command -v cargo >/dev/null 2>&1 || fail "cargo is still missing after installing cargo-web"
    say "Rust: $(cargo --version) (Debian's rustc-web)"
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
