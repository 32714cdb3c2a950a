// The MNIST demos and the shell around every demo, in a real browser: each demo loads without a
// console error, its controls change what is drawn, its URL state round-trips, the embed page
// shows one demo, bad parameters fall back with a notice, the page fits a phone, and the
// first samples appear before the classifiers' weights are fetched. Most runs use burn's CPU
// backend, which is 20 times faster than WebGPU on SwiftShader; one runs on WebGPU. The checks
// that hold wherever the site is served are in demo-checks.mjs (subpath.test.mjs runs them too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, waitForState, screenshot, sharedBrowser } from './harness.mjs';
import { demoChecks, drawn, params } from './demo-checks.mjs';

const env = sharedBrowser();

const site = (query) => `${env.server.site}?${query}`;

demoChecks(env);

test('guidance histograms count what the classifier reads in every sample', async () => {
  for (const demo of ['cfg', 'classifier']) {
    const { page, errors } = await open(env.browser, site(`demo=${demo}&backend=cpu&steps=3&batch=4`));
    await waitForState(page, 'done');
    await page.waitForFunction(() => /predictions/.test(document.querySelector('.histogram figcaption').textContent));
    assert.match(await page.textContent('.histogram figcaption'), /4 predictions x̂0 \(step 3\)/);
    assert.match(await page.textContent('.formula'), demo === 'cfg' ? /γ = w − 1 = 1/ : /∇ log p/);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('URL state round-trips: the form shows it, the page keeps it, a reload restores it', async () => {
  const query = 'demo=cfg&backend=cpu&label=3&w=4.5&sampler=ddim&eta=0.5&steps=2&batch=4&seed=11';
  const { page, errors } = await open(env.browser, site(query));
  await waitForState(page, 'done');
  const form = () => page.evaluate(() => Object.fromEntries(new FormData(document.getElementById('controls'))));
  const shown = await form();
  assert.deepEqual(
    { label: shown.label, w: shown.w, sampler: shown.sampler, eta: shown.eta, steps: shown.steps, batch: shown.batch, seed: shown.seed },
    { label: '3', w: '4.5', sampler: 'ddim', eta: '0.5', steps: '2', batch: '4', seed: '11' },
  );
  assert.deepEqual(params(page.url()), params(site(query)));
  const first = await drawn(page);
  await page.goto(page.url());
  await waitForState(page, 'done');
  assert.deepEqual(await form(), shown);
  assert.equal(await drawn(page), first, 'the same URL draws the same samples');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the copy-link button copies the URL of the current state', async () => {
  const context = await env.browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.url });
  const page = await context.newPage();
  await page.goto(site('demo=sampling&backend=cpu&steps=2&batch=1&seed=5'));
  await waitForState(page, 'done');
  await page.click('#copy-link');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.deepEqual(params(copied), params(page.url()));
  assert.equal(params(copied).seed, '5');
  await context.close();
});

test('bad URL parameters fall back to defaults with a visible notice', async () => {
  const { page, errors } = await open(env.browser, site('demo=cfg&backend=cpu&w=1e9&label=x&steps=-1&batch=5&seed=4&hide=nope'));
  await waitForState(page, 'running');
  const notice = await page.textContent('#notice');
  for (const name of ['w', 'label', 'steps', 'batch', 'nope']) assert.match(notice, new RegExp(`\\b${name}\\b`));
  assert.doesNotMatch(notice, /seed/);
  assert.equal(await page.inputValue('input[name=w]'), '2');
  assert.equal(await page.inputValue('input[name=seed]'), '4');
  await page.goto(site('demo=nonsense&backend=quantum&steps=2&batch=1'));
  await waitForState(page, 'done');
  assert.match(await page.textContent('#notice'), /no demo 'nonsense'/);
  assert.match(await page.textContent('#notice'), /backend/);
  assert.equal(await page.evaluate(() => document.body.dataset.demo), 'sampling');
  assert.deepEqual(errors, []);
  await page.close();
});

test('inpainting: the known pixels at an unknown place run beside the known-place methods', async () => {
  const { page, errors } = await open(env.browser, site('demo=inpainting&backend=cpu&mask=patch&steps=2&batch=1&resamplings=1'));
  await waitForState(page, 'done');
  const captions = await page.locator('#panels figcaption').allTextContents();
  assert.equal(captions.length, 4, captions.join(' | '));
  assert.match(captions[3], /known pixels at an unknown place/);
  await screenshot(page, 'demo-inpainting-patch.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('painting the mask on the digit restarts inpainting and is kept in the URL', async () => {
  const { page, errors } = await open(env.browser, site('demo=inpainting&backend=cpu&steps=2&batch=1&resamplings=1'));
  await waitForState(page, 'done');
  const editor = await page.locator('#editor').boundingBox();
  const before = await drawn(page, '#editor');
  await page.mouse.move(editor.x + editor.width * 0.2, editor.y + editor.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(editor.x + editor.width * 0.8, editor.y + editor.height * 0.3, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => location.search.includes('mask=custom'));
  await waitForState(page, 'done');
  const painted = await drawn(page, '#editor');
  assert.notEqual(painted, before);
  assert.equal(await page.inputValue('select[name=mask]'), 'custom');
  await page.goto(page.url());
  await waitForState(page, 'done');
  assert.equal(await drawn(page, '#editor'), painted, 'the painted mask comes back from the URL');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the first samples appear with only the U-Net fetched; the page fits a phone', async () => {
  const page = await env.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const fetched = [];
  page.on('request', (r) => { const m = r.url().match(/weights\/(.+)$/); if (m) fetched.push(m[1]); });
  await page.goto(site('demo=sampling&backend=cpu&steps=20&batch=4'));
  await waitForState(page, 'running');
  assert.deepEqual(fetched, ['unet.bpk']);
  await waitForState(page, 'done');
  // The progress bar counted the download and is hidden once it is complete.
  const progress = await page.evaluate(() => {
    const bar = document.getElementById('progress');
    return { value: bar.value, max: bar.max, hidden: bar.parentElement.hidden };
  });
  assert.ok(progress.max > 1e6 && progress.value === progress.max && progress.hidden, JSON.stringify(progress));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
  await screenshot(page, 'phone-sampling.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the U-Net samples on WebGPU and agrees with the CPU backend', async () => {
  const { page, errors } = await open(env.browser, site('demo=sampling&steps=1&batch=1'));
  await waitForState(page, 'done');
  assert.equal(await page.evaluate(() => document.body.dataset.backend), 'webgpu');
  const diff = await page.evaluate(async () => {
    const wasm = await import('/dist/pkg/diffusion_playground.js');
    const bytes = new Uint8Array(await (await fetch('/dist/weights/unet.bpk')).arrayBuffer());
    const out = {};
    for (const name of ['webgpu', 'cpu']) {
      const models = new wasm.DigitModels(await wasm.Backend.create(name));
      models.load_unet(bytes);
      const settings = { batch: 2, seed: 4, runs: [{ sampler: 'ddim', steps: 2, label: 7, w: 2 }] };
      const lab = new wasm.DigitLab(models, settings);
      let frame;
      while (!lab.done) frame = lab.step();
      out[name] = await frame.read();
    }
    // Relative to the largest value. The backends' convolutions round differently (~1e-6 on
    // one forward); x0_hat at t = 1 divides eps by alpha = 0.0067 and CFG at w = 2 triples eps
    // differences, so two steps magnify that about 450 times.
    const half = out.cpu.length / 2;
    const rel = (from, to) => {
      let diff = 0;
      let scale = 0;
      for (let i = from; i < to; i += 1) {
        diff = Math.max(diff, Math.abs(out.cpu[i] - out.webgpu[i]));
        scale = Math.max(scale, Math.abs(out.cpu[i]));
      }
      return diff / scale;
    };
    return { x: rel(0, half), x0: rel(half, 2 * half), n: out.cpu.length, finite: [...out.cpu, ...out.webgpu].every(Number.isFinite) };
  });
  console.log(`WebGPU vs CPU after two DDIM steps with CFG: relative difference x ${diff.x.toExponential(2)}, x0_hat ${diff.x0.toExponential(2)}`);
  assert.equal(diff.n, 2 * 2 * 784);
  assert.ok(diff.finite);
  assert.ok(diff.x < 2e-3 && diff.x0 < 2e-3, `WebGPU and CPU differ: ${JSON.stringify(diff)}`);
  await screenshot(page, 'demo-sampling-webgpu.png');
  assert.deepEqual(errors, []);
  await page.close();
});

test('functions: clicking adds an observed point, shift-click removes one, clear empties them', async () => {
  const { page, errors } = await open(env.browser, site('demo=functions&backend=cpu&steps=3&batch=4&model=exact'));
  await waitForState(page, 'done');
  const points = () => params(page.url()).points ?? '-0.6:1,0:-0.5,0.5:0.8';
  const box = await page.locator('#functions-replacement').boundingBox();
  const before = await drawn(page);
  // x = 0.8, y = 2 in the panel's coordinates ([-1.1, 1.1] x [-3.2, 3.2]).
  await page.mouse.click(box.x + box.width * (1.9 / 2.2), box.y + box.height * (1.2 / 6.4));
  await page.waitForFunction(() => new URLSearchParams(location.search).has('points'));
  await waitForState(page, 'done');
  assert.equal(points().split(',').length, 4);
  assert.match(points(), /0\.8\d?:[12]\.\d+$/);
  assert.notEqual(await drawn(page), before);
  await page.keyboard.down('Shift');
  await page.mouse.click(box.x + box.width * (1.9 / 2.2), box.y + box.height * (1.2 / 6.4));
  await page.keyboard.up('Shift');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('points')?.split(',').length === 3);
  await page.click('#clear-points');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('points') === 'none');
  await waitForState(page, 'done');
  await screenshot(page, 'demo-functions-no-points.png');
  assert.deepEqual(errors, []);
  await page.close();
});

// The exact posterior over a motif's place, by brute force apart from the library: for every
// place, the joint Gaussian density of the points and the motif under the function prior (RBF,
// lengthscale 0.25, variance 1, jitter 1e-4, on 32 points over [-1, 1]), normalised over places.
function motifPlaces(points, motif, { obsStd = 0.05, motifStd = 0.1 } = {}) {
  const grid = Array.from({ length: 32 }, (_, i) => -1 + (2 * i) / 31);
  const nearest = (x) => grid.reduce((b, g, k) => (Math.abs(g - x) < Math.abs(grid[b] - x) ? k : b), 0);
  const kernel = (i, j) => Math.exp(-0.5 * ((grid[i] - grid[j]) / 0.25) ** 2) + (i === j ? 1e-4 : 0);
  const logs = [];
  for (let s = 0; s + motif.length <= grid.length; s += 1) {
    const idx = [...points.map(([x]) => nearest(x)), ...motif.map((_, m) => s + m)];
    const y = [...points.map(([, v]) => v), ...motif];
    const noise = [...points.map(() => obsStd ** 2), ...motif.map(() => motifStd ** 2)];
    const a = idx.map((i, r) => [...idx.map((j, c) => kernel(i, j) + (r === c ? noise[r] : 0)), y[r]]);
    const n = idx.length;
    let logdet = 0;
    for (let k = 0; k < n; k += 1) {
      logdet += Math.log(a[k][k]);
      for (let i = k + 1; i < n; i += 1) {
        const f = a[i][k] / a[k][k];
        for (let j = k; j <= n; j += 1) a[i][j] -= f * a[k][j];
      }
    }
    const z = new Array(n).fill(0);
    for (let i = n - 1; i >= 0; i -= 1) {
      let t = a[i][n];
      for (let j = i + 1; j < n; j += 1) t -= a[i][j] * z[j];
      z[i] = t / a[i][i];
    }
    logs.push(-0.5 * (y.reduce((acc, v, i) => acc + v * z[i], 0) + logdet));
  }
  const max = Math.max(...logs);
  const total = logs.reduce((acc, l) => acc + Math.exp(l - max), 0);
  return logs.map((l) => Math.exp(l - max) / total);
}

test('functions: a motif at an unknown place; the posterior over places is the closed form, a drag draws one', async () => {
  // Two values are no motif: the page says so and runs without one.
  const { page, errors } = await open(env.browser, site('demo=functions&backend=cpu&steps=3&batch=4&model=exact&motif=1:2'));
  await waitForState(page, 'done');
  assert.match(await page.textContent('#notice'), /\bmotif\b/);
  assert.equal(await page.locator('#functions-places').count(), 0, 'no motif, no bars');
  const before = await drawn(page);
  await page.click('#motif-preset-0');
  await page.waitForFunction(() => new URLSearchParams(location.search).has('motif'));
  await waitForState(page, 'done');
  const { points, motif } = params(page.url());
  assert.equal(motif, '1:1.6:1.9:1.6:1');
  const shown = JSON.parse(await page.getAttribute('#functions-places', 'data-places'));
  const want = motifPlaces(points.split(',').map((p) => p.split(':').map(Number)), motif.split(':').map(Number));
  assert.equal(shown.length, want.length);
  const worst = Math.max(...shown.map((p, s) => Math.abs(p - want[s])));
  assert.ok(worst < 1e-6, `places differ from brute force by ${worst}`);
  const likeliest = want.indexOf(Math.max(...want));
  assert.ok(want[likeliest] > 0.9, 'the preset makes one place all but certain');
  assert.match(await page.getAttribute('#functions-places', 'aria-label'), /probability 0\.9\d/);
  assert.match(await page.textContent('#panels'), /replacement at the likeliest place/);
  assert.notEqual(await drawn(page), before);
  await screenshot(page, 'demo-functions-motif.png');

  // Motif mode: a drag from x = -0.5 to x = -0.2 draws the values under it, 5 grid points.
  await page.click('#motif-mode');
  const box = await page.locator('#functions-exact').boundingBox();
  const at = (x, y) => [box.x + box.width * ((x + 1.1) / 2.2), box.y + box.height * ((3.2 - y) / 6.4)];
  await page.mouse.move(...at(-0.5, 0.5));
  await page.mouse.down();
  for (const [x, y] of [[-0.4, 1], [-0.3, 1.5], [-0.2, 2]]) await page.mouse.move(...at(x, y));
  await page.mouse.up();
  await page.waitForFunction(() => new URLSearchParams(location.search).get('motif') !== '1:1.6:1.9:1.6:1');
  await waitForState(page, 'done');
  const drawnMotif = params(page.url()).motif.split(':').map(Number);
  assert.ok(drawnMotif.length >= 4 && drawnMotif.length <= 6, `motif ${drawnMotif}`);
  assert.ok(drawnMotif[0] < drawnMotif[drawnMotif.length - 1], 'a rise drawn is a rise kept');
  assert.equal(params(page.url()).points, points, 'a drag in motif mode adds no point');
  await page.click('#clear-motif');
  // No motif is the default, which the URL leaves out.
  await page.waitForFunction(() => !new URLSearchParams(location.search).has('motif'));
  await waitForState(page, 'done');
  assert.equal(await page.locator('#functions-places').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a Content-Security-Policy forbids inline script and eval, and the demos run under it', async () => {
  for (const path of ['', 'embed.html']) {
    const page = await env.browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // Recorded from the first line, before the page's own scripts run.
    await page.addInitScript(() => {
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${env.server.site}${path}?demo=cfg&backend=cpu&steps=2&batch=4`);
    await waitForState(page, 'done');
    assert.deepEqual(await page.evaluate(() => window.violations), [], `${path || 'index'}: the page itself breaks no rule`);
    const attempt = await page.evaluate(async () => {
      const probe = document.createElement('script');
      probe.src = '/tests/browser/csp-probe.js';
      const loaded = new Promise((r) => { probe.onload = r; });
      document.head.append(probe);
      await loaded;
      const inline = document.createElement('script');
      inline.textContent = 'window.inlineRan = true;';
      document.head.append(inline);
      await new Promise((r) => setTimeout(r, 100));
      return { ...window.cspProbe, inlineRan: window.inlineRan === true, violations: window.violations };
    });
    assert.equal(attempt.eval, 'EvalError');
    assert.equal(attempt.function, 'EvalError');
    assert.equal(attempt.inlineRan, false);
    assert.ok(attempt.violations.some((v) => v.startsWith('script-src') && v.includes('inline')), JSON.stringify(attempt.violations));
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('a weight file that fails to download is named in a notice, and Restart recovers', async () => {
  const page = await env.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route('**/weights/unet.bpk', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
  await page.goto(site('demo=sampling&backend=cpu&steps=2&batch=1'));
  await page.waitForFunction(() => document.body.dataset.state === 'error');
  assert.match(await page.textContent('#notice'), /weights\/unet\.bpk: HTTP 503/);
  await page.unroute('**/weights/unet.bpk');
  await page.click('#run');
  await page.waitForFunction(() => document.body.dataset.state !== 'error');
  await waitForState(page, 'done');
  assert.equal(await page.isVisible('#notice'), false, 'the failed run\'s notice is gone');
  assert.deepEqual(errors, []);
  await page.close();
});
