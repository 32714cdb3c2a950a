// A long session: many sampling runs in one page, restarted with the Run button as a visitor
// would, must not grow the JS heap, the wasm heap, burn's device memory or the browser's
// processes beyond a stated bound (burn issues #2042 and #1492 report wgpu memory growth).
//
// SOAK_RUNS (default 1000) runs on the CPU backend and SOAK_GPU_RUNS (default 100) on WebGPU;
// SwiftShader takes 1 to 2 s per 2D-lab step, so 1,000 WebGPU runs (about 25 minutes) are
// left to `SOAK_GPU_RUNS=1000 node --test tests/browser/soak.test.mjs`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { sharedBrowser, waitForState } from './harness.mjs';

const env = sharedBrowser();
const WARM_UP = 20;
const MB = 1024 * 1024;

// Resident memory of this test's browser processes by type (renderer, gpu-process, ...), in
// bytes: every descendant of this node process whose command line says Chromium.
function residentMemory() {
  const parent = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      // The parent pid is the second field after the parenthesised command name.
      parent.set(pid, readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
    } catch {
      // The process ended while being read.
    }
  }
  const ours = (pid) => {
    for (let p = pid; p && p !== '0' && p !== '1'; p = parent.get(p)) if (p === String(process.pid)) return true;
    return false;
  };
  const out = {};
  for (const pid of parent.keys()) {
    if (!ours(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chrom')) continue;
      const type = cmd.match(/--type=([a-z-]+)/)?.[1] ?? 'browser';
      const kb = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
      out[type] = (out[type] ?? 0) + kb * 1024;
    } catch {
      // The process ended while being read.
    }
  }
  return out;
}

async function measure(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const [burnInUse, burnReserved, wasmHeap] = (await page.evaluate(() => document.body.dataset.memory)).split(',').map(Number);
  const rss = residentMemory();
  return { js: usedSize, burnInUse, burnReserved, wasmHeap, renderer: rss.renderer, gpu: rss['gpu-process'] ?? 0 };
}

// Clicks Run `n` times, each time waiting for the run to finish.
function runs(page, n) {
  return page.evaluate(async (n) => {
    for (let i = 0; i < n; i += 1) {
      await new Promise((resolve) => {
        const watch = new MutationObserver(() => {
          if (['done', 'error'].includes(document.body.dataset.state)) {
            watch.disconnect();
            resolve();
          }
        });
        watch.observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
        document.getElementById('run').click();
      });
      if (document.body.dataset.state === 'error') throw new Error(document.getElementById('notice').textContent);
    }
  }, n);
}

// Growth allowed from the end of the warm-up to the last run, and what each figure means. The
// GPU process also rasterises the page's canvases, whose caches swing by tens of MB whatever the
// backend (70 MB over 1,000 CPU-backend runs once, 14 MB another time): it is bounded only where
// WebGPU buffers live in it.
const BOUNDS = {
  js: [2 * MB, 'JS heap after a forced GC'],
  wasmHeap: [1 * MB, 'wasm linear memory'],
  burnReserved: [1 * MB, "burn's reserved device memory"],
  renderer: [48 * MB, "the page's process (resident)"],
};
const GPU_BOUND = [64 * MB, 'the GPU process (resident; SwiftShader keeps WebGPU buffers there)'];

for (const [backend, count, query] of [
  ['cpu', Number(process.env.SOAK_RUNS ?? 1000), 'steps=5&batch=100'],
  ['webgpu', Number(process.env.SOAK_GPU_RUNS ?? 100), 'steps=1&batch=100&conditioning=energy'],
]) {
  test(`${count} sampling runs on ${backend} in one page stay within the memory bounds`, async () => {
    const page = await env.browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const cdp = await page.context().newCDPSession(page);
    await page.goto(`${env.server.url}/dist/?demo=lab2d&backend=${backend}&${query}`);
    await waitForState(page, 'done');
    await runs(page, WARM_UP);
    const before = await measure(page, cdp);
    const started = Date.now();
    await runs(page, count - WARM_UP);
    const after = await measure(page, cdp);
    const report = Object.fromEntries(Object.keys(before).map((k) => [k, [before[k], after[k]]]));
    console.log(`soak ${backend}: ${count} runs, ${((Date.now() - started) / (count - WARM_UP)).toFixed(0)} ms per run after warm-up; bytes [after ${WARM_UP} runs, after ${count}]: ${JSON.stringify(report)}`);
    const bounds = backend === 'webgpu' ? { ...BOUNDS, gpu: GPU_BOUND } : BOUNDS;
    for (const [key, [bound, what]] of Object.entries(bounds)) {
      const growth = after[key] - before[key];
      assert.ok(growth <= bound, `${what} grew by ${(growth / MB).toFixed(2)} MB over ${count - WARM_UP} runs (bound ${bound / MB} MB)`);
    }
    assert.equal(await page.evaluate(() => document.body.dataset.backend), backend);
    assert.deepEqual(errors, []);
    await page.close();
  });
}
