// Benchmark of the MNIST demos in headless Chromium: sampling steps per second of the U-Net
// (one step moved and read back, as the page does per frame) on burn's CPU backend in wasm and
// on WebGPU (SwiftShader), the whole page's drawn frames per second on the CPU fallback at batch
// 4, what the MNIST demos transfer (wasm + weights, gzip) and the time to the first drawn
// sample. Prints a table and writes bench/browser-digits.json.
//
//   scripts/bench-browser.sh
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { ROOT, launch, open, serve, waitForState, machine } from '../../tests/browser/harness.mjs';

// SwiftShader runs the U-Net about 20 times slower than the CPU backend: fewer steps there.
// Before the CPU is timed the module runs for warmupMs: V8 optimises its hot functions in the
// background for seconds after it loads, and steps timed before that run up to twice as long.
const PLAN = {
  cpu: { batches: [1, 4, 16], warmup: 2, warmupMs: 4000, steps: 20 },
  webgpu: { batches: [1, 4], warmup: 1, warmupMs: 0, steps: 3 },
};
const PAGE_STEPS = 40;

const server = await serve();
const browser = await launch({ webgpu: true });
try {
  // The page itself: from the first drawn frame to the last, at batch 4 on the CPU fallback.
  const started = Date.now();
  const { page } = await open(browser, `${server.url}/dist/?demo=sampling&backend=cpu&batch=4&steps=${PAGE_STEPS}`);
  await waitForState(page, 'running');
  const firstFrameMs = Date.now() - started;
  const running = Date.now();
  await waitForState(page, 'done');
  const pageStepsPerS = PAGE_STEPS / ((Date.now() - running) / 1000);

  const rows = await page.evaluate(async (plan) => {
    // The page runs the CPU-only build; both backends need the one with WebGPU.
    const wasm = await import('/dist/pkg/diffusion_playground.js');
    await wasm.default();
    const bytes = new Uint8Array(await (await fetch('/dist/weights/unet.bpk')).arrayBuffer());
    const out = [];
    for (const [backendName, { batches, warmup, warmupMs, steps }] of Object.entries(plan)) {
      const backend = await wasm.Backend.create(backendName);
      const models = new wasm.DigitModels(backend);
      models.load_unet(bytes);
      for (const end = performance.now() + warmupMs; performance.now() < end;) {
        const lab = new wasm.DigitLab(models, { batch: 4, seed: 1, runs: [{ sampler: 'em', steps: 10 }] });
        while (!lab.done) await lab.step().read();
        lab.free();
      }
      for (const batch of batches) {
        for (const [what, run] of [['unconditional', {}], ['cfg w=2', { label: 7, w: 2 }]]) {
          const settings = { batch, seed: 1, runs: [{ sampler: 'em', steps: warmup + steps, ...run }] };
          const lab = new wasm.DigitLab(models, settings);
          for (let i = 0; i < warmup; i += 1) await lab.step().read();
          const start = performance.now();
          for (let i = 0; i < steps; i += 1) await lab.step().read();
          const ms = (performance.now() - start) / steps;
          lab.free();
          out.push({ backend: backendName, run: what, batch, ms_per_step: Number(ms.toFixed(1)), steps_per_s: Number((1000 / ms).toFixed(2)) });
        }
      }
      models.free();
    }
    return out;
  }, PLAN);

  const gz = async (path) => gzipSync(await readFile(join(ROOT, 'dist', path)), { level: 9 }).length;
  const transfer = {
    wasm: await gz('pkg/diffusion_playground_bg.wasm'),
    js_glue: await gz('pkg/diffusion_playground.js'),
    'unet.bpk': await gz('weights/unet.bpk'),
    'classifier.bpk': await gz('weights/classifier.bpk'),
    'noisy-classifier.bpk': await gz('weights/noisy-classifier.bpk'),
  };
  const total = Object.values(transfer).reduce((a, b) => a + b, 0);
  const result = {
    what: 'MNIST U-Net sampling: one Euler–Maruyama step (CFG: two U-Net calls) plus one readback',
    command: 'scripts/bench-browser.sh',
    date: new Date().toISOString(),
    machine: machine(),
    browser: `headless Chromium ${browser.version()}, WebGPU on SwiftShader`,
    page: {
      url: `?demo=sampling&backend=cpu&batch=4&steps=${PAGE_STEPS}`,
      drawn_steps_per_s: Number(pageStepsPerS.toFixed(2)),
      first_frame_ms_from_navigation: firstFrameMs,
    },
    mnist_transfer_gzip_bytes: { ...transfer, total },
    rows,
  };
  await mkdir(join(ROOT, 'bench'), { recursive: true });
  await writeFile(join(ROOT, 'bench/browser-digits.json'), `${JSON.stringify(result, null, 2)}\n`);

  console.log(`page (CPU, batch 4): ${pageStepsPerS.toFixed(2)} drawn steps/s; first frame ${firstFrameMs} ms after navigation`);
  console.log(`MNIST demos transfer ${(total / 1e6).toFixed(3)} MB gzip: ${Object.entries(transfer).map(([k, v]) => `${k} ${(v / 1e6).toFixed(3)}`).join(', ')}`);
  console.log('backend  run            batch  ms/step  steps/s');
  for (const r of rows) {
    console.log(`${r.backend.padEnd(8)} ${r.run.padEnd(14)} ${String(r.batch).padStart(5)}  ${r.ms_per_step.toFixed(1).padStart(7)}  ${r.steps_per_s.toFixed(2).padStart(7)}`);
  }
  console.log('written to bench/browser-digits.json');
} finally {
  await browser.close();
  await server.close();
}
