// The playground's shell: picks the demo named in the URL, builds its controls from its table,
// keeps every control and the seed in the URL, runs the demo on the chosen backend and shows
// which one runs. The same script serves index.html (every demo, with tabs) and embed.html (one
// demo for an iframe, parts hideable with ?hide=). The page's state is mirrored on
// <body data-state> for people and tests.
import init, { Backend, webgpuProblem, withWebGpu } from './wasm.js';
import { BACKENDS, buildForm, readForm, readQuery, setForm, writeQuery } from './controls.js';
import { createRunner } from './runner.js';
import { prefetch } from './models.js';
import { download, stagePng } from './export.js';
import sampling from './demos/sampling.js';
import inpainting from './demos/inpainting.js';
import cfg from './demos/cfg.js';
import classifier from './demos/classifier.js';
import lab2d from './demos/lab2d.js';
import functions from './demos/functions.js';
import train from './demos/train.js';

const DEMOS = [sampling, inpainting, cfg, classifier, lab2d, functions, train];
// What ?hide= can take away in an embed.
const PARTS = ['controls', 'buttons', 'intro', 'formula', 'histogram', 'editor', 'status', 'backend'];

const $ = (id) => document.getElementById(id);
// Notices about the page (bad parameters, the backend) stay; a failed run's is replaced by the
// next start.
const notices = [];
let runNotice = '';

const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

// After each run: burn's device memory and the wasm heap, in the badge's tooltip and on
// <body data-memory> as "in use,reserved,heap" bytes (the soak test watches it).
function showMemory() {
  const [inUse, reserved, heap] = page.backend.memory();
  document.body.dataset.memory = `${inUse},${reserved},${heap}`;
  $('backend-status').title = page.backend.name === 'webgpu'
    ? `burn holds ${mb(inUse)} on the GPU (${mb(reserved)} reserved); wasm heap ${mb(heap)}`
    : `wasm heap ${mb(heap)}`;
}

function setState(state) {
  if (state === 'done' && page.backend && !page.panicked) showMemory();
  document.body.dataset.state = state;
}

function showNotices() {
  const all = runNotice ? [...notices, runNotice] : notices;
  const el = $('notice');
  el.textContent = all.join(' ');
  el.hidden = all.length === 0;
}

function notice(message) {
  if (message) notices.push(message);
  showNotices();
}

function status(message) {
  $('status').textContent = message;
}

const page = { demo: null, instance: null, settings: null, backendChoice: 'auto', backend: null, hide: [], view: null, panicked: false };

function showBackend() {
  const b = page.backend;
  $('backend-status').textContent = `running on ${b.name === 'webgpu' ? 'WebGPU' : 'CPU (burn flex, wasm)'}`;
  $('backend-status').className = `badge ${b.name}`;
  document.body.dataset.backend = b.name;
}

async function switchBackend(choice) {
  page.backendChoice = choice;
  try {
    // www/wasm.js found WebGPU unusable and loaded the CPU-only build: fall back as from a failure.
    if (choice !== 'cpu' && webgpuProblem) throw new Error(webgpuProblem);
    page.backend = await Backend.create(choice);
    if (page.backend.note) notice(page.backend.note);
  } catch (e) {
    // An explicit WebGPU request that fails still leaves a working page.
    notice(`${e.message ?? e}; running on the CPU instead.`);
    page.backend = await Backend.create('cpu');
  }
  showBackend();
}

function url() {
  const embed = document.body.classList.contains('embed');
  return `${location.pathname}${writeQuery({
    demo: page.demo.id,
    backend: page.backendChoice === 'auto' ? undefined : page.backendChoice,
    hide: embed && page.hide.length ? page.hide.join(',') : undefined,
  }, page.settings, page.demo.params)}`;
}

async function restart() {
  if (page.panicked) return;
  history.replaceState(null, '', url());
  runNotice = '';
  showNotices();
  try {
    await page.instance.restart(page.settings);
  } catch (e) {
    stopped(e, 'Could not start');
  }
}

function fail(message) {
  setState('error');
  runNotice = message;
  showNotices();
}

// A run ended by an error. A lost GPU moves the page to the CPU and starts again; a trap in
// the wasm module (a Rust panic, which the `wasm-panic` handler has already named) leaves the
// module unusable; anything else is shown, and Restart or a new setting tries again.
async function stopped(e, what) {
  if (page.panicked) return;
  if (e?.name === 'DeviceLost') {
    if (page.backend.name !== 'webgpu') return; // another read reported the same loss
    page.view.runner.stop();
    notice(`${e.message[0].toUpperCase()}${e.message.slice(1)}: running on the CPU instead.`);
    page.backend = await Backend.create('cpu');
    showBackend();
    await restart();
    return;
  }
  if (e instanceof WebAssembly.RuntimeError) {
    panicked(`${e.message}`);
    return;
  }
  fail(`${what}: ${e.message ?? e}`);
}

function panicked(message) {
  if (page.panicked) return;
  page.panicked = true;
  fail(`The playground's wasm module hit a bug and stopped (${message}). Reload the page to go on, and please report it.`);
}

// A demo (the inpainting editor) changes settings itself.
function change(settings) {
  const adjusted = page.demo.adjust ? page.demo.adjust(page.settings, settings) : settings;
  page.settings = adjusted;
  setForm($('controls'), adjusted, page.demo.params);
  restart();
}

function nav() {
  const links = $('demos');
  if (!links) return;
  for (const d of DEMOS) {
    const a = document.createElement('a');
    a.href = `?demo=${d.id}${page.backendChoice === 'auto' ? '' : `&backend=${page.backendChoice}`}`;
    a.textContent = d.title;
    if (d === page.demo) a.setAttribute('aria-current', 'page');
    links.append(a);
  }
}

async function main() {
  setState('loading');
  window.addEventListener('wasm-panic', (e) => panicked(e.detail));
  const query = new URLSearchParams(location.search);
  const demoId = query.get('demo') ?? DEMOS[0].id;
  page.demo = DEMOS.find((d) => d.id === demoId) ?? DEMOS[0];
  if (page.demo.id !== demoId) notice(`There is no demo '${demoId}': showing ${page.demo.title} instead.`);
  const backendChoice = query.get('backend') ?? 'auto';
  if (!BACKENDS.includes(backendChoice)) notice(`Ignored bad URL parameter backend: using auto instead.`);
  page.hide = (query.get('hide') ?? '').split(',').filter(Boolean);
  const unknownParts = page.hide.filter((p) => !PARTS.includes(p));
  if (unknownParts.length) notice(`Ignored unknown part${unknownParts.length > 1 ? 's' : ''} to hide: ${unknownParts.join(', ')}.`);
  page.hide = page.hide.filter((p) => PARTS.includes(p));
  for (const part of page.hide) document.body.classList.add(`hide-${part}`);

  document.title = `${page.demo.title} · conditional diffusion playground`;
  document.body.dataset.demo = page.demo.id;
  $('demo-title').textContent = page.demo.title;
  $('intro').innerHTML = page.demo.intro;

  prefetch(page.demo.networks ?? []);
  // User Timing marks of the page's start, for devtools and bench/browser/bench-startup.mjs;
  // main() runs once per page load, so each is set once. The form waits for the module: its
  // sampler and schedule choices are the module's catalogues (www/controls.js).
  await init();
  performance.mark('module initialised');

  const { settings, rejected } = readQuery(query, page.demo.params);
  if (rejected.length) {
    notice(`Ignored bad URL parameter${rejected.length > 1 ? 's' : ''} ${rejected.join(', ')}: using the default instead.`);
  }
  page.settings = page.demo.adjust ? page.demo.adjust(settings, settings) : settings;
  const form = $('controls');
  buildForm(form, page.demo.params);
  setForm(form, page.settings, page.demo.params);
  $('backend').value = BACKENDS.includes(backendChoice) ? backendChoice : 'auto';
  page.backendChoice = $('backend').value;
  nav();

  await switchBackend(page.backendChoice);
  performance.mark('backend ready');

  const view = {
    panels: $('panels'),
    extra: $('extra'),
    get backend() { return page.backend; },
    backendName: () => page.backend.name,
    status,
    notice,
    stopped,
    setState,
    change,
    pauseLabel: (text) => { $('pause').textContent = text; },
    // A frame was drawn: every canvas says what it shows and where the run is, for screen
    // readers (a histogram's values are in its table instead).
    drawn: (info) => {
      for (const canvas of document.querySelectorAll('.stage canvas')) {
        if (canvas.dataset.described) continue;
        const names = [canvas.closest('figure')?.querySelector('figcaption'), canvas.parentElement.querySelector('small')];
        const what = names.map((n) => n?.textContent.trim()).filter(Boolean).join(', ');
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${what || 'samples'}: ${info.text}`);
      }
    },
    // The time scrubber: `count` kept frames, `index` on screen, `info` that frame's when it
    // is an earlier one than the run's latest (null: live).
    scrubber: (count, index, info) => {
      $('scrub').max = String(Math.max(0, count - 1));
      $('scrub').value = String(index);
      $('scrub').setAttribute('aria-valuetext', info ? info.text : 'latest frame');
      $('scrub-info').textContent = info ? `showing ${info.text}` : '';
    },
  };
  view.runner = createRunner(view);
  page.view = view;
  page.instance = page.demo.create(view);

  form.addEventListener('change', () => change(readForm(form, page.settings, page.demo.params)));
  form.addEventListener('input', (e) => {
    const out = e.target.parentElement.querySelector('output');
    if (out) out.textContent = e.target.value;
  });
  $('backend').addEventListener('change', async (e) => {
    if (e.target.value !== 'cpu' && !withWebGpu && !webgpuProblem) {
      // This page loaded the CPU-only build (www/wasm.js): the one with WebGPU comes with a
      // reload into the same state.
      page.backendChoice = e.target.value;
      location.assign(url());
      return;
    }
    view.runner.stop();
    await switchBackend(e.target.value);
    restart();
  });
  $('run').addEventListener('click', restart);
  $('pause').addEventListener('click', () => view.runner.togglePause());
  $('step').addEventListener('click', () => view.runner.step());
  $('scrub').addEventListener('input', (e) => view.runner.scrub(Number(e.target.value)).catch((err) => stopped(err, 'Could not show that frame')));
  $('download-png').addEventListener('click', async () => {
    download(`${page.demo.id}.png`, await stagePng(document.querySelector('.stage')));
  });
  $('download-samples').addEventListener('click', async () => {
    const file = await view.runner.samples();
    if (file) download(`${page.demo.id}-${file.name}`, file.blob);
  });
  $('copy-link').addEventListener('click', async () => {
    const link = new URL(url(), location.href).href;
    try {
      await navigator.clipboard.writeText(link);
      $('copy-link').textContent = 'link copied';
    } catch {
      // Without clipboard permission, show the link to copy by hand.
      window.prompt('Copy this link:', link);
    }
    setTimeout(() => { $('copy-link').textContent = 'copy link'; }, 1500);
  });
  await restart();
}

// The offline classroom (www/sw.js): the worker stores the site; once a demo runs, it is handed
// every file this page loaded, the module build among them. <body data-offline> says 'ready' when
// they are stored. A page opened from a file, or a browser without service workers, goes without.
async function offline() {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const registration = await navigator.serviceWorker.register('sw.js');
  const worker = (await navigator.serviceWorker.ready).active ?? registration.active;
  const reply = new Promise((resolve) => navigator.serviceWorker.addEventListener('message', (e) => resolve(e.data), { once: true }));
  navigator.serviceWorker.startMessages();
  const keep = performance.getEntriesByType('resource').map((r) => r.name).filter((u) => new URL(u).origin === location.origin);
  worker.postMessage({ keep: [location.href, ...keep] });
  const answer = await reply;
  if (answer.error) throw new Error(answer.error);
  document.body.dataset.offline = 'ready';
}

main().then(() => offline().catch((e) => console.warn(`offline use is not available: ${e.message ?? e}`)), (e) => {
  fail(`The playground failed to start: ${e.message ?? e}`);
  console.error(e);
});
