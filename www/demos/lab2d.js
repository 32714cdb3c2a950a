// The 2D lab: data with a closed-form score, sampled four ways on the same noise —
// unconditional, and p(x1 | x2 = y) by the exact posterior, replacement and reconstruction
// guidance — each conditional panel with a histogram of x1 against the exact density.
import { Lab2d } from '../pkg/diffusion_playground.js';
import { samplerRows, seedRow } from '../controls.js';
import { COLORS, densityGrid, drawPanel } from '../draw.js';

const CAPTIONS = {
  unconditional: 'unconditional',
  exact: 'exact posterior',
  replacement: 'replacement',
  reconstruction: 'reconstruction guidance',
};

const params = [
  { name: 'preset', label: 'data', kind: 'choice', def: 'correlated', values: [['correlated', "seed 000's Gaussian ρ = 0.9"], ['blobs', 'three labelled blobs'], ['ring', 'ring of eight']] },
  ...samplerRows({ steps: 100, maxSteps: 2000 }),
  { name: 'schedule', label: 'schedule', kind: 'choice', def: 'vp', values: [['vp', 'VP, linear β'], ['cosine', 'cosine'], ['ve', 'VE']] },
  { name: 'y', label: 'y', kind: 'float', def: 1, min: -3, max: 3, step: 0.05, widget: 'range' },
  { name: 'obs_std', label: 'observation noise', kind: 'float', def: 0.05, min: 0, max: 0.5, step: 0.01, widget: 'range' },
  { name: 'guidance_scale', label: 'guidance scale', kind: 'float', def: 1, min: 0, max: 3, step: 0.05, widget: 'range' },
  { name: 'batch', label: 'points', kind: 'choice', def: '500', values: [['100', '100'], ['500', '500'], ['2000', '2000']] },
  { name: 'show', label: 'show', kind: 'choice', def: 'x', values: [['x', 'x_t'], ['x0', 'prediction x̂0']] },
  seedRow(1),
];

export default {
  id: 'lab2d',
  title: '2D lab',
  intro: `Points are drawn from a data set whose score is known exactly, blurred into noise by the
    SDE x<sub>t</sub> = α(t) x<sub>0</sub> + σ(t) z, and walked back step by step. Every panel starts
    from the same noise. The three panels on the right condition on x<sub>2</sub> = y: the
    <b>exact posterior</b> score, the <b>replacement</b> method (overwrite x<sub>2</sub> with a noised y
    after every step) and <b>reconstruction guidance</b> (add ∇ log p(y | x̂<sub>0</sub>) to the score). The
    histogram above each shows x<sub>1</sub> against the exact p(x<sub>1</sub> | x<sub>2</sub> = y) (black curve).`,
  params,
  create(view) {
    const methods = Lab2d.methods();
    const canvases = methods.map((m) => {
      const fig = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.width = 360;
      canvas.height = 360;
      canvas.id = `panel-${m}`;
      const cap = document.createElement('figcaption');
      cap.textContent = CAPTIONS[m];
      fig.append(canvas, cap);
      return { fig, canvas };
    });
    return {
      async restart(s) {
        view.runner.stop();
        const settings = { ...s, batch: Number(s.batch) };
        delete settings.show;
        view.panels.replaceChildren(...canvases.map((c) => c.fig));
        const lab = new Lab2d(view.backend, JSON.stringify(settings));
        const data = lab.data_samples(1000);
        const xs = densityGrid();
        const density = { xs, values: lab.exact_x1_density(xs) };
        const batch = settings.batch;
        const total = lab.moves_total;
        const draw = (points) => methods.forEach((method, m) => {
          const offset = (2 * m + (s.show === 'x0' ? 1 : 0)) * batch * 2;
          drawPanel(canvases[m].canvas, {
            data,
            points: points.subarray(offset, offset + batch * 2),
            color: COLORS[method],
            y: method === 'unconditional' ? undefined : s.y,
            density: method === 'unconditional' ? undefined : density,
          });
        });
        const describe = (frame) => ({ text: `step ${frame.index} / ${total}, t = ${frame.t.toFixed(3)}` });
        await view.runner.start(lab, draw, describe);
      },
    };
  },
};
