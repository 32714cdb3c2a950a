// Sampling MNIST: a grid of digits denoising step by step, x_t beside the prediction x̂_0, with
// a second setting (or the 20 / 50 / 200 / 1000 steps Ilin & Friesen compare) side by side on the
// same noise.
import { DIGITS, batchRow, samplerChoices, samplerRows, seedRow } from '../controls.js';
import { cite } from '../papers.js';
import { samplerCaption, startDigitRuns } from './digit-runs.js';

const params = [
  ...samplerRows({ steps: 50 }),
  { name: 'label', label: 'digit', kind: 'choice', def: 'none', values: [['none', 'any (unconditional)'], ...DIGITS] },
  { name: 'compare', label: 'side by side', kind: 'choice', def: 'none', values: [['none', 'off'], ['second', 'a second setting'], ['steps', '20 / 50 / 200 / 1000 steps']] },
  { name: 'sampler_b', label: 'second sampler', kind: 'choice', def: 'ddim', get values() { return samplerChoices(); }, when: (s) => s.compare === 'second' },
  { name: 'steps_b', label: 'second steps', kind: 'int', def: 20, min: 1, max: 1000, when: (s) => s.compare === 'second' },
  batchRow(4, [1, 4, 16, 64]),
  seedRow(),
];

function run(s, sampler, steps) {
  return {
    sampler,
    steps,
    eta: s.eta,
    snr: s.snr,
    label: s.label === 'none' ? null : Number(s.label),
  };
}

export default {
  id: 'sampling',
  title: 'Sampling',
  intro: `A U-Net trained on MNIST walks noise back to digits. Left of each pair is x<sub>t</sub>, the
    state of the sampler; right is x̂<sub>0</sub> = (x<sub>t</sub> − σ(t) ε̂) / α(t), its prediction of the
    final image at that step. Side by side, runs start from the same noise and see the same random
    draws, so only the setting differs. The samplers follow ${cite('songSde')}, DDIM that of
    ${cite('ddim')}; 20 / 50 / 200 / 1000 steps side by side repeats the comparison of
    ${cite('ilinFriesen')}.`,
  params,
  // What its first run loads, fetched while the wasm module compiles.
  networks: ['unet'],
  create(view) {
    return {
      async restart(s) {
        let runs = [run(s, s.sampler, s.steps)];
        if (s.compare === 'second') runs.push(run(s, s.sampler_b, s.steps_b));
        if (s.compare === 'steps') runs = [20, 50, 200, 1000].map((n) => run(s, s.sampler, n));
        await startDigitRuns(view, {
          seed: s.seed,
          batch: Number(s.batch),
          runs,
          captions: runs.map(samplerCaption),
        });
      },
    };
  },
};
