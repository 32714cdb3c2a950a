#!/usr/bin/env bash
# Serves the playground at http://127.0.0.1:8080 (PORT to change), rebuilding on changes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh
cargo fetch --target wasm32-unknown-unknown --quiet
# No auto-reload: trunk injects it as an inline script, which the page's CSP forbids.
exec trunk serve --config trunk.toml --offline --no-autoreload --address 127.0.0.1 --port "${PORT:-8080}"
