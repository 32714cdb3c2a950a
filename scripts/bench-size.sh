#!/usr/bin/env bash
# Size of the browser module per build variant, as the site ships them (scripts/build-wasm.sh):
# pkg/ with WebGPU and the CPU backend, pkg-cpu/ with the CPU backend alone; raw and gzip -9.
# Prints a table and writes bench/wasm-size.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh
scripts/build-wasm.sh
node - <<'JS'
const { readFileSync, writeFileSync } = require('node:fs');
const { gzipSync } = require('node:zlib');
const size = (path) => {
  const bytes = readFileSync(path);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const variants = Object.fromEntries([['webgpu', 'pkg'], ['cpu-only', 'pkg-cpu']].map(([v, dir]) => [v, {
  dir,
  wasm: size(`${dir}/diffusion_playground_bg.wasm`),
  js_glue: size(`${dir}/diffusion_playground.js`),
}]));
const result = {
  what: 'the browser module (wasm-bindgen output, wasm-release profile) per build variant, bytes',
  command: 'scripts/bench-size.sh',
  date: new Date().toISOString(),
  variants,
};
writeFileSync('bench/wasm-size.json', `${JSON.stringify(result, null, 2)}\n`);
const mb = (b) => (b / 1e6).toFixed(3).padStart(7);
console.log('variant    wasm raw MB  wasm gzip MB  glue gzip MB');
for (const [v, s] of Object.entries(variants)) console.log(`${v.padEnd(9)}  ${mb(s.wasm.raw)}      ${mb(s.wasm.gzip)}       ${mb(s.js_glue.gzip)}`);
console.log('written to bench/wasm-size.json');
JS
