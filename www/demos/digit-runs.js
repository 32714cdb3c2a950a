// What the MNIST demos share: a DigitLab of one to four runs from the same noise, a figure per
// run showing x_t beside the prediction x̂_0, and optionally the clean classifier's verdict on
// the predictions as a live histogram.
import { DigitLab } from '../wasm.js';
import { digitModels } from '../models.js';
import { PIXELS, SIDE, countVerdicts, drawDigits, drawHistogram, grey } from '../digits-draw.js';
import { PARAMETER_LABELS, sampler } from '../controls.js';
import { toPng } from '../export.js';

const COLUMNS = { 1: 1, 2: 2, 4: 2, 8: 4, 16: 4, 32: 8, 64: 8 };

function figure(caption) {
  const fig = document.createElement('figure');
  fig.className = 'run';
  const pair = document.createElement('div');
  pair.className = 'pair';
  const x = document.createElement('canvas');
  const x0 = document.createElement('canvas');
  for (const [c, name] of [[x, 'x_t'], [x0, 'x0_hat']]) {
    const cell = document.createElement('div');
    cell.append(c);
    const label = document.createElement('small');
    label.innerHTML = name === 'x_t' ? 'x<sub>t</sub>' : 'prediction x̂<sub>0</sub>';
    cell.append(label);
    c.dataset.kind = name;
    pair.append(cell);
  }
  const cap = document.createElement('figcaption');
  cap.textContent = caption;
  fig.append(pair, cap);
  return { fig, x, x0 };
}

// The guidance demos' side panel: the formula over the histogram of the classifier's verdicts.
export function guidancePanel(view) {
  const side = document.createElement('div');
  side.className = 'side';
  const formula = document.createElement('p');
  formula.className = 'formula';
  formula.dataset.part = 'formula';
  side.append(formula);
  const histogram = histogramFigure(side, '');
  view.extra.replaceChildren(side);
  return { formula, histogram };
}

// A histogram canvas with a caption.
function histogramFigure(container, caption) {
  const fig = document.createElement('figure');
  fig.className = 'histogram';
  fig.dataset.part = 'histogram';
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 160;
  canvas.id = 'histogram';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'bars of how many predictions the classifier reads as each digit; the counts are in the table that follows');
  canvas.dataset.described = 'table';
  const cap = document.createElement('figcaption');
  cap.textContent = caption;
  // The bars' values, for screen readers.
  const table = document.createElement('table');
  table.className = 'visually-hidden';
  table.id = 'histogram-values';
  fig.append(canvas, cap, table);
  container.append(fig);
  return { canvas, caption: cap, table };
}

function tabulate(table, counts) {
  const row = (cells, tag) => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
  table.innerHTML = `<caption>what the classifier reads</caption>${row(['digit', ...counts.map((_, d) => d)], 'th')}${row(['predictions', ...counts], 'td')}`;
}

// Starts `runs` (DigitLab run settings) with `captions`; `needs` names the networks to load
// first. `histogram`: { canvas, caption, target } to judge run 0's predictions.
let started = 0;

export async function startDigitRuns(view, { seed, batch, runs, captions, needs = ['unet'], image, known, histogram }) {
  view.runner.stop();
  started += 1;
  const mine = started;
  view.status('loading the networks…');
  const models = await digitModels(view.backend, needs);
  const lab = new DigitLab(models, { seed, batch, runs }, image, known);
  const figures = runs.map((_, r) => figure(captions[r]));
  view.panels.replaceChildren(...figures.map((f) => f.fig));
  const totals = Array.from(lab.moves_total);
  const columns = COLUMNS[batch] ?? 4;
  let judging = false;
  let judged = -1;
  let frames = 0;
  let latest = null;

  async function judge(data, force) {
    latest = data;
    if (!histogram || judging || (!force && frames - judged < 5)) return;
    if (!models.has_judge) {
      // The classifier arrives after the U-Net: sampling does not wait for it, and the
      // histogram catches up with the latest frame once it is there.
      histogram.caption.textContent = 'loading the classifier…';
      digitModels(view.backend, ['judge'])
        .then(() => { if (mine === started) return judge(latest, true); })
        .catch((e) => view.notice(`The classifier could not load: ${e.message ?? e}`));
      return;
    }
    judging = true;
    judged = frames;
    try {
      const start = batch * PIXELS;
      const probabilities = await models.classify(data.slice(start, start + batch * PIXELS));
      const counts = countVerdicts(probabilities);
      drawHistogram(histogram.canvas, counts, histogram.target);
      tabulate(histogram.table, counts);
      histogram.caption.textContent = `what the classifier reads in the ${batch} predictions x̂0 (step ${frames})`;
    } finally {
      judging = false;
    }
  }

  const draw = async (data, info) => {
    frames = Math.max(...info.moves);
    figures.forEach((f, r) => {
      drawDigits(f.x, data, 2 * r * batch, batch, columns);
      drawDigits(f.x0, data, (2 * r + 1) * batch, batch, columns);
    });
    await judge(data, info.done);
  };
  const describe = (frame) => {
    const moves = Array.from(frame.moves);
    const done = moves.every((m, r) => m >= totals[r]);
    const text = moves.length === 1
      ? `step ${moves[0]} / ${totals[0]}, t = ${frame.times[0].toFixed(3)}, σ = ${frame.sigma.toFixed(3)}`
      : `steps ${moves.map((m, r) => `${m}/${totals[r]}`).join(', ')}`;
    return { moves, done, text };
  };
  // The samples x of every run at 28 x 28 pixels each, a row per run, no gaps, in the grey
  // levels drawn.
  const samples = async (data, info) => {
    const grid = document.createElement('canvas');
    grid.width = batch * SIDE;
    grid.height = runs.length * SIDE;
    const ctx = grid.getContext('2d');
    const image = ctx.createImageData(grid.width, grid.height);
    runs.forEach((_, r) => {
      for (let k = 0; k < batch; k += 1) {
        const offset = (2 * r * batch + k) * PIXELS;
        for (let p = 0; p < PIXELS; p += 1) {
          const v = grey(data[offset + p]);
          const at = 4 * ((r * SIDE + Math.floor(p / SIDE)) * grid.width + k * SIDE + (p % SIDE));
          image.data.set([v, v, v, 255], at);
        }
      }
    });
    ctx.putImageData(image, 0, 0);
    return { name: `samples-step${Math.max(...info.moves)}.png`, blob: await toPng(grid) };
  };
  await view.runner.start(lab, draw, describe, samples);
}

// "DDIM η = 0.5, 20 steps": the sampler's short name, the setting it reads, its steps.
export function samplerCaption(run) {
  const { short, parameter } = sampler(run.sampler);
  const extra = parameter ? ` ${PARAMETER_LABELS[parameter]} = ${run[parameter]}` : '';
  return `${short}${extra}, ${run.steps} steps`;
}
