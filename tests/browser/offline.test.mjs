// The offline classroom: after a first visit the service worker (www/sw.js) has stored the site
// and the module build the page loaded; with the server stopped, a reload still runs the sampling
// demo to the end, under the pages' Content-Security-Policy. A new build is a new version: the
// new worker stores it and drops the old cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, launch, open, serve, waitForState } from './harness.mjs';

test('with the server stopped after a first visit, a reload runs the sampling demo to the end', async () => {
  const server = await serve();
  const browser = await launch({ webgpu: true });
  try {
    const url = `${server.site}?demo=sampling&backend=cpu&steps=3&batch=4&seed=4`;
    const { page, errors } = await open(browser, url);
    await waitForState(page, 'done');
    await page.waitForFunction(() => document.body.dataset.offline === 'ready', null, { timeout: 60_000 });
    const version = /const VERSION = '([0-9a-f]{16})'/.exec(await readFile(join(ROOT, 'dist/sw.js'), 'utf8'))?.[1];
    assert.ok(version, 'the build wrote a version into sw.js');
    assert.deepEqual(await page.evaluate(() => caches.keys()), [`playground-${version}`]);
    const first = await page.$$eval('.run canvas', (cs) => cs.map((c) => c.toDataURL()));
    await server.close();
    assert.ok(await fetch(server.site).then(() => false, () => true), 'the server is down');

    await page.reload();
    await waitForState(page, 'done');
    assert.match(await page.textContent('#status'), /^done: step 3 \/ 3/);
    assert.equal(await page.evaluate(() => document.body.dataset.backend), 'cpu');
    // The same URL draws the same digits, now from the cache.
    assert.deepEqual(await page.$$eval('.run canvas', (cs) => cs.map((c) => c.toDataURL())), first);
    // Another demo and its weights: precached at the first visit though never opened.
    await page.goto(`${server.site}?demo=lab2d&backend=cpu&steps=4&batch=100&model=learned&preset=blobs`);
    await waitForState(page, 'done');
    assert.deepEqual(errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)), []);
    await page.close();
  } finally {
    await browser.close();
    await server.close().catch(() => {});
  }
});

test('a new build replaces the stored site: its worker stores the new version and drops the old', async () => {
  // A copy of the built site, whose sw.js is then rewritten as a new build's would be.
  const dir = await mkdtemp(join(tmpdir(), 'site-'));
  await cp(join(ROOT, 'dist'), dir, { recursive: true });
  const server = await serve({ prefix: '/site/', dir });
  const browser = await launch({ webgpu: true });
  try {
    const { page, errors } = await open(browser, `${server.site}?demo=sampling&backend=cpu&steps=2&batch=1`);
    await waitForState(page, 'done');
    await page.waitForFunction(() => document.body.dataset.offline === 'ready', null, { timeout: 60_000 });
    const worker = await readFile(join(dir, 'sw.js'), 'utf8');
    const old = /const VERSION = '([0-9a-f]{16})'/.exec(worker)[1];
    assert.deepEqual(await page.evaluate(() => caches.keys()), [`playground-${old}`]);

    const next = old.split('').reverse().join('');
    await writeFile(join(dir, 'sw.js'), worker.replace(`'${old}'`, `'${next}'`));
    // A visit checks for a new worker; here the page asks at once.
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    let stored = [];
    for (const end = Date.now() + 60_000; Date.now() < end; await page.waitForTimeout(500)) {
      stored = await page.evaluate(() => caches.keys());
      if (stored.length === 1 && stored[0] !== `playground-${old}`) break;
    }
    assert.deepEqual(stored, [`playground-${next}`], 'the new version alone is stored');
    // The new store holds the site: with the server stopped, a reload runs from it.
    await server.close();
    await page.reload();
    await waitForState(page, 'done');
    assert.deepEqual(errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)), []);
    await page.close();
  } finally {
    await browser.close();
    await server.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
});
