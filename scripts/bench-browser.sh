#!/usr/bin/env bash
# Per-step time of the 2D lab on both browser backends and the wasm size; see tests/browser/bench.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh --browser
scripts/build-web.sh
node tests/browser/bench.mjs
