// Benchmark of the train demo's in-page training: optimiser steps per second of the 2D score MLP
// (denoising score matching, Adam, moving average; the loss read back once per slice of steps,
// as the page does) on WebGPU (SwiftShader) and on the CPU backend. Prints a table and writes
// bench/browser-train.json.
//
//   scripts/bench-browser.sh
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, launch, open, serve, waitForState, machine } from '../../tests/browser/harness.mjs';

const BATCHES = [64, 256, 1024];
const SLICE = 25;
const SLICES = 8;
// As in bench.mjs: V8 optimises hot wasm functions for seconds before CPU steps are timed.
const CPU_WARMUP_MS = 4000;

const server = await serve();
const browser = await launch({ webgpu: true });
try {
  const { page } = await open(browser, `${server.url}/dist/?backend=cpu&steps=1`);
  await waitForState(page, 'done');
  const rows = await page.evaluate(async ({ batches, slice, slices, cpuWarmupMs }) => {
    const wasm = await import('/pkg/diffusion_playground.js');
    await wasm.default();
    const out = [];
    for (const backendName of ['webgpu', 'cpu']) {
      const backend = await wasm.Backend.create(backendName);
      for (const batch of batches) {
        const trainer = new wasm.Trainer2d(backend, { data: 'blobs', batch });
        // The first slice compiles the kernels (WebGPU) or warms V8 (CPU).
        const end = performance.now() + (backendName === 'cpu' ? cpuWarmupMs : 0);
        do await trainer.train(slice).read(); while (performance.now() < end);
        const start = performance.now();
        for (let i = 0; i < slices; i += 1) await trainer.train(slice).read();
        const seconds = (performance.now() - start) / 1000;
        trainer.free();
        out.push({ backend: backendName, batch, steps_per_second: Number(((slice * slices) / seconds).toFixed(1)) });
      }
    }
    return out;
  }, { batches: BATCHES, slice: SLICE, slices: SLICES, cpuWarmupMs: CPU_WARMUP_MS });
  const result = {
    what: 'train demo: optimiser steps of the 2D score MLP per second, slices of 25 steps, one loss readback per slice',
    command: 'scripts/bench-browser.sh',
    date: new Date().toISOString(),
    machine: machine(),
    browser: `headless Chromium ${browser.version()}, WebGPU on SwiftShader`,
    timed_steps: SLICE * SLICES,
    rows,
  };
  await mkdir(join(ROOT, 'bench'), { recursive: true });
  await writeFile(join(ROOT, 'bench/browser-train.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log('backend  batch  steps/s');
  for (const r of rows) console.log(`${r.backend.padEnd(8)} ${String(r.batch).padStart(5)}  ${r.steps_per_second.toFixed(1).padStart(7)}`);
  console.log('written to bench/browser-train.json');
} finally {
  await browser.close();
  await server.close();
}
