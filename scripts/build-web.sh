#!/usr/bin/env bash
# Builds the site into dist/ with trunk and the importable ES module into pkg/ from the same
# compiled wasm.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh
cargo fetch --target wasm32-unknown-unknown --quiet
trunk build --release --config trunk.toml --offline
wasm-bindgen --target web --out-dir pkg target/wasm32-unknown-unknown/release/diffusion_playground.wasm
