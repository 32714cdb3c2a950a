// Time from page load to the first drawn sample, per build variant, in headless Chromium (WebGPU
// on SwiftShader): the site served gzip -9 as a static host would, each load in a fresh browser
// context (cold HTTP and compiled-wasm caches), on loopback and on a throttled link, read from
// the page's User Timing marks (www/app.js, www/runner.js) and resource timing: when the wasm
// was asked for and arrived, the module was initialised, the backend was ready, the weights
// arrived, the first frame (the starting noise) and the first step were drawn and the run was
// done, all in ms from navigation, medians of LOADS loads; plus one warm reload (same context)
// per variant and demo.
// Prints a table and writes bench/startup.json.
//
//   scripts/bench-startup.sh
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, launch, serve, waitForState, machine } from '../../tests/browser/harness.mjs';

const LOADS = 3;
// Runs of 2 steps, not the default 50: on SwiftShader a step of the U-Net takes seconds (the
// first one over ten), and 50 would spend minutes per load after the figures that matter here.
const STEPS = 2;
// The site loads pkg-cpu/ (the CPU-only build) where WebGPU will not be used (www/wasm.js); the
// last variant serves pkg/ in its place, as the site did before it had two builds, for a
// same-run comparison.
const VARIANTS = [
  { name: 'WebGPU (pkg/)', backend: 'webgpu', query: '' },
  { name: 'CPU asked for (pkg-cpu/)', backend: 'cpu', query: '&backend=cpu' },
  { name: 'no WebGPU adapter (pkg-cpu/)', backend: 'cpu', query: '', browser: 'plain' },
  { name: 'CPU asked for, pkg/ in place', backend: 'cpu', query: '&backend=cpu', mounts: { '/dist/pkg-cpu/': 'dist/pkg' } },
];
// Throughputs in bytes per second.
const NETWORKS = [
  { name: 'loopback' },
  { name: '20 Mbit/s, 20 ms', conditions: { offline: false, latency: 20, downloadThroughput: 20e6 / 8, uploadThroughput: 5e6 / 8 } },
];
// The default demo (sampling MNIST, which needs the U-Net's weights) and one that needs none.
const DEMOS = [
  { name: 'sampling (U-Net)', query: `demo=sampling&steps=${STEPS}`, weights: 'unet.bpk' },
  { name: '2D lab (no weights)', query: `demo=lab2d&steps=${STEPS}` },
];
const TIMES = ['wasm_start_ms', 'wasm_response_end_ms', 'module_initialised_ms', 'backend_ready_ms', 'weights_response_end_ms', 'first_frame_ms', 'first_step_ms', 'done_ms'];

// What one load of the page took, once it is done.
function measure(page, weightsFile) {
  return page.evaluate((file) => {
    const resources = performance.getEntriesByType('resource');
    const wasm = resources.find((r) => r.name.endsWith('.wasm'));
    const weights = file && resources.find((r) => r.name.endsWith(`/${file}`));
    const mark = (name) => performance.getEntriesByName(name, 'mark')[0]?.startTime ?? null;
    const entries = [...performance.getEntriesByType('navigation'), ...resources];
    return {
      backend: document.body.dataset.backend,
      notice: document.getElementById('notice').textContent,
      wasm_start_ms: wasm?.startTime ?? null,
      wasm_response_end_ms: wasm?.responseEnd ?? null,
      module_initialised_ms: mark('module initialised'),
      backend_ready_ms: mark('backend ready'),
      weights_response_end_ms: weights?.responseEnd ?? null,
      first_frame_ms: mark('first frame drawn'),
      first_step_ms: mark('first step drawn'),
      done_ms: mark('run done'),
      transfer_bytes: entries.reduce((sum, r) => sum + r.transferSize, 0),
      wasm_transfer_bytes: wasm?.transferSize ?? null,
    };
  }, weightsFile ?? null);
}

async function untilDone(page, errors) {
  await waitForState(page, 'done');
  if (errors.length) throw new Error(errors.join('\n'));
}

// A cold load in a fresh context; with `reload`, also a warm reload in the same context.
async function load(browser, url, network, demo, reload) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    if (network.conditions) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', network.conditions);
    }
    await page.goto(url);
    await untilDone(page, errors);
    const cold = await measure(page, demo.weights);
    if (!reload) return { cold };
    await page.reload();
    await untilDone(page, errors);
    return { cold, warm: await measure(page, demo.weights) };
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  if (xs.some((x) => x === null)) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x) => (x === null ? null : Math.round(x));

function row(variant, network, demo, url, cache, samples) {
  const out = { variant: variant.name, network: network.name, demo: demo.name, url, cache, loads: samples.length, backend: samples[0].backend, notice: samples[0].notice };
  for (const k of [...TIMES, 'transfer_bytes', 'wasm_transfer_bytes']) out[k] = round(median(samples.map((s) => s[k])));
  out.samples = samples.map((s) => Object.fromEntries(TIMES.map((k) => [k, round(s[k])])));
  return out;
}

const startedAt = Date.now();
const servers = await Promise.all(VARIANTS.map((v) => serve({
  gzip: true,
  mounts: Object.fromEntries(Object.entries(v.mounts ?? {}).map(([url, dir]) => [url, join(ROOT, dir)])),
})));
const browsers = { webgpu: await launch({ webgpu: true }), plain: await launch({ webgpu: false }) };
try {
  // Compress the large files once before timing anything: a static host serves them ready.
  for (const server of servers) {
    for (const file of ['pkg/diffusion_playground_bg.wasm', 'pkg-cpu/diffusion_playground_bg.wasm', 'weights/unet.bpk']) {
      await (await fetch(`${server.url}/dist/${file}`, { headers: { 'accept-encoding': 'gzip' } })).arrayBuffer();
    }
  }
  const plan = VARIANTS.flatMap((variant, v) => NETWORKS.flatMap((network) => DEMOS.map((demo) => ({
    variant, network, demo, url: `${servers[v].url}/dist/?${demo.query}${variant.query}`, cold: [], warm: [],
  }))));
  // Load after load in turn, so that a drift of the machine spreads over every row.
  for (let i = 0; i < LOADS; i += 1) {
    for (const p of plan) {
      const reload = i === LOADS - 1 && !p.network.conditions;
      const { cold, warm } = await load(browsers[p.variant.browser ?? 'webgpu'], p.url, p.network, p.demo, reload);
      if (cold.backend !== p.variant.backend) throw new Error(`${p.variant.name} ran on ${cold.backend}: ${cold.notice}`);
      p.cold.push(cold);
      if (warm) p.warm.push(warm);
      console.log(`load ${i + 1}/${LOADS}: ${p.variant.name}, ${p.network.name}, ${p.demo.name}: first step ${round(cold.first_step_ms)} ms${warm ? `, warm reload ${round(warm.first_step_ms)} ms` : ''}`);
    }
  }
  const rows = plan.flatMap((p) => {
    const url = p.url.slice(p.url.indexOf('/dist/'));
    const cold = row(p.variant, p.network, p.demo, url, 'cold', p.cold);
    return p.warm.length ? [cold, row(p.variant, p.network, p.demo, url, 'warm reload', p.warm)] : [cold];
  });
  const seconds = Math.round((Date.now() - startedAt) / 1000);
  const result = {
    what: `time from navigation to the page's User Timing marks, ms, per build variant: wasm request start and response end (resource timing), module initialised, backend ready, weights response end, first frame drawn (the starting noise), first step drawn, run done (${STEPS} steps); median of ${LOADS} loads each in a fresh browser context (cold caches), and one warm reload in the same context; the site served gzip -9 with max-age=600; transfer_bytes: the page's and its resources' transferSize; network throttled by CDP Network.emulateNetworkConditions`,
    command: 'scripts/bench-startup.sh',
    date: new Date().toISOString(),
    machine: machine(),
    browser: `headless Chromium ${browsers.webgpu.version()}, WebGPU on SwiftShader (the no-adapter variant: launched without it)`,
    seconds,
    rows,
  };
  await writeFile(join(ROOT, 'bench/startup.json'), `${JSON.stringify(result, null, 2)}\n`);
  const s = (ms) => (ms === null ? '–' : (ms / 1000).toFixed(2)).padStart(7);
  console.log(`\nseconds from navigation (median of ${LOADS} cold loads, or one warm reload; done: ${STEPS} steps)`);
  console.log(`${'variant'.padEnd(28)}  ${'network'.padEnd(16)}  ${'demo'.padEnd(19)}  ${'cache'.padEnd(11)}  wasm at  wasm in     init  backend  weights    frame     step     done  MB moved`);
  for (const r of rows) {
    console.log(`${r.variant.padEnd(28)}  ${r.network.padEnd(16)}  ${r.demo.padEnd(19)}  ${r.cache.padEnd(11)}  ${TIMES.map((k) => s(r[k])).join('  ')}  ${(r.transfer_bytes / 1e6).toFixed(2).padStart(8)}`);
  }
  console.log(`written to bench/startup.json (${seconds} s)`);
} finally {
  await Promise.all(Object.values(browsers).map((b) => b.close()));
  await Promise.all(servers.map((server) => server.close()));
}
