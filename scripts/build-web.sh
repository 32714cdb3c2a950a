#!/usr/bin/env bash
# Builds the importable ES modules into pkg/ (with WebGPU) and pkg-cpu/ (without) and the site,
# which loads one of them, into dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh
cargo fetch --target wasm32-unknown-unknown --quiet
trunk build --config trunk.toml --offline
