// The 2D lab: data with a closed-form score, sampled from the same noise by the unconditional
// model and by every way of reaching a conditional target, beside that target's exact answer:
// an observation x2 = y (exact posterior, replacement, reconstruction guidance), a class (exact
// class conditional, classifier-free guidance, classifier guidance) or an energy tilt (exact
// tilted mixture, energy guidance by importance weights and, for the energy the shipped networks
// learned, by the trained intermediate energy and the trained intermediate force). The base model
// is the closed form or the score network trained on the data; the score field can be drawn as
// arrows, and the forward process shown.
import { EnergyNetworks, Lab2d, ScoreNetwork } from '../wasm.js';
import { samplerRows, scheduleChoices, seedRow } from '../controls.js';
import { cite } from '../papers.js';
import { COLORS, densityGrid, drawArrows, drawPanel, fieldGrid } from '../draw.js';
import { weights } from '../models.js';
import { csv } from '../export.js';

const CAPTIONS = {
  unconditional: 'unconditional',
  exact: 'exact target',
  replacement: 'replacement',
  reconstruction: 'reconstruction guidance',
  cfg: 'classifier-free guidance',
  classifier: 'classifier guidance (exact classifier)',
  energy: 'energy guidance (importance weights)',
  cep: 'energy guidance (trained f_φ, CEP)',
  force: 'force guidance (trained h_ψ)',
};
const LEARNED = ['blobs', 'ring'];
const CLASSES = { correlated: 1, blobs: 3, ring: 2 };
const FIELD = 13; // arrows per side

const params = [
  { name: 'preset', label: 'data', kind: 'choice', def: 'correlated', values: [['correlated', 'correlated Gaussian ρ = 0.9'], ['blobs', 'three labelled blobs'], ['ring', 'ring of eight, two classes']] },
  { name: 'process', label: 'process', kind: 'choice', def: 'reverse', values: [['reverse', 'sampling (reverse)'], ['forward', 'noising (forward)']] },
  { name: 'conditioning', label: 'condition on', kind: 'choice', def: 'observation', values: [['observation', 'an observation x₂ = y'], ['class', 'a class'], ['energy', 'an energy']], when: (s) => s.process === 'reverse' },
  { name: 'model', label: 'score', kind: 'choice', def: 'exact', values: [['exact', 'exact'], ['learned', 'learned (network)']], when: (s) => LEARNED.includes(s.preset) },
  ...samplerRows({ steps: 100, maxSteps: 2000 }),
  { name: 'schedule', label: 'schedule', kind: 'choice', def: 'vp', get values() { return scheduleChoices(); }, when: (s) => s.model === 'exact' },
  { name: 'y', label: 'y', kind: 'float', def: 1, min: -3, max: 3, step: 0.05, widget: 'range', when: (s) => s.conditioning === 'observation' },
  { name: 'obs_std', label: 'observation noise', kind: 'float', def: 0.05, min: 0, max: 0.5, step: 0.01, widget: 'range', when: (s) => s.conditioning === 'observation' },
  { name: 'guidance_scale', label: 'guidance scale', kind: 'float', def: 1, min: 0, max: 3, step: 0.05, widget: 'range', when: (s) => s.conditioning === 'observation' },
  { name: 'label', label: 'class', kind: 'choice', def: '0', values: [['0', '0'], ['1', '1'], ['2', '2']], when: (s) => s.conditioning === 'class' },
  { name: 'w', label: 'w (both guidances)', kind: 'float', def: 1, min: -2, max: 8, step: 0.25, widget: 'range', when: (s) => s.conditioning === 'class' },
  { name: 'beta', label: 'β', kind: 'float', def: 1, min: 0, max: 5, step: 0.1, widget: 'range', when: (s) => s.conditioning === 'energy' },
  { name: 'cx', label: 'centre x₁', kind: 'float', def: 1.5, min: -3, max: 3, step: 0.1, widget: 'range', when: (s) => s.conditioning === 'energy' },
  { name: 'cy', label: 'centre x₂', kind: 'float', def: 1.5, min: -3, max: 3, step: 0.1, widget: 'range', when: (s) => s.conditioning === 'energy' },
  { name: 'batch', label: 'points', kind: 'choice', def: '500', values: [['100', '100'], ['500', '500'], ['2000', '2000']] },
  { name: 'show', label: 'show', kind: 'choice', def: 'x', values: [['x', 'x_t'], ['x0', 'prediction x̂0']] },
  { name: 'field', label: 'score field', kind: 'choice', def: 'off', values: [['off', 'off'], ['arrows', 'arrows']] },
  seedRow(1),
];

// Grid points for the score-field arrows, flattened pairs.
const fieldPoints = fieldGrid(FIELD);

const networks = new Map(); // `${preset}` -> { backend, network }
async function scoreNetwork(backend, preset) {
  const cached = networks.get(preset);
  if (cached?.backend === backend) return cached.network;
  const bytes = await weights(`mlp2d-${preset}.bpk`);
  cached?.network.free();
  const network = ScoreNetwork.points(backend, bytes, preset);
  networks.set(preset, { backend, network });
  return network;
}

// The energy the shipped energy and force networks learned (asked of the module once it is
// loaded), and the networks per backend.
let trainedEnergy;
const trained = () => { trainedEnergy ??= EnergyNetworks.trained(); return trainedEnergy; };
const trainedFits = (s) => s.conditioning === 'energy' && trained().data.includes(s.preset)
  && s.beta === trained().beta && s.cx === trained().center[0] && s.cy === trained().center[1];
const energyNetworkCache = new Map(); // `${preset}` -> { backend, networks }
async function energyNetworks(backend, preset) {
  const cached = energyNetworkCache.get(preset);
  if (cached?.backend === backend) return cached.networks;
  const [energy, force] = await Promise.all([weights(`energy-${preset}.bpk`), weights(`force-${preset}.bpk`)]);
  cached?.networks.free();
  const networks = EnergyNetworks.load(backend, energy, force, preset);
  energyNetworkCache.set(preset, { backend, networks });
  return networks;
}

function labSettings(s) {
  return {
    preset: s.preset, sampler: s.sampler, schedule: s.model === 'exact' ? s.schedule : 'vp', steps: s.steps,
    batch: Number(s.batch), seed: s.seed, eta: s.eta, snr: s.snr, y: s.y, obs_std: s.obs_std,
    guidance_scale: s.guidance_scale, conditioning: s.conditioning, model: s.model,
    label: Number(s.label), w: s.w, beta: s.beta, center: [s.cx, s.cy],
  };
}

// The forward process as the runner's lab: frame k is the data noised to t = k / steps.
function forwardRun(lab, steps) {
  let k = 0;
  const frame = () => Object.assign(lab.forward(k / steps), { forwardIndex: k });
  return {
    get done() { return k >= steps; },
    frame,
    step() {
      if (k >= steps) return undefined;
      k += 1;
      return frame();
    },
    free() { lab.free(); },
  };
}

function panel(id, caption) {
  const fig = document.createElement('figure');
  const canvas = document.createElement('canvas');
  canvas.width = 360;
  canvas.height = 360;
  canvas.id = `panel-${id}`;
  const cap = document.createElement('figcaption');
  cap.textContent = caption;
  fig.append(canvas, cap);
  return { fig, canvas };
}

export default {
  id: 'lab2d',
  title: '2D lab',
  intro: `Points are drawn from a data set whose score is known exactly (the correlated Gaussian is
    the example of the ${cite('notes')}), blurred into noise by the SDE of ${cite('songSde')},
    x<sub>t</sub> = α(t) x<sub>0</sub> + σ(t) z (choose "noising" to watch), and walked back step by
    step. Every panel starts from the same noise. The conditional panels aim at a target whose exact
    samples are drawn in grey behind them: an observation x<sub>2</sub> = y (exact posterior,
    <b>replacement</b>, <b>reconstruction guidance</b>, with a histogram of x<sub>1</sub> against
    the exact density), a class (<b>classifier-free</b> and <b>classifier guidance</b>, both exact
    at w = 1 with the exact score) or an energy |x − c|²/2 with weight β: <b>energy guidance</b>
    adds −∇E<sub>t</sub>, the gradient of the intermediate energy of ${cite('energy')}, to the
    score, estimated by importance weights over data samples. On the three blobs and the ring at
    β = 1 and centre (1.5, 1.5) two trained networks join it on the same noise: f<sub>φ</sub>, trained by
    Lu et al.'s <b>contrastive energy prediction</b>, whose gradient estimates ∇E<sub>t</sub>, and
    h<sub>ψ</sub>, trained on the intermediate force ∇E<sub>t</sub> itself (<b>force guidance</b>, the
    force-guided variant in ${cite('fan')}, as in ${cite('confdiff')}). With the <b>learned</b>
    score the approximate methods use a network; the exact target still uses the closed form.`,
  params,
  // Settings that cannot go together are mended, not refused.
  adjust(previous, next) {
    const s = { ...next };
    if (!LEARNED.includes(s.preset)) s.model = 'exact';
    // A single-class data set and class conditioning: whichever the user just picked wins.
    if (s.conditioning === 'class' && CLASSES[s.preset] < 2) {
      if (s.preset !== previous.preset) s.conditioning = 'observation'; else s.preset = 'blobs';
    }
    if (Number(s.label) >= CLASSES[s.preset]) s.label = '0';
    return s;
  },
  create(view) {
    return {
      async restart(s) {
        view.runner.stop();
        const settings = labSettings(s);
        const network = settings.model === 'learned' ? await scoreNetwork(view.backend, s.preset) : null;
        const energy = s.process === 'reverse' && trainedFits(s) ? await energyNetworks(view.backend, s.preset) : null;
        const lab = network
          ? Lab2d.with_network(view.backend, settings, network)
          : new Lab2d(view.backend, settings);
        if (energy) lab.use_energy_networks(energy);
        const data = lab.data_samples(1000);
        const batch = settings.batch;
        const arrows = s.field === 'arrows';

        if (s.process === 'forward') {
          const p = panel('forward', 'forward process: data noised to time t');
          view.panels.replaceChildren(p.fig);
          const steps = Math.min(settings.steps, 100);
          const draw = async (points, info) => {
            drawPanel(p.canvas, { data, points: points.subarray(0, batch * 2), color: COLORS.unconditional });
            if (arrows && info.t > 0) {
              const field = new Float32Array(await lab.eps_field(info.t, fieldPoints).read());
              drawArrows(p.canvas, fieldPoints, field.subarray(0, fieldPoints.length));
            }
          };
          const describe = (frame) => ({ t: frame.t, text: `t = ${frame.t.toFixed(3)}, σ = ${frame.sigma.toFixed(3)} (${frame.forwardIndex} / ${steps})` });
          // [x_t | x_0][batch][2]: each sample beside the data point it was noised from.
          const samples = (points, info) => ({
            name: `forward-t${info.t.toFixed(3)}.csv`,
            blob: csv(['sample', 'x_t1', 'x_t2', 'x0_1', 'x0_2'], Array.from({ length: batch }, (_, i) => {
              const x0 = (batch + i) * 2;
              return [i, points[2 * i], points[2 * i + 1], points[x0], points[x0 + 1]];
            })),
          });
          await view.runner.start(forwardRun(lab, steps), draw, describe, samples);
          return;
        }

        const methods = lab.run_methods();
        // Where the networks know another energy, the importance-weight panel says which.
        const untrained = settings.conditioning === 'energy' && trained().data.includes(s.preset) && !energy
          ? ` — trained networks: β = ${trained().beta}, centre (${trained().center.join(', ')}) only` : '';
        const caption = (m) => {
          if (m === 'unconditional' && settings.model === 'learned') return 'unconditional (learned score)';
          return m === 'energy' ? CAPTIONS.energy + untrained : CAPTIONS[m];
        };
        const panels = methods.map((m) => panel(m, caption(m)));
        view.panels.replaceChildren(...panels.map((p) => p.fig));
        const target = lab.target_samples(1000);
        const observation = settings.conditioning === 'observation';
        const xs = densityGrid();
        const density = observation ? { xs, values: lab.exact_x1_density(xs) } : undefined;
        const center = settings.conditioning === 'energy' ? settings.center : undefined;
        const total = lab.moves_total[0]; // the runs move together
        const draw = async (points, info) => {
          methods.forEach((method, m) => {
            const offset = (2 * m + (s.show === 'x0' ? 1 : 0)) * batch * 2;
            const conditional = method !== 'unconditional';
            drawPanel(panels[m].canvas, {
              data: conditional ? target : data,
              points: points.subarray(offset, offset + batch * 2),
              color: COLORS[method],
              y: observation && conditional ? settings.y : undefined,
              density: conditional ? density : undefined,
              center: conditional ? center : undefined,
            });
          });
          if (arrows && info.t > 0) {
            const field = new Float32Array(await lab.eps_field(info.t, fieldPoints).read());
            methods.forEach((_, m) => drawArrows(panels[m].canvas, fieldPoints, field.subarray(m * fieldPoints.length, (m + 1) * fieldPoints.length)));
          }
        };
        const describe = (frame) => ({ t: frame.t, step: frame.index, text: `step ${frame.index} / ${total}, t = ${frame.t.toFixed(3)}, σ = ${frame.sigma.toFixed(3)}` });
        // [method][x | x0_hat][batch][2]: a row per method and sample.
        const samples = (points, info) => ({
          name: `step${info.step}.csv`,
          blob: csv(['method', 'sample', 'x1', 'x2', 'x0_hat1', 'x0_hat2'], methods.flatMap((method, m) => Array.from({ length: batch }, (_, i) => {
            const [x, x0] = [(2 * m * batch + i) * 2, ((2 * m + 1) * batch + i) * 2];
            return [method, i, points[x], points[x + 1], points[x0], points[x0 + 1]];
          }))),
        });
        await view.runner.start(lab, draw, describe, samples);
      },
    };
  },
};
