// One declarative table drives the form, the URL and the settings handed to the lab, in the
// manner of TensorFlow Playground's state.ts: a new control is one row here and one element.

export const PARAMS = [
  { name: 'preset', kind: 'choice', values: ['correlated', 'blobs', 'ring'] },
  { name: 'sampler', kind: 'choice', values: ['em', 'ode-euler', 'ode-heun', 'ddim', 'pc'] },
  { name: 'schedule', kind: 'choice', values: ['vp', 'cosine', 've'] },
  { name: 'steps', kind: 'int', min: 1, max: 2000 },
  { name: 'eta', kind: 'float', min: 0, max: 1 },
  { name: 'snr', kind: 'float', min: 0.01, max: 0.5 },
  { name: 'y', kind: 'float', min: -3, max: 3 },
  { name: 'obs_std', kind: 'float', min: 0, max: 0.5 },
  { name: 'guidance_scale', kind: 'float', min: 0, max: 3 },
  { name: 'batch', kind: 'int', min: 1, max: 2000 },
  { name: 'seed', kind: 'int', min: 0, max: 4294967295 },
];

export const BACKENDS = ['auto', 'webgpu', 'cpu'];

// Parses one raw string for a parameter; undefined when it is not acceptable.
function parse(param, raw) {
  if (param.kind === 'choice') return param.values.includes(raw) ? raw : undefined;
  if (!/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(raw)) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < param.min || v > param.max) return undefined;
  if (param.kind === 'int' && !Number.isInteger(v)) return undefined;
  return v;
}

// Settings from a query string over the defaults; bad or unknown parameters are reported by
// name and fall back to their defaults.
export function readQuery(search, defaults) {
  const query = new URLSearchParams(search);
  const settings = { ...defaults };
  const rejected = [];
  let backend = 'auto';
  for (const [key, raw] of query) {
    if (key === 'backend') {
      if (BACKENDS.includes(raw)) backend = raw; else rejected.push(key);
      continue;
    }
    const param = PARAMS.find((p) => p.name === key);
    const value = param && parse(param, raw);
    if (value === undefined) rejected.push(key); else settings[key] = value;
  }
  return { settings, backend, rejected };
}

// The query string that reproduces these settings (only what differs from the defaults).
export function writeQuery(settings, defaults, backend) {
  const query = new URLSearchParams();
  if (backend !== 'auto') query.set('backend', backend);
  for (const p of PARAMS) {
    if (settings[p.name] !== defaults[p.name]) query.set(p.name, String(settings[p.name]));
  }
  const s = query.toString();
  return s ? `?${s}` : '';
}

export function setForm(form, settings) {
  for (const p of PARAMS) {
    const el = form.elements[p.name];
    if (!el) continue;
    el.value = String(settings[p.name]);
    const out = el.parentElement.querySelector('output');
    if (out) out.textContent = String(settings[p.name]);
  }
  for (const el of form.querySelectorAll('[data-for-sampler]')) {
    el.hidden = el.dataset.forSampler !== settings.sampler;
  }
}

export function readForm(form, current) {
  const settings = { ...current };
  for (const p of PARAMS) {
    const el = form.elements[p.name];
    if (!el) continue;
    const v = parse(p, el.value);
    if (v !== undefined) settings[p.name] = v;
  }
  return settings;
}
