#!/usr/bin/env bash
# Installs what the kamscope lab needs on Debian 12 and builds the SQLite
# busy-timeout LD_PRELOAD shim (lab/build/libsqlite_busy.so).
# Fast when everything is already installed (dpkg -s check, no apt-get).
#   lab/install.sh            all packages (kamailio, sipp, sqlite, mariadb, postgres,
#                             tshark: the SIP trace tests decode kamscope's PCAP files with it)
# Env: LAB_SKIP_APT=1 skips the package step.
set -euo pipefail
LAB_SCRIPT=install.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PKGS=(
    kamailio kamailio-sqlite-modules kamailio-mysql-modules kamailio-postgres-modules
    kamailio-presence-modules
    sip-tester sqlite3 curl jq tzdata procps iproute2
    tshark
    gcc libc6-dev libsqlite3-dev
    mariadb-server mariadb-client
    postgresql postgresql-15 postgresql-client
)

missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [[ "${LAB_SKIP_APT:-0}" == 1 ]]; then
    log "LAB_SKIP_APT=1: not installing packages (missing: ${missing[*]:-none})"
elif ((${#missing[@]} == 0)); then
    log "all ${#PKGS[@]} packages already installed"
else
    [[ $(id -u) == 0 ]] || die "need root to install: ${missing[*]}"
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -q || die "apt-get update failed"
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" \
        || die "apt-get install failed for: ${missing[*]}"
    log "packages installed"
fi

need_cmd kamailio sipp sqlite3 curl jq gcc
mkdir -p "$LAB_BUILD"
so="$LAB_BUILD/libsqlite_busy.so"
src="$LAB_DIR/sqlite_busy.c"
if [[ ! -f "$so" || "$src" -nt "$so" ]]; then
    log "building $so"
    gcc -shared -fPIC -O2 -Wall -o "$so.tmp" "$src" -ldl -lsqlite3 || die "building the sqlite busy shim failed"
    mv -f "$so.tmp" "$so"
else
    log "$so is up to date"
fi
log "done"
