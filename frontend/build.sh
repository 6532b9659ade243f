#!/usr/bin/env bash
# Builds kamscope's web UI into frontend/dist/ (index.html, JS glue, wasm, css).
#
# Toolchain (see /work/shared/notes/wasm-toolchain.md): Debian 12's rustc-web/cargo-web
# (1.96) + rust-web-src, the wasm standard library built from source (build-std, needs
# RUSTC_BOOTSTRAP=1), linked by lld-22; wasm-bindgen-cli pinned to the exact
# wasm-bindgen version of Cargo.lock, cached in ~/.cache/kamscope/tools. No wasm-opt.
#
# Usage: frontend/build.sh            (release build)
# Env:   KAMSCOPE_NO_APT=1            do not apt-get install missing packages
#        CARGO_BUILD_JOBS=N           passed through to cargo (e.g. 1 on a shared box)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
DIST="$HERE/dist"
TOOLS="$HERE/.tools"
CRATE=kamscope-web

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
# What a browser downloads for the SPA: wasm + JS glue, gzip -9 (the issue's budget:
# not more than 10% above 375169 bytes, the size before the UI kit).
transfer_size() {
  local wasm js
  wasm="$(ls "$DIST"/*_bg.wasm)"; js="$(ls "$DIST"/kamscope-*.js)"
  local gz=$(( $(gzip -9 -c "$wasm" | wc -c) + $(gzip -9 -c "$js" | wc -c) ))
  say "SPA transfer size (wasm + JS, gzip -9): $gz bytes ($(( $(stat -c %s "$wasm") + $(stat -c %s "$js") )) uncompressed)"
}

# 1. System packages (Debian 12).
PKGS=(rustc-web cargo-web rust-web-src lld-22)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ "${KAMSCOPE_NO_APT:-}" == 1 ]]; then
    echo "missing packages: ${missing[*]} (KAMSCOPE_NO_APT=1: not installing)" >&2; exit 1
  fi
  SUDO=""; [[ $(id -u) == 0 ]] || SUDO="sudo"
  say "apt-get install ${missing[*]}"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
else
  say "system packages present: ${PKGS[*]}"
fi

# Debian's toolchain, whatever rustup may put first on PATH (frontend/rust-toolchain.toml
# points rustup's proxies at /usr as well).
CARGO=/usr/bin/cargo
export RUSTC=/usr/bin/rustc
export RUSTC_BOOTSTRAP=1   # always set: toggling it forces a full rebuild
# The wasm linker is lld-22 (set in .cargo/config.toml).

# 2. wasm-bindgen-cli, the exact version of the lockfile.
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[[ -n "$WB_VERSION" ]] || { echo "wasm-bindgen not found in Cargo.lock" >&2; exit 1; }
# Cached per version outside the clone, so a fresh clone (CI) does not rebuild it.
WB_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/kamscope/tools/wasm-bindgen-$WB_VERSION"
WB="$WB_ROOT/bin/wasm-bindgen"
if [[ -x "$WB" ]] && [[ "$("$WB" --version 2>/dev/null)" == "wasm-bindgen $WB_VERSION" ]]; then
  say "wasm-bindgen-cli $WB_VERSION present ($WB)"
else
  say "cargo install wasm-bindgen-cli --version $WB_VERSION --root $WB_ROOT (takes ~5 min, once per version)"
  # Not --locked: its lockfile wants a webpki-roots release crates.io mirrors may lack.
  # Run outside frontend/ so frontend/.cargo/config.toml (wasm target) does not apply.
  # Into a fresh directory, moved into place when complete: an interrupted install
  # leaves no half-written cache entry.
  mkdir -p "$(dirname "$WB_ROOT")"
  WB_NEW="$(mktemp -d "$WB_ROOT.new.XXXXXX")"
  (cd / && "$CARGO" install wasm-bindgen-cli --version "$WB_VERSION" --root "$WB_NEW" --force) \
    || { rm -rf "$WB_NEW"; exit 1; }
  rm -rf "$WB_ROOT" && mv "$WB_NEW" "$WB_ROOT"
fi

# 3. The wasm.
say "cargo build --release (wasm32-unknown-unknown, build-std)"
"$CARGO" build --release
WASM="${CARGO_TARGET_DIR:-$HERE/target}/wasm32-unknown-unknown/release/$CRATE.wasm"
[[ -f "$WASM" ]] || { echo "no $WASM" >&2; exit 1; }

# 4. dist/: content-hashed names, so a browser never mixes old and new files.
HASH="$(cat "$WASM" static/style.css static/index.html build.sh | sha256sum | cut -c1-12)"
if [[ -f "$DIST/.stamp" ]] && [[ "$(cat "$DIST/.stamp")" == "$HASH" ]] && [[ -f "$DIST/index.html" ]]; then
  say "dist/ is up to date ($HASH)"
  transfer_size
  exit 0
fi
say "wasm-bindgen --target web → dist/ ($HASH)"
STAGE="$(mktemp -d "$HERE/.dist.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
NAME="kamscope-$HASH"
"$WB" --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$STAGE" --out-name "$NAME" "$WASM"
cp static/style.css "$STAGE/style-$HASH.css"
sed -e "s|@JS@|$NAME.js|g" -e "s|@WASM@|${NAME}_bg.wasm|g" -e "s|@CSS@|style-$HASH.css|g" \
  static/index.html > "$STAGE/index.html"
echo "$HASH" > "$STAGE/.stamp"
rm -rf "$DIST"
mv "$STAGE" "$DIST"
trap - EXIT
chmod 755 "$DIST"
ls -l "$DIST" | tail -n +2 | awk '{ printf "    %8d  %s\n", $5, $9 }'
transfer_size
say "done: serve $DIST with an index.html fallback for /kamailio/* (KAMSCOPE_SPA_DIR)"
