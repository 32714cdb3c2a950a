// Two builds of the browser module, A and B, side by side in one page of headless Chromium
// (WebGPU on SwiftShader): the MNIST U-Net forward plus readback, and a step of the 2D lab's four
// runs, on each backend both builds have; the builds take turns round after round and each reports
// its median round. For a change to the build (a feature, a profile setting): build the module
// before and after it into two folders under the repository, then
//
//   node bench/browser/bench-ab.mjs target/before-pkg target/after-pkg bench/ab-<change>.json
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, launch, serve, machine } from '../../tests/browser/harness.mjs';

const [dirA, dirB, out] = process.argv.slice(2);
if (!out) throw new Error('usage: node bench/browser/bench-ab.mjs <module folder A> <module folder B> <results.json>');
// SwiftShader is 10 to 100 times slower than the CPU path: fewer rounds and smaller batches there.
const PLAN = {
  cpu: { unetBatches: [1, 16], rounds: 5, calls: 3, warmupMs: 4000 },
  webgpu: { unetBatches: [1, 4], rounds: 2, calls: 2, warmupMs: 0 },
};

const server = await serve();
const browser = await launch({ webgpu: true });
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/dist/`);
  const rows = await page.evaluate(async ({ modules, plan }) => {
    const bytes = new Uint8Array(await (await fetch('/dist/weights/unet.bpk')).arrayBuffer());
    const builds = [];
    for (const dir of modules) {
      const wasm = await import(`/${dir}/diffusion_playground.js`);
      await wasm.default();
      builds.push(wasm);
    }
    const time = async (calls, f) => {
      const start = performance.now();
      for (let i = 0; i < calls; i += 1) await f();
      return (performance.now() - start) / calls;
    };
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    // Runs `work[0]` and `work[1]` (one per build) in turns after a warm-up; median ms per call.
    const compare = async (work, { rounds, calls, warmupMs }) => {
      const end = performance.now() + warmupMs;
      do { for (const f of work) await f(); } while (performance.now() < end);
      const ms = work.map(() => []);
      for (let r = 0; r < rounds; r += 1) for (const [i, f] of work.entries()) ms[i].push(await time(calls, f));
      return ms.map(median);
    };
    const rows = [];
    for (const [backendName, settings] of Object.entries(plan)) {
      const backends = await Promise.all(builds.map((w) => w.Backend.create(backendName).catch(() => null)));
      if (backends.some((b) => !b)) continue; // a CPU-only build has no WebGPU
      const models = builds.map((w, i) => {
        const m = new w.DigitModels(backends[i]);
        m.load_unet(bytes);
        return m;
      });
      for (const batch of settings.unetBatches) {
        const x = Float32Array.from({ length: batch * 784 }, (_, i) => Math.sin(i * 12.9898) * 0.9);
        const [a, b] = await compare(models.map((m) => () => m.unet_eps(x, 0.5, 3)), settings);
        rows.push({ backend: backendName, work: `U-Net forward, batch ${batch}`, a_ms: a, b_ms: b });
      }
      for (const sampler of ['em', 'ode-heun']) {
        // A lab that has run its course is replaced by a fresh one, so the warm-up can take as
        // many steps as it needs.
        const lab = (i) => new builds[i].Lab2d(backends[i], { sampler, batch: 100, steps: 1000, preset: 'blobs' });
        const labs = builds.map((_, i) => lab(i));
        const step = (i) => {
          if (labs[i].done) {
            labs[i].free();
            labs[i] = lab(i);
          }
          return labs[i].step().read();
        };
        const [a, b] = await compare(labs.map((_, i) => () => step(i)), settings);
        rows.push({ backend: backendName, work: `2D lab step (${sampler}, 4 runs of 100 points)`, a_ms: a, b_ms: b });
        labs.forEach((lab) => lab.free());
      }
      models.forEach((m) => m.free());
    }
    return rows.map((r) => ({ ...r, a_ms: Number(r.a_ms.toFixed(1)), b_ms: Number(r.b_ms.toFixed(1)), b_over_a: Number((r.b_ms / r.a_ms).toFixed(2)) }));
  }, { modules: [dirA, dirB], plan: PLAN });
  const result = {
    what: 'two builds of the module in one page, ms per call (median of rounds in which they take turns); b_over_a < 1: B is faster',
    command: `node bench/browser/bench-ab.mjs ${dirA} ${dirB} ${out}`,
    date: new Date().toISOString(),
    machine: machine(),
    browser: `headless Chromium ${browser.version()}, WebGPU on SwiftShader`,
    a: dirA,
    b: dirB,
    rows,
  };
  await writeFile(join(ROOT, out), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`A = ${dirA}, B = ${dirB}`);
  console.log('backend  work                                           A ms      B ms   B / A');
  for (const r of rows) console.log(`${r.backend.padEnd(7)}  ${r.work.padEnd(44)}  ${r.a_ms.toFixed(1).padStart(8)}  ${r.b_ms.toFixed(1).padStart(8)}  ${r.b_over_a.toFixed(2).padStart(6)}`);
  console.log(`written to ${out}`);
} finally {
  await browser.close();
  await server.close();
}
