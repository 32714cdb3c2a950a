// Classifier-free guidance on MNIST: the class and the scale w, with the formula and a live
// histogram of what the clean classifier reads in the predictions (the digit frequencies of Ilin &
// Friesen's Fig. 4, "Conditional Generative Diffusion with Langevin Dynamics", as it runs).
import { DIGITS, batchRow, samplerRows, seedRow } from '../controls.js';
import { cite } from '../papers.js';
import { guidancePanel, samplerCaption, startDigitRuns } from './digit-runs.js';

const params = [
  { name: 'label', label: 'digit', kind: 'choice', def: '7', values: DIGITS },
  { name: 'w', label: 'w', kind: 'float', def: 2, min: -3, max: 8, step: 0.25, widget: 'range' },
  ...samplerRows({ steps: 25 }),
  batchRow(8, [4, 8, 16, 32]),
  seedRow(),
];

export default {
  id: 'cfg',
  title: 'Classifier-free guidance',
  intro: `One network learned both ε(x, c) for each digit c and, with the label dropped 20 % of the
    time, the unconditional ε(x, ∅). Classifier-free guidance, after ${cite('hoSalimans')}, mixes
    them; w = 0 ignores the class, w = 1 is the plain conditional model, larger w pushes harder
    towards what the class adds, and negative w pushes away from it. The histogram repeats the
    experiment of ${cite('ilinFriesen')}, who write γ = w − 1: conditioned on 7, their γ = −2 drew
    no 7s, γ = −0.5 63 % and γ = 0 nearly all.`,
  params,
  // What its first run loads, fetched while the wasm module compiles.
  networks: ['unet'],
  create(view) {
    const { formula, histogram: hist } = guidancePanel(view);
    return {
      async restart(s) {
        const w = s.w;
        formula.innerHTML = `ε̃(x, t) = ε(x, ∅) + <b>w</b> (ε(x, ${s.label}) − ε(x, ∅)) with <b>w = ${w}</b>
          <br><small>Ilin & Friesen write (1 + γ) ε(x, c) − γ ε(x, ∅): γ = w − 1 = ${w - 1}</small>`;
        const run = { sampler: s.sampler, steps: s.steps, eta: s.eta, snr: s.snr, label: Number(s.label), w };
        await startDigitRuns(view, {
          seed: s.seed,
          batch: Number(s.batch),
          runs: [run],
          captions: [`digit ${s.label}, w = ${w}, ${samplerCaption(run)}`],
          histogram: { ...hist, target: Number(s.label) },
        });
      },
    };
  },
};
