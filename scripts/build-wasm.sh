#!/usr/bin/env bash
# Compiles the crate to wasm and generates the ES module in pkg/ (what a blog post imports and
# what the site loads). trunk runs this before every build; it can also run alone.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --profile wasm-release --lib --target wasm32-unknown-unknown --features webgpu
# The name section is 6 MB of function names nobody needs in production.
wasm-bindgen --target web --remove-name-section --out-dir pkg \
  target/wasm32-unknown-unknown/wasm-release/diffusion_playground.wasm
