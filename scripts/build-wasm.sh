#!/usr/bin/env bash
# Compiles the crate to wasm twice and generates the ES modules the site loads: pkg/ with WebGPU
# and the CPU backend (what a blog post imports), pkg-cpu/ with the CPU backend alone, which the
# site loads where WebGPU will not be used (www/wasm.js) and which is a fifth of the download.
# trunk runs this before every build; it can also run alone.
set -euo pipefail
cd "$(dirname "$0")/.."
wasm=${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/diffusion_playground.wasm
for variant in pkg pkg-cpu; do
  features=()
  if [ "$variant" = pkg ]; then features=(--features webgpu); fi
  cargo build --profile wasm-release --lib --target wasm32-unknown-unknown "${features[@]}"
  # The name section is megabytes of function names nobody needs in production.
  wasm-bindgen --target web --remove-name-section --out-dir "$variant" "$wasm"
done
