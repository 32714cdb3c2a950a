// Checks of the demos that hold wherever the site is served, registered as tests by the file that
// calls demoChecks: demos.test.mjs runs them on dist/ at the server's /dist/, subpath.test.mjs on
// the folder scripts/build-site.sh writes, served under a prefix as a GitHub project page is.
// Every demo loads and draws without a console error and its controls change what is drawn (on
// the CPU backend), every demo's URL state round-trips through its embed page, which hides what
// `hide=` names and fits a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, waitForState, screenshot } from './harness.mjs';

export const drawn = (page, selector = '#panels canvas') =>
  page.evaluate((s) => [...document.querySelectorAll(s)].map((c) => c.toDataURL()).join('|'), selector);
export const params = (url) => Object.fromEntries(new URL(url).searchParams);

const DEMOS = {
  sampling: { query: 'steps=3&batch=4', control: ['input[name=seed]', '9'], key: 'seed' },
  inpainting: { query: 'steps=3&batch=1&resamplings=2', control: ['select[name=mask]', 'left'], key: 'mask' },
  cfg: { query: 'steps=3&batch=4', control: ['select[name=label]', '3'], key: 'label' },
  classifier: { query: 'steps=3&batch=4', control: ['input[name=scale]', '8'], key: 'scale' },
  functions: { query: 'steps=5&batch=4', control: ['select[name=model]', 'exact'], key: 'model' },
  train: { query: 'until=50&steps=3&samples=100', control: ['select[name=data]', 'ring'], key: 'data' },
};

// Non-default settings of every demo: the URL keeps them and the form shows them.
const STATES = {
  sampling: 'sampler=ddim&eta=0.3&steps=2&batch=1&compare=second&steps_b=3&seed=8',
  inpainting: 'digit=5&mask=patch&steps=2&batch=1&resamplings=1&guidance_scale=0.5',
  cfg: 'label=4&w=-1&steps=2&batch=4',
  classifier: 'label=2&scale=2.5&steps=2&batch=4',
  lab2d: 'preset=ring&sampler=pc&snr=0.2&steps=3&batch=100',
  functions: 'points=0.5:1,-0.5:-1&motif=0.5:1:0.5&model=exact&steps=3&batch=4&obs_std=0.1',
  train: 'data=moons&until=30&batch=64&lr=0.003&w=2&field_t=0.5&steps=3&samples=100&seed=2',
};

// `env` as sharedBrowser returns it; screenshots are named `${shots}<name>.png`.
export function demoChecks(env, { shots = '' } = {}) {
  const site = (query) => `${env.server.site}?${query}`;

  for (const [demo, { query, control, key }] of Object.entries(DEMOS)) {
    test(`${demo}: loads without console errors and its controls change what is drawn`, async () => {
      const { page, errors } = await open(env.browser, site(`demo=${demo}&backend=cpu&${query}`));
      await waitForState(page, 'done');
      assert.equal(await page.evaluate(() => document.body.dataset.demo), demo);
      assert.match(await page.textContent('#status'), /^done: /);
      assert.equal(await page.isVisible('#notice'), false);
      await screenshot(page, `${shots}demo-${demo}.png`);
      const before = await drawn(page);
      const [selector, value] = control;
      if (selector.startsWith('select')) await page.selectOption(selector, value);
      else await page.fill(selector, value), await page.dispatchEvent(selector, 'change');
      await page.waitForFunction((k) => new URLSearchParams(location.search).has(k), key);
      await waitForState(page, 'done');
      assert.equal(params(page.url())[key], value);
      assert.notEqual(await drawn(page), before, `changing ${key} changed nothing drawn`);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }

  test('the embed page shows one demo, with the parts named in ?hide= hidden', async () => {
    const { page, errors } = await open(env.browser, `${env.server.site}embed.html?demo=cfg&backend=cpu&steps=2&batch=4&hide=controls,intro`);
    await waitForState(page, 'done');
    assert.equal(await page.locator('#demos').count(), 0, 'no tabs in an embed');
    assert.equal(await page.isVisible('#controls'), false);
    assert.equal(await page.isVisible('#intro'), false);
    assert.equal(await page.isVisible('.formula'), true);
    assert.equal(await page.locator('#panels figure').count(), 1);
    assert.equal(await page.textContent('#demo-title'), 'Classifier-free guidance');
    assert.match(page.url(), /hide=controls%2Cintro|hide=controls,intro/);
    await screenshot(page, `${shots}embed-cfg.png`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('every demo: URL state round-trips, the embed page shows it alone, it fits a phone', async () => {
    for (const [demo, state] of Object.entries(STATES)) {
      const page = await env.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      const errors = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${env.server.site}embed.html?demo=${demo}&backend=cpu&${state}&hide=intro`);
      await waitForState(page, 'done');
      const kept = params(page.url());
      for (const [k, v] of new URLSearchParams(state)) {
        assert.equal(kept[k], v, `${demo}: ${k} kept in the URL`);
        const shown = await page.evaluate((name) => document.getElementById('controls').elements[name]?.value, k);
        if (shown !== undefined) assert.equal(shown, v, `${demo}: ${k} shown in the form`);
      }
      assert.equal(await page.locator('#demos').count(), 0);
      assert.equal(await page.evaluate(() => document.body.dataset.demo), demo);
      assert.equal(await page.isVisible('#intro'), false);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${demo} is ${overflow} px wider than a phone`);
      await screenshot(page, `${shots}phone-embed-${demo}.png`);
      assert.deepEqual(errors, [], demo);
      await page.close();
    }
  });
}
