// Benchmark of the 2D lab in headless Chromium: milliseconds per step (all four runs moved and
// read back once, as the page does per frame) on WebGPU (SwiftShader) and on the CPU backend,
// and the size of the wasm the page loads. Prints a table and writes bench/browser-2d.json.
//
//   scripts/bench-browser.sh
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { ROOT, launch, open, serve, waitForState, machine } from '../../tests/browser/harness.mjs';

const BATCHES = [100, 500, 2000];
const WARMUP = 3;
const STEPS = 20;
// Before the CPU is timed, its kernels run for this long: V8 optimises hot wasm functions in the
// background for seconds, and steps timed before that took 2 to 8 times as long.
const CPU_WARMUP_MS = 4000;

const server = await serve();
const browser = await launch({ webgpu: true });
try {
  const { page } = await open(browser, `${server.url}/dist/?backend=cpu&steps=1`);
  await waitForState(page, 'done');
  const rows = await page.evaluate(async ({ batches, warmup, steps, cpuWarmupMs }) => {
    const wasm = await import('/pkg/diffusion_playground.js');
    await wasm.default();
    const out = [];
    for (const backendName of ['webgpu', 'cpu']) {
      const backend = await wasm.Backend.create(backendName);
      for (const end = performance.now() + (backendName === 'cpu' ? cpuWarmupMs : 0); performance.now() < end;) {
        const lab = new wasm.Lab2d(backend, { sampler: 'ode-heun', batch: 500, steps: 20, preset: 'blobs' });
        while (!lab.done) await lab.step().read();
        lab.free();
      }
      for (const batch of batches) {
        for (const sampler of ['em', 'ode-heun']) {
          const lab = new wasm.Lab2d(backend, { sampler, batch, steps: warmup + steps, preset: 'blobs' });
          for (let i = 0; i < warmup; i += 1) await lab.step().read();
          const start = performance.now();
          for (let i = 0; i < steps; i += 1) await lab.step().read();
          const ms = (performance.now() - start) / steps;
          lab.free();
          out.push({ backend: backendName, sampler, batch, ms_per_step: Number(ms.toFixed(2)) });
        }
      }
    }
    return out;
  }, { batches: BATCHES, warmup: WARMUP, steps: STEPS, cpuWarmupMs: CPU_WARMUP_MS });

  const wasmBytes = await readFile(join(ROOT, 'dist/pkg/diffusion_playground_bg.wasm'));
  const size = { raw_bytes: wasmBytes.length, gzip_bytes: gzipSync(wasmBytes, { level: 9 }).length };
  const chromiumVersion = browser.version();
  const result = {
    what: '2D lab, one step of all four runs (unconditional, exact, replacement, reconstruction guidance) plus one readback',
    command: 'scripts/bench-browser.sh',
    date: new Date().toISOString(),
    machine: machine(),
    browser: `headless Chromium ${chromiumVersion}, WebGPU on SwiftShader`,
    warmup_steps: WARMUP,
    timed_steps: STEPS,
    wasm: size,
    rows,
  };
  await mkdir(join(ROOT, 'bench'), { recursive: true });
  await writeFile(join(ROOT, 'bench/browser-2d.json'), `${JSON.stringify(result, null, 2)}\n`);

  console.log(`wasm: ${(size.raw_bytes / 2 ** 20).toFixed(2)} MiB raw, ${(size.gzip_bytes / 2 ** 20).toFixed(2)} MiB gzip`);
  console.log('backend  sampler    batch  ms/step');
  for (const r of rows) {
    console.log(`${r.backend.padEnd(8)} ${r.sampler.padEnd(10)} ${String(r.batch).padStart(5)}  ${r.ms_per_step.toFixed(2).padStart(7)}`);
  }
  console.log('written to bench/browser-2d.json');
} finally {
  await browser.close();
  await server.close();
}
