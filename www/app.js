// The 2D lab page: settings from the URL and the form, one lab run at a time, one readback
// per drawn frame. The page's state is mirrored on <body data-state> for people and tests.
import init, { Backend, Lab2d } from './pkg/diffusion_playground.js';
import { readQuery, writeQuery, readForm, setForm } from './controls.js';
import { COLORS, densityGrid, drawPanel } from './draw.js';

const $ = (id) => document.getElementById(id);
const form = $('controls');
const page = {
  defaults: null,
  settings: null,
  backendChoice: 'auto',
  backend: null,
  lab: null,
  methods: [],
  data: null,
  density: null,
  running: false,
  generation: 0,
  stepMs: [],
};

function setState(state) {
  document.body.dataset.state = state;
}

function notice(message) {
  const el = $('notice');
  el.textContent = message;
  el.hidden = !message;
}

function status(message) {
  $('status').textContent = message;
}

function showBackend() {
  const b = page.backend;
  const label = b.name === 'webgpu' ? 'WebGPU' : 'CPU (burn flex, wasm)';
  $('backend-status').textContent = `running on ${label}`;
  $('backend-status').className = `badge ${b.name}`;
  document.body.dataset.backend = b.name;
}

async function switchBackend(choice) {
  page.backendChoice = choice;
  try {
    page.backend = await Backend.create(choice);
    if (page.backend.note) notice(page.backend.note);
  } catch (e) {
    // An explicit WebGPU request that fails still leaves a working page.
    notice(`${e.message ?? e}; running on the CPU instead`);
    page.backend = await Backend.create('cpu');
  }
  showBackend();
}

function draw(points, showX0) {
  const batch = page.settings.batch;
  page.methods.forEach((method, m) => {
    const offset = (2 * m + (showX0 ? 1 : 0)) * batch * 2;
    drawPanel($(`panel-${method}`), {
      data: page.data,
      points: points.subarray(offset, offset + batch * 2),
      color: COLORS[method],
      y: method === 'unconditional' ? undefined : page.settings.y,
      density: method === 'unconditional' ? undefined : page.density,
    });
  });
}

function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

async function loop(generation) {
  const lab = page.lab;
  while (generation === page.generation && page.running && !lab.done) {
    await advance(lab, generation);
    await nextFrame();
  }
  if (generation === page.generation && lab.done) {
    page.running = false;
    setState('done');
    status(`done: ${lab.moves_total} steps, ${meanStepMs()} per step on ${page.backend.name}`);
  }
}

function meanStepMs() {
  const xs = page.stepMs;
  return xs.length ? `${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)} ms` : '–';
}

// One move and its drawing; the time covers the computation and the readback.
async function advance(lab, generation) {
  const start = performance.now();
  const frame = lab.step();
  if (!frame) return;
  const index = frame.index;
  const t = frame.t;
  const points = new Float32Array(await frame.read());
  if (generation !== page.generation) return;
  page.stepMs.push(performance.now() - start);
  draw(points, $('show-x0').checked);
  page.lastPoints = points;
  status(`step ${index} / ${lab.moves_total}, t = ${t.toFixed(3)}, ${meanStepMs()} per step`);
}

async function restart() {
  page.generation += 1;
  const generation = page.generation;
  page.running = false;
  if (page.lab) page.lab.free();
  page.lab = null;
  try {
    page.lab = new Lab2d(page.backend, JSON.stringify(page.settings));
  } catch (e) {
    setState('error');
    notice(`Could not start: ${e.message ?? e}`);
    return;
  }
  history.replaceState(null, '', `${location.pathname}${writeQuery(page.settings, page.defaults, page.backendChoice)}`);
  page.data = page.lab.data_samples(1000);
  const xs = densityGrid();
  page.density = { xs, values: page.lab.exact_x1_density(xs) };
  page.stepMs = [];
  const first = new Float32Array(await page.lab.frame().read());
  if (generation !== page.generation) return;
  page.lastPoints = first;
  draw(first, false);
  page.running = true;
  setState('running');
  loop(generation);
}

function onFormChange() {
  page.settings = readForm(form, page.settings);
  setForm(form, page.settings);
  restart();
}

async function main() {
  setState('loading');
  await init();
  page.methods = Lab2d.methods();
  page.defaults = JSON.parse(Lab2d.default_settings());
  const { settings, backend, rejected } = readQuery(location.search, page.defaults);
  if (rejected.length) {
    notice(`Ignored bad URL parameter${rejected.length > 1 ? 's' : ''} ${rejected.join(', ')}: using the default instead.`);
  }
  page.settings = settings;
  setForm(form, settings);
  $('backend').value = backend;
  await switchBackend(backend);

  form.addEventListener('change', onFormChange);
  form.addEventListener('input', (e) => {
    const out = e.target.parentElement.querySelector('output');
    if (out) out.textContent = e.target.value;
  });
  $('backend').addEventListener('change', async (e) => {
    await switchBackend(e.target.value);
    restart();
  });
  $('run').addEventListener('click', restart);
  $('pause').addEventListener('click', () => {
    page.running = !page.running && !page.lab.done;
    $('pause').textContent = page.running ? 'Pause' : 'Resume';
    if (page.running) loop(page.generation);
  });
  $('step').addEventListener('click', async () => {
    page.running = false;
    $('pause').textContent = 'Resume';
    if (page.lab && !page.lab.done) await advance(page.lab, page.generation);
  });
  $('show-x0').addEventListener('change', () => page.lastPoints && draw(page.lastPoints, $('show-x0').checked));
  await restart();
}

main().catch((e) => {
  setState('error');
  notice(`The playground failed to start: ${e.message ?? e}`);
  console.error(e);
});
