// Bad input and failures in the browser: damaged weight files, a WebGPU adapter or device that
// fails or is lost mid-run, samples that turn NaN, hostile URL state. Each gives a clear
// message in the page, which stays usable, and nothing panics inside wasm (the panic hook's
// `wasm-panic` events are recorded; a panic would also surface as a RuntimeError "unreachable").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, modulesFetched, open, waitForState, screenshot, sharedBrowser } from './harness.mjs';

const env = sharedBrowser();

test('truncated, wrong-architecture, random and empty weight files are refused with a message', async () => {
  const unet = await readFile(join(ROOT, 'www/weights/unet.bpk'));
  const classifier = await readFile(join(ROOT, 'www/weights/classifier.bpk'));
  const random = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24));
  const corpus = [
    ['truncated', unet.subarray(0, unet.length >> 1), /unet\.bpk: not a weight file: .*truncated/],
    ['header only', unet.subarray(0, 64), /unet\.bpk: not a weight file/],
    ['another network', classifier, /unet\.bpk: the weights do not fit this architecture: .*Missing tensors/],
    ['random bytes', random, /unet\.bpk: not a weight file: .*magic/],
    ['empty', Buffer.alloc(0), /unet\.bpk: not a weight file/],
  ];
  for (const [name, body, message] of corpus) {
    const page = await env.browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route('**/weights/unet.bpk', (route) => route.fulfill({ status: 200, body }));
    await page.goto(`${env.server.url}/dist/?demo=sampling&backend=cpu&steps=2&batch=1`);
    await page.waitForFunction(() => document.body.dataset.state === 'error');
    assert.match(await page.textContent('#notice'), message, name);
    assert.deepEqual(errors, [], `${name}: nothing thrown past the page`);
    // The page stays usable: once the file is right, Restart fetches it again and samples.
    await page.unroute('**/weights/unet.bpk');
    await page.click('#run');
    await page.waitForFunction(() => document.body.dataset.state !== 'error');
    await waitForState(page, 'done');
    assert.equal(await page.isVisible('#notice'), false, name);
    await page.close();
  }
});

// Records every `wasm-panic` the page's panic hook reports, from before the page's own scripts.
async function watchPanics(page) {
  await page.addInitScript(() => {
    window.__panics = [];
    window.addEventListener('wasm-panic', (e) => window.__panics.push(e.detail));
  });
}
const panics = (page) => page.evaluate(() => window.__panics);

test('a WebGPU adapter that fails, or a device that is refused: the page runs on the CPU and says why', async () => {
  // Without an adapter the page loads the CPU-only module (www/wasm.js asks the browser first);
  // a refused device is found only when burn asks for one, in the module with WebGPU.
  const faults = {
    'no adapter': [() => { navigator.gpu.requestAdapter = async () => null; }, 'pkg-cpu'],
    'adapter throws': [() => { navigator.gpu.requestAdapter = async () => { throw new Error('adapter exploded'); }; }, 'pkg-cpu'],
    'device refused': [() => {
      GPUAdapter.prototype.requestDevice = async () => { throw new DOMException('no device for you', 'OperationError'); };
    }, 'pkg'],
  };
  for (const [name, [fault, module]] of Object.entries(faults)) {
    const page = await env.browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await watchPanics(page);
    await page.addInitScript(fault);
    await page.goto(`${env.server.url}/dist/?demo=lab2d&steps=3&batch=100`);
    await waitForState(page, 'done');
    assert.equal(await page.evaluate(() => document.body.dataset.backend), 'cpu', name);
    assert.match(await page.textContent('#notice'), /WebGPU could not start: .*; running on the CPU instead/, name);
    assert.deepEqual(await modulesFetched(page), [module], name);
    assert.deepEqual(errors, [], name);
    assert.deepEqual(await panics(page), [], name);
    await page.close();
  }
});

test('a WebGPU device lost mid-run: the page moves to the CPU, says so, and finishes the run there', async () => {
  const page = await env.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await watchPanics(page);
  // Keeps the devices burn asks for, so the test can destroy one as a driver reset would.
  await page.addInitScript(() => {
    const request = GPUAdapter.prototype.requestDevice;
    window.__devices = [];
    GPUAdapter.prototype.requestDevice = async function (...args) {
      const device = await request.apply(this, args);
      window.__devices.push(device);
      return device;
    };
  });
  await page.goto(`${env.server.url}/dist/?demo=lab2d&backend=webgpu&model=learned&preset=blobs&steps=200&batch=100`);
  await waitForState(page, 'running');
  assert.equal(await page.evaluate(() => document.body.dataset.backend), 'webgpu');
  await page.waitForFunction(() => /^step [3-9]/.test(document.getElementById('status').textContent));
  await page.evaluate(() => window.__devices.forEach((d) => d.destroy()));
  await page.waitForFunction(() => document.body.dataset.backend === 'cpu', null, { timeout: 60_000 });
  assert.match(await page.textContent('#notice'), /The WebGPU device was lost \(.*\): running on the CPU instead/);
  await waitForState(page, 'done');
  assert.match(await page.textContent('#status'), /^done: .* on cpu$/);
  // A later restart asks for WebGPU again (backend=webgpu) and is told the device is gone.
  await page.click('#run');
  await waitForState(page, 'done');
  assert.equal(await page.evaluate(() => document.body.dataset.backend), 'cpu');
  await screenshot(page, 'device-lost.png');
  assert.deepEqual(errors, []);
  assert.deepEqual(await panics(page), []);
  await page.close();
});

// burnpack: magic, u16 version, u32 metadata length, metadata, then tensor data; all ones is NaN
// in f16 and f32 at any alignment. The file loads; the network returns NaN.
async function poisoned(file) {
  const bytes = Buffer.from(await readFile(join(ROOT, 'www/weights', file)));
  return bytes.fill(0xff, 10 + bytes.readUInt32LE(6));
}

test('samples that turn NaN stop the run with a message, and the page stays usable', async () => {
  const mlp = await poisoned('mlp2d-blobs.bpk');
  for (const backend of ['cpu', 'webgpu']) {
    const page = await env.browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await watchPanics(page);
    await page.route('**/weights/mlp2d-blobs.bpk', (route) => route.fulfill({ status: 200, body: mlp }));
    await page.goto(`${env.server.url}/dist/?demo=lab2d&backend=${backend}&preset=blobs&model=learned&steps=20&batch=100`);
    await page.waitForFunction(() => document.body.dataset.state === 'error', null, { timeout: 120_000 });
    assert.match(await page.textContent('#notice'), /Sampling stopped: the samples became NaN or infinite at step 1 \(\d+ of \d+ values\)/, backend);
    // The page stays usable: the exact score samples to the end.
    await page.selectOption('select[name=model]', 'exact');
    // The failed run's 'error' state stays until the new run draws its first frame.
    await page.waitForFunction(() => document.body.dataset.state !== 'error');
    await waitForState(page, 'done');
    assert.equal(await page.isVisible('#notice'), false, backend);
    assert.deepEqual(errors, [], backend);
    assert.deepEqual(await panics(page), [], backend);
    await page.close();
  }
  // The MNIST U-Net the same way.
  const unet = await poisoned('unet.bpk');
  const page = await env.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route('**/weights/unet.bpk', (route) => route.fulfill({ status: 200, body: unet }));
  await page.goto(`${env.server.url}/dist/?demo=cfg&backend=cpu&steps=2&batch=1`);
  await page.waitForFunction(() => document.body.dataset.state === 'error');
  assert.match(await page.textContent('#notice'), /the samples became NaN or infinite at step 1/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('hostile or malformed URL state is named in a notice, never run as markup, and the page works', async () => {
  // Long, yet within what a server takes in a request line.
  const long = '0:0,'.repeat(1_000);
  const cases = [
    // [query, parameters the notice must name]
    ['demo=cfg&w=1e6&steps=0&batch=100000&seed=1e400', ['w', 'steps', 'batch', 'seed']],
    ['demo=cfg&steps=NaN&w=Infinity&label=%00&seed=0x10', ['steps', 'w', 'label', 'seed']],
    ['demo=cfg&__proto__=1&constructor=2&toString=x', ['__proto__', 'constructor', 'toString']],
    ['demo=<img src=x onerror=alert(1)>&hide=<script>alert(2)</script>', ['no demo', 'script']],
    [`demo=functions&model=exact&points=${long}1:1`, ['points']],
    ['demo=functions&model=exact&points=9:9,-0.5:1', ['points']],
    ['demo=inpainting&known=%E0%A4%A&pixels=' + 'A'.repeat(600), ['known', 'pixels']],
    ['demo=lab2d&y=1e-400000&batch=501&preset=constructor', ['batch', 'preset']],
  ];
  for (const [query, named] of cases) {
    const page = await env.browser.newPage();
    const errors = [];
    let dialogs = 0;
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('dialog', (d) => { dialogs += 1; d.dismiss(); });
    // A later good steps=2 keeps the runs short; a bad one earlier is still named.
    await page.goto(`${env.server.url}/dist/?${query}&backend=cpu&steps=2`);
    await waitForState(page, 'done');
    const notice = await page.textContent('#notice');
    for (const name of named) assert.ok(notice.includes(name), `${query.slice(0, 80)}: notice does not name ${name}: ${notice.slice(0, 300)}`);
    assert.equal(await page.locator('#notice img, #notice script').count(), 0, 'markup in the notice');
    assert.equal(dialogs, 0, `${query.slice(0, 80)}: a script from the URL ran`);
    assert.equal(await page.evaluate(() => ({}).polluted ?? Object.prototype.toString === undefined), false);
    assert.deepEqual(errors, [], query.slice(0, 80));
    await page.close();
  }
});

// No input above makes the module panic, so the page's side of the panic hook is checked with
// the event the hook sends (`web::start`): the page stops, says why, and asks for a reload.
test('a panic the hook reports stops the page with a message asking for a reload', async () => {
  const { page, errors } = await open(env.browser, `${env.server.url}/dist/?demo=lab2d&backend=cpu&steps=2`);
  await waitForState(page, 'done');
  await page.evaluate(() => window.dispatchEvent(new CustomEvent('wasm-panic', { detail: 'panicked at src/lab/points.rs:1:1: example' })));
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'error');
  assert.match(await page.textContent('#notice'), /wasm module hit a bug and stopped \(panicked at src\/lab\/points\.rs:1:1: example\)\. Reload the page/);
  // Nothing more runs on a module in an unknown state.
  await page.click('#run');
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'error');
  assert.deepEqual(errors, []);
  await page.close();
});
