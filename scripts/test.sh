#!/usr/bin/env bash
# Every test: formatting and lints, the native statistical tests on burn's CPU backend, then the
# site built and driven in headless Chromium on WebGPU (SwiftShader) and on the CPU fallback.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh --browser

cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --features webgpu --quiet -- -D warnings
scripts/fetch-mnist.sh
cargo test

# The site into dist/ and, copied, into site/, which subpath.test.mjs serves under a prefix.
scripts/build-site.sh
node --test --test-concurrency=1 tests/browser/*.test.mjs
