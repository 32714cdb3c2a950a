// The module as a blog post uses it: the examples of README.md ("Embed it") and
// docs/playground.md ("The module in a blog post", "Training in the page") run as written, in a page of their own that
// imports ./pkg/ beside it, and the API's plain settings objects are read, returned and refused
// as the labs' JSON settings are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS, ROOT, open, sharedBrowser } from './harness.mjs';

const BLOG = join(ARTIFACTS, 'blog');
const env = sharedBrowser({
  mounts: { '/blog/pkg/': join(ROOT, 'pkg'), '/blog/weights/': join(ROOT, 'www/weights'), '/blog/': BLOG },
});

// The first ```js block after `heading` in a Markdown file.
async function example(file, heading) {
  const text = await readFile(join(ROOT, file), 'utf8');
  const section = text.slice(text.indexOf(heading));
  const block = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(text.includes(heading) && block, `${file} has no js example under '${heading}'`);
  return block[1];
}

// Runs `code` as the module script of a page at /blog/<name>.html, with the `draw` and `show` a
// post would write, which record what they were given; resolves to those records.
async function runPost(name, code) {
  await mkdir(BLOG, { recursive: true });
  const recorder = `const seen = { draw: [], show: [] };
const record = (kind) => (values) => seen[kind].push({ length: values.length, finite: values.every(Number.isFinite) });
const draw = record('draw');
const show = record('show');
`;
  await writeFile(join(BLOG, `${name}.html`), `<!doctype html>\n<link rel="icon" href="data:,">\n<script type="module">\n${recorder}${code}\nwindow.seen = seen;\n</script>\n`);
  const { page, errors } = await open(env.browser, `${env.server.url}/blog/${name}.html`);
  await page.waitForFunction(() => window.seen || false, null, { timeout: 300_000, polling: 500 }).catch(() => {});
  const seen = await page.evaluate(() => window.seen);
  await page.close();
  assert.deepEqual(errors, [], `${name}: the example failed`);
  return seen;
}

test("the README's example runs as written: 50 frames of the 2D lab", async () => {
  const seen = await runPost('readme', await example('README.md', '## Embed it'));
  // Blobs under the default observation conditioning: 4 runs of 500 points, x and x0_hat.
  assert.equal(seen.draw.length, 50);
  assert.ok(seen.draw.every((f) => f.length === 4 * 2 * 500 * 2 && f.finite), JSON.stringify(seen.draw[0]));
});

test("the guide's example runs as written: the 2D lab, then two digit runs from the shipped U-Net", async () => {
  const seen = await runPost('guide', await example('docs/playground.md', '## The module in a blog post'));
  assert.equal(seen.draw.length, 50);
  // Two runs of 4 digits, x and x0_hat, 25 DDIM steps each.
  assert.equal(seen.show.length, 25);
  assert.ok(seen.show.every((f) => f.length === 2 * 2 * 4 * 784 && f.finite), JSON.stringify(seen.show[0]));
});

test("the guide's training example runs as written: losses, then samples of each class", async () => {
  const seen = await runPost('training', await example('docs/playground.md', '### Training in the page'));
  assert.equal(seen.draw.length, 10);
  assert.ok(seen.draw.every((f) => f.length === 20 && f.finite), JSON.stringify(seen.draw[0]));
  // Unconditional, class 0 and class 1 (no closed form for painted points), 100 points each.
  assert.equal(seen.show.length, 20);
  assert.ok(seen.show.every((f) => f.length === 3 * 2 * 100 * 2 && f.finite), JSON.stringify(seen.show[0]));
});

test('settings are plain objects: defaults, what a lab reports, and the errors of bad fields', async () => {
  await mkdir(BLOG, { recursive: true });
  await writeFile(join(BLOG, 'blank.html'), '<!doctype html>\n<link rel="icon" href="data:,">\n');
  const { page, errors } = await open(env.browser, `${env.server.url}/blog/blank.html`);
  const result = await page.evaluate(async () => {
    const wasm = await import('/blog/pkg/diffusion_playground.js');
    await wasm.default();
    const backend = await wasm.Backend.create('cpu');
    const models = new wasm.DigitModels(backend);
    models.load_unet(new Uint8Array(await (await fetch('/blog/weights/unet.bpk')).arrayBuffer()));
    const refusal = (make) => {
      try {
        make();
        return null;
      } catch (e) {
        return String(e.message ?? e);
      }
    };
    const lab = new wasm.Lab2d(backend, { preset: 'blobs', steps: 7, center: [1, -1] });
    const functions = new wasm.FunctionLab(backend, { model: 'exact', points: [[0.5, 1]], steps: 3 });
    const digits = new wasm.DigitLab(models, { runs: [{ label: 7, steps: 2 }] });
    return {
      lab: lab.settings(),
      labDefaults: wasm.Lab2d.default_settings(),
      noSettings: new wasm.Lab2d(backend).settings(),
      functions: functions.settings(),
      digits: digits.settings(),
      digitTotals: Array.from(digits.moves_total),
      samplers: wasm.samplers().map((s) => s.name),
      trained: wasm.EnergyNetworks.trained(),
      refused: {
        lab2dField: refusal(() => new wasm.Lab2d(backend, { stepz: 3 })),
        lab2dSampler: refusal(() => new wasm.Lab2d(backend, { sampler: 'nope' })),
        lab2dSteps: refusal(() => new wasm.Lab2d(backend, { steps: 0 })),
        lab2dType: refusal(() => new wasm.Lab2d(backend, { y: 'x' })),
        lab2dNaN: refusal(() => new wasm.Lab2d(backend, { w: NaN })),
        lab2dJsonString: refusal(() => new wasm.Lab2d(backend, '{"steps":3}')),
        functionPoints: refusal(() => new wasm.FunctionLab(backend, { model: 'exact', points: [[2, 0]] })),
        digitInpainting: refusal(() => new wasm.DigitLab(models, { runs: [{ inpainting: 'magic' }] })),
        digitBatch: refusal(() => new wasm.DigitLab(models, { batch: 1000 })),
        digitKnown: refusal(() => new wasm.DigitLab(models, {}, new Float32Array(784), new Uint8Array(3))),
        trainerEmpty: refusal(() => new wasm.Trainer2d(backend, { data: 'painted' })),
        trainerPoint: refusal(() => new wasm.Trainer2d(backend, { data: 'painted', points: [[0, 0, 3]] })),
        trainerData: refusal(() => new wasm.Trainer2d(backend, { data: 'spiral' })),
        trainerSlice: refusal(() => new wasm.Trainer2d(backend).train(0)),
        trainerSamples: refusal(() => new wasm.Trainer2d(backend).samples(backend, { w: 1000 })),
      },
      trainer: new wasm.Trainer2d(backend, { batch: 32 }).settings(),
      trainerDefaults: wasm.Trainer2d.default_settings(),
    };
  });
  assert.deepEqual(result.lab, { ...result.labDefaults, preset: 'blobs', steps: 7, center: [1, -1] });
  assert.deepEqual(result.noSettings, result.labDefaults);
  assert.deepEqual(result.functions.points, [[0.5, 1]]);
  assert.equal(result.functions.steps, 3);
  assert.equal(result.digits.runs[0].label, 7);
  assert.equal(result.digits.runs[0].w, 1, 'a run takes the defaults of the fields it leaves out');
  assert.deepEqual(result.digitTotals, [2]);
  assert.ok(result.samplers.includes('ddim'), result.samplers.join());
  assert.deepEqual(result.trained.center, [1.5, 1.5]);
  const r = result.refused;
  assert.match(r.lab2dField, /^bad lab settings: unknown field `stepz`/);
  assert.match(r.lab2dSampler, /^bad lab settings: unknown sampler 'nope' \(one of em, /);
  assert.match(r.lab2dSteps, /^steps must be between 1 and 2000$/);
  assert.match(r.lab2dType, /^bad lab settings: invalid type: string "x"/);
  // A JSON value has no NaN: it reads as null, which no number field takes.
  assert.match(r.lab2dNaN, /^bad lab settings: invalid type: null, expected f64/);
  assert.match(r.lab2dJsonString, /^bad lab settings: an object such as \{ steps: 50 \}, not a string/);
  assert.match(r.functionPoints, /^points must lie in/);
  assert.match(r.digitInpainting, /^bad digit settings: unknown inpainting 'magic'/);
  assert.match(r.digitBatch, /^batch must be between 1 and 64$/);
  assert.match(r.digitKnown, /^the image has 784 pixels but the mask 3$/);
  assert.match(r.trainerEmpty, /^paint some points first/);
  assert.match(r.trainerPoint, /^painted point 0 has class 3: the classes are 0 and 1$/);
  assert.match(r.trainerData, /^bad trainer settings: unknown training data 'spiral' \(one of painted, /);
  assert.match(r.trainerSlice, /^a slice is 1 to 1000 steps$/);
  assert.match(r.trainerSamples, /^w must be between -100 and 100$/);
  assert.deepEqual(result.trainer, { ...result.trainerDefaults, batch: 32 });
  assert.deepEqual(errors, []);
  await page.close();
});
