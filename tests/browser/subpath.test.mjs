// The static folder scripts/build-site.sh writes (site/, or the folder SITE names), served under
// /playground/ as a GitHub project page is served under /<repo>/, by a server that answers 404
// everywhere else: the demos' checks (demo-checks.mjs) pass there, index.html and embed.html
// included, the page loads the module with WebGPU from pkg/, and nothing is asked for outside the
// prefix, so no URL of the site is root-absolute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, open, waitForState, modulesFetched, sharedBrowser } from './harness.mjs';
import { demoChecks } from './demo-checks.mjs';

const PREFIX = '/playground/';
const SITE = resolve(ROOT, process.env.SITE ?? 'site');

// A folder older than dist/ would test an earlier build than the other browser tests do.
const built = (dir) => statSync(join(dir, 'index.html'), { throwIfNoEntry: false })?.mtimeMs;
if (!built(SITE)) throw new Error(`no site in ${SITE}: run scripts/build-site.sh first`);
if (built(SITE) < (built(join(ROOT, 'dist')) ?? 0)) {
  throw new Error(`${SITE} is older than dist/: run scripts/build-site.sh`);
}

const env = sharedBrowser({ prefix: PREFIX, dir: SITE });

test('the server serves the site under the prefix alone', async () => {
  assert.equal((await fetch(env.server.site)).status, 200);
  for (const path of ['/index.html', '/dist/index.html', '/playground']) {
    assert.equal((await fetch(`${env.server.url}${path}`)).status, 404, path);
  }
  // Asked for on purpose: the last test asserts that the pages asked for nothing out there.
  assert.deepEqual(env.server.outside.splice(0), ['/index.html', '/dist/index.html', '/playground']);
});

demoChecks(env, { shots: 'subpath-' });

test('WebGPU: the page loads pkg/ under the prefix and every URL in it stays there', async () => {
  const { page, errors } = await open(env.browser, `${env.server.site}?demo=lab2d&steps=2&batch=100`);
  await waitForState(page, 'done');
  assert.equal(await page.evaluate(() => document.body.dataset.backend), 'webgpu');
  assert.deepEqual(await modulesFetched(page), ['pkg']);
  // The tabs' links, the stylesheet, the scripts: every URL of the page's own origin.
  const urls = await page.evaluate(() => [...document.querySelectorAll('[href], [src]')]
    .map((e) => e.href ?? e.src).filter((u) => typeof u === 'string' && u.startsWith(location.origin)));
  assert.ok(urls.length > 6, urls.join(' '));
  for (const url of urls) assert.ok(url.startsWith(env.server.site), `${url} is outside ${PREFIX}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('nothing was asked for outside the prefix', () => {
  assert.deepEqual(env.server.outside, []);
});
