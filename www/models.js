// Weight files, fetched once per page with a progress bar, and the MNIST networks built from
// them on the active backend. A demo asks only for the networks it needs, so the sampling demo
// draws its first frame as soon as the U-Net has arrived.
import { DigitModels } from './wasm.js';

const downloads = new Map(); // file name -> Promise<Uint8Array>
const progress = new Map(); // file name -> { loaded, total }

function showProgress() {
  const bar = document.getElementById('progress');
  const label = document.getElementById('progress-label');
  let loaded = 0;
  let total = 0;
  let pending = [];
  for (const [name, p] of progress) {
    loaded += p.loaded;
    total += p.total;
    if (p.loaded < p.total) pending.push(name);
  }
  const busy = pending.length > 0;
  bar.parentElement.hidden = !busy;
  bar.max = Math.max(total, 1);
  bar.value = loaded;
  label.textContent = busy ? `loading weights: ${pending.join(', ')} (${(loaded / 1e6).toFixed(2)} of ${(total / 1e6).toFixed(2)} MB)` : '';
}

async function download(name) {
  const response = await fetch(`weights/${name}`);
  if (!response.ok) throw new Error(`weights/${name}: HTTP ${response.status}`);
  const total = Number(response.headers.get('content-length')) || 0;
  const state = { loaded: 0, total };
  progress.set(name, state);
  const chunks = [];
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    state.loaded += value.length;
    state.total = Math.max(state.total, state.loaded);
    showProgress();
  }
  state.total = state.loaded;
  showProgress();
  const bytes = new Uint8Array(state.loaded);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  return bytes;
}

export function weights(name) {
  if (!downloads.has(name)) {
    const p = download(name);
    // A failed download may be retried by the next request.
    p.catch(() => downloads.delete(name));
    downloads.set(name, p);
  }
  return downloads.get(name);
}

const NETWORKS = {
  unet: { file: 'unet.bpk', load: 'load_unet', has: 'has_unet' },
  guide: { file: 'noisy-classifier.bpk', load: 'load_guide', has: 'has_guide' },
  judge: { file: 'classifier.bpk', load: 'load_judge', has: 'has_judge' },
};

// Starts the downloads of `needs` (names of NETWORKS) before anyone asks for the networks: the
// page calls it for its demo while the wasm module is still on its way.
export function prefetch(needs) {
  for (const need of needs) weights(NETWORKS[need].file);
}

let current = null; // { backend, models, loading: Map }

// The MNIST networks on `backend` with at least `needs` loaded (names of NETWORKS).
export async function digitModels(backend, needs) {
  if (!current || current.backend !== backend) {
    current?.models.free();
    current = { backend, models: new DigitModels(backend), loading: new Map() };
  }
  const mine = current;
  await Promise.all(needs.map((need) => {
    const n = NETWORKS[need];
    if (!mine.loading.has(need)) {
      mine.loading.set(need, weights(n.file).then((bytes) => {
        if (current === mine && !mine.models[n.has]) mine.models[n.load](bytes);
      }).catch((e) => {
        // Bytes that would not load are fetched afresh next time, not served from memory.
        mine.loading.delete(need);
        downloads.delete(n.file);
        throw e;
      }));
    }
    return mine.loading.get(need);
  }));
  if (current !== mine) throw new Error('the backend changed while loading');
  return mine.models;
}
