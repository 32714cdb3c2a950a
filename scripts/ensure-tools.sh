#!/usr/bin/env bash
# Installs what building the site needs, only where missing: the wasm target, wasm-bindgen-cli at
# the version Cargo.lock pins, trunk, and the npm packages. With --browser also Chromium, for the
# browser tests and benchmarks. Quick when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qF "$bindgen_version"; then
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

if ! trunk --version 2>/dev/null | grep -qF "0.21.14"; then
  # 0.22 needs a newer rustc than this toolchain.
  cargo install trunk --version 0.21.14 --locked
fi

if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  fi
fi
