// The MNIST U-Net in headless Chromium, ours against onnxruntime-web running the same network
// with the same weights (exported to ONNX through PyTorch by bench/unet_onnx.py), on the same
// inputs in the same page: one forward pass plus the readback of eps, on the CPU (our burn flex
// in wasm against ORT's wasm backend, both single-threaded) and on WebGPU (SwiftShader). Checks
// that both give the same eps, prints a table with the ratios and writes bench/browser-onnx.json.
//
//   scripts/bench-onnx.sh
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, launch, serve, machine } from '../../tests/browser/harness.mjs';

// SwiftShader runs either network 10 to 20 times slower than the CPU paths: fewer calls there.
// The two runtimes take turns, round after round, and each reports its median round: V8 compiles
// hot wasm functions again in the background for a while after instantiation, and on a 2-core
// machine that compilation (or any other load) would otherwise land on whichever runtime was
// being timed at that moment.
const PLAN = {
  cpu: { ort: 'wasm', batches: [1, 4, 16], warmup: 2, warmupMs: 4000, rounds: 7, calls: 3 },
  webgpu: { ort: 'webgpu', batches: [1, 4, 16], warmup: 1, warmupMs: 0, rounds: 3, calls: 1 },
};
const ORT_VERSION = JSON.parse(await readFile(join(ROOT, 'node_modules/onnxruntime-web/package.json'), 'utf8')).version;

const server = await serve();
const browser = await launch({ webgpu: true });
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // Any page of the server's origin will do: the modules are imported by the benchmark itself.
  await page.goto(`${server.url}/bench/`);
  const rows = await page.evaluate(async (plan) => {
    const wasm = await import('/dist/pkg/diffusion_playground.js');
    await wasm.default();
    const ort = await import('/node_modules/onnxruntime-web/dist/ort.all.min.mjs');
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
    const bytes = new Uint8Array(await (await fetch('/dist/weights/unet.bpk')).arrayBuffer());
    const model = new Uint8Array(await (await fetch('/target/bench-onnx/unet.onnx')).arrayBuffer());
    // The same inputs for both: images from a fixed sequence, t = 0.5, label 3.
    const images = (n) => Float32Array.from({ length: n * 784 }, (_, i) => Math.sin(i * 12.9898) * 0.9);
    const time = async (calls, f) => {
      const start = performance.now();
      for (let i = 0; i < calls; i += 1) await f();
      return (performance.now() - start) / calls;
    };
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const out = [];
    for (const [backendName, { ort: provider, batches, warmup, warmupMs, rounds, calls }] of Object.entries(plan)) {
      const backend = await wasm.Backend.create(backendName);
      const models = new wasm.DigitModels(backend);
      models.load_unet(bytes);
      const session = await ort.InferenceSession.create(model, { executionProviders: [provider], graphOptimizationLevel: 'all' });
      for (const batch of batches) {
        const x = images(batch);
        const feeds = {
          x: new ort.Tensor('float32', x, [batch, 784]),
          t: new ort.Tensor('float32', new Float32Array(batch).fill(0.5), [batch, 1]),
          labels: new ort.Tensor('int64', new BigInt64Array(batch).fill(3n), [batch]),
        };
        const ours = () => models.unet_eps(x, 0.5, 3);
        const theirs = async () => (await session.run(feeds)).eps.getData();
        const [a, b] = [await ours(), await theirs()];
        let diff = 0;
        for (let i = 0; i < a.length; i += 1) diff = Math.max(diff, Math.abs(a[i] - b[i]));
        const end = performance.now() + warmupMs;
        for (let i = 0; i < warmup || performance.now() < end; i += 1) await ours(), await theirs();
        const oursRounds = [];
        const theirRounds = [];
        for (let r = 0; r < rounds; r += 1) {
          oursRounds.push(await time(calls, ours));
          theirRounds.push(await time(calls, theirs));
        }
        const [oursMs, theirsMs] = [median(oursRounds), median(theirRounds)];
        out.push({
          backend: backendName,
          onnxruntime_provider: provider,
          batch,
          ours_ms: Number(oursMs.toFixed(1)),
          onnxruntime_ms: Number(theirsMs.toFixed(1)),
          ours_over_onnxruntime: Number((oursMs / theirsMs).toFixed(2)),
          ours_round_ms: oursRounds.map((x) => Number(x.toFixed(1))),
          onnxruntime_round_ms: theirRounds.map((x) => Number(x.toFixed(1))),
          max_abs_eps_difference: diff,
        });
      }
      await session.release();
      models.free();
    }
    return out;
  }, PLAN);
  if (errors.length) throw new Error(errors.join('\n'));
  for (const r of rows) {
    if (!(r.max_abs_eps_difference < 1e-3)) throw new Error(`the two runtimes disagree: ${JSON.stringify(r)}`);
  }
  const result = {
    what: 'MNIST U-Net: one forward pass (eps for a batch at one t and label) plus the readback, ms per call (median of rounds in which the two runtimes take turns); ours = burn (flex in wasm on the CPU, WebGPU), onnxruntime-web on the same ONNX export of the same weights; ratio > 1: ours is slower',
    command: 'scripts/bench-onnx.sh',
    date: new Date().toISOString(),
    machine: machine(),
    browser: `headless Chromium ${browser.version()}, WebGPU on SwiftShader`,
    onnxruntime_web: ORT_VERSION,
    rows,
  };
  await writeFile(join(ROOT, 'bench/browser-onnx.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log('backend  ORT provider  batch  ours ms  ORT ms  ours/ORT  max |eps diff|');
  for (const r of rows) {
    console.log(`${r.backend.padEnd(8)} ${r.onnxruntime_provider.padEnd(12)}  ${String(r.batch).padStart(5)}  ${r.ours_ms.toFixed(1).padStart(7)}  ${r.onnxruntime_ms.toFixed(1).padStart(6)}  ${r.ours_over_onnxruntime.toFixed(2).padStart(8)}  ${r.max_abs_eps_difference.toExponential(1)}`);
  }
  console.log('written to bench/browser-onnx.json');
} finally {
  await browser.close();
  await server.close();
}
