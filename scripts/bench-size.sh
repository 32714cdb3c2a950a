#!/usr/bin/env bash
# Size of the browser module per build variant: with WebGPU and the CPU backend (what the site
# ships) and CPU-only (no `webgpu` feature), raw and gzip -9, the way scripts/build-wasm.sh builds
# it. Prints a table and writes bench/wasm-size.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh
out=target/size-variants
mkdir -p "$out"
for variant in webgpu cpu-only; do
  features=()
  if [ "$variant" = webgpu ]; then features=(--features webgpu); fi
  cargo build --quiet --profile wasm-release --lib --target wasm32-unknown-unknown "${features[@]}"
  wasm-bindgen --target web --remove-name-section --out-dir "$out/$variant" \
    target/wasm32-unknown-unknown/wasm-release/diffusion_playground.wasm
done
node - "$out" <<'JS'
const { readFileSync, writeFileSync } = require('node:fs');
const { gzipSync } = require('node:zlib');
const out = process.argv[2];
const size = (path) => {
  const bytes = readFileSync(path);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const variants = Object.fromEntries(['webgpu', 'cpu-only'].map((v) => [v, {
  wasm: size(`${out}/${v}/diffusion_playground_bg.wasm`),
  js_glue: size(`${out}/${v}/diffusion_playground.js`),
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
