#!/usr/bin/env bash
# Browser benchmarks: the 2D lab's and the MNIST demos' per-step time on both browser backends,
# what the page transfers, and the time to the first frame; see tests/browser/bench*.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh --browser
scripts/build-web.sh
node tests/browser/bench.mjs
node tests/browser/bench-digits.mjs
