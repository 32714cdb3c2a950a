// Bad input in the browser: damaged weight files give a clear message in the page, and nothing
// panics inside wasm (a panic would surface as a RuntimeError "unreachable").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, waitForState, sharedBrowser } from './harness.mjs';

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
