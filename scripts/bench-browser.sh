#!/usr/bin/env bash
# Browser benchmarks: the 2D lab's and the MNIST demos' per-step time on both browser backends,
# the train demo's training steps per second, what the page transfers, and the time to the first
# frame; see bench/browser/bench*.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh --browser
scripts/build-web.sh
node bench/browser/bench.mjs
node bench/browser/bench-digits.mjs
node bench/browser/bench-train.mjs
