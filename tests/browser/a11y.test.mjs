// Everyone can use it: axe-core (the npm package, run in the page) finds no serious or critical
// violation, and no content outside a landmark, on any demo once it has run, with the system's colour scheme light and dark; the dark
// scheme is really applied; and every control can be reached with the keyboard and has a label.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, open, waitForState, sharedBrowser } from './harness.mjs';

const env = sharedBrowser();
const AXE = await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const DEMOS = ['sampling', 'inpainting', 'cfg', 'classifier', 'lab2d', 'functions', 'train'];
// The train demo trains for a few steps only.
const QUERY = { train: '&until=20&samples=100' };

// The violations axe calls serious or critical, and any of its `region` rule, as "rule: element, element".
async function violations(page) {
  // Evaluated by the browser's devtools protocol, which the pages' CSP does not govern.
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    // `region` is moderate: content outside every landmark, which a landmark list skips.
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'region')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(', ')}`);
}

for (const colorScheme of ['light', 'dark']) {
  test(`axe: no serious or critical violation on any demo, ${colorScheme}`, async () => {
    const found = {};
    for (const demo of DEMOS) {
      const { page, errors } = await open(env.browser, `${env.server.site}?demo=${demo}&backend=cpu&steps=2&batch=4${QUERY[demo] ?? ''}`, { colorScheme });
      await waitForState(page, 'done');
      const v = await violations(page);
      if (v.length) found[demo] = v;
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, colorScheme === 'dark' ? 'rgb(26, 27, 30)' : 'rgb(255, 255, 255)', `${demo}: the page's background`);
      assert.deepEqual(errors, []);
      await page.close();
    }
    assert.deepEqual(found, {});
  });
}

test('every control is reached by Tab and has a visible label', async () => {
  const { page, errors } = await open(env.browser, `${env.server.site}?demo=lab2d&backend=cpu&steps=2`);
  await waitForState(page, 'done');
  const controls = await page.$$eval('input, select, button, [tabindex]', (els) => els
    .filter((e) => e.offsetParent && !e.disabled && e.tabIndex >= 0)
    .map((e) => e.id || e.name || e.textContent.trim()));
  const reached = new Set();
  await page.focus('body');
  for (let i = 0; i < controls.length + 20; i += 1) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate(() => {
      const e = document.activeElement;
      return e.id || e.name || e.textContent.trim();
    }));
  }
  assert.deepEqual(controls.filter((c) => !reached.has(c)), [], 'controls Tab never reaches');
  const unlabelled = await page.$$eval('input, select', (els) => els
    .filter((e) => e.offsetParent && !(e.labels?.length && [...e.labels].some((l) => l.textContent.trim())) && !e.getAttribute('aria-label'))
    .map((e) => e.id || e.name));
  assert.deepEqual(unlabelled, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the canvases that take pointer input work from the keyboard', async () => {
  // The train demo: hold Space and move to paint; the points go to the link and training starts.
  let { page, errors } = await open(env.browser, `${env.server.site}?demo=train&backend=cpu&data=painted&until=20&samples=100`);
  await page.waitForFunction(() => document.body.dataset.training === 'empty');
  await page.focus('#train-data');
  assert.equal(await page.isVisible('.key-cursor'), true, 'the cursor shows on focus');
  await page.keyboard.down('Space');
  for (let i = 0; i < 5; i += 1) await page.keyboard.press('ArrowRight');
  await page.keyboard.up('Space');
  await waitForState(page, 'done');
  assert.ok((await page.evaluate(() => new URLSearchParams(location.search).get('points'))).length >= 4 * 3 * 6);
  assert.match(await page.getAttribute('#train-data', 'aria-describedby'), /train-data-keys/);
  assert.deepEqual(errors, []);
  await page.close();

  // The inpainting editor: a press hides pixels (the mask becomes custom).
  ({ page, errors } = await open(env.browser, `${env.server.site}?demo=inpainting&backend=cpu&steps=2&batch=1&resamplings=1`));
  await waitForState(page, 'done');
  await page.focus('#editor');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('mask') === 'custom');
  await waitForState(page, 'done');
  assert.deepEqual(errors, []);
  await page.close();

  // The functions: Enter adds a point at the cursor, Delete removes the nearest.
  ({ page, errors } = await open(env.browser, `${env.server.site}?demo=functions&backend=cpu&steps=2&batch=2&model=exact&points=none`));
  await waitForState(page, 'done');
  const canvas = (await page.$$('#panels canvas'))[0];
  await canvas.focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('points')?.split(',').length === 1);
  await waitForState(page, 'done');
  await (await page.$$('#panels canvas'))[0].focus();
  await page.keyboard.press('Delete');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('points') === 'none');
  await waitForState(page, 'done');
  assert.deepEqual(errors, []);
  await page.close();
});
