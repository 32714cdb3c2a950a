#!/usr/bin/env bash
# Builds the site (scripts/build-web.sh) and writes it as one self-contained static folder, site/
# or the folder given as the first argument, to copy to any static host: every URL in it is
# relative, so it works at a server's root and under a sub-path such as a GitHub project page's
# /<repo>/ (tests/browser/subpath.test.mjs serves it under /playground/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Resolved before the cd below, so that a relative folder is the caller's.
out=$(realpath -m -- "${1:-$root/site}")
cd "$root"
# The folder is replaced: refuse one this script did not write (it writes .nojekyll), and a git
# checkout, whose history would go with it.
if [ -n "$(ls -A "$out" 2>/dev/null)" ] && { [ ! -f "$out/.nojekyll" ] || [ -e "$out/.git" ]; }; then
  echo "build-site: $out is not empty and not an earlier build; give an empty or new folder" >&2
  exit 1
fi
scripts/build-web.sh
rm -rf "$out"
mkdir -p "$out"
cp -R dist/. "$out"
# GitHub Pages runs Jekyll over a branch unless this file is there; the site needs no processing.
touch "$out/.nojekyll"
echo "site written to $out"
