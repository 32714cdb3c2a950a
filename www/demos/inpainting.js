// Inpainting MNIST: a held-out digit (or one drawn here) with part of it hidden; three methods
// fill the hidden part from the same noise: replacement, RePaint's resampling and
// reconstruction guidance. The mask and any drawing live in the URL like every other control.
import { batchRow, samplerRows, seedRow } from '../controls.js';
import { cite } from '../papers.js';
import { PIXELS, SIDE, grey } from '../digits-draw.js';
import { samplerCaption, startDigitRuns } from './digit-runs.js';
import { capture, keyboardPointer } from '../keyboard-pointer.js';

function toBase64Url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text, length) {
  try {
    const s = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
    if (s.length !== length) return null;
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

// Known flags as bits, 98 bytes.
const packMask = (known) => toBase64Url(Uint8Array.from({ length: PIXELS / 8 }, (_, i) => known.slice(8 * i, 8 * i + 8).reduce((a, k, j) => a | (k << j), 0)));
const unpackMask = (text) => {
  const bytes = fromBase64Url(text, PIXELS / 8);
  return bytes && Uint8Array.from({ length: PIXELS }, (_, p) => (bytes[p >> 3] >> (p & 7)) & 1);
};
// Grey levels in [-1, 1] as 4-bit levels, 392 bytes.
const level = (v) => Math.max(0, Math.min(15, Math.round((v + 1) * 7.5)));
const packImage = (image) => toBase64Url(Uint8Array.from({ length: PIXELS / 2 }, (_, i) => level(image[2 * i]) | (level(image[2 * i + 1]) << 4)));
const unpackImage = (text) => {
  const bytes = fromBase64Url(text, PIXELS / 2);
  return bytes && Float32Array.from({ length: PIXELS }, (_, p) => ((bytes[p >> 1] >> (4 * (p & 1))) & 15) / 7.5 - 1);
};

const MASKS = {
  bottom: (x, y) => y < 14,
  top: (x, y) => y >= 14,
  left: (x) => x >= 14,
  right: (x) => x < 14,
  center: (x, y) => !(x >= 8 && x < 20 && y >= 8 && y < 20),
  // Only a 10 x 10 patch of stroke known: the case where its place can be left open.
  patch: (x, y) => x >= 9 && x < 19 && y >= 5 && y < 15,
};

function presetMask(name) {
  return Uint8Array.from({ length: PIXELS }, (_, p) => (MASKS[name](p % SIDE, Math.floor(p / SIDE)) ? 1 : 0));
}

let library = null;
async function digits() {
  library ??= fetch('digits.json').then((r) => {
    if (!r.ok) throw new Error(`digits.json: HTTP ${r.status}`);
    return r.json();
  }).then((j) => j.digits.map((d) => ({
    label: d.label,
    image: Float32Array.from(atob(d.pixels), (c) => (c.charCodeAt(0) / 255) * 2 - 1),
  })));
  return library;
}

const params = [
  { name: 'digit', label: 'digit', kind: 'choice', def: '21', values: [...Array(30).keys()].map((i) => [String(i), `${Math.floor(i / 3)} (${'abc'[i % 3]})`]) },
  { name: 'mask', label: 'hidden part', kind: 'choice', def: 'bottom', values: [['bottom', 'bottom half'], ['top', 'top half'], ['left', 'left half'], ['right', 'right half'], ['center', 'centre square'], ['patch', 'all but a patch'], ['custom', 'painted']] },
  { name: 'brush', label: 'brush', kind: 'choice', def: 'hide', values: [['hide', 'hide pixels'], ['reveal', 'reveal pixels'], ['ink', 'draw ink'], ['erase', 'erase ink']] },
  { name: 'known', kind: 'text', def: '', pattern: /^[A-Za-z0-9_-]{131}$/ },
  { name: 'pixels', kind: 'text', def: '', pattern: /^[A-Za-z0-9_-]{523}$/ },
  ...samplerRows({ steps: 50 }),
  { name: 'jump', label: 'RePaint jump', kind: 'int', def: 5, min: 1, max: 50 },
  { name: 'resamplings', label: 'RePaint resamplings', kind: 'int', def: 3, min: 1, max: 10 },
  { name: 'guidance_scale', label: 'reconstruction scale', kind: 'float', def: 1, min: 0, max: 5, step: 0.1, widget: 'range' },
  batchRow(4, [1, 4, 16]),
  seedRow(),
];

export default {
  id: 'inpainting',
  title: 'Inpainting',
  intro: `Pick a digit, hide part of it (paint on it with the mouse or a finger, or choose a
    preset), and let the unconditional model fill the rest. <b>Replacement</b> overwrites the known
    pixels of x<sub>t</sub> with the noised image after every step, as ${cite('songSde')} impute;
    <b>RePaint</b>, after ${cite('repaint')}, does too, but jumps back up in noise now and then so
    the two parts can agree; <b>reconstruction guidance</b>, after ${cite('videoDiffusion')} and
    ${cite('dps')}, adds the gradient of how well x̂<sub>0</sub> matches the known pixels to the
    score. The fourth panel does the same with the known pixels' <b>place unknown</b>: they must
    appear somewhere, as a motif does in the motif scaffolding of ${cite('trippe')}, and
    the likelihood sums over every place they fit (try the mask "all but a patch"). Hidden pixels
    are tinted red.`,
  params,
  // What its first run loads, fetched while the wasm module compiles.
  networks: ['unet'],
  // Picking a digit or a preset mask replaces what was painted.
  adjust(previous, next) {
    const s = { ...next };
    if (s.digit !== previous.digit) s.pixels = '';
    if (s.mask !== 'custom') s.known = '';
    return s;
  },
  create(view) {
    const editor = document.createElement('canvas');
    editor.id = 'editor';
    editor.width = SIDE;
    editor.height = SIDE;
    editor.setAttribute('role', 'img');
    editor.setAttribute('aria-label', 'the digit to inpaint, its hidden pixels tinted: drag to hide or reveal pixels');
    editor.dataset.described = 'label';
    const box = document.createElement('figure');
    box.className = 'editor';
    box.dataset.part = 'editor';
    const cap = document.createElement('figcaption');
    cap.textContent = 'the observation: paint to hide or reveal';
    box.append(editor, cap);
    view.extra.replaceChildren(box);

    let image = new Float32Array(PIXELS);
    let known = new Uint8Array(PIXELS);
    let settings = null;

    function paintEditor() {
      const ctx = editor.getContext('2d');
      const data = ctx.createImageData(SIDE, SIDE);
      for (let p = 0; p < PIXELS; p += 1) {
        const v = grey(image[p]);
        data.data.set(known[p] ? [v, v, v, 255] : [Math.min(255, v * 0.6 + 110), v * 0.5, v * 0.5, 255], 4 * p);
      }
      ctx.putImageData(data, 0, 0);
    }

    function brushAt(event) {
      const rect = editor.getBoundingClientRect();
      const cx = ((event.clientX - rect.left) / rect.width) * SIDE;
      const cy = ((event.clientY - rect.top) / rect.height) * SIDE;
      for (let y = Math.floor(cy - 2); y <= cy + 2; y += 1) {
        for (let x = Math.floor(cx - 2); x <= cx + 2; x += 1) {
          if (x < 0 || y < 0 || x >= SIDE || y >= SIDE) continue;
          const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
          if (d > 1.6) continue;
          const p = y * SIDE + x;
          if (settings.brush === 'hide') known[p] = 0;
          if (settings.brush === 'reveal') known[p] = 1;
          if (settings.brush === 'ink') image[p] = Math.max(image[p], d < 0.9 ? 1 : 0.2);
          if (settings.brush === 'erase') image[p] = -1;
        }
      }
      paintEditor();
    }

    let painting = false;
    editor.addEventListener('pointerdown', (e) => {
      painting = true;
      capture(editor, e);
      brushAt(e);
    });
    editor.addEventListener('pointermove', (e) => { if (painting) brushAt(e); });
    const finish = () => {
      if (!painting) return;
      painting = false;
      const ink = settings.brush === 'ink' || settings.brush === 'erase';
      view.change({
        ...settings,
        mask: 'custom',
        known: packMask(known),
        pixels: ink || settings.pixels ? packImage(image) : '',
      });
    };
    editor.addEventListener('pointerup', finish);
    editor.addEventListener('pointercancel', finish);
    keyboardPointer(editor, 'paints with the chosen brush');

    return {
      async restart(s) {
        settings = s;
        const library = await digits();
        image = (s.pixels && unpackImage(s.pixels)) || Float32Array.from(library[Number(s.digit)].image);
        known = s.mask === 'custom' ? unpackMask(s.known) ?? presetMask('bottom') : presetMask(s.mask);
        paintEditor();
        const shared = { sampler: s.sampler, steps: s.steps, eta: s.eta, snr: s.snr };
        const runs = [
          { ...shared, inpainting: 'replacement' },
          { ...shared, inpainting: 'repaint', jump: s.jump, resamplings: s.resamplings },
          { ...shared, inpainting: 'reconstruction', guidance_scale: s.guidance_scale },
          { ...shared, inpainting: 'anywhere', guidance_scale: s.guidance_scale },
        ];
        await startDigitRuns(view, {
          seed: s.seed,
          batch: Number(s.batch),
          runs,
          captions: [
            `replacement, ${samplerCaption(shared)}`,
            `RePaint, jump ${s.jump}, ${s.resamplings} resamplings`,
            `reconstruction guidance, scale ${s.guidance_scale}`,
            `known pixels at an unknown place, scale ${s.guidance_scale}`,
          ],
          image,
          known,
        });
      },
    };
  },
};
