#!/usr/bin/env bash
# Builds the importable ES module into pkg/ and the site, which loads it, into dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh
cargo fetch --target wasm32-unknown-unknown --quiet
trunk build --config trunk.toml --offline
