// The train demo (www/demos/train.js): a score MLP trained in the page, on both backends, reaches
// the error against the exact score that the native trainer reaches in the same steps; a painted
// two-class set trains with a falling loss and comes back from its link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, open, sharedBrowser, waitForState } from './harness.mjs';

const env = sharedBrowser();

// Small enough for SwiftShader, whose WebGPU takes about 0.1 s per step at batch 64.
const STEPS = 200;
const BATCH = 64;
// The page's averaged network must come within this factor of the native trainer's error against
// the exact score, either way: the same code, seed and batches (measured: the CPU build equal to
// 7 digits, WebGPU, which sums in other orders, within 0.5 %).
const FACTOR = 1.1;

// `diffusion train` for STEPS steps with the page's settings: its log's error against the exact
// score of the blobs.
function nativeError() {
  const dir = mkdtempSync(join(tmpdir(), 'train-native-'));
  try {
    const checkpoint = join(dir, 'blobs.ckpt');
    execFileSync('cargo', ['run', '--quiet', '--bin', 'diffusion', '--', 'train', '--model', 'mlp2d', '--data', 'blobs',
      '--steps', String(STEPS), '--batch', String(BATCH), '--lr', '1e-3', '--ema', '0.995', '--seed', '0', '--every', String(STEPS),
      '--checkpoint', checkpoint], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const log = JSON.parse(readFileSync(`${checkpoint}.log.json`, 'utf8'));
    return log.at(-1).held_out.exact_eps_error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const dataset = (page) => page.evaluate(() => ({ ...document.body.dataset }));

test('N steps in the page reach the native trainer\'s error against the exact score, on both backends', async (t) => {
  const native = nativeError();
  assert.ok(native > 0 && native < 0.6, `the native trainer learns the blobs in ${STEPS} steps: ${native}`);
  for (const backend of ['cpu', 'webgpu']) {
    const { page, errors } = await open(env.browser, `${env.server.site}?demo=train&backend=${backend}&until=${STEPS}&batch=${BATCH}&steps=5&samples=100`);
    await waitForState(page, 'done', 300_000);
    const d = await dataset(page);
    assert.equal(d.backend, backend);
    assert.equal(d.training, 'done');
    assert.equal(Number(d.trainSteps), STEPS);
    const page_ = Number(d.exactError);
    t.diagnostic(`${backend}: error ${page_} after ${STEPS} steps in the page (${d.stepsPerSecond} steps/s), ${native} natively`);
    assert.ok(page_ < native * FACTOR && page_ > native / FACTOR, `${backend}: ${page_} in the page, ${native} natively`);
    assert.ok(Number(d.stepsPerSecond) > 0);
    // The samples: unconditional and each of the three classes, network beside exact.
    assert.equal(await page.locator('.panels figure').count(), 8);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

// A stroke on the data canvas from (x0, y0) to (x1, y1), in the canvas's [-4, 4]^2 coordinates.
async function paint(page, [x0, y0], [x1, y1]) {
  const box = await page.locator('#train-data').boundingBox();
  const at = (x, y) => [box.x + ((x + 4) / 8) * box.width, box.y + ((4 - y) / 8) * box.height];
  await page.mouse.move(...at(x0, y0));
  await page.mouse.down();
  for (let k = 1; k <= 20; k += 1) await page.mouse.move(...at(x0 + ((x1 - x0) * k) / 20, y0 + ((y1 - y0) * k) / 20));
  await page.mouse.up();
}

test('a painted two-class set trains with a falling loss, and its link paints it again, on both backends', async () => {
  for (const backend of ['cpu', 'webgpu']) {
    const { page, errors } = await open(env.browser, `${env.server.site}?demo=train&backend=${backend}&data=painted&until=150&batch=64&steps=5&samples=100`);
    await page.waitForFunction(() => document.body.dataset.training === 'empty');
    await paint(page, [-2.5, -1], [-1.5, 1]);
    await page.waitForFunction(() => document.body.dataset.training !== 'empty');
    await page.selectOption('select[name=paint]', '1');
    await paint(page, [1.5, -1], [2.5, 1]);
    await page.waitForFunction(() => document.body.dataset.training === 'done', null, { timeout: 180_000 });
    await waitForState(page, 'done');
    const d = await dataset(page);
    const link = new URL(page.url());
    // Both strokes' points, 3 per pointer event, in both classes, and in the link.
    const painted = d.painted;
    assert.ok(painted.length >= 4 * 2 * 20 && link.searchParams.get('points') === painted, 'the link carries the painted points');
    const captions = await page.evaluate(() => [...document.querySelectorAll('.panels figcaption')].map((c) => c.textContent));
    assert.deepEqual(captions, ['network, 150 steps: unconditional', 'network, 150 steps: class 0, w = 1', 'network, 150 steps: class 1, w = 1']);
    assert.ok(Number(d.lossNow) < 0.8 * Number(d.lossStart), `${backend}: the loss falls: ${d.lossStart} -> ${d.lossNow}`);

    // The link, opened again: the same points, trained again to the same loss (WebGPU may sum
    // in another order).
    await page.goto(link.href);
    await waitForState(page, 'done');
    const again = await dataset(page);
    assert.equal(again.painted, painted);
    if (backend === 'cpu') assert.equal(again.lossNow, d.lossNow);
    else assert.ok(Math.abs(again.lossNow / d.lossNow - 1) < 0.05, `${again.lossNow} vs ${d.lossNow}`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('bad painted points in the link are refused with a notice, and the page still trains', async () => {
  const { page, errors } = await open(env.browser, `${env.server.site}?demo=train&backend=cpu&data=painted&points=AAA&until=5`);
  await page.waitForFunction(() => document.body.dataset.training === 'empty');
  assert.match(await page.textContent('#notice'), /Ignored bad URL parameter points/);
  assert.deepEqual(errors, []);
  await page.close();
});
