// One declarative table per demo drives its form, its URL state and the settings it runs with,
// in the manner of TensorFlow Playground's state.ts: a new control is one row in a table.
//
// A row: { name, label, kind: 'choice' | 'int' | 'float', def, values: [[value, text], ...]
// (choice), min, max, step (numbers), widget: 'range' | 'number', when: (settings) => shown? }.
import { samplers, schedules } from './wasm.js';

// Parameters every page reads besides a demo's own.
export const PAGE_PARAMS = ['demo', 'backend', 'hide'];
export const BACKENDS = ['auto', 'webgpu', 'cpu'];

// Parses one raw string for a parameter; undefined when it is not acceptable.
export function parse(param, raw) {
  if (param.kind === 'choice') return param.values.some(([v]) => v === raw) ? raw : undefined;
  if (param.kind === 'text') return param.pattern.test(raw) && (!param.valid || param.valid(raw)) ? raw : undefined;
  if (!/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(raw)) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < param.min || v > param.max) return undefined;
  if (param.kind === 'int' && !Number.isInteger(v)) return undefined;
  return v;
}

export function defaults(params) {
  return Object.fromEntries(params.map((p) => [p.name, p.def]));
}

// Settings from a query string over the defaults. Bad or unknown parameters are named in
// `rejected` and keep their defaults.
export function readQuery(query, params) {
  const settings = defaults(params);
  const rejected = [];
  for (const [key, raw] of query) {
    if (PAGE_PARAMS.includes(key)) continue;
    const param = params.find((p) => p.name === key);
    const value = param && parse(param, raw);
    if (value === undefined) rejected.push(key); else settings[key] = value;
  }
  return { settings, rejected };
}

// The query string that reproduces the page: the page parameters given, then every setting
// that differs from its default.
export function writeQuery(page, settings, params) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(page)) if (v !== undefined && v !== '') query.set(k, v);
  for (const p of params) {
    if (settings[p.name] !== p.def) query.set(p.name, String(settings[p.name]));
  }
  const s = query.toString();
  return s ? `?${s}` : '';
}

// Builds the form's controls from the table.
export function buildForm(form, params) {
  form.replaceChildren();
  for (const p of params) {
    if (p.kind === 'text') continue;
    const label = document.createElement('label');
    label.dataset.control = p.name;
    label.append(`${p.label} `);
    let input;
    if (p.kind === 'choice') {
      input = document.createElement('select');
      for (const [value, text] of p.values) input.append(new Option(text, value));
    } else {
      input = document.createElement('input');
      input.type = p.widget ?? 'number';
      input.min = p.min;
      input.max = p.max;
      input.step = p.step ?? (p.kind === 'int' ? 1 : 'any');
    }
    input.name = p.name;
    label.append(input);
    if (input.type === 'range') label.append(document.createElement('output'));
    form.append(label);
  }
}

export function setForm(form, settings, params) {
  for (const p of params) {
    const el = form.elements[p.name];
    if (!el) continue;
    el.value = String(settings[p.name]);
    const out = el.parentElement.querySelector('output');
    if (out) out.textContent = String(settings[p.name]);
    el.parentElement.hidden = p.when ? !p.when(settings) : false;
  }
}

export function readForm(form, current, params) {
  const settings = { ...current };
  for (const p of params) {
    const el = form.elements[p.name];
    if (!el) continue;
    const v = parse(p, el.value);
    if (v !== undefined) settings[p.name] = v;
  }
  return settings;
}

// The module's catalogues (src/web/catalogue.rs): every sampler as { name, label, short,
// parameter } and every schedule as { name, label }, so one added in Rust is offered here with
// no change to this file. They can be read only once the module is initialised: rows list them
// through getters, and the shell reads the URL and builds the form after init().
let catalogue;
function catalogues() {
  catalogue ??= { samplers: samplers(), schedules: schedules() };
  return catalogue;
}
const choices = (entries) => entries.map((e) => [e.name, e.label]);
export const samplerChoices = () => choices(catalogues().samplers);
export const scheduleChoices = () => choices(catalogues().schedules);
export const sampler = (name) => catalogues().samplers.find((e) => e.name === name);
// How the page writes the setting a sampler reads besides its steps.
export const PARAMETER_LABELS = { eta: 'η', snr: 'snr' };
const reads = (parameter) => (s) => sampler(s.sampler)?.parameter === parameter;

// Rows shared by the demos.
export const DIGITS = [...Array(10).keys()].map((d) => [String(d), String(d)]);

export function samplerRows({ steps = 50, maxSteps = 1000 } = {}) {
  return [
    { name: 'sampler', label: 'sampler', kind: 'choice', def: 'em', get values() { return samplerChoices(); } },
    { name: 'steps', label: 'steps', kind: 'int', def: steps, min: 1, max: maxSteps },
    { name: 'eta', label: PARAMETER_LABELS.eta, kind: 'float', def: 0, min: 0, max: 1, step: 0.05, widget: 'range', when: reads('eta') },
    { name: 'snr', label: PARAMETER_LABELS.snr, kind: 'float', def: 0.16, min: 0.01, max: 0.5, step: 0.01, widget: 'range', when: reads('snr') },
  ];
}

export function seedRow(def = 3) {
  return { name: 'seed', label: 'seed', kind: 'int', def, min: 0, max: 4294967295 };
}

export function batchRow(def, values) {
  return { name: 'batch', label: 'samples', kind: 'choice', def: String(def), values: values.map((v) => [String(v), String(v)]) };
}
