// Classifier guidance on MNIST: the unconditional model plus the scaled gradient of a
// noise-conditioned classifier's log p(c | x_t), with the same live histogram as the CFG demo.
import { DIGITS, batchRow, samplerRows, seedRow } from '../controls.js';
import { cite } from '../papers.js';
import { guidancePanel, samplerCaption, startDigitRuns } from './digit-runs.js';

const params = [
  { name: 'label', label: 'digit', kind: 'choice', def: '7', values: DIGITS },
  { name: 'scale', label: 'classifier scale', kind: 'float', def: 4, min: 0, max: 16, step: 0.5, widget: 'range' },
  ...samplerRows({ steps: 25 }),
  batchRow(8, [4, 8, 16, 32]),
  seedRow(),
];

// The U-Net and the noisy classifier that guides it.
const NEEDS = ['unet', 'guide'];

export default {
  id: 'classifier',
  title: 'Classifier guidance',
  intro: `The unconditional model knows no classes; a second network, trained to name the digit in
    a noisy x<sub>t</sub>, supplies ∇ log p(c | x<sub>t</sub>). Adding it, scaled, to the score steers
    sampling towards c: classifier guidance, as ${cite('dhariwalNichol')} introduced it. Scale 0 is
    unconditional; large scales make digits the classifier is sure of, not necessarily good ones.`,
  params,
  // What its first run loads, fetched while the wasm module compiles.
  networks: NEEDS,
  create(view) {
    const { formula, histogram: hist } = guidancePanel(view);
    return {
      async restart(s) {
        formula.innerHTML = `∇ log p(x<sub>t</sub> | c) ≈ ∇ log p(x<sub>t</sub>) + <b>${s.scale}</b> ∇ log p<sub>φ</sub>(c = ${s.label} | x<sub>t</sub>, t)
          <br><small>Dhariwal & Nichol's classifier guidance with scale s = ${s.scale}</small>`;
        // The label names the class to guide towards; w = 0 gives the U-Net the null label, so
        // the class enters through the classifier alone.
        const run = {
          sampler: s.sampler, steps: s.steps, eta: s.eta, snr: s.snr,
          label: Number(s.label), w: 0, classifier_scale: s.scale,
        };
        await startDigitRuns(view, {
          seed: s.seed,
          batch: Number(s.batch),
          runs: [run],
          captions: [`towards ${s.label}, scale ${s.scale}, ${samplerCaption(run)}`],
          needs: NEEDS,
          histogram: { ...hist, target: Number(s.label) },
        });
      },
    };
  },
};
