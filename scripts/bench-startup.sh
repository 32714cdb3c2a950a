#!/usr/bin/env bash
# Time from page load to the first drawn sample per build variant (bench/browser/bench-startup.mjs):
# builds the site, which ships both builds of the module, then loads the page in headless Chromium
# and writes bench/startup.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh --browser
scripts/build-web.sh
node bench/browser/bench-startup.mjs
