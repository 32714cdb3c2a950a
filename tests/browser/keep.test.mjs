// The time scrubber and the downloads: scrubbing back shows exactly the frame drawn at that step
// in every panel, arrow keys step it, its memory stays under the stated bound over a 1,000-step
// run, and the files hold what is drawn (the CSV's values are the samples, computed again here
// with the module; the PNGs' pixels are the canvases').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { open, waitForState, sharedBrowser } from './harness.mjs';

const env = sharedBrowser();
const site = (query) => `${env.server.site}?${query}`;

// Every panel's pixels, as data URLs.
const panels = (page) => page.$$eval('#panels canvas', (cs) => cs.map((c) => c.toDataURL()));
const status = (page) => page.textContent('#status');
const stepOf = async (page) => Number(/step (\d+) \//.exec(await status(page))?.[1]);

async function scrubTo(page, index) {
  await page.$eval('#scrub', (el, i) => {
    el.value = String(i);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, index);
}

test('scrubbing back shows the frame drawn at that step, in all four panels; arrow keys step it', async () => {
  const { page, errors } = await open(env.browser, site('demo=lab2d&backend=cpu&steps=400&batch=100&seed=3'));
  await waitForState(page, 'running');
  await page.click('#pause');
  // The step in flight when Pause was pressed ends first.
  await waitForState(page, 'paused');
  // Three steps taken by hand, each one's panels recorded as drawn.
  const seen = new Map();
  for (let j = 0; j < 3; j += 1) {
    const before = await stepOf(page);
    await page.click('#step');
    await page.waitForFunction((b) => new RegExp(`step ${b + 1} /`).test(document.getElementById('status').textContent), before);
    seen.set(before + 1, await panels(page));
  }
  assert.equal((await panels(page)).length, 4);
  await page.click('#pause'); // Resume, to the end
  await waitForState(page, 'done');

  const [first, second, third] = [...seen.keys()];
  // Frame 0 is the start, so frame k is step k while every frame is kept.
  assert.equal(await page.getAttribute('#scrub', 'max'), '400');
  await scrubTo(page, second);
  await page.waitForFunction((k) => document.getElementById('scrub-info').textContent.includes(`step ${k} /`), second);
  assert.deepEqual(await panels(page), seen.get(second), `step ${second} as it was drawn`);
  assert.match(await page.textContent('#scrub-info'), /σ = \d\.\d{3}/);
  await page.focus('#scrub');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((k) => document.getElementById('scrub-info').textContent.includes(`step ${k} /`), third);
  assert.deepEqual(await panels(page), seen.get(third));
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((k) => document.getElementById('scrub-info').textContent.includes(`step ${k} /`), first);
  assert.deepEqual(await panels(page), seen.get(first));
  assert.deepEqual(errors, []);
  await page.close();
});

// The runner itself, with a stand-in lab of three steps: no race with a real run's speed.
test('pausing waits for the step in flight, and Step to the last step ends the run', async () => {
  const { page, errors } = await open(env.browser, site('demo=lab2d&backend=cpu&steps=2'));
  await waitForState(page, 'done');
  const states = await page.evaluate(async () => {
    const { createRunner } = await import('./runner.js');
    const states = [];
    const view = {
      status() {}, pauseLabel() {}, scrubber() {}, drawn() {}, backendName: () => 'cpu',
      setState: (s) => states.push(s),
      stopped: (e) => states.push(`error: ${e}`),
    };
    let k = 0;
    const frame = () => ({ index: k, read: async () => [k] });
    const lab = { get done() { return k >= 3; }, frame, step: () => (k < 3 ? (k += 1, frame()) : undefined), free() {} };
    const runner = createRunner(view);
    await runner.start(lab, () => {}, (f) => ({ text: `step ${f.index}` }));
    runner.togglePause(); // while the first step is in flight
    await new Promise((resolve) => setTimeout(resolve, 200));
    states.push(`at ${k}`);
    await runner.step();
    await runner.step();
    return states;
  });
  assert.deepEqual(states, ['running', 'paused', 'at 1', 'done']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('over a 1,000-step run the kept frames stay under 64 MiB and still span the run', async () => {
  // 4 runs x (x, x0_hat) x 2,000 points x 2 floats: 128 KB a frame, 128 MB for all 1,001.
  const { page, errors } = await open(env.browser, site('demo=lab2d&backend=cpu&steps=1000&batch=2000&seed=2'));
  let most = 0;
  while ((await page.evaluate(() => document.body.dataset.state)) !== 'done') {
    const [, bytes] = (await page.evaluate(() => document.body.dataset.history ?? '0,0')).split(',').map(Number);
    most = Math.max(most, bytes);
    assert.notEqual(await page.evaluate(() => document.body.dataset.state), 'error', await page.textContent('#notice'));
    await page.waitForTimeout(500);
  }
  const [count, bytes] = (await page.evaluate(() => document.body.dataset.history)).split(',').map(Number);
  assert.ok(Math.max(most, bytes) <= 64 * 2 ** 20, `${Math.max(most, bytes)} bytes kept`);
  assert.ok(count > 200 && count < 1001, `${count} frames kept`);
  await scrubTo(page, 0);
  await page.waitForFunction(() => /step 0 \//.test(document.getElementById('scrub-info').textContent));
  await scrubTo(page, count - 1);
  await page.waitForFunction(() => /step 1000 \//.test(document.getElementById('scrub-info').textContent));
  assert.deepEqual(errors, []);
  await page.close();
});

async function downloaded(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

// The PNGs are decoded in the page from their bytes: its Content-Security-Policy allows no data:
// fetch.
test("the samples' CSV holds the samples, and the PNG the canvases as drawn", async () => {
  const { page, errors } = await open(env.browser, site('demo=lab2d&backend=cpu&steps=6&batch=100&seed=5'));
  await waitForState(page, 'done');
  const table = await downloaded(page, '#download-samples');
  assert.equal(table.name, 'lab2d-step6.csv');
  const rows = table.bytes.toString('utf8').trim().split('\n').map((l) => l.split(','));
  assert.deepEqual(rows[0], ['method', 'sample', 'x1', 'x2', 'x0_hat1', 'x0_hat2']);
  assert.equal(rows.length, 1 + 4 * 100);
  // The same lab built again from the module the page uses, run to the end and read.
  const expected = await page.evaluate(async () => {
    const wasm = await import('./pkg-cpu/diffusion_playground.js');
    await wasm.default();
    const lab = new wasm.Lab2d(await wasm.Backend.create('cpu'), { steps: 6, batch: 100, seed: 5 });
    let frame;
    while (!lab.done) frame = lab.step();
    return { methods: lab.run_methods(), values: Array.from(await frame.read()) };
  });
  let worst = 0;
  rows.slice(1).forEach(([method, i, ...xs], r) => {
    const m = Math.floor(r / 100);
    assert.equal(method, expected.methods[m]);
    assert.equal(Number(i), r % 100);
    const want = [0, 1].flatMap((b) => [0, 1].map((d) => expected.values[((2 * m + b) * 100 + Number(i)) * 2 + d]));
    xs.forEach((v, k) => { worst = Math.max(worst, Math.abs(Math.fround(Number(v)) - want[k])); });
  });
  assert.equal(worst, 0, 'CSV values differ from the samples');

  const picture = await downloaded(page, '#download-png');
  assert.equal(picture.name, 'lab2d.png');
  const same = await page.evaluate(async (b64) => {
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' });
    const bitmap = await createImageBitmap(blob);
    const all = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    all.drawImage(bitmap, 0, 0);
    let x = 0;
    const canvases = [...document.querySelectorAll('.stage canvas')];
    for (const c of canvases) {
      // As seen: the canvases are transparent where nothing is drawn, on the page's white.
      const seen = new OffscreenCanvas(c.width, c.height).getContext('2d');
      seen.fillStyle = '#fff';
      seen.fillRect(0, 0, c.width, c.height);
      seen.drawImage(c, 0, 0);
      const want = seen.getImageData(0, 0, c.width, c.height).data;
      const got = all.getImageData(x, 0, c.width, c.height).data;
      if (want.some((v, i) => v !== got[i])) return `canvas ${c.id} differs`;
      x += c.width + 8;
    }
    return canvases.length;
  }, picture.bytes.toString('base64'));
  assert.equal(same, 4);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the digits download as a PNG grid whose pixels are the samples as drawn', async () => {
  const { page, errors } = await open(env.browser, site('demo=sampling&backend=cpu&steps=3&batch=4&seed=2'));
  await waitForState(page, 'done');
  const grid = await downloaded(page, '#download-samples');
  assert.equal(grid.name, 'sampling-samples-step3.png');
  const result = await page.evaluate(async (b64) => {
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' });
    const bitmap = await createImageBitmap(blob);
    const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    // The run's x panel draws 4 digits two by two, 28 pixels and a 2-pixel gap apart.
    const panel = document.querySelector('.run canvas');
    const drawn = panel.getContext('2d');
    let differing = 0;
    for (let k = 0; k < 4; k += 1) {
      const want = drawn.getImageData((k % 2) * 30, Math.floor(k / 2) * 30, 28, 28).data;
      const got = ctx.getImageData(k * 28, 0, 28, 28).data;
      differing += want.filter((v, i) => v !== got[i]).length;
    }
    return { width: bitmap.width, height: bitmap.height, differing };
  }, grid.bytes.toString('base64'));
  assert.deepEqual(result, { width: 4 * 28, height: 28, differing: 0 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the functions download as a CSV of every function on the grid', async () => {
  const { page, errors } = await open(env.browser, site('demo=functions&backend=cpu&model=exact&steps=4&batch=4&seed=1'));
  await waitForState(page, 'done');
  const table = await downloaded(page, '#download-samples');
  const rows = table.bytes.toString('utf8').trim().split('\n').map((l) => l.split(','));
  assert.deepEqual(rows[0], ['method', 'function', 'x', 'y', 'y0_hat']);
  // 3 methods x 4 functions x 32 grid points, every value finite, x on [-1, 1].
  assert.equal(rows.length, 1 + 3 * 4 * 32);
  assert.ok(rows.slice(1).every(([, , ...v]) => v.every((x) => Number.isFinite(Number(x)))));
  assert.deepEqual([rows[1][2], rows[32][2]].map(Number), [-1, 1]);
  assert.deepEqual(errors, []);
  await page.close();
});
