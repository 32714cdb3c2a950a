// The "Functions" example of the lecture notes "Conditional Diffusion Models": click points, and
// diffusion over functions (32 values on a grid, a network trained on GP draws, or the GP's own
// exact score) conditioned on them three ways from the same noise, each panel over the exact GP
// posterior mean and ±2 sd band.
import { FunctionLab, ScoreNetwork } from '../wasm.js';
import { samplerRows, seedRow } from '../controls.js';
import { cite } from '../papers.js';
import { weights } from '../models.js';
import { csv } from '../export.js';
import { capture, keyboardPointer } from '../keyboard-pointer.js';

const CAPTIONS = {
  exact: 'exact posterior score',
  replacement: 'replacement',
  reconstruction: 'reconstruction guidance',
};
// With a motif at an unknown place each method conditions on it its own way.
const MOTIF_CAPTIONS = {
  exact: 'exact posterior score (a mixture over the motif\'s places)',
  replacement: 'replacement at the likeliest place only',
  reconstruction: 'reconstruction guidance (log-sum-exp over places)',
};
const COLORS = { exact: '#2b8a3e', replacement: '#e8590c', reconstruction: '#ae3ec9' };
const X = [-1.1, 1.1];
const Y = [-3.2, 3.2];

const POINTS = /^(none|-?\d(\.\d+)?:-?\d(\.\d+)?(,-?\d(\.\d+)?:-?\d(\.\d+)?)*)$/;
function parsePoints(text) {
  if (text === 'none') return [];
  return text.split(',').map((p) => p.split(':').map(Number));
}
const validPoints = (text) => {
  const points = parsePoints(text);
  return points.length <= 32 && points.every(([x, y]) => Math.abs(x) <= 1 && Math.abs(y) <= 3);
};
const writePoints = (points) => (points.length ? points.map(([x, y]) => `${x.toFixed(2)}:${y.toFixed(2)}`.replaceAll('.00', '')).join(',') : 'none');

// A motif: 3 to 8 values that must appear at consecutive grid points, place unknown.
const MOTIF = /^(none|-?\d(\.\d+)?(:-?\d(\.\d+)?){2,7})$/;
const parseMotif = (text) => (text === 'none' ? [] : text.split(':').map(Number));
const validMotif = (text) => parseMotif(text).every((y) => Math.abs(y) <= 3);
const writeMotif = (values) => (values.length ? values.map((y) => y.toFixed(2).replace(/\.?0+$/, '')).join(':') : 'none');
// Presets where the points decide the motif's place: one place all but certain, or three.
const MOTIF_PRESETS = {
  'one place': { points: '-0.8:0,-0.3:1.8,0.6:-1', motif: '1:1.6:1.9:1.6:1' },
  'three places': { points: '-0.8:1,0.1:1,0.4:1', motif: '0.5:-0.5:-1:-0.5:0.5' },
};

const params = [
  { name: 'points', kind: 'text', def: '-0.6:1,0:-0.5,0.5:0.8', pattern: POINTS, valid: validPoints },
  { name: 'motif', kind: 'text', def: 'none', pattern: MOTIF, valid: validMotif },
  { name: 'model', label: 'score', kind: 'choice', def: 'learned', values: [['learned', 'learned (network)'], ['exact', 'exact GP prior']] },
  ...samplerRows({ steps: 100, maxSteps: 2000 }),
  { name: 'obs_std', label: 'observation noise', kind: 'float', def: 0.05, min: 0, max: 0.5, step: 0.01, widget: 'range' },
  { name: 'guidance_scale', label: 'guidance scale', kind: 'float', def: 1, min: 0, max: 3, step: 0.05, widget: 'range' },
  { name: 'batch', label: 'functions', kind: 'choice', def: '16', values: [['4', '4'], ['16', '16'], ['64', '64']] },
  { name: 'show', label: 'show', kind: 'choice', def: 'x', values: [['x', 'x_t'], ['x0', 'prediction x̂0']] },
  seedRow(1),
];

function toCanvas(canvas, x, y) {
  return [((x - X[0]) / (X[1] - X[0])) * canvas.width, canvas.height - ((y - Y[0]) / (Y[1] - Y[0])) * canvas.height];
}

function fromCanvas(canvas, event) {
  const rect = canvas.getBoundingClientRect();
  const u = (event.clientX - rect.left) / rect.width;
  const v = (event.clientY - rect.top) / rect.height;
  return [X[0] + u * (X[1] - X[0]), Y[1] - v * (Y[1] - Y[0])];
}

function drawFunctions(canvas, { grid, mean, sd, curves, n, color, points, motif, place }) {
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = '#dee2e6';
  ctx.beginPath();
  const [, zero] = toCanvas(canvas, 0, 0);
  ctx.moveTo(0, zero); ctx.lineTo(canvas.width, zero);
  ctx.stroke();
  // The exact posterior: ±2 sd band and mean.
  ctx.fillStyle = '#e9ecef';
  ctx.beginPath();
  grid.forEach((x, i) => { const [px, py] = toCanvas(canvas, x, mean[i] + 2 * sd[i]); if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py); });
  for (let i = grid.length - 1; i >= 0; i -= 1) { const [px, py] = toCanvas(canvas, grid[i], mean[i] - 2 * sd[i]); ctx.lineTo(px, py); }
  ctx.fill();
  ctx.strokeStyle = color + '99';
  ctx.lineWidth = 1;
  const count = curves.length / n;
  for (let b = 0; b < count; b += 1) {
    ctx.beginPath();
    for (let i = 0; i < n; i += 1) {
      const [px, py] = toCanvas(canvas, grid[i], curves[b * n + i]);
      if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
    }
    ctx.stroke();
  }
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 2;
  ctx.beginPath();
  grid.forEach((x, i) => { const [px, py] = toCanvas(canvas, x, mean[i]); if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py); });
  ctx.stroke();
  ctx.fillStyle = '#c92a2a';
  for (const [x, y] of points) {
    const [px, py] = toCanvas(canvas, x, y);
    ctx.beginPath(); ctx.arc(px, py, 5, 0, 2 * Math.PI); ctx.fill();
  }
  // The motif where the exact posterior puts it most likely: hollow squares.
  ctx.strokeStyle = '#1c7ed6';
  ctx.lineWidth = 2;
  motif.forEach((y, k) => {
    const [px, py] = toCanvas(canvas, grid[place + k], y);
    ctx.strokeRect(px - 4, py - 4, 8, 8);
  });
}

// The exact posterior over the motif's place (the grid point of its first value), as bars on the
// panels' x axis, with probability gridlines at quarters.
function drawPlaces(canvas, grid, places) {
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const bottom = canvas.height - 16;
  ctx.strokeStyle = '#dee2e6';
  ctx.fillStyle = '#868e96';
  ctx.font = '11px sans-serif';
  for (const p of [0.25, 0.5, 0.75, 1]) {
    const y = bottom - p * (bottom - 8);
    ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(canvas.width, y); ctx.stroke();
    ctx.fillText(String(p), 2, y - 2);
  }
  for (const x of [-1, 0, 1]) ctx.fillText(`x = ${x}`, toCanvas(canvas, x, 0)[0] - 12, canvas.height - 3);
  const width = (canvas.width / (X[1] - X[0])) * (grid[1] - grid[0]) * 0.8;
  ctx.fillStyle = '#1c7ed6';
  places.forEach((p, s) => {
    const [px] = toCanvas(canvas, grid[s], 0);
    const h = p * (bottom - 8);
    ctx.fillRect(px - width / 2, bottom - h, width, h);
  });
}

// Dragging across a panel in motif mode: the values under the pointer at the grid points it
// crosses, in order, interpolated where the pointer skipped one.
function motifFromDrag(grid, trail) {
  const at = new Map();
  for (const [x, y] of trail) {
    const i = grid.reduce((best, g, k) => (Math.abs(g - x) < Math.abs(grid[best] - x) ? k : best), 0);
    at.set(i, Math.max(-3, Math.min(3, y)));
  }
  const keys = [...at.keys()].sort((a, b) => a - b);
  const values = [];
  for (let i = keys[0]; i <= keys[keys.length - 1]; i += 1) {
    if (at.has(i)) { values.push(at.get(i)); continue; }
    const lo = keys.filter((k) => k < i).pop();
    const hi = keys.find((k) => k > i);
    values.push(at.get(lo) + ((at.get(hi) - at.get(lo)) * (i - lo)) / (hi - lo));
  }
  return values.slice(0, 8);
}

let network = null; // { backend, network }

async function functionNetwork(backend) {
  if (network?.backend !== backend) {
    const bytes = await weights('mlp1d.bpk');
    network?.network.free();
    network = { backend, network: ScoreNetwork.functions(backend, bytes) };
  }
  return network.network;
}

export default {
  id: 'functions',
  title: 'Functions',
  intro: `The "Functions" example of the ${cite('notes')}. A function is 32 values on a grid, and
    functions drawn from a Gaussian process are data like any other: a network learned their score.
    Click to add an observed point (shift-click or right-click removes the nearest); every panel
    conditions on the points from the same noise. Only a Gaussian process gives the exact answer:
    the grey band is its posterior mean ± 2 sd, which the <b>exact posterior score</b> samples;
    <b>replacement</b> and <b>reconstruction guidance</b> approximate it with the unconditional
    score. <b>Motif at an unknown place</b> (in miniature, the motif scaffolding of
    ${cite('trippe')}, where "the mask is also latent"): drag across a panel in motif mode to draw 3 to 8
    values the functions must contain somewhere. The exact posterior is then a mixture over the
    motif's places, weighted by how well each place fits the points (the bars); reconstruction
    guidance sums the likelihood over places; replacement can only paste the motif at one place.`,
  params,
  create(view) {
    const methods = FunctionLab.methods();
    let settings = null;
    const panels = methods.map((m) => {
      const fig = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.width = 420;
      canvas.height = 320;
      canvas.id = `functions-${m}`;
      canvas.className = 'functions';
      const cap = document.createElement('figcaption');
      cap.textContent = CAPTIONS[m];
      fig.append(canvas, cap);
      const edit = (event) => {
        event.preventDefault();
        const [x, y] = fromCanvas(canvas, event);
        let points = parsePoints(settings.points);
        if (event.shiftKey || event.button === 2) {
          if (!points.length) return;
          const d = points.map(([px, py]) => Math.hypot(px - x, (py - y) / 3));
          points.splice(d.indexOf(Math.min(...d)), 1);
        } else {
          if (Math.abs(x) > 1 || Math.abs(y) > 3 || points.length >= 32) return;
          points = [...points, [x, y]];
        }
        view.change({ ...settings, points: writePoints(points) });
      };
      canvas.addEventListener('click', (event) => { if (!drawingMotif) edit(event); });
      canvas.addEventListener('contextmenu', edit);
      keyboardPointer(canvas, 'adds an observed point (in motif mode, a drag draws the motif)');
      return { fig, canvas };
    });
    const button = (id, text, onClick) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = text;
      b.id = id;
      b.addEventListener('click', onClick);
      return b;
    };
    const clear = button('clear-points', 'clear points', () => view.change({ ...settings, points: 'none' }));
    // Motif mode: a drag across a panel draws the motif instead of clicks adding points.
    let drawingMotif = false;
    const mode = button('motif-mode', 'draw motif', () => {
      drawingMotif = !drawingMotif;
      mode.setAttribute('aria-pressed', String(drawingMotif));
    });
    mode.setAttribute('aria-pressed', 'false');
    const clearMotif = button('clear-motif', 'clear motif', () => view.change({ ...settings, motif: 'none' }));
    const presets = Object.entries(MOTIF_PRESETS).map(([name, preset], k) => button(
      `motif-preset-${k}`, `motif preset: ${name}`, () => view.change({ ...settings, ...preset }),
    ));
    const bar = document.createElement('div');
    bar.dataset.part = 'editor';
    bar.append(clear, mode, clearMotif, ...presets);
    view.extra.replaceChildren(bar);
    const placesFig = document.createElement('figure');
    const placesCanvas = document.createElement('canvas');
    placesCanvas.width = 420;
    placesCanvas.height = 320;
    placesCanvas.id = 'functions-places';
    placesCanvas.setAttribute('role', 'img');
    placesCanvas.dataset.described = 'label';
    const placesCap = document.createElement('figcaption');
    placesCap.textContent = 'exact posterior over the motif\'s place (where its first value lies)';
    placesFig.append(placesCanvas, placesCap);
    let trail = null;
    let gridCache = [];
    for (const { canvas } of panels) {
      canvas.addEventListener('pointerdown', (event) => {
        if (!drawingMotif) return;
        trail = [fromCanvas(canvas, event)];
        capture(canvas, event);
      });
      canvas.addEventListener('pointermove', (event) => { if (trail) trail.push(fromCanvas(canvas, event)); });
      canvas.addEventListener('pointerup', (event) => {
        if (!trail) return;
        trail.push(fromCanvas(canvas, event));
        const values = motifFromDrag(gridCache, trail);
        trail = null;
        if (values.length >= 3) view.change({ ...settings, motif: writeMotif(values) });
      });
    }

    return {
      async restart(s) {
        settings = s;
        view.runner.stop();
        const points = parsePoints(s.points);
        const motif = parseMotif(s.motif);
        const net = s.model === 'learned' ? await functionNetwork(view.backend) : undefined;
        const config = {
          points, model: s.model, sampler: s.sampler, steps: s.steps, eta: s.eta, snr: s.snr,
          obs_std: s.obs_std, guidance_scale: s.guidance_scale, batch: Number(s.batch), seed: s.seed,
          motif,
        };
        const lab = net
          ? FunctionLab.with_network(view.backend, config, net)
          : new FunctionLab(view.backend, config);
        const grid = lab.grid();
        gridCache = grid;
        const places = lab.motif_places();
        const place = places.length ? places.indexOf(Math.max(...places)) : 0;
        methods.forEach((m, k) => {
          panels[k].fig.querySelector('figcaption').textContent = (motif.length ? MOTIF_CAPTIONS : CAPTIONS)[m];
        });
        if (motif.length) {
          drawPlaces(placesCanvas, grid, places);
          placesCanvas.dataset.places = JSON.stringify(Array.from(places));
          placesCanvas.setAttribute('aria-label', `Likeliest place of the motif: from x = ${grid[place].toFixed(2)}, probability ${places[place].toFixed(2)}`);
        }
        view.panels.replaceChildren(...panels.map((p) => p.fig), ...(motif.length ? [placesFig] : []));
        const mean = lab.posterior_mean();
        const sd = lab.posterior_sd();
        const n = grid.length;
        const batch = config.batch;
        const total = lab.moves_total[0]; // the runs move together
        const draw = (data) => methods.forEach((m, k) => {
          const offset = (2 * k + (s.show === 'x0' ? 1 : 0)) * batch * n;
          drawFunctions(panels[k].canvas, {
            grid, mean, sd, n, points, motif, place, color: COLORS[m],
            curves: data.subarray(offset, offset + batch * n),
          });
        });
        const describe = (frame) => ({ step: frame.index, text: `step ${frame.index} / ${total}, t = ${frame.t.toFixed(3)}, σ = ${frame.sigma.toFixed(3)}` });
        // [method][x | x0_hat][batch][grid]: a row per method, function and grid point.
        const samples = (data, info) => ({
          name: `step${info.step}.csv`,
          blob: csv(['method', 'function', 'x', 'y', 'y0_hat'], methods.flatMap((m, k) => Array.from({ length: batch * n }, (_, j) => {
            const [f, g] = [Math.floor(j / n), j % n];
            return [m, f, grid[g], data[2 * k * batch * n + j], data[(2 * k + 1) * batch * n + j]];
          }))),
        });
        await view.runner.start(lab, draw, describe, samples);
      },
    };
  },
};
