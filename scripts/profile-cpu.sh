#!/usr/bin/env bash
# Where the browser's CPU path spends a U-Net forward (bench/browser/profile-cpu.mjs): builds the
# CPU-only module the way scripts/build-wasm.sh does but keeps its function names, samples a
# forward at batch 1 and 16 in headless Chromium and writes bench/cpu-profile.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh --browser
scripts/build-web.sh
cargo build --quiet --profile wasm-release --lib --target wasm32-unknown-unknown
wasm-bindgen --target web --out-dir target/profile-cpu \
  "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/diffusion_playground.wasm"
node bench/browser/profile-cpu.mjs
