// Where the browser's CPU path spends a U-Net forward: runs the MNIST U-Net in headless Chromium
// on a CPU-only module that keeps its function names (target/profile-cpu, built by
// scripts/profile-cpu.sh), samples it with V8's CPU profiler, and sorts every sample into the
// burn flex operation it belongs to. Prints the shares and writes bench/cpu-profile.json.
//
//   scripts/profile-cpu.sh
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, launch, serve, machine } from '../../tests/browser/harness.mjs';

const PLAN = [{ batch: 1, calls: 40 }, { batch: 16, calls: 6 }];
// Enough time for V8 to finish optimising the module's hot functions before sampling starts.
const WARMUP_MS = 4000;

// A sample goes to the innermost frame that names a burn flex operation module (conv, unary,
// binary, reduce, ...); inside a convolution, the gemm crate's kernels and packing are told apart
// from the convolution's own work (im2col, the NHWC and weight reorders, buffers).
function bucket(stack) {
  const leaf = stack[0];
  for (const name of stack) {
    const op = /burn_flex::ops::(\w+)::/.exec(name)?.[1];
    if (!op) continue;
    if (op === 'conv') return /gemm/.test(leaf) ? 'conv: gemm kernels and packing' : 'conv: im2col, reorders, buffers';
    return `${op}${/expf/.test(leaf) ? ' (scalar expf)' : ''}`;
  }
  return 'outside burn flex (bindings, dispatch, allocation, idle)';
}

function shares(profile, calls) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const time = new Map();
  profile.timeDeltas.forEach((d, i) => time.set(profile.samples[i], (time.get(profile.samples[i]) ?? 0) + d));
  const totals = new Map();
  let all = 0;
  for (const [id, us] of time) {
    const stack = [];
    for (let n = id; n !== undefined; n = parent.get(n)) stack.push(byId.get(n).callFrame.functionName);
    const b = bucket(stack);
    totals.set(b, (totals.get(b) ?? 0) + us);
    all += us;
  }
  return [...totals].sort((a, b) => b[1] - a[1]).map(([part, us]) => ({
    part,
    share: Number((us / all).toFixed(3)),
    ms_per_forward: Number((us / 1e3 / calls).toFixed(2)),
  }));
}

const server = await serve();
const browser = await launch({ webgpu: false });
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/bench/`);
  await page.evaluate(async () => {
    const wasm = await import('/target/profile-cpu/diffusion_playground.js');
    await wasm.default();
    const models = new wasm.DigitModels(await wasm.Backend.create('cpu'));
    models.load_unet(new Uint8Array(await (await fetch('/dist/weights/unet.bpk')).arrayBuffer()));
    window.models = models;
  });
  const run = (batch, calls, ms) => page.evaluate(async ([batch, calls, ms]) => {
    const x = Float32Array.from({ length: batch * 784 }, (_, i) => Math.sin(i * 12.9898) * 0.9);
    const start = performance.now();
    let n = 0;
    while (n < calls || performance.now() - start < ms) {
      await window.models.unet_eps(x, 0.5, 3);
      n += 1;
    }
    return (performance.now() - start) / n;
  }, [batch, calls, ms]);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  const rows = [];
  for (const { batch, calls } of PLAN) {
    await run(batch, 1, WARMUP_MS);
    await cdp.send('Profiler.start');
    const ms = await run(batch, calls, 0);
    const { profile } = await cdp.send('Profiler.stop');
    rows.push({ batch, calls, ms_per_forward: Number(ms.toFixed(1)), parts: shares(profile, calls) });
  }
  const result = {
    what: 'MNIST U-Net forward plus readback on the browser CPU path (burn flex, wasm simd128, CPU-only module with function names), V8 CPU profiler samples every 100 us sorted by the burn flex operation they fall in',
    command: 'scripts/profile-cpu.sh',
    date: new Date().toISOString(),
    machine: machine(),
    browser: `headless Chromium ${browser.version()}`,
    rows,
  };
  await writeFile(join(ROOT, 'bench/cpu-profile.json'), `${JSON.stringify(result, null, 2)}\n`);
  for (const r of rows) {
    console.log(`batch ${r.batch}: ${r.ms_per_forward} ms per forward (profiled, ${r.calls} calls)`);
    for (const p of r.parts) console.log(`  ${(100 * p.share).toFixed(1).padStart(5)}%  ${p.ms_per_forward.toFixed(2).padStart(7)} ms  ${p.part}`);
  }
  console.log('written to bench/cpu-profile.json');
} finally {
  await browser.close();
  await server.close();
}
