// Seed 000's "Functions": click points, and diffusion over functions (32 values on a grid, a
// network trained on GP draws, or the GP's own exact score) conditioned on them three ways from
// the same noise, each panel over the exact GP posterior mean and ±2 sd band.
import { FunctionLab, ScoreNetwork } from '../wasm.js';
import { samplerRows, seedRow } from '../controls.js';
import { weights } from '../models.js';

const CAPTIONS = {
  exact: 'exact posterior score',
  replacement: 'replacement',
  reconstruction: 'reconstruction guidance',
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

const params = [
  { name: 'points', kind: 'text', def: '-0.6:1,0:-0.5,0.5:0.8', pattern: POINTS, valid: validPoints },
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

function drawFunctions(canvas, { grid, mean, sd, curves, n, color, points }) {
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
  intro: `A function is 32 values on a grid, and functions drawn from a Gaussian process are data
    like any other: a network learned their score. Click to add an observed point (shift-click or
    right-click removes the nearest); every panel conditions on the points from the same noise. Only
    a Gaussian process gives the exact answer: the grey band is its posterior mean ± 2 sd, which the
    <b>exact posterior score</b> samples; <b>replacement</b> and <b>reconstruction guidance</b>
    approximate it with the unconditional score.`,
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
      canvas.addEventListener('click', edit);
      canvas.addEventListener('contextmenu', edit);
      return { fig, canvas };
    });
    const clear = document.createElement('button');
    clear.type = 'button';
    clear.textContent = 'clear points';
    clear.id = 'clear-points';
    clear.addEventListener('click', () => view.change({ ...settings, points: 'none' }));
    const bar = document.createElement('div');
    bar.dataset.part = 'editor';
    bar.append(clear);
    view.extra.replaceChildren(bar);

    return {
      async restart(s) {
        settings = s;
        view.runner.stop();
        const points = parsePoints(s.points);
        const net = s.model === 'learned' ? await functionNetwork(view.backend) : undefined;
        const config = {
          points, model: s.model, sampler: s.sampler, steps: s.steps, eta: s.eta, snr: s.snr,
          obs_std: s.obs_std, guidance_scale: s.guidance_scale, batch: Number(s.batch), seed: s.seed,
        };
        const lab = net
          ? FunctionLab.with_network(view.backend, JSON.stringify(config), net)
          : new FunctionLab(view.backend, JSON.stringify(config));
        view.panels.replaceChildren(...panels.map((p) => p.fig));
        const grid = lab.grid();
        const mean = lab.posterior_mean();
        const sd = lab.posterior_sd();
        const n = grid.length;
        const batch = config.batch;
        const total = lab.moves_total;
        const draw = (data) => methods.forEach((m, k) => {
          const offset = (2 * k + (s.show === 'x0' ? 1 : 0)) * batch * n;
          drawFunctions(panels[k].canvas, {
            grid, mean, sd, n, points, color: COLORS[m],
            curves: data.subarray(offset, offset + batch * n),
          });
        });
        const describe = (frame) => ({ text: `step ${frame.index} / ${total}, t = ${frame.t.toFixed(3)}` });
        await view.runner.start(lab, draw, describe);
      },
    };
  },
};
