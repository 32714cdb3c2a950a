#!/usr/bin/env bash
# Regenerates docs/screenshot.png, the README's picture of the site: builds the site as the browser
# tests do, then photographs one demo in headless Chromium once it has drawn (scripts/screenshot.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh --browser
scripts/build-web.sh
node scripts/screenshot.mjs "$@"
