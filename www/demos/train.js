// Train in the page: a 2D score MLP learns a data set live, on the page's backend, by the
// native trainer's denoising score matching (label dropout, Adam, a moving average of the
// weights), a slice of steps at a time between drawn frames. The data is a toy set or points
// painted on the canvas in two classes; the painted points travel in the link. Drawn live: the
// loss, the learned score field and, for data with a closed form, the error against the exact
// score; samples of the network being trained (unconditional and guided to each class) beside
// the exact score's on the same noise.
import { Trainer2d } from '../wasm.js';
import { samplerRows, seedRow } from '../controls.js';
import { cite } from '../papers.js';
import { COLORS, drawArrows, drawPanel, fieldGrid, toCanvas } from '../draw.js';
import { csv } from '../export.js';
import { capture, keyboardPointer } from '../keyboard-pointer.js';

// Painted points: at most MAX_POINTS in [-LIMIT, LIMIT]^2 (src/training/points.rs), each four
// characters of the link: 11 bits per coordinate and 2 for the class, base64url.
export const MAX_POINTS = 1000;
const LIMIT = 4;
const LEVELS = 2047;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const quantise = (v) => Math.round(((Math.max(-LIMIT, Math.min(LIMIT, v)) + LIMIT) / (2 * LIMIT)) * LEVELS);
const level = (q) => (q / LEVELS) * 2 * LIMIT - LIMIT;

// [[x1, x2, class], ...] -> the link's text; points are snapped to the link's grid first, so what
// the page trains on is what a reload of the link trains on.
export function encodePoints(points) {
  let text = '';
  for (const [x, y, c] of points) {
    const bits = (quantise(x) << 13) | (quantise(y) << 2) | c;
    for (let shift = 18; shift >= 0; shift -= 6) text += B64[(bits >> shift) & 63];
  }
  return text;
}

// The link's text -> points, or undefined when it is not a list of painted points.
export function decodePoints(text) {
  if (text.length % 4 !== 0 || text.length / 4 > MAX_POINTS) return undefined;
  const points = [];
  for (let i = 0; i < text.length; i += 4) {
    let bits = 0;
    for (const ch of text.slice(i, i + 4)) {
      const v = B64.indexOf(ch);
      if (v < 0) return undefined;
      bits = (bits << 6) | v;
    }
    const c = bits & 3;
    if (c > 1) return undefined;
    points.push([level(bits >> 13), level((bits >> 2) & LEVELS), c]);
  }
  return points;
}

const snap = ([x, y, c]) => [level(quantise(x)), level(quantise(y)), c];

const DATA = [
  ['blobs', 'three labelled blobs'], ['ring', 'ring of eight, two classes'],
  ['correlated', 'correlated Gaussian ρ = 0.9'], ['moons', 'two moons'], ['swiss-roll', 'swiss roll'],
  ['checkerboard', 'checkerboard'], ['painted', 'painted by hand'],
];
const CLASS_COLORS = ['#1971c2', '#e8590c', '#ae3ec9'];
const FIELD = 15; // arrows per side
const SLICE_MS = 40; // training time per slice, so the page answers between slices
const DRAW_MS = 400; // how often the field, the loss and the exact error are redrawn

const params = [
  { name: 'data', label: 'data', kind: 'choice', def: 'blobs', values: DATA },
  { name: 'points', label: 'painted points', kind: 'text', def: '', pattern: /^[A-Za-z0-9_-]*$/, valid: (t) => decodePoints(t) !== undefined },
  { name: 'paint', label: 'paint class', kind: 'choice', def: '0', values: [['0', 'class 0 (blue)'], ['1', 'class 1 (orange)']], when: (s) => s.data === 'painted' },
  { name: 'brush', label: 'brush', kind: 'float', def: 0.3, min: 0.05, max: 1, step: 0.05, widget: 'range', when: (s) => s.data === 'painted' },
  { name: 'until', label: 'train steps', kind: 'int', def: 3000, min: 1, max: 100000 },
  { name: 'batch', label: 'batch', kind: 'choice', def: '256', values: [['16', '16'], ['64', '64'], ['256', '256'], ['1024', '1024']] },
  { name: 'lr', label: 'learning rate', kind: 'choice', def: '0.001', values: [['0.0003', '3·10⁻⁴'], ['0.001', '10⁻³'], ['0.003', '3·10⁻³']] },
  { name: 'field_t', label: 'field at t', kind: 'float', def: 0.2, min: 0.02, max: 1, step: 0.02, widget: 'range' },
  { name: 'w', label: 'w (guidance)', kind: 'float', def: 1, min: -2, max: 8, step: 0.25, widget: 'range' },
  ...samplerRows({ steps: 50, maxSteps: 1000 }),
  { name: 'samples', label: 'samples', kind: 'choice', def: '500', values: [['100', '100'], ['500', '500'], ['2000', '2000']] },
  seedRow(0),
];

const fieldPoints = fieldGrid(FIELD);

// The largest power of two not above n (n >= 1).
const powerOfTwo = (n) => 2 ** Math.floor(Math.log2(n));

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

function figure(id, caption, width = 360, height = 360) {
  const fig = document.createElement('figure');
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.id = id;
  canvas.setAttribute('role', 'img');
  const cap = document.createElement('figcaption');
  cap.textContent = caption;
  fig.append(canvas, cap);
  return { fig, canvas, cap };
}

function button(id, text) {
  const b = document.createElement('button');
  b.type = 'button';
  b.id = id;
  b.textContent = text;
  return b;
}

// The loss per step, on a log scale, with its running mean over 50 steps.
function drawLoss(canvas, losses) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  if (!losses.length) return;
  const mean = [];
  let sum = 0;
  losses.forEach((l, i) => { sum += l - (i >= 50 ? losses[i - 50] : 0); mean.push(sum / Math.min(i + 1, 50)); });
  const logs = losses.map((l) => Math.log10(Math.max(l, 1e-6)));
  const [lo, hi] = [Math.min(...logs), Math.max(...logs)];
  const x = (i) => (i / Math.max(losses.length - 1, 1)) * (width - 10) + 5;
  const y = (l) => height - 8 - ((Math.log10(Math.max(l, 1e-6)) - lo) / Math.max(hi - lo, 1e-6)) * (height - 24);
  ctx.fillStyle = '#adb5bd';
  losses.forEach((l, i) => ctx.fillRect(x(i), y(l), 1, 1));
  ctx.strokeStyle = '#c2255c';
  ctx.lineWidth = 2;
  ctx.beginPath();
  mean.forEach((m, i) => (i ? ctx.lineTo(x(i), y(m)) : ctx.moveTo(x(i), y(m))));
  ctx.stroke();
  ctx.fillStyle = '#495057';
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(`loss ${mean.at(-1).toFixed(3)} (log scale ${(10 ** lo).toPrecision(2)} to ${(10 ** hi).toPrecision(2)})`, 6, 14);
}

// Points (flattened triples x1, x2, class) in their classes' colours.
function drawData(canvas, triples) {
  drawPanel(canvas, { data: [], points: [], color: '#000' });
  const ctx = canvas.getContext('2d');
  for (let i = 0; i + 2 < triples.length; i += 3) {
    ctx.fillStyle = CLASS_COLORS[triples[i + 2]] ?? '#000';
    const [px, py] = toCanvas(canvas, triples[i], triples[i + 1]);
    ctx.fillRect(px - 1.5, py - 1.5, 3, 3);
  }
}

const classPoints = (triples, label) => {
  const xy = [];
  for (let i = 0; i + 2 < triples.length; i += 3) if (label === null || triples[i + 2] === label) xy.push(triples[i], triples[i + 1]);
  return xy;
};

export default {
  id: 'train',
  title: 'Train in the page',
  intro: `A score network learns the data here, in this page, on the backend shown above: the small
    MLP of the 2D lab, trained by denoising score matching (${cite('songSde')}) with the label
    dropped one time in five so that one network learns each class and none
    (${cite('hoSalimans')}), Adam and a moving average of the weights, as the playground's own trainer
    trains it natively. Pick a data set or choose "painted by hand" and drag on the left canvas to
    paint points in two classes (the points travel in the link). The left canvas shows the data and
    the score field the network has learned at time t; the loss falls below it. Where the data has
    a closed form, the error of the network's ε against the exact one is measured as it trains, and
    the samples of the network (unconditional, and guided to each class with weight w) are drawn
    beside those of the exact score from the same noise. Samples are drawn when the training stops
    or is paused, and at any moment with Restart, which samples the network as it is then.`,
  params,
  create(view) {
    // The trainer and its loop; `gen` drops a loop whose trainer was replaced.
    const state = { trainer: null, key: '', gen: 0, training: false, losses: [], seconds: 0, steps: 0, painted: [], error: null };
    const tools = document.createElement('div');
    tools.className = 'train-tools';
    const toggle = button('train-toggle', 'Pause training');
    const reset = button('train-reset', 'Reset training');
    const clear = button('clear-points', 'Clear painted points');
    const info = document.createElement('output');
    info.id = 'train-info';
    info.setAttribute('aria-live', 'off');
    tools.append(toggle, reset, clear, info);
    const data = figure('train-data', 'training data and the learned score field');
    const loss = figure('train-loss', 'training loss', 360, 180);
    data.canvas.classList.add('paint');
    let settings = null;

    const setTraining = (value) => {
      document.body.dataset.training = value;
      toggle.textContent = value === 'running' ? 'Pause training' : 'Train';
      toggle.disabled = value === 'empty' || value === 'starting' || value === 'done';
      toggle.title = value === 'done' ? 'Trained to the step count asked for: raise "train steps" to go on' : '';
    };

    function describe() {
      const t = state.trainer;
      const steps = t ? t.steps : 0;
      const rate = state.seconds > 0 ? state.steps / state.seconds : 0;
      const error = state.error === null ? '' : `, ε error against the exact score ${state.error.toFixed(3)}`;
      info.textContent = t ? `${steps} / ${settings.until} steps, ${rate.toFixed(0)} steps/s on ${view.backendName()}${error}` : '';
      document.body.dataset.trainSteps = String(steps);
      document.body.dataset.stepsPerSecond = rate.toFixed(1);
      if (state.error !== null) document.body.dataset.exactError = String(state.error);
      const n = state.losses.length;
      const mean = (a) => a.reduce((s, v) => s + v, 0) / Math.max(a.length, 1);
      document.body.dataset.lossStart = String(mean(state.losses.slice(0, 20)));
      document.body.dataset.lossNow = String(mean(state.losses.slice(Math.max(0, n - 20))));
      loss.canvas.setAttribute('aria-label', n ? `training loss over ${n} steps, now ${mean(state.losses.slice(-50)).toFixed(3)}` : 'training loss: no step yet');
    }

    // The data, and the network's field at t on top of it (once it has taken a step).
    async function drawField(gen) {
      const t = state.trainer;
      const points = t ? t.data_points(1000) : new Float32Array(state.painted.flat());
      let eps = null;
      if (t && t.steps > 0) eps = new Float32Array(await t.eps_field(settings.field_t, fieldPoints).read());
      if (gen !== state.gen) return;
      drawData(data.canvas, points);
      if (eps) drawArrows(data.canvas, fieldPoints, eps);
      data.canvas.setAttribute('aria-label', `training data, ${points.length / 3} points${eps ? `, with the learned score field at t = ${settings.field_t}` : ''}`);
    }

    async function redraw(gen) {
      const t = state.trainer;
      if (t?.has_exact && t.steps > 0) {
        const [error] = await t.exact_error().read();
        if (gen !== state.gen) return;
        state.error = error;
      }
      await drawField(gen);
      drawLoss(loss.canvas, state.losses);
      describe();
    }

    // Slices of steps sized to take about SLICE_MS each, until `until` steps or a pause. A
    // slice is a power of two steps: each new size is a new shape of the losses' tensor, which
    // WebGPU compiles kernels for (a second or more each on SwiftShader).
    async function train(gen) {
      let slice = 1;
      let drawn = performance.now();
      let drawMs = 0;
      try {
        while (gen === state.gen && state.training && state.trainer.steps < settings.until) {
          const n = powerOfTwo(Math.min(slice, settings.until - state.trainer.steps));
          const start = performance.now();
          const values = await state.trainer.train(n).read();
          if (gen !== state.gen) return;
          const ms = performance.now() - start;
          state.losses.push(...values);
          state.seconds += ms / 1000;
          state.steps += n;
          slice = Math.max(1, Math.min(1000, Math.round((n * SLICE_MS) / Math.max(ms, 1))));
          // Drawing takes device time too (on SwiftShader a redraw costs several steps): at
          // most a fifth of it goes to drawing.
          if (performance.now() - drawn > Math.max(DRAW_MS, 4 * drawMs)) {
            const begin = performance.now();
            await redraw(gen);
            drawn = performance.now();
            drawMs = drawn - begin;
          }
          await nextFrame();
        }
      } catch (e) {
        if (gen !== state.gen) return;
        state.training = false;
        setTraining('paused');
        view.stopped(e, 'Training stopped');
        return;
      }
      if (gen !== state.gen) return;
      await redraw(gen);
      if (state.trainer.steps >= settings.until) {
        state.training = false;
        setTraining('done');
        await sample(gen);
      }
    }

    // Samples of the averaged weights as they are now, through the shared runner (scrubbing and
    // downloads included).
    async function sample(gen) {
      const t = state.trainer;
      if (!t || gen !== state.gen) return;
      // At once, not when the runner's first frame is drawn: a page that has just finished
      // training is busy sampling, not done.
      view.setState('running');
      const batch = Number(settings.samples);
      const lab = t.samples(view.backend, {
        sampler: settings.sampler, steps: settings.steps, eta: settings.eta, snr: settings.snr,
        batch, seed: settings.seed, w: settings.w,
      });
      const runs = lab.runs();
      const triples = t.data_points(1000);
      const caption = (r) => {
        const what = r.label === null ? 'unconditional' : `class ${r.label}`;
        return r.exact ? `exact score: ${what}` : `network, ${t.steps} steps: ${what}${r.label === null ? '' : `, w = ${settings.w}`}`;
      };
      const panels = runs.map((r, i) => figure(`sample-${i}`, caption(r), 300, 300));
      view.panels.replaceChildren(...panels.map((p) => p.fig));
      const total = lab.moves_total[0];
      const draw = (points, frameInfo) => {
        runs.forEach((r, i) => {
          const offset = 2 * i * batch * 2;
          drawPanel(panels[i].canvas, {
            data: classPoints(triples, r.label),
            points: points.subarray(offset, offset + batch * 2),
            color: r.exact ? COLORS.exact : r.label === null ? COLORS.unconditional : CLASS_COLORS[r.label],
          });
        });
        return frameInfo;
      };
      const describeFrame = (frame) => ({ t: frame.t, step: frame.index, text: `step ${frame.index} / ${total}, t = ${frame.t.toFixed(3)}, σ = ${frame.sigma.toFixed(3)}` });
      const samples = (points, frameInfo) => ({
        name: `samples-step${frameInfo.step}.csv`,
        blob: csv(['run', 'label', 'sample', 'x1', 'x2', 'x0_hat1', 'x0_hat2'], runs.flatMap((r, i) => Array.from({ length: batch }, (_, k) => {
          const [x, x0] = [(2 * i * batch + k) * 2, ((2 * i + 1) * batch + k) * 2];
          return [r.exact ? 'exact' : 'network', r.label ?? 'none', k, points[x], points[x + 1], points[x0], points[x0 + 1]];
        }))),
      });
      await view.runner.start(lab, draw, describeFrame, samples);
    }

    // A new trainer for the settings (or none while nothing is painted).
    function newTrainer(s) {
      state.gen += 1;
      state.trainer?.free();
      state.trainer = null;
      Object.assign(state, { training: false, losses: [], seconds: 0, steps: 0, error: null });
      delete document.body.dataset.exactError;
      view.panels.replaceChildren();
      if (s.data === 'painted' && state.painted.length === 0) {
        setTraining('empty');
        view.setState('ready');
        view.status('Paint points on the left canvas (drag; pick the class and the brush above), then training starts.');
        return;
      }
      // Until its loop starts, the page is busy with the new trainer, not done with the old.
      setTraining('starting');
      view.setState('running');
      state.trainer = new Trainer2d(view.backend, {
        data: s.data, points: s.data === 'painted' ? state.painted : [], batch: Number(s.batch),
        learning_rate: Number(s.lr), seed: s.seed,
      });
      document.body.dataset.painted = encodePoints(state.trainer.settings().points);
    }

    function start() {
      if (state.training) return; // its loop is running
      state.training = true;
      setTraining('running');
      view.setState('running');
      view.status('training…');
      train(state.gen);
    }

    // Painting: a drag drops points around the pointer, within the brush, in the chosen class.
    let painting = false;
    const paintAt = (e) => {
      const rect = data.canvas.getBoundingClientRect();
      const cx = ((e.clientX - rect.left) / rect.width) * 8 - 4;
      const cy = 4 - ((e.clientY - rect.top) / rect.height) * 8;
      for (let k = 0; k < 3 && state.painted.length < MAX_POINTS; k += 1) {
        const r = settings.brush * Math.sqrt(Math.random());
        const a = 2 * Math.PI * Math.random();
        state.painted.push(snap([cx + r * Math.cos(a), cy + r * Math.sin(a), Number(settings.paint)]));
      }
      if (state.painted.length >= MAX_POINTS) view.status(`At most ${MAX_POINTS} painted points (the link carries them all).`);
      drawData(data.canvas, new Float32Array(state.painted.flat()));
    };
    data.canvas.addEventListener('pointerdown', (e) => {
      if (settings?.data !== 'painted') return;
      painting = true;
      capture(data.canvas, e);
      state.gen += 1; // the old trainer's loop stops drawing over the paint
      paintAt(e);
    });
    data.canvas.addEventListener('pointermove', (e) => { if (painting) paintAt(e); });
    const paintEnd = () => {
      if (!painting) return;
      painting = false;
      view.change({ ...settings, points: encodePoints(state.painted) });
    };
    data.canvas.addEventListener('pointerup', paintEnd);
    data.canvas.addEventListener('pointercancel', paintEnd);
    keyboardPointer(data.canvas, 'paints points of the chosen class, when the data is painted by hand');

    toggle.addEventListener('click', () => {
      if (!state.trainer) return;
      if (state.training) {
        state.training = false;
        setTraining('paused');
        sample(state.gen);
      } else {
        start();
      }
    });
    reset.addEventListener('click', () => { newTrainer(settings); if (state.trainer) { redraw(state.gen); start(); } });
    clear.addEventListener('click', () => view.change({ ...settings, points: '' }));

    return {
      async restart(s) {
        const previous = settings;
        settings = s;
        state.painted = s.data === 'painted' ? decodePoints(s.points) : [];
        clear.hidden = s.data !== 'painted';
        view.extra.replaceChildren(tools, data.fig, loss.fig);
        const key = JSON.stringify([s.data, s.data === 'painted' ? s.points : '', s.batch, s.lr, s.seed]);
        const fresh = key !== state.key || !state.trainer;
        state.key = key;
        view.runner.stop();
        if (fresh) newTrainer(s);
        // A later restart (another setting, another stroke) may replace the trainer meanwhile.
        const gen = state.gen;
        await redraw(gen);
        if (!state.trainer || gen !== state.gen) return;
        // A setting of the training (or the step count asked for) changed: train on. Otherwise
        // sample the network as it is now, training or not.
        if (fresh || (s.until > state.trainer.steps && previous?.until !== s.until)) start();
        else await sample(gen);
      },
    };
  },
};
